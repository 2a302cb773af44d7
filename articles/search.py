"""Search that finds Japanese: what is indexed, how a query is read, how matches are found and shown.

PostgreSQL's parser reads a whole run of Japanese as one word, so a plain ``to_tsvector`` never finds
「投資」 inside 「巨額を投じ、投資競争を…」. Here Python tokenises the text first: a run of Chinese,
Japanese or Korean letters becomes its overlapping bigrams (投資競争 -> 投資 資競 競争), other text
lower-cased words. A query is tokenised the same way; a term matches where its tokens stand in a row,
so any substring of two characters or more is found exactly, and English words go through the
``english`` configuration (``investments`` finds ``investment``).

On PostgreSQL a GIN index finds the articles holding every token; of those in the caller's queryset
(``Article.objects.published()`` for readers, so drafts never crowd out public articles) the newest
``MAX_CANDIDATES`` are then checked for the exact phrases and exclusions and ranked (title, then
title/names/excerpt, then body; newest first within each). Bounding the candidates keeps a query
for a word in every other article fast; the page then says "more than". On SQLite the same tokens
are matched by regular expressions over the stored document: slower, for development.

The index is refreshed by ``update_search_index()`` and nothing else, called by the listeners in
``search_signals.py`` after every committed change (the write path's ``article_changed``, and plain
saves, tag and category changes, renamed names), and by ``manage.py rebuild_search_index``.
Publishing and unpublishing need no refresh (results start from ``published()``); a deleted article
takes its entry with it.
"""

import multiprocessing
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, reduce
from operator import and_

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connections
from django.db.models import (
    Case,
    F,
    Func,
    IntegerField,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .models import Article, ArticleAuthor, SearchIndex, TaggedArticle
from .text import html_to_text

CONFIG = "english"
MAX_QUERY_LENGTH = 200
MAX_CLAUSES = 12
MAX_CANDIDATES = 500
CHUNK = 200
# A tsvector keeps positions up to 16,383 and 256 per lexeme; beyond that a phrase cannot be checked
# against it, so such documents are checked against their text instead (SearchIndex.long).
MAX_POSITIONS, MAX_REPEATS = 16000, 200

# Letters of CJK scripts (kana, kanji, hangul, 々〆〇); CJK punctuation such as 、。・ is not a letter.
CJK_LETTERS = (
    "\u1100-\u11ff\u3005-\u3007\u3041-\u309f\u30a1-\u30fa\u30fc-\u30ff\u3130-\u318f\u31f0-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
)
_WORD_CHAR = rf"[^\W_{CJK_LETTERS}]"
# A CJK run (group 1) or a word of other letters and digits.
_TOKEN = re.compile(rf"([{CJK_LETTERS}]+)|{_WORD_CHAR}+")
_CJK_RUN = re.compile(rf"[{CJK_LETTERS}]+")
_ALNUM = re.compile(r"[^\W_]+")


def normalize(text):
    """Full-width letters and half-width kana folded (NFKC), then lower case: as both sides compare."""
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return text.lower()


def bigrams(run):
    return list(map(str.__add__, run[:-1], run[1:]))


# --- indexing ---------------------------------------------------------------------------------


def index_words(text):
    """Text as the index holds it: words, and each CJK run as its bigrams then its last letter.

    投資競争 -> 投資 資競 競争 争. With the last letter every letter starts a token, so a one-letter
    query (``株:*``) finds 米国株 too; a query's term keeps it only where more of the term follows.
    """
    return " ".join(_ALNUM.findall(_CJK_RUN.sub(_spread, normalize(text))))


def _spread(match):
    run = match.group()
    if len(run) == 1:
        return f" {run} "
    return " " + " ".join(map(str.__add__, run, run[1:])) + f" {run[-1]} "


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
            # Computed by PostgreSQL from the stored documents, one statement per chunk.
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


# --- reading a query ------------------------------------------------------------------------

# -"a phrase", "a phrase", -word, word; an unclosed quote runs to the end.
_QUERY_PART = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})


