"""RSS 2.0 and Atom feeds: thin django.contrib.syndication subclasses over published()."""

import copy
import hashlib
import re
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Exists, OuterRef
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import feedgenerator, translation
from django.utils.html import escape
from django.utils.translation import gettext_lazy
from django.views.decorators.http import condition
from taggit.models import Tag

from . import cards, page_cache
from .images import pictures
from .models import Article, ArticleAuthor, Author, Category, TaggedArticle, site_date

FEED_LENGTH = 20

# XML 1.0 cannot carry these; one stray control character must not turn a feed into a 500.
_XML_ILLEGAL_CHARACTERS = "".join(map(chr, (*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF)))
_XML_ILLEGAL = re.compile(f"[{re.escape(_XML_ILLEGAL_CHARACTERS)}]")
# The first href/src inside a tag (text cannot hold a raw "<": the sanitiser escapes it).
_URL_ATTRIBUTE = re.compile(r'(<[a-zA-Z][^>]*?\s(?:href|src)=")([^"]*)"')
_HAS_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:")


def xml_text(text):
    """Text that XML 1.0 can carry."""
    # Looking for each character is several times faster than the pattern over a long body, and
    # almost every body has none.
    if any(character in text for character in _XML_ILLEGAL_CHARACTERS):
        return _XML_ILLEGAL.sub("", text)
    return text


def absolute_urls(markup, base):
    """Make relative links and images absolute: feed readers show content away from the site."""

    parts = urlsplit(base)
    origin = f"{parts.scheme}://{parts.netloc}"

    def absolute(match):
        url = match[2]
        if url.startswith("#") or _HAS_SCHEME.match(url):
            return match[0]
        if url.startswith("/") and not url.startswith("//"):
            return f'{match[1]}{origin}{url}"'  # a path on this site: only the origin is missing
        return f'{match[1]}{urljoin(base, url)}"'

    return _URL_ATTRIBUTE.sub(absolute, markup)


class _FullContentMixin:
    """Items carry `content` (the article's HTML) and `authors` (every name in the byline)."""

    def add_item(self, *, content, authors, lead=None, **kwargs):
        # The item link is already absolute, on the host the reader asked for.
        content = absolute_urls(xml_text(content), kwargs["link"])
        if lead is not None:
            lead = {**lead, "url": urljoin(kwargs["link"], lead["url"])}
        super().add_item(content=content, authors=[xml_text(a) for a in authors], lead=lead, **kwargs)


class FullContentRssFeed(_FullContentMixin, feedgenerator.Rss201rev2Feed):
    """RSS 2.0 with the whole article in content:encoded and each author in dc:creator."""

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
            "xmlns:dc": "http://purl.org/dc/elements/1.1/",
            "xmlns:media": "http://search.yahoo.com/mrss/",
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name in item["authors"]:
            handler.addQuickElement("dc:creator", name)
        handler.addQuickElement("content:encoded", item["content"])
        lead = item["lead"]
        if lead is not None:
            # Media RSS: the lead image feed readers show beside the item.
            attributes = {key: str(lead[key]) for key in ("url", "width", "height")}
            handler.addQuickElement(
                "media:content", None, {**attributes, "medium": "image", "type": "image/jpeg"}
            )


class FullContentAtomFeed(_FullContentMixin, feedgenerator.Atom1Feed):
    """Atom with the whole article in <content type="html"> and an <author> per byline name."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name in item["authors"]:
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.endElement("author")
        handler.addQuickElement("content", item["content"], {"type": "html"})
        lead = item["lead"]
        if lead is not None:
            handler.addQuickElement(
                "link", None, {"rel": "enclosure", "type": "image/jpeg", "href": lead["url"]}
            )


def listed(ids):
    """The public articles of a feed's first ids (ListedLink.listing)."""
    return Article.objects.published().filter(pk__in=ids[:FEED_LENGTH])


