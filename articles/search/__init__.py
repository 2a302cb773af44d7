"""Search that finds Japanese: what is indexed, how a query is read, how matches are found and shown.

PostgreSQL's parser reads a whole run of Japanese as one word, so a plain ``to_tsvector`` never finds
「投資」 inside 「巨額を投じ、投資競争を…」. Here Python tokenises the text first (``tokens.py``): a run
of Chinese, Japanese or Korean letters becomes its overlapping bigrams (投資競争 -> 投資 資競 競争),
other text lower-cased words. A query is tokenised the same way (``query.py``); a term matches where
its tokens stand in a row, so any substring of two characters or more is found exactly, and English
words go through the ``english`` configuration (``investments`` finds ``investment``).

On PostgreSQL (``engines.py``) a GIN index finds the articles holding every token; of those in the
caller's queryset (``Article.objects.published()`` for readers, so drafts never crowd out public
articles) the newest ``MAX_CANDIDATES`` are then checked for the exact phrases and exclusions and
ranked (title, then title/names/excerpt, then body; newest first within each). Bounding the
candidates keeps a query for a word in every other article fast; the page then says "more than". On
SQLite the same tokens are matched by regular expressions over the stored document: slower, for
development. ``results.py`` hands the matches to the paginator a page at a time, with the snippets
and marked titles of ``highlighting.py``; ``admin.py`` puts the same engine behind the admin's box.

The index (``index.py``) is refreshed by ``update_search_index()`` and nothing else, called by the
listeners in ``search_signals.py`` after every committed change (the write path's
``article_changed``, and plain saves, tag and category changes, renamed names), and by
``manage.py rebuild_search_index``. Publishing and unpublishing need no refresh (results start from
``published()``); a deleted article takes its entry with it.

Each constant lives in the one module that reads it (``engines.MAX_CANDIDATES``, ``index.CHUNK``);
the names here are copies, so change or patch the constant in its module.
"""

from ..text import html_to_text
from .admin import SearchAdminMixin
from .engines import MAX_CANDIDATES, Matches, find, search
from .highlighting import SNIPPET_BEFORE, SNIPPET_LENGTH, highlight, snippet
from .index import (
    CHUNK,
    MAX_POSITIONS,
    MAX_REPEATS,
    document,
    head_expression,
    index_in_parallel,
    is_long,
    update_search_index,
    vector_expression,
)
from .query import MAX_CLAUSES, MAX_QUERY_LENGTH, Clause, Query, parse_query
from .results import Results
from .tokens import CJK_LETTERS, CONFIG, bigrams, index_words, normalize

__all__ = [
    "CHUNK",
    "CJK_LETTERS",
    "CONFIG",
    "MAX_CANDIDATES",
    "MAX_CLAUSES",
    "MAX_POSITIONS",
    "MAX_QUERY_LENGTH",
    "MAX_REPEATS",
    "SNIPPET_BEFORE",
    "SNIPPET_LENGTH",
    "Clause",
    "Matches",
    "Query",
    "Results",
    "SearchAdminMixin",
    "bigrams",
    "document",
    "find",
    "head_expression",
    "highlight",
    "html_to_text",
    "index_in_parallel",
    "index_words",
    "is_long",
    "normalize",
    "parse_query",
    "search",
    "snippet",
    "update_search_index",
    "vector_expression",
]
