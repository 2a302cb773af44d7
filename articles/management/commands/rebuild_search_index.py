"""manage.py rebuild_search_index [ID...]: recompute the search index of every article, or of some."""

import multiprocessing
import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections
from tqdm import tqdm

from articles.models import Article
from articles.search import CHUNK, update_search_index


def _index(chunk):
    return update_search_index(chunk)


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
        chunks = [ids[start : start + CHUNK] for start in range(0, len(ids), CHUNK)]
        bar = tqdm(
            total=len(ids), unit="article", desc="Indexing", disable=not (verbosity and sys.stderr.isatty())
        )
        count = 0
        if jobs == 1:
            for chunk in chunks:
                count += update_search_index(chunk)
                bar.update(len(chunk))
        else:
            connections.close_all()  # each process opens its own
            with multiprocessing.get_context("fork").Pool(jobs) as pool:
                for chunk, done in zip(chunks, pool.imap(_index, chunks), strict=True):
                    count += done
                    bar.update(len(chunk))
        bar.close()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE articles_searchindex")  # fresh statistics for the planner
        if verbosity:
            self.stdout.write(f"{count} articles indexed in {time.monotonic() - started:.1f}s.")