class ArticleFeed(Feed):
    """The site's latest public articles, or those of one tag, category or author (the archive)."""

    feed_type = FullContentRssFeed
    description = gettext_lazy("The latest articles.")
    archive_model = None
    article_field = None  # Article's relation to archive_model
    page_name = "articles:home"  # the page the feed follows
    title_format = None  # that page's own title (the same message), after the site's name
    # The GUID outlives a changed slug or date, so it is not the URL.
    item_guid_is_permalink = False
    # What items do not carry, said once: Django asks for every item_* name of every item, and a
    # name the class lacks costs an exception each time. Authors are in dc:creator (add_item).
    item_author_name = item_comments = item_copyright = None
    item_enclosures = ()
    # Per request (see __call__): the library images the items show, and the site's host name.
    images = {}
    guid_authority = None

    def __call__(self, request, *args, **kwargs):
        """The feed, or 304 Not Modified when the reader has this version (without rendering it)."""
        # A feed speaks the site's language whatever the reader's Accept-Language says.
        with translation.override(settings.LANGUAGE_CODE):
            obj = self.get_object(request, *args, **kwargs)
            articles = list(self.items(obj))
            # The items' ids and dates fingerprint the feed: an edit, a new article or a
            # withdrawn one changes them.
            versions = [(a.pk, a.published_at, a.updated_at, a.lead_image_id) for a in articles]
            fingerprint = f"{self.__class__.__name__}|{self.title(obj)}|{versions!r}"
            etag = hashlib.md5(fingerprint.encode(), usedforsecurity=False).hexdigest()
            last_modified = max((max(v[1:3]) for v in versions), default=None)

            @condition(etag_func=lambda r: etag, last_modified_func=lambda r: last_modified)
            def render(request):
                cards.load(articles)
                # A copy bound to this request's articles, so get_feed() does not fetch them again.
                bound = copy.copy(self)
                bound.items = articles
                bound.guid_authority = urlsplit(settings.SITE_URL).hostname or "localhost"
                bound.images = pictures.library(pictures.referenced(*(a.body_html for a in articles)))
                feed = bound.get_feed(obj, request)
                return HttpResponse(feed.writeString("utf-8"), content_type=feed.content_type)

            response = render(request)
        keys = ["feeds", *page_cache.article_keys(articles)]
        if obj is not None:
            keys.append(f"{obj._meta.model_name}-{obj.pk}")
        return page_cache.mark(response, keys)

    @property
    def language(self):
        return settings.LANGUAGE_CODE

    def author_name(self):
        # Atom needs an author for entries without a byline; RSS ignores it at channel level.
        return settings.SITE_NAME

    def get_object(self, request, slug=None):
        if self.archive_model is None:
            return None
        # As for the archive page: a tag, category or author without public articles has no
        # feed, and a draft's tags say nothing.
        public = Article.objects.published().filter(**{self.article_field: OuterRef("pk")})
        return get_object_or_404(self.archive_model.objects.filter(Exists(public)), slug=slug)

    def articles(self, obj):
        """The public articles this feed is about, newest first."""
        if obj is None:
            return Article.objects.published()
        return Article.objects.published().filter(**{self.article_field: obj})

    def items(self, obj):
        # Bylines, tags and categories come with the cards, after the 304 check.
        fields = (*cards.CARD_FIELDS, *cards.LEAD_FIELDS, "body_html", "created_at")
        return self.articles(obj).select_related("lead_image").only(*fields)[:FEED_LENGTH]

    def title(self, obj):
        if self.title_format is None:
            return settings.SITE_NAME
        return f"{settings.SITE_NAME} — {self.title_format % {'name': obj.name}}"

    def link(self, obj):
        return reverse(self.page_name, kwargs=None if obj is None else {"slug": obj.slug})

    def item_title(self, item):
        return xml_text(item.title)

    def item_description(self, item):
        # The summary is plain text; description and Atom summary are read as HTML.
        return escape(xml_text(item.summary))

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_link(self, item):
        return item.card.url

    def item_guid(self, item):
        # A tag URI (RFC 4151) from the configured site, not the host of this request.
        return f"tag:{self.guid_authority},{site_date(item.created_at).isoformat()}:article-{item.pk}"

    def item_categories(self, item):
        return [term.name for term in (*item.card.categories, *item.card.tags)]

    def item_extra_kwargs(self, item):
        content = pictures.expand_plain(item.body_html, self.images)
        lead = None
        if item.lead_image_id:
            width, height = pictures.size(item.lead_image, pictures.FEED)
            lead = {"url": pictures.url(item.lead_image, pictures.FEED), "width": width, "height": height}
        return {"content": content, "authors": [author.name for author in item.card.authors], "lead": lead}


class LatestRssFeed(ArticleFeed):
    pass


class LatestAtomFeed(ArticleFeed):
    feed_type = FullContentAtomFeed


class TagRssFeed(ArticleFeed):
    archive_model, article_field, page_name = Tag, "tags", "articles:tag"
    title_format = gettext_lazy("Tag: %(name)s")
    description = gettext_lazy("Articles tagged with this tag.")

    def articles(self, obj):
        # From the tag's own rows, as its pages (ListedLink.listing): a rare tag's feed does not
        # walk every public article to find its twenty.
        return listed(TaggedArticle.listing(tag=obj))


class TagAtomFeed(TagRssFeed):
    feed_type = FullContentAtomFeed


class CategoryRssFeed(ArticleFeed):
    archive_model, article_field, page_name = Category, "categories", "articles:category"
    title_format = gettext_lazy("Category: %(name)s")
    description = gettext_lazy("Articles in this category.")


class CategoryAtomFeed(CategoryRssFeed):
    feed_type = FullContentAtomFeed


class AuthorRssFeed(ArticleFeed):
    archive_model, article_field, page_name = Author, "authors", "articles:author"
    title_format = gettext_lazy("Articles by %(name)s")
    description = gettext_lazy("Articles by this author.")

    def articles(self, obj):
        return listed(ArticleAuthor.listing(author=obj))


class AuthorAtomFeed(AuthorRssFeed):
    feed_type = FullContentAtomFeed
