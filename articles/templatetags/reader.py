"""Template tags for the reader's pages: the site's name and language, the latest articles."""

from django import template
from django.conf import settings

from ..models import Article

register = template.Library()


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
