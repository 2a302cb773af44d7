"""manage.py import_jekyll PATH...: Jekyll posts (files or folders) into articles, all or nothing."""

import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from articles.jekyll.importer import ImportFailed, import_posts


class Command(BaseCommand):
    help = (
        "Import Jekyll posts (files, or folders searched for *.md and *.markdown; in a Jekyll site only "
        "_posts and _drafts). A post is known by its path from the site folder "
        "(blog/_posts/2025-01-02-a.md), or by its file name outside a site: importing again updates the "
        "same articles. Nothing is written unless every file can be imported."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument(
            "--timezone",
            help="Time zone for times without an offset and for old URLs "
            "(default: timezone: in the site's _config.yml, else TIME_ZONE).",
        )
        parser.add_argument(
            "--permalink",
            help="The old site's permalink style or pattern, for redirects from old URLs "
            "(default: permalink: in _config.yml, else Jekyll's 'date').",
        )
        parser.add_argument("--dry-run", action="store_true", help="Report what would happen; write nothing.")
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="Take the file's version of articles edited on the site since the last import "
            "(the site's version is kept as a revision). Without it those files are reported as conflicts.",
        )
        parser.add_argument(
            "--follow-links",
            action="store_true",
            help="Read posts that are links to files outside the folders given (refused by default).",
        )
        parser.add_argument(
            "--media",
            metavar="DIR",
            help=(
                "Folder the posts' images are read from (/assets/a.png is DIR/assets/a.png) into the "
                "image library (default: the site folder holding _posts). Nothing outside it is read, "
                "nothing is downloaded; a lead image not found there is left out, and the article is "
                "shared with its generated card."
            ),
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Import the readable files and report the others, instead of importing nothing.",
        )

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        try:
            report = import_posts(
                options["paths"],
                timezone=options["timezone"],
                permalink=options["permalink"],
                dry_run=options["dry_run"],
                skip_invalid=options["skip_invalid"],
                overwrite=options["overwrite"],
                follow_links=options["follow_links"],
                media=options["media"],
                progress=self._progress if verbosity and self._on_terminal() else _plain,
            )
        except ImportFailed as exc:
            failures = exc.report.failures
            raise CommandError(
                f"{len(failures)} file(s) cannot be imported; nothing was written:\n" + "\n".join(failures)
            ) from exc
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self._summary(report, verbosity)

    def _on_terminal(self):
        return hasattr(self.stdout, "isatty") and self.stdout.isatty()

    def _progress(self, iterable, **kwargs):
        return tqdm(iterable, file=sys.stderr, leave=False, **kwargs)

    def _summary(self, report, verbosity):
        if verbosity >= 2:
            for line in report.warnings:
                self.stdout.write(self.style.WARNING(f"warning: {line}"))
        for line in report.failures:
            self.stderr.write(f"failed: {line}")
        for line in report.conflicts:
            self.stdout.write(self.style.WARNING(f"conflict: {line}"))
        if verbosity == 0:
            return
        prefix = "Dry run (nothing written): " if report.dry_run else ""
        self.stdout.write(
            f"{prefix}{report.files} files: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged, {len(report.conflicts)} conflicts, "
            f"{len(report.warnings)} warnings, {report.failed} failed."
        )
        if report.conflicts:
            self.stdout.write(
                "Conflicting files were left as the site has them; --overwrite takes the files'."
            )
        if report.warnings and verbosity < 2:
            self.stdout.write("Run with -v 2 to list the warnings.")


def _plain(iterable, **kwargs):
    return iterable
