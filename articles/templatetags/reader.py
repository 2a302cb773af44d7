"""Template tags for the reader's pages: the site's name and language, the latest articles."""

from django import template
from django.conf import settings

from .. import links
from ..models import Article

register = template.Library()


# Remembered paths (articles/links.py) for the links that repeat on list pages.
@register.simple_tag
def path(name, *args):
    """{% url %} for the site's fixed links (header, footer, feeds), remembered."""
    return links.path(name, *args)


@register.filter
def article_url(article):
    return links.path_of(article)


@register.filter
def tag_url(tag):
    return links.tag_path(tag.slug)


@register.filter
def author_url(author):
    return links.author_path(author.slug)


@register.filter
def category_url(category):
    return links.category_path(category.slug)


@register.simple_tag
def site_name():
    return settings.SITE_NAME


@register.simple_tag
def site_language():
    """The site's language (settings.LANGUAGE_CODE): the lang of every page but an article's."""
    return settings.LANGUAGE_CODE


@register.simple_tag
def latest_articles(count=5):
    """The latest public articles, titles and dates only (the 404 page's suggestions)."""
    return Article.objects.published().only("title", "slug", "pub_date", "published_at", "language")[:count]
