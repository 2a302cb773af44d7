"""What an article page shows beside its body: contents, related and neighbouring articles."""

import functools
import html
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

from django.core.cache import cache
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, ngettext, override
from taggit.models import Tag

from . import links
from .models import Article, ArticleAuthor, Author, Category, TaggedArticle, site_date
from .text import html_to_text

RELATED_COUNT = 4
# Ranking the related articles counts every article of the article's tags, the page's most
# expensive query; the best few are kept this long, and each page reads them back through
# published(), so a withdrawn one disappears at once and a new one appears within RELATED_TTL.
RELATED_CANDIDATES = 12
RELATED_TTL = 10 * 60  # seconds
# A long article gets a table of contents: one with fewer headings is read without one.
TOC_MIN_HEADINGS = 3
# An edit within this time of publication is the launch itself, not an update worth showing.
UPDATE_GRACE = timedelta(hours=1)

_HEADING = re.compile(r'<h([23])\b[^>]*\bid="([^"]+)"[^>]*>(.*?)</h\1>', re.DOTALL | re.IGNORECASE)


@dataclass
class Heading:
    level: int
    id: str
    text: str
    children: list = field(default_factory=list)


def table_of_contents(body_html, minimum=TOC_MIN_HEADINGS):
    """The h2/h3 headings of stored HTML that carry ids, h3s nested under their h2, if enough of them."""
    headings = [
        Heading(int(level), html.unescape(anchor), html_to_text(inner))
        for level, anchor, inner in _HEADING.findall(body_html)
    ]
    if len(headings) < minimum:
        return []
    contents = []
    for heading in headings:
        if heading.level == 3 and contents and contents[-1].level == 2:
            contents[-1].children.append(heading)
        else:
            contents.append(heading)
    return contents


def was_updated(article):
    """True when the last update is worth telling: another day, or materially later."""
    if article.published_at is None or article.updated_at is None:
        return False
    return (
        site_date(article.updated_at) != site_date(article.published_at)
        or article.updated_at - article.published_at >= UPDATE_GRACE
    )


class Moment(NamedTuple):
    """A time as the page prints it, formatted once in Python rather than by two template filters."""

    iso: str  # as |date:"c" prints it
    text: str  # as |date:"DATE_FORMAT" prints it


def moment(value):
    local = timezone.localtime(value)
    return Moment(local.isoformat(), date_text(local.date(), get_language()))


@functools.lru_cache(maxsize=4096)
def date_text(day, language):
    """|date:"DATE_FORMAT" for a day in the active language, remembered: a list page prints a
    dozen dates, mostly the same few, and formatting one costs as much as a card's links."""
    return date_format(day)


class Dateline(NamedTuple):
    published: Moment | None
    updated: Moment | None  # only when the update is worth telling (was_updated)
    reading_time: str  # "6分で読めます" or "6 min read"


def dateline(article):
    """The line under an article's title, in the article's own language, not the visitor's."""
    with override(article.language):
        return Dateline(
            moment(article.published_at) if article.published_at else None,
            moment(article.updated_at) if was_updated(article) else None,
            ngettext("%(minutes)d min read", "%(minutes)d min read", article.reading_time)
            % {"minutes": article.reading_time},
        )


class Teaser(NamedTuple):
    """Another article as a link beside this one: its title, address, language and date."""

    title: str
    url: str
    language: str
    iso_time: str  # as |date:"c" prints it
    date: str  # as |date:"DATE_FORMAT" prints it
    id: int  # the page cache's key for it (page_cache.py)


@dataclass
class Around:
    related: list = field(default_factory=list)
    older: Teaser | None = None
    newer: Teaser | None = None


# A moment no article is published at, standing for "now" in public_condition()'s cached SQL.
_NOW = datetime(1900, 1, 1, tzinfo=UTC)


@functools.cache
def _public_sql(vendor):
    query = Article.objects.published(at=_NOW).query
    return query.get_compiler(connection=connection).compile(query.where)


