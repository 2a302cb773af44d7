"""Finding matches: PostgreSQL's GIN index and ranking, or regular expressions on SQLite."""

import re
from dataclasses import dataclass
from functools import reduce
from operator import and_

from django.contrib.postgres.search import SearchQuery
from django.db import connections
from django.db.models import Case, F, IntegerField, Q, When
from django.db.models.expressions import RawSQL

from ..models import Article, SearchIndex
from .tokens import CONFIG, WORD_CHAR, word_pattern

MAX_CANDIDATES = 500
# (how many of the newest ids to skip, how many to read) for each window of _newest_matches: each
# window read costs in proportion to its matches, so they double, from a few thousand ids.
WINDOWS = ((0, 4096), (4096, 4096), (8192, 8192), (16384, 16384), (32768, 32768), (65536, 2**62))


@dataclass
class Matches:
    """The ids of the matching articles, best first; ``complete`` is False when candidates ran out."""

    ids: list
    complete: bool = True


def find(queryset, query):
    """The articles of ``queryset`` matching ``query``, best first, at most MAX_CANDIDATES of them.

    The caller chooses the articles: ``Article.objects.published()`` for readers, the admin's
    queryset for editors. An empty query matches nothing.
    """
    if not query:
        return Matches([])
    if connections[queryset.db].vendor == "postgresql":
        return _find_postgres(queryset, query)
    return _find_fallback(queryset, query)


def search(queryset, query):
    """``queryset`` narrowed to the matches of ``query`` (the admin's search box)."""
    return queryset.filter(pk__in=find(queryset, query).ids)


# --- PostgreSQL -------------------------------------------------------------------------------


def _quote(token):
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def _tsquery_text(clauses, operator, weight=""):
    """tsquery syntax built from tokens alone (letters and digits, quoted all the same), never from input."""

    def lexeme(token, prefix):
        flags = ("*" if prefix else "") + weight
        return _quote(token) + (f":{flags}" if flags else "")

    return " & ".join(f"({operator.join(lexeme(*token) for token in c.tokens)})" for c in clauses)


def _tsquery(clauses, operator, weight=""):
    return SearchQuery(_tsquery_text(clauses, operator, weight), search_type="raw", config=CONFIG)


def _newest_matches(queryset, every_token):
    """The newest MAX_CANDIDATES + 1 ids of ``queryset`` holding every token, window by window, as
    SQL for ``pk__in``.

    One query: a UNION ALL of the windows of ids, newest first, under one LIMIT. PostgreSQL runs the
    branches in turn and stops once the LIMIT is met, so a word in every other article is answered
    from the newest few thousand ids, and only a rare word reads the older windows (where it has few
    matches to read). The caller's queryset is compiled once and its SQL repeated in each window:
    the ORM's union of six querysets cost more to build than the query takes to run
    (bench/README.md).
    """
    visible, visible_params = queryset.order_by().values("pk").query.sql_with_params()
    window = (
        f"SELECT visible.id FROM ({visible}) AS visible (id) WHERE visible.id IN (SELECT "
        "article_search_matches_in(to_tsquery(%s::regconfig, %s), "
        f"(SELECT max(article_id) FROM {SearchIndex._meta.db_table}) - %s, %s)) "
        f"ORDER BY visible.id DESC LIMIT {MAX_CANDIDATES + 1}"
    )
    sql = " UNION ALL ".join(f"({window})" for _ in WINDOWS) + f" LIMIT {MAX_CANDIDATES + 1}"
    params = [value for skip, span in WINDOWS for value in (*visible_params, CONFIG, every_token, skip, span)]
    return RawSQL(sql, params)


def _find_postgres(queryset, query):
    # 1. The GIN index (migration 0014) finds the articles holding every token of every included
    # term; of those the caller may see, the newest written are the candidates.
    every_token = _tsquery_text(query.included, " & ")
    candidates = _newest_matches(queryset, every_token)

    # 2. Each candidate ranked in the select list, not filtered in WHERE, so that the planner cannot
    # trade the GIN index for a recheck of every article: -1 when a phrase is not in a row or an
    # excluded term is there; else 2 (title), 1 (names, excerpt), 0.
    def present(clause):
        in_vector = Q(search_index__vector=_tsquery([clause], " <-> "))
        if len(clause.tokens) == 1:
            return in_vector
        # A long document's vector lost positions, so its text decides: LIKE on the words as written,
        # since a regular expression that stems would cost far more over a long text.
        words = " ".join(token for token, _prefix in clause.tokens)
        in_text = f" {words}" if clause.tokens[-1][1] else f" {words} "
        return in_vector | (Q(search_index__long=True) & Q(search_index__document__contains=in_text))

    checks = [present(c) for c in query.included if len(c.tokens) > 1]
    checks += [~present(c) for c in query.excluded]
    rejected = [When(~reduce(and_, checks), then=-1)] if checks else []
    rank = Case(
        *rejected,
        When(search_index__head=_tsquery(query.included, " <-> ", weight="A"), then=2),  # in the title
        When(search_index__head=_tsquery(query.included, " <-> "), then=1),  # in title, names, excerpt
        default=0,
        output_field=IntegerField(),
    )
    rows = list(
        Article.objects.filter(pk__in=candidates)
        .annotate(rank=rank)
        .order_by("-rank", F("published_at").desc(nulls_last=True), "-pk")
        .values_list("pk", "rank")
    )
    ids = [pk for pk, rank in rows if rank >= 0]
    return Matches(ids[:MAX_CANDIDATES], complete=len(rows) <= MAX_CANDIDATES)


# --- SQLite -----------------------------------------------------------------------------------


def _document_pattern(clause, lines=None):
    """SQLite: a regular expression for the clause's tokens in a row in a stored document.

    ``lines`` limits it to the document's first lines: 1 for the title, 3 for title, names and excerpt.
    """
    pieces = []
    for token, prefix in clause.tokens:
        if prefix:
            pieces.append(re.escape(token) + r"[^ \n]*")
        elif re.fullmatch(WORD_CHAR + "+", token):
            pieces.append(word_pattern(token))
        else:
            pieces.append(re.escape(token))
    pattern = r"(?<![^ \n])" + " ".join(pieces) + r"(?![^ \n])"
    if lines is None:
        return pattern
    return rf"^(?:[^\n]*\n){{0,{lines - 1}}}[^\n]*?" + pattern


def _find_fallback(queryset, query):
    """SQLite: the same tokens matched by regular expressions over the stored documents."""
    for clause in query.included:
        queryset = queryset.filter(search_index__document__regex=_document_pattern(clause))
    for clause in query.excluded:
        queryset = queryset.exclude(search_index__document__regex=_document_pattern(clause))

    def everywhere(lines):
        return reduce(
            and_, [Q(search_index__document__regex=_document_pattern(c, lines)) for c in query.included]
        )

    tier = Case(
        When(everywhere(1), then=2), When(everywhere(3), then=1), default=0, output_field=IntegerField()
    )
    ids = list(
        queryset.annotate(tier=tier)
        .order_by("-tier", F("published_at").desc(nulls_last=True), "-pk")
        .values_list("pk", flat=True)[: MAX_CANDIDATES + 1]
    )
    return Matches(ids[:MAX_CANDIDATES], complete=len(ids) <= MAX_CANDIDATES)
