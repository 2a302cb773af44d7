"""manage.py export_jekyll DIR: every article as a Jekyll post under DIR/_posts (undated drafts: _drafts),
the library images they show under DIR/assets/images/library."""

from django.core.management.base import BaseCommand, CommandError

from articles.jekyll.exporter import export_articles
from articles.jekyll.media import LIBRARY_FOLDER
from articles.jekyll.media_export import Export


class Command(BaseCommand):
    help = (
        "Write every article, drafts included (published: false), as DIR/_posts/YYYY-MM-DD-slug.md, "
        "and the library images they show in DIR/assets/images/library; import_jekyll reads the folder "
        "back as the same articles and images."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR")

    def handle(self, *args, **options):
        directory = options["directory"]
        images = Export(directory)
        try:
            written = export_articles(directory, images=images)
        except OSError as exc:
            raise CommandError(f"Cannot write to {directory}: {exc}") from exc
        for line in images.warnings:
            self.stdout.write(self.style.WARNING(f"warning: {line}"))
        self.stdout.write(f"{len(written)} articles written to {directory}.")
        if images.copied:
            # English, as the rest of the import's and export's reports.
            noun = "image" if images.copied == 1 else "images"
            self.stdout.write(f"{images.copied} library {noun} written to {directory}/{LIBRARY_FOLDER}.")