def public_condition():
    """published()'s WHERE clause as SQL and parameters, for a query the ORM cannot write cheaply.

    The rule stays the one in ArticleQuerySet.published(); columns are qualified with the table's
    name, so the clause fits any query that reads articles_article without an alias. Compiled once
    per process (0.4 ms a page), with the moment put in on each call.
    """
    sql, params = _public_sql(connection.vendor)
    adapt = connection.ops.adapt_datetimefield_value
    marker, now = adapt(_NOW), adapt(timezone.now())
    return sql, [now if param == marker else param for param in params]


def articles_around(article):
    """An article's byline, tags and categories, its public neighbours and related articles: one query.

    Fills the article's `bylines`, `tags` and `categories` caches (those not filled already, as
    prefetch_related() would: a revision's preview brings its own) and returns an Around.

    The neighbours walk article_public_idx from the article's time. The related articles are the
    public ones sharing most tags, the newest first among equals: counting them reads every row
    of the article's tags in tagged_article_by_tag_idx, checked against article_visibility_idx,
    so the ranking (ids and counts) is kept for RELATED_TTL with the tags it was made for, and
    meanwhile each page reads the ranked articles back through published().
    """
    key = f"articles:related:{article.pk}"
    kept = cache.get(key)  # (the tag ids it was ranked for, {article id: tags shared})
    rows = _surroundings(article, kept[1] if kept else None)
    tag_ids = sorted(row.id for row in rows if row.kind == "t")
    if kept is not None and kept[0] != tag_ids:
        kept, rows = None, _surroundings(article, None)  # the tags changed: rank again
    if kept is None:
        cache.set(key, (tag_ids, {row.id: row.number for row in rows if row.kind == "r"}), RELATED_TTL)
    _fill_terms(article, [row[:7] for row in rows if row.kind in "act"])

    around, path = Around(), links.paths()
    articles = [row for row in rows if row.kind in "nr"]
    related = sorted(
        (row for row in articles if row.kind == "r"),
        key=lambda row: (-row.number, -row.published_at.timestamp(), -row.id),
    )
    around.related = [_teaser(row, path) for row in related[:RELATED_COUNT]]
    if article.published_at is not None:
        here = (article.published_at, article.pk)
        older = [row for row in articles if (row.published_at, row.id) < here]
        newer = [row for row in articles if (row.published_at, row.id) > here]
        if older:
            around.older = _teaser(max(older, key=lambda row: (row.published_at, row.id)), path)
        if newer:
            around.newer = _teaser(min(newer, key=lambda row: (row.published_at, row.id)), path)
    return around


class _Row(NamedTuple):
    """A row of _surroundings(); its first seven columns are those of relation_rows()."""

    owner: int  # the article the row is about
    kind: str  # "n" neighbour, "r" related; "a", "c", "t" the article's byline, categories, tags
    number: int  # tags shared ("r"), or the byline's position ("a")
    link: int  # the byline's, category's or tag's link row
    id: int  # the neighbour's or related article's id, or the author's, category's or tag's
    name: str  # or the article's title
    slug: str
    pub_date: date | None
    published_at: datetime | None
    language: str | None


