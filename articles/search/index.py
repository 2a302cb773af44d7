"""The stored index: an article's document, its PostgreSQL vectors, and refreshing them."""

import multiprocessing
from collections import Counter, defaultdict
from functools import reduce

from django.contrib.postgres.search import SearchVector
from django.db import connections
from django.db.models import F, Func, TextField, Value

from ..models import Article, ArticleAuthor, SearchIndex, TaggedArticle
from ..text import html_to_text
from .tokens import CONFIG, index_words

CHUNK = 200
# A tsvector keeps positions up to 16,383 and 256 per lexeme; beyond that a phrase cannot be checked
# against it, so such documents are checked against their text instead (SearchIndex.long).
MAX_POSITIONS, MAX_REPEATS = 16000, 200


def document(title, names, excerpt, body_text):
    """The indexed text of an article, one line each: title; tags, categories, authors; excerpt; body.

    The excerpt is the one an editor wrote (and the meta description): a summary cut from the body's
    opening is the body, and ranks as the body. Every token has a space on each side, so that
    ``LIKE '% ai 人材 %'`` finds a phrase anywhere.
    """
    return " " + " \n ".join(index_words(part) for part in (title, " ".join(names), excerpt, body_text)) + " "


def is_long(doc):
    """True when PostgreSQL cannot keep every position of the document's words."""
    tokens = doc.split()
    return len(tokens) > MAX_POSITIONS or (bool(tokens) and max(Counter(tokens).values()) > MAX_REPEATS)


def _line(number):
    return Func(F("document"), Value("\n"), Value(number), function="split_part", output_field=TextField())


def vector_expression():
    """PostgreSQL: the tsvector of a stored document (the english configuration leaves bigrams alone)."""
    return SearchVector("document", config=CONFIG)


def head_expression():
    """PostgreSQL: title (A), names (B) and excerpt (C), weighted; small enough to rank every candidate."""
    parts = [
        SearchVector(_line(n), config=CONFIG, weight=weight) for n, weight in ((1, "A"), (2, "B"), (3, "C"))
    ]
    return reduce(lambda a, b: a + b, parts)


def _no_progress(iterable, **kwargs):
    return iterable


def update_search_index(article_ids=None, *, progress=_no_progress):
    """Recompute the search entries of these articles (every article when None); returns how many.

    ``progress`` wraps an iterable, as tqdm does (the Jekyll importer's convention).
    """
    if article_ids is None:
        article_ids = Article.objects.order_by("pk").values_list("pk", flat=True)
    ids = list(dict.fromkeys(article_ids))
    chunks = [ids[start : start + CHUNK] for start in range(0, len(ids), CHUNK)]
    postgres = connections[SearchIndex.objects.db].vendor == "postgresql"
    done = 0
    for chunk in progress(chunks, desc="Indexing", unit=f"×{CHUNK} articles"):
        entries = [
            SearchIndex(article_id=pk, document=doc, long=is_long(doc))
            for pk, doc in _documents(chunk).items()
        ]
        SearchIndex.objects.bulk_create(
            entries, update_conflicts=True, unique_fields=["article"], update_fields=["document", "long"]
        )
        if postgres:
            # Only PostgreSQL can build a tsvector: it reads the documents just stored, a chunk at a time.
            SearchIndex.objects.filter(article_id__in=chunk).update(
                vector=vector_expression(), head=head_expression()
            )
        done += len(entries)
    return done


def _index_chunk(chunk):
    return update_search_index(chunk)


def index_in_parallel(article_ids, *, jobs=2, on_chunk=None):
    """Index articles in `jobs` processes, each with its own connection; returns how many.

    Several processes only for committed articles on PostgreSQL, where building vectors then uses
    both cores; otherwise (SQLite, or inside a transaction) this process does it all.
    """
    ids = list(dict.fromkeys(article_ids))
    chunks = [ids[start : start + CHUNK] for start in range(0, len(ids), CHUNK)]
    connection = connections[SearchIndex.objects.db]
    # Inside a transaction the rows are invisible to other processes: index them in this one.
    if jobs < 2 or len(chunks) < 2 or connection.vendor != "postgresql" or connection.in_atomic_block:
        results = map(_index_chunk, chunks)
        pool = None
    else:
        connections.close_all()  # a forked process must not share its parent's connection
        pool = multiprocessing.get_context("fork").Pool(jobs)
        results = pool.imap(_index_chunk, chunks)
    count = 0
    try:
        for chunk, done in zip(chunks, results, strict=True):
            count += done
            if on_chunk:
                on_chunk(chunk)
    finally:
        if pool:
            pool.close()
            pool.join()
    return count


def _documents(ids):
    names = defaultdict(list)
    relations = [
        TaggedArticle.objects.filter(content_object_id__in=ids).values_list("content_object_id", "tag__name"),
        Article.categories.through.objects.filter(article_id__in=ids).values_list(
            "article_id", "category__name"
        ),
        ArticleAuthor.objects.filter(article_id__in=ids).values_list("article_id", "author__name"),
    ]
    for rows in relations:
        for pk, name in rows:
            names[pk].append(name)
    articles = Article.objects.filter(pk__in=ids).values_list(
        "pk", "title", "excerpt", "description", "body_html"
    )
    return {
        pk: document(title, names[pk], f"{excerpt} {description}", html_to_text(body_html))
        for pk, title, excerpt, description, body_html in articles
    }
