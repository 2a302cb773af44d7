"""The sitemap: thin django.contrib.sitemaps sections over published(), listed by a sitemap index."""

import zoneinfo

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import Max
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import mark_safe
from taggit.models import Tag

from . import links, page_cache
from .models import Article, Author, Category, site_date


class KeptSitemap(Sitemap):
    """A section whose size and latest change, which the index shows, are kept until an article
    changes (page_cache.remembered): finding either reads every listed article or tag."""

    @cached_property
    def paginator(self):
        pages = Paginator(self._items(), self.limit)
        name = f"sitemap-count:{type(self).__name__}"
        pages.count = page_cache.remembered(name, ["sitemap"], lambda: Paginator(self._items(), 1).count)
        return pages

    def get_latest_lastmod(self):
        name = f"sitemap-lastmod:{type(self).__name__}"
        return page_cache.remembered(name, ["sitemap"], super().get_latest_lastmod)

    def get_urls(self, page=1, site=None, protocol=None):
        """The page's <url> elements as one piece of XML (sitemap_section.xml prints it): Django's
        sitemap.xml spends a dozen template nodes on every URL (bench/README.md)."""
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        elements = (url_element(u["location"], u["lastmod"], u["changefreq"]) for u in urls)
        return [mark_safe("\n".join(elements))] if urls else []


def url_element(location, lastmod=None, changefreq=None, zone=None):
    parts = [f"<url><loc>{escape(location)}</loc>"]
    if lastmod is not None:
        parts.append(f"<lastmod>{site_date(lastmod, zone).isoformat()}</lastmod>")
    if changefreq:
        parts.append(f"<changefreq>{changefreq}</changefreq>")
    parts.append("</url>")
    return "".join(parts)


class HomeSitemap(KeptSitemap):
    changefreq = "hourly"

    def items(self):
        return ["articles:home"]

    def location(self, item):
        return reverse(item)

    def lastmod(self, item):
        return page_cache.remembered("sitemap-home", ["sitemap"], self.latest_change)

    @staticmethod
    def latest_change():
        # The home page changes when an article appears or a public one is edited.
        latest = Article.objects.published().aggregate(Max("published_at"), Max("updated_at"))
        return max(filter(None, latest.values()), default=None)


class ArticleSitemap(KeptSitemap):
    # Sections of 2,500 URLs: a crawler reads more of them, and each is made afresh well inside
    # a page's time budget (bench/README.md); the index lists them all.
    limit = 2500

    def items(self):
        # Front matter `sitemap: false` (Jekyll's convention) or `robots: noindex` keeps a page
        # out (Article.in_sitemap); by id, the order article_sitemap_idx answers pages from.
        return (
            Article.objects.published()
            .filter(in_sitemap=True)
            .order_by("pk")
            .only("pk", "slug", "pub_date", "updated_at")
        )

    def lastmod(self, article):
        return article.updated_at

    def get_urls(self, page=1, site=None, protocol=None):
        """As KeptSitemap's, from plain values rather than an Article and a dict per URL."""
        base = f"{self.get_protocol(protocol)}://{self.get_domain(site)}"
        rows = self.paginator.page(page).object_list.values_list("pub_date", "slug", "updated_at")
        urls, self.latest_lastmod = [], None
        # Thousands of URLs: the URL map and the time zone looked up once, not for each.
        reverse, zone = links.reverser(), zoneinfo.ZoneInfo(settings.TIME_ZONE)
        for day, slug, updated in rows:
            urls.append(url_element(base + Article.url_for(day, slug, reverse), updated, zone=zone))
            self.latest_lastmod = max(updated, self.latest_lastmod or updated)
        return [mark_safe("\n".join(urls))] if urls else []

    def get_latest_lastmod(self):
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


class ArchiveSitemap(KeptSitemap):
    """Tag, category or author pages: those with a public article, dated by its latest edit."""

    queryset = None
    articles = None  # the lookup from an object to its articles

    def items(self):
        # Dating every tag reads every tag of every public article: kept like the counts.
        name = f"sitemap-items:{type(self).__name__}"
        return page_cache.remembered(name, ["sitemap"], self.dated)

    def dated(self):
        public = self.queryset.filter(**{f"{self.articles}__in": Article.objects.published()})
        # Filtered first, the annotation only counts the public articles.
        return list(public.annotate(lastmod=Max(f"{self.articles}__updated_at")).order_by("name"))

    def lastmod(self, obj):
        return obj.lastmod


class TagSitemap(ArchiveSitemap):
    queryset = Tag.objects.all()
    articles = "articles_taggedarticle_items__content_object"

    def location(self, tag):
        return links.reverse("articles:tag", tag.slug)


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