def _surroundings(article, ranked):
    """The rows of articles_around(); `ranked` is the kept ranking, or None to rank afresh.

    Articles come first: PostgreSQL types a UNION's columns from left to right, so the relations'
    NULL dates then take the articles' types.
    """
    public, public_params = public_condition()
    a, t = f'"{Article._meta.db_table}"', f'"{TaggedArticle._meta.db_table}"'
    columns = f"{a}.id, {a}.title, {a}.slug, {a}.pub_date, {a}.published_at, {a}.language"
    parts, params = [], []
    if article.published_at is not None:
        # The nearest public article either side in (publication time, id) order.
        at = connection.ops.adapt_datetimefield_value(article.published_at)
        for sign, order in (("<", "DESC"), (">", "ASC")):
            parts.append(
                f"SELECT * FROM (SELECT {a}.id AS owner, 'n', 0, 0, {columns} FROM {a} WHERE {public} "
                f"AND ({a}.published_at {sign} %s OR ({a}.published_at = %s AND {a}.id {sign} %s)) "
                f"ORDER BY {a}.published_at {order}, {a}.id {order} LIMIT 1) neighbour"
            )
            params += [*public_params, at, at, article.pk]
    if ranked is None:
        # Counted among the article's tags as they are in the database.
        parts.append(
            f"SELECT {a}.id, 'r', picked.shared, 0, {columns} FROM (SELECT {t}.content_object_id AS id, "
            f"COUNT(*) AS shared FROM {t} JOIN {a} ON {a}.id = {t}.content_object_id "
            f"WHERE {t}.tag_id IN (SELECT mine.tag_id FROM {t} mine WHERE mine.content_object_id = %s) "
            f"AND {a}.id <> %s AND {public} GROUP BY {t}.content_object_id, {a}.published_at "
            f"ORDER BY shared DESC, {a}.published_at DESC, {t}.content_object_id DESC "
            f"LIMIT {RELATED_CANDIDATES}) picked JOIN {a} ON {a}.id = picked.id"
        )
        params += [article.pk, article.pk, *public_params]
    elif ranked:
        # The kept ranking, its counts written in as integers.
        shared = " ".join(f"WHEN {int(pk)} THEN {int(count)}" for pk, count in ranked.items())
        parts.append(
            f"SELECT * FROM (SELECT {a}.id AS owner, 'r', CASE {a}.id {shared} END AS shared, 0, {columns} "
            f"FROM {a} WHERE {public} AND {a}.id IN ({', '.join(str(int(pk)) for pk in ranked)}) "
            f"ORDER BY shared DESC, {a}.published_at DESC, {a}.id DESC LIMIT {RELATED_COUNT}) related"
        )
        params += public_params
    parts += _relation_parts(str(int(article.pk)), padding=", NULL, NULL, NULL")
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        rows = cursor.fetchall()
    (date_field, date_converters), (time_field, time_converters) = _date_converters(connection.vendor)
    converted = []
    for row in rows:
        day, when = row[7], row[8]
        for convert in date_converters:
            day = convert(day, date_field, connection)
        for convert in time_converters:
            when = convert(when, time_field, connection)
        converted.append(_Row(*row[:7], day, when, row[9]))
    return converted


@functools.cache
def _date_converters(vendor):
    """How pub_date and published_at come back from a plain cursor (SQLite: as text), as the ORM does it."""
    table = Article._meta.db_table
    converters = []
    for name in ("pub_date", "published_at"):
        column = Article._meta.get_field(name).get_col(table)
        converters.append(
            (column, connection.ops.get_db_converters(column) + column.get_db_converters(connection))
        )
    return converters


def _teaser(row, path):
    url = path("articles:detail", *_date_parts(row.pub_date), row.slug)
    return Teaser(row.name, url, row.language, *moment(row.published_at), row.id)


def cache_relation(article, name, objects):
    """Fill a relation's prefetch cache, so `article.<name>.all()` returns these objects.

    The cache holds a bare queryset of the related model: asking the relation's manager for its
    own (filtered) queryset costs more than everything else a list card needs.
    """
    queryset = QuerySet(article._meta.get_field(name).related_model)
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    article.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset


def _relation_parts(marks, padding=""):
    """relation_rows()'s three SELECTs for the articles whose ids `marks` lists (as SQL), each
    with `padding` (more columns) after its own."""
    byline, author = ArticleAuthor._meta.db_table, Author._meta.db_table
    categorised, category = Article.categories.through._meta.db_table, Category._meta.db_table
    tagged, tag = TaggedArticle._meta.db_table, Tag._meta.db_table
    return {
        "a": f"SELECT link.article_id, 'a', link.position, link.id, author.id, author.name, "
        f"author.slug{padding} FROM {byline} link JOIN {author} author ON author.id = link.author_id "
        f"WHERE link.article_id IN ({marks})",
        "c": f"SELECT link.article_id, 'c', 0, link.id, category.id, category.name, category.slug{padding} "
        f"FROM {categorised} link JOIN {category} category ON category.id = link.category_id "
        f"WHERE link.article_id IN ({marks})",
        "t": f"SELECT link.content_object_id, 't', 0, link.id, tag.id, tag.name, tag.slug{padding} "
        f"FROM {tagged} link JOIN {tag} tag ON tag.id = link.tag_id "
        f"WHERE link.content_object_id IN ({marks})",
    }.values()


