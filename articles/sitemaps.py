"""The sitemap: thin django.contrib.sitemaps sections over published(), listed by a sitemap index."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q, TextField, Value
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce
from django.urls import reverse
from taggit.models import Tag

from .models import Article, Author, Category


class HomeSitemap(Sitemap):
    changefreq = "hourly"

    def items(self):
        return ["articles:home"]

    def location(self, item):
        return reverse(item)

    def lastmod(self, item):
        # The home page changes when an article appears or a public one is edited.
        latest = Article.objects.published().aggregate(Max("published_at"), Max("updated_at"))
        return max(filter(None, latest.values()), default=None)


class ArticleSitemap(Sitemap):
    # Pages of 5,000 URLs render in a fraction of a second; the index lists them all.
    limit = 5000

    def items(self):
        # Front matter `sitemap: false` (Jekyll's convention) keeps a page out of the sitemap.
        # A plain exclude() would also drop articles without the key: SQL's NULL = false is NULL.
        listed = Q(front_matter__sitemap__isnull=True) | ~Q(front_matter__sitemap=False)
        # So does `robots: noindex`, read as seo.py reads it (any case, a string or a list):
        # a page that asks not to be indexed is not submitted for indexing.
        robots = Coalesce(KeyTextTransform("robots", "front_matter"), Value(""), output_field=TextField())
        return (
            Article.objects.published()
            .filter(listed)
            .alias(robots=robots)
            .exclude(robots__icontains="noindex")
            .only("pk", "slug", "pub_date", "updated_at")
        )

    def lastmod(self, article):
        return article.updated_at

    def get_latest_lastmod(self):
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


class ArchiveSitemap(Sitemap):
    """Tag, category or author pages: those with a public article, dated by its latest edit."""

    queryset = None
    articles = None  # the lookup from an object to its articles

    def items(self):
        return (
            self.queryset.filter(**{f"{self.articles}__in": Article.objects.published()})
            # Filtered first, the annotation only counts the public articles.
            .annotate(lastmod=Max(f"{self.articles}__updated_at"))
            .order_by("name")
        )

    def lastmod(self, obj):
        return obj.lastmod


class TagSitemap(ArchiveSitemap):
    queryset = Tag.objects.all()
    articles = "articles_taggedarticle_items__content_object"

    def location(self, tag):
        return reverse("articles:tag", kwargs={"slug": tag.slug})


class CategorySitemap(ArchiveSitemap):
    queryset = Category.objects.all()
    articles = "articles"


class AuthorSitemap(ArchiveSitemap):
    queryset = Author.objects.all()
    articles = "articles"


# Sections of the index at /sitemap.xml; a long section has pages (?p=2...), each in the index.
SITEMAPS = {
    "home": HomeSitemap,
    "articles": ArticleSitemap,
    "tags": TagSitemap,
    "categories": CategorySitemap,
    "authors": AuthorSitemap,
}
