"""RSS and Atom feeds: thin subclasses of django.contrib.syndication over published()."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed
from taggit.models import Tag

from .models import Article, Author, Category


class LatestRssFeed(Feed):
    title = "Newsroom"
    link = "/"
    description = "Latest articles"

    def items(self):
        return Article.objects.published().with_listing_data()[:20]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_pubdate(self, item):
        return item.published_at


class LatestAtomFeed(LatestRssFeed):
    feed_type = Atom1Feed


class TagRssFeed(LatestRssFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def items(self, obj):
        return super().items().filter(tags=obj) if False else (
            Article.objects.published().filter(tags=obj).with_listing_data()[:20]
        )


class TagAtomFeed(TagRssFeed):
    feed_type = Atom1Feed


class CategoryRssFeed(LatestRssFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Category, slug=slug)

    def items(self, obj):
        return Article.objects.published().filter(categories=obj).with_listing_data()[:20]


class CategoryAtomFeed(CategoryRssFeed):
    feed_type = Atom1Feed


class AuthorRssFeed(LatestRssFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Author, slug=slug)

    def items(self, obj):
        return Article.objects.published().filter(authors=obj).with_listing_data()[:20]


class AuthorAtomFeed(AuthorRssFeed):
    feed_type = Atom1Feed
