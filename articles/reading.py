"""What an article page shows beside its body: contents, related and neighbouring articles."""

import html
import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import NamedTuple

from django.db.models import CharField, Count, IntegerField, Q, QuerySet, Value
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import ngettext, override
from taggit.models import Tag

from . import links
from .models import Article, ArticleAuthor, Category, TaggedArticle, site_date
from .text import html_to_text

RELATED_COUNT = 4
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


def reading_time_label(article):
    """ "6分で読めます" or "6 min read": in the article's own language, not the visitor's."""
    with override(article.language):
        return ngettext("%(minutes)d min read", "%(minutes)d min read", article.reading_time) % {
            "minutes": article.reading_time
        }


@dataclass
class Around:
    related: list = field(default_factory=list)
    older: Article | None = None
    newer: Article | None = None


def articles_around(article, tag_ids):
    """Related public articles (most shared tags first) and the public neighbours, in one query.

    Each candidate set is a LIMITed subquery; the outer query counts shared tags again, so the
    related ones are the top rows with any shared tag and the neighbours the nearest by time.
    """
    public = Article.objects.published().exclude(pk=article.pk)
    wanted = Q(pk__in=[])
    if article.published_at is not None:
        at, pk = article.published_at, article.pk
        older = public.filter(Q(published_at__lt=at) | Q(published_at=at, pk__lt=pk))
        newer = public.filter(Q(published_at__gt=at) | Q(published_at=at, pk__gt=pk))
        wanted |= Q(pk__in=older.order_by("-published_at", "-pk").values("pk")[:1])
        wanted |= Q(pk__in=newer.order_by("published_at", "pk").values("pk")[:1])
    if tag_ids:
        related = (
            public.filter(tags__in=tag_ids)
            .annotate(shared=Count("tags"))
            .order_by("-shared", "-published_at", "-pk")
        )
        wanted |= Q(pk__in=related.values("pk")[:RELATED_COUNT])
        shared = Count("tagged_items", filter=Q(tagged_items__tag__in=tag_ids))
    else:
        shared = Value(0)
    rows = list(
        public.filter(wanted)
        .annotate(shared=shared)
        .only("title", "slug", "pub_date", "published_at", "language")
    )
    related = sorted(
        (row for row in rows if row.shared),
        key=lambda row: (-row.shared, -row.published_at.timestamp(), -row.pk),
    )[:RELATED_COUNT]
    around = Around(related=related)
    if article.published_at is not None:
        key = (article.published_at, article.pk)
        around.older = max(
            (r for r in rows if (r.published_at, r.pk) < key),
            key=lambda r: (r.published_at, r.pk),
            default=None,
        )
        around.newer = min(
            (r for r in rows if (r.published_at, r.pk) > key),
            key=lambda r: (r.published_at, r.pk),
            default=None,
        )
    return around


def cache_relation(article, name, objects):
    """Fill a relation's prefetch cache, so `article.<name>.all()` returns these objects.

    The cache holds a bare queryset of the related model: asking the relation's manager for its
    own (filtered) queryset costs more than everything else a list card needs.
    """
    queryset = QuerySet(article._meta.get_field(name).related_model)
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    article.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset


def with_terms(article):
    """Load an article's tags and categories in one query: they are shown side by side."""

    def kind(name):
        return Value(name, output_field=CharField())

    rows = (
        Tag.objects.filter(articles_taggedarticle_items__content_object=article)
        .order_by()
        .values_list(kind("tag"), "pk", "name", "slug")
        .union(
            Category.objects.filter(articles=article)
            .order_by()
            .values_list(kind("category"), "pk", "name", "slug"),
            all=True,
        )
    )
    terms = {"tag": [], "category": []}
    for term, pk, name, slug in sorted(rows, key=lambda row: row[2]):
        terms[term].append((Tag if term == "tag" else Category)(pk=pk, name=name, slug=slug))
    cache_relation(article, "tags", terms["tag"])
    cache_relation(article, "categories", terms["category"])
    return article


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

    def kind(letter):
        return Value(letter, output_field=CharField())

    rows = (
        ArticleAuthor.objects.filter(article__in=by_pk)
        .order_by()  # SQLite allows no ORDER BY inside a UNION
        .values_list("article_id", kind("a"), "position", "id", "author__name", "author__slug")
        .union(
            TaggedArticle.objects.filter(content_object__in=by_pk).values_list(
                "content_object_id",
                kind("t"),
                Value(0, output_field=IntegerField()),
                "id",
                "tag__name",
                "tag__slug",
            ),
            all=True,
        )
    )
    # The byline in its order (ArticleAuthor.Meta.ordering); tags by name.
    rows = sorted(rows, key=lambda row: (row[1], row[2], row[3]) if row[1] == "a" else (row[1], 0, row[4]))
    path = links.paths()
    for article in articles:
        article.card_url = path("articles:detail", *_date_parts(article.pub_date), article.slug)
        # What |date:"c" and |date:"DATE_FORMAT" print, without a template filter each.
        moment = timezone.localtime(article.published_at)
        article.card_iso_time, article.card_date = moment.isoformat(), date_format(moment.date())
        article.card_authors, article.card_tags = [], []
    for pk, letter, _position, _id, name, slug in rows:
        if letter == "a":
            by_pk[pk].card_authors.append(Link(name, path("articles:author", slug)))
        else:
            by_pk[pk].card_tags.append(Link(name, path("articles:tag", slug)))
    return articles