@dataclass
class Clause:
    """One condition: a word, a CJK term or a quoted phrase, its parts in order; maybe excluded."""

    text: str
    parts: list  # ("word", w) or ("cjk", run), as written
    excluded: bool = False

    @property
    def tokens(self):
        """(token, prefix) pairs as the index holds them, in order.

        A CJK run's last letter is a token only where more of the term follows (the document's run
        may go on: 人材 is in 人材育成, whose tokens are 人材 材育 育成 成); a lone letter ending the
        term matches as a prefix (株 finds 株価).
        """
        out = []
        for n, (kind, value) in enumerate(self.parts):
            end = n == len(self.parts) - 1
            if kind == "word":
                out.append((value, False))
            elif len(value) == 1:
                out.append((value, end))
            else:
                out += [(bigram, False) for bigram in bigrams(value)]
                if not end:
                    out.append((value[-1], False))
        return out


@dataclass
class Query:
    text: str = ""  # as the reader wrote it, cut to MAX_QUERY_LENGTH
    clauses: list = field(default_factory=list)
    truncated: bool = False

    @property
    def included(self):
        return [clause for clause in self.clauses if not clause.excluded]

    @property
    def excluded(self):
        return [clause for clause in self.clauses if clause.excluded]

    def __bool__(self):
        # Only exclusions ("-foo") would list everything else: that is no search.
        return bool(self.included)


def parse_query(text):
    """The reader's query as clauses; junk (punctuation, SQL, control characters) leaves none."""
    text = " ".join(str(text or "").split())
    truncated = len(text) > MAX_QUERY_LENGTH
    text = text[:MAX_QUERY_LENGTH]
    clauses = []
    for match in _QUERY_PART.finditer(normalize(text).translate(_QUOTES)):
        minus, phrase = match.group(1, 2) if match.group(2) is not None else match.group(3, 4)
        parts = [("cjk" if m.group(1) else "word", m.group()) for m in _TOKEN.finditer(phrase)]
        if parts:
            clauses.append(Clause(phrase, parts, excluded=bool(minus)))
    return Query(text, clauses[:MAX_CLAUSES], truncated)


# --- finding ----------------------------------------------------------------------------------


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


class Results(Sequence):
    """The matches of a query as a paginator reads them: how many, then the articles of one page.

    Two queries, whatever the page: the matching ids (find), then the page's articles from
    ``queryset``, each with a highlighted ``snippet`` and ``marked_title``.
    """

    def __init__(self, queryset, query):
        self.queryset, self.query = queryset, query

    @cached_property
    def matches(self):
        return find(self.queryset, self.query)

    @property
    def complete(self):
        return self.matches.complete

    def __len__(self):
        return len(self.matches.ids)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1 or None][0]
        ids = self.matches.ids[index]
        if not ids:
            return []
        found = self.queryset.in_bulk(ids)
        page = [found[pk] for pk in ids if pk in found]
        for article in page:
            article.snippet = snippet(article, self.query)
            article.marked_title = highlight(article.title, self.query, length=None) or article.title
        return page


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


def _find_postgres(queryset, query):
    # 1. The GIN index alone (see migration 0009) finds the articles holding every token of every
    # included term; of those the caller may see, the newest written are the candidates.
    every_token = _tsquery_text(query.included, " & ")
    matches = RawSQL("SELECT article_search_matches(to_tsquery(%s::regconfig, %s))", [CONFIG, every_token])
    candidates = queryset.order_by().filter(pk__in=matches).order_by("-pk").values("pk")[: MAX_CANDIDATES + 1]

    # 2. Each candidate ranked in the select list, not filtered in WHERE, so that the planner cannot
    # trade the GIN index for a recheck of every article: -1 when a phrase is not in a row or an
    # excluded term is there; else 2 (title), 1 (names, excerpt), 0.
    def present(clause):
        in_vector = Q(search_index__vector=_tsquery([clause], " <-> "))
        if len(clause.tokens) == 1:
            return in_vector
        # A long document's vector lost positions: its text decides, the words as written (LIKE reads
        # 100 KB in tens of microseconds; a regular expression that stems takes ten times longer).
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


