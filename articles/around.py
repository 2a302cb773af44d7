"""The articles shown around an article: the public ones either side of it, and related ones."""

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Q, Subquery
from django.db.models.signals import m2m_changed

from . import page_cache
from .models import Article, TaggedArticle

RELATED_COUNT = 4
# Ranking the related articles counts every article of the article's tags, the page's most
# expensive query: the best few are kept this long for each version of the article (and until its
# tags change), and each page reads them back through published(), so a withdrawn one disappears
# at once and a newly tagged one appears within RELATED_TTL.
RELATED_CANDIDATES = 12
RELATED_TTL = 10 * 60  # seconds


@dataclass
class Around:
    related: list = field(default_factory=list)
    older: Article | None = None
    newer: Article | None = None

    @property
    def articles(self):
        """Every article shown, once: the page names each of them for the cache."""
        shown = {article.pk: article for article in (*self.related, self.older, self.newer) if article}
        return list(shown.values())


def related_ranking(article):
    """The ids of the public articles sharing most tags with this one, the newest first among equals."""
    key = _ranking_key(article)
    ranked = cache.get(key)
    if ranked is None:
        mine = TaggedArticle.objects.filter(content_object_id=article.pk).values("tag_id")
        candidates = (
            Article.objects.published()
            .exclude(pk=article.pk)
            .filter(tagged_items__tag_id__in=mine)
            .annotate(shared=Count("pk"))
            .order_by("-shared", "-published_at", "-pk")
        )
        ranked = list(candidates.values_list("pk", flat=True)[:RELATED_CANDIDATES])
        cache.set(key, ranked, RELATED_TTL)
    return ranked


def _ranking_key(article):
    return f"articles:related:{article.pk}:{article.version}"


def _forget_ranking(sender, instance, action, reverse, **kwargs):
    # A save through the write path moves the version; tags added outside it arrive here.
    if not reverse and action in {"post_add", "post_remove", "post_clear"}:
        cache.delete(_ranking_key(instance))


m2m_changed.connect(_forget_ranking, sender=TaggedArticle, dispatch_uid="related-ranking")


# What a shown article is read back from: enough for its card's link and date.
SHOWN_FIELDS = ("pk", "title", "slug", "language", "pub_date", "published_at")


def articles_around(article):
    """The article's public neighbours in publication order and its related articles, cards not
    loaded.

    Kept like a page (page_cache.remembered): any article's change moves `list-home`, so a new
    neighbour or a withdrawn related article shows on the next view, and nothing is kept past the
    next scheduled time. Made afresh, it is one query (two when the ranking is made afresh): the
    ORM's compiling of it costs more than the page's other queries together (bench/README.md).
    """
    shown = page_cache.remembered(
        f"around:{article.pk}:{article.version}", ["list-home"], lambda: _shown_around(article)
    )
    articles = {pk: Article(**dict(zip(SHOWN_FIELDS, values, strict=True))) for pk, *_, values in shown}
    around = Around()
    for pk, role, _values in shown:
        if role == "related":
            around.related.append(articles[pk])
        else:
            setattr(around, role, articles[pk])
    return around


def _shown_around(article):
    """[(id, "related" | "older" | "newer", values of SHOWN_FIELDS)], the related best first."""
    public = Article.objects.published()
    ranked = related_ranking(article)
    wanted = Q(pk__in=ranked)
    if article.published_at is not None:
        # Scalar subqueries, each one index step from the article's (time, id): the plain bound on
        # the time is what lets article_public_idx start there (the OR alone is no index range).
        # As `IN (...)` under an OR, PostgreSQL would test every public article against them.
        at, pk = article.published_at, article.pk
        older = public.filter(Q(published_at__lt=at) | Q(published_at=at, pk__lt=pk), published_at__lte=at)
        newer = public.filter(Q(published_at__gt=at) | Q(published_at=at, pk__gt=pk), published_at__gte=at)
        wanted |= Q(pk=Subquery(older.order_by("-published_at", "-pk").values("pk")[:1]))
        wanted |= Q(pk=Subquery(newer.order_by("published_at", "pk").values("pk")[:1]))
    rows = Article.objects.published().filter(wanted).values_list(*SHOWN_FIELDS)
    found = {values[0]: values for values in rows}
    shown = [(pk, "related", found[pk]) for pk in ranked if pk in found][:RELATED_COUNT]
    if article.published_at is not None:
        here = (article.published_at, article.pk)
        older = [values for values in found.values() if (values[5], values[0]) < here]
        newer = [values for values in found.values() if (values[5], values[0]) > here]
        if older:
            closest = max(older, key=lambda values: (values[5], values[0]))
            shown.append((closest[0], "older", closest))
        if newer:
            closest = min(newer, key=lambda values: (values[5], values[0]))
            shown.append((closest[0], "newer", closest))
    return shown
