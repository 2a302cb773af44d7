"""manage.py rebuild_search_index [ID...]: recompute the search index of every article, or of some."""

import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from tqdm import tqdm

from articles.models import Article
from articles.search import index_in_parallel


class Command(BaseCommand):
    help = (
        "Recompute the search index of every article (or of the articles with the given ids), with a "
        "progress bar. Needed after a change to how articles are indexed, after writing articles "
        "in bulk outside the admin and the importer, or to bring in renamed tags, categories and authors."
    )

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, metavar="ID", help="Article ids (default: all).")
        parser.add_argument(
            "--jobs",
            type=int,
            default=1,
            help="Processes working at once (default 1); each its own connection.",
        )

    def handle(self, *args, ids, jobs, verbosity, **options):
        if jobs < 1:
            raise CommandError("--jobs must be 1 or more.")
        started = time.monotonic()
        ids = ids or list(Article.objects.order_by("pk").values_list("pk", flat=True))
        bar = tqdm(
            total=len(ids), unit="article", desc="Indexing", disable=not (verbosity and sys.stderr.isatty())
        )
        count = index_in_parallel(ids, jobs=jobs, on_chunk=lambda chunk: bar.update(len(chunk)))
        bar.close()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE articles_searchindex")  # fresh statistics for the planner
        if verbosity:
            self.stdout.write(f"{count} articles indexed in {time.monotonic() - started:.1f}s.")
