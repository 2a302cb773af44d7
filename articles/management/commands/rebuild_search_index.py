"""manage.py rebuild_search_index [ID...]: recompute the search index of every article, or of some."""

import sys
import time

from django.core.management.base import BaseCommand
from django.db import connection
from tqdm import tqdm

from articles.search import update_search_index


class Command(BaseCommand):
    help = (
        "Recompute the search index of every article (or of the articles with the given ids), with a "
        "progress bar. Needed only after a change to how articles are indexed, or to bring in names "
        "(tags, categories, authors) renamed since their articles were last saved."
    )

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, metavar="ID", help="Article ids (default: all).")

    def handle(self, *args, ids, verbosity, **options):
        started = time.monotonic()
        show = verbosity > 0 and sys.stderr.isatty()

        def progress(iterable, **kwargs):
            return tqdm(iterable, disable=not show, **kwargs)

        count = update_search_index(ids or None, progress=progress)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE articles_searchindex")  # fresh statistics for the planner
        if verbosity:
            self.stdout.write(f"{count} articles indexed in {time.monotonic() - started:.1f}s.")
