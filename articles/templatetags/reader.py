"""Template tags for the reader's pages: the site's name and language, the latest articles, and
the byline and tag links every card shows."""

from html import escape

from django import template
from django.conf import settings
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

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


# The byline and the tag links are written here, not in included templates: a list of twenty
# cards writes a hundred of these links, and the template language's loop costs about ten times as
# much a link as the f-strings below (bench/README.md). Every name and address is escaped here.


@register.simple_tag
def byline(article):
    """The article's authors, linked, in the byline's order and with its language's separator."""
    authors = article.card.authors
    if not authors:
        return ""
    separator = "、" if article.language == "ja" else ", "
    links = separator.join(f'<a href="{escape(a.url)}" rel="author">{escape(a.name)}</a>' for a in authors)
    return mark_safe(f'<span class="byline">{links}</span>')


@register.simple_tag
def tag_list(tags, label=None):
    """Links to the tags' pages, as a list labelled for screen readers (`label`: the page's
    translation of "Tags", when a list of cards has made it once)."""
    if not tags:
        return ""
    items = "".join(f'<li><a href="{escape(t.url)}" rel="tag">{escape(t.name)}</a></li>' for t in tags)
    return mark_safe(f'<ul class="tags" aria-label="{escape(label or gettext("Tags"))}">{items}</ul>')