def relation_rows(article_ids, kinds="act"):
    """Bylines ("a"), categories ("c") and tags ("t") of some articles, in one query of plain values.

    Rows are (article id, kind, position, link id, author/category/tag id, name, slug). Plain SQL
    over the articles' own relations, whose publication was decided by the caller's query:
    prefetch_related() builds a queryset per article and relation, and even the ORM's UNION of
    values took longer to build (0.5-1 ms) than to run.
    """
    if not article_ids:
        return []
    # The ids are written into the SQL, as integers (int() refuses anything else): a feed's 60
    # placeholders are more than psycopg caches the parsing of, and parsing them cost 0.2 ms.
    marks = ", ".join(str(int(pk)) for pk in article_ids)
    parts = dict(zip("act", _relation_parts(marks), strict=True))
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts[kind] for kind in kinds))
        return cursor.fetchall()


def _fill_terms(article, rows):
    """Fill the article's byline, tags and categories caches from relation_rows() rows.

    A relation whose cache is filled already keeps it, as with prefetch_related().
    """
    terms = {"t": [], "c": [], "a": []}
    for _pk, kind, position, link_pk, pk, name, slug in rows:
        if kind == "a":
            author = Author(pk=pk, name=name, slug=slug)
            terms[kind].append(ArticleAuthor(pk=link_pk, article=article, author=author, position=position))
        else:
            terms[kind].append((Tag if kind == "t" else Category)(pk=pk, name=name, slug=slug))
    filled = getattr(article, "_prefetched_objects_cache", {})
    ordered = {
        "tags": sorted(terms["t"], key=lambda tag: (tag.name, tag.pk)),
        "categories": sorted(terms["c"], key=lambda category: category.name),
        # The byline in its order (ArticleAuthor.Meta.ordering).
        "bylines": sorted(terms["a"], key=lambda byline: (byline.position, byline.pk)),
    }
    for name, objects in ordered.items():
        if name not in filled:
            cache_relation(article, name, objects)


def _date_parts(day):
    return day.year, day.month, day.day


class Link(NamedTuple):
    """A name and where it leads: an author or tag on a list card."""

    name: str
    url: str


def with_card_data(articles):
    """Give list cards their links (`card_url`, `card_authors`, `card_tags`) and dates, in one query.

    prefetch_related() would make two queries and build a queryset per card and relation, and a
    model instance per name, about a third of a list page's time, for a few names and slugs.
    """
    articles = list(articles)
    by_pk = {article.pk: article for article in articles}
    if not by_pk:
        return articles

    # The byline in its order (ArticleAuthor.Meta.ordering); tags by name.
    rows = sorted(
        relation_rows(by_pk, kinds="at"),
        key=lambda row: (row[1], row[2], row[3]) if row[1] == "a" else (row[1], 0, row[5]),
    )
    path = links.paths()
    for article in articles:
        article.card_url = path("articles:detail", *_date_parts(article.pub_date), article.slug)
        # What |date:"c" and |date:"DATE_FORMAT" print, without a template filter each.
        article.card_iso_time, article.card_date = moment(article.published_at)
        article.card_authors, article.card_tags = [], []
    for pk, letter, _position, _link_pk, _pk, name, slug in rows:
        if letter == "a":
            by_pk[pk].card_authors.append(Link(name, path("articles:author", slug)))
        else:
            by_pk[pk].card_tags.append(Link(name, path("articles:tag", slug)))
    return articles
