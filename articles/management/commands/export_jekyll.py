"""manage.py export_jekyll DIR: every article as a Jekyll post under DIR/_posts (undated drafts: _drafts)."""

from django.core.management.base import BaseCommand, CommandError

from articles.jekyll.exporter import export_articles


class Command(BaseCommand):
    help = (
        "Write every article, drafts included (published: false), as DIR/_posts/YYYY-MM-DD-slug.md; "
        "import_jekyll reads the folder back as the same articles."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR")

    def handle(self, *args, **options):
        try:
            written = export_articles(options["directory"])
        except OSError as exc:
            raise CommandError(f"Cannot write to {options['directory']}: {exc}") from exc
        self.stdout.write(f"{len(written)} articles written to {options['directory']}.")