# Longest first: the first one ending the word is the one taken off.
# fmt: off
_SUFFIXES = ("ations", "ation", "ments", "ment", "ings", "ing", "ies", "ied", "ers", "er", "es", "ed",
             "e", "s")
# fmt: on


def _word_pattern(word):
    """A word and its English inflections, roughly (PostgreSQL's own matching stems with Snowball)."""
    stem = word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)]
            break
    return re.escape(stem) + "(?:" + "|".join(_SUFFIXES) + ")?"


def _document_pattern(clause, lines=None):
    """SQLite: a regular expression for the clause's tokens in a row in a stored document.

    ``lines`` limits it to the document's first lines: 1 for the title, 3 for title, names and excerpt.
    """
    pieces = []
    for token, prefix in clause.tokens:
        if prefix:
            pieces.append(re.escape(token) + r"[^ \n]*")
        elif re.fullmatch(_WORD_CHAR + "+", token):
            pieces.append(_word_pattern(token))
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


# --- showing ----------------------------------------------------------------------------------

SNIPPET_BEFORE = 50
SNIPPET_LENGTH = 160


def _text_pattern(clause):
    """A regular expression for the clause as written, in normalised running text."""
    pieces = []
    for kind, value in clause.parts:
        if kind == "cjk":
            pieces.append(re.escape(value))
        else:
            pieces.append(rf"(?<!{_WORD_CHAR}){_word_pattern(value)}(?!{_WORD_CHAR})")
    return r"[\W_]*".join(pieces)


def _spans(text, pattern):
    """Where ``pattern`` matches ``text`` once normalised, as (start, end) indexes in ``text``."""
    lowered = text.lower()
    if len(lowered) == len(text):  # the usual case: no folding needed, or none that moves letters
        spans = [m.span() for m in pattern.finditer(lowered) if m.end() > m.start()]
        if spans:
            return spans
    # NFKC may change lengths (… becomes ...): fold letter by letter and keep where each came from.
    table = {char: normalize(char) for char in set(text)}
    pieces = [table[char] for char in text]
    positions = [index for index, piece in enumerate(pieces) for _ in piece]
    folded = "".join(pieces)
    return [
        (positions[m.start()], positions[m.end() - 1] + 1)
        for m in pattern.finditer(folded)
        if m.end() > m.start()
    ]


def highlight(text, query, *, length=SNIPPET_LENGTH):
    """The part of ``text`` around the first match (all of it when ``length`` is None), HTML-escaped,
    matches in <mark>; None when nothing matches."""
    if not query or not text:
        return None
    pattern = re.compile("|".join(f"(?:{_text_pattern(clause)})" for clause in query.included))
    spans = _spans(text, pattern)
    if not spans:
        return None
    start = 0 if length is None else max(0, spans[0][0] - SNIPPET_BEFORE)
    if start > 0 and " " in text[start : spans[0][0]]:
        start = text.index(" ", start) + 1  # do not cut an English word in two
    end = len(text) if length is None else min(len(text), start + length)
    html, cursor = [], start
    for s, e in spans:
        if s < cursor or s >= end:
            continue
        html += [escape(text[cursor:s]), "<mark>", escape(text[s:e]), "</mark>"]
        cursor = e
    html.append(escape(text[cursor:end]) if cursor < end else "")
    return mark_safe(("…" if start > 0 else "") + "".join(html) + ("…" if end < len(text) else ""))


def snippet(article, query):
    """The highlighted excerpt a result shows: from the body, else the summary, else nothing."""
    return highlight(html_to_text(article.body_html), query) or highlight(article.summary, query)


class SearchAdminMixin:
    """The admin's search box on the readers' engine, over what the editor may see (drafts too)."""

    def get_search_results(self, request, queryset, search_term):
        default, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        query = parse_query(search_term)
        if not query:
            return default, may_have_duplicates  # nothing the index holds: Django's own search
        # Every change reaches the index when it commits (search_signals.py): no fallback to
        # Django's own search over every body is needed.
        return search(queryset, query), may_have_duplicates
