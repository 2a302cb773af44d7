"""Paths of articles, tags, authors and categories, reversed once per process and then remembered.

A list page links some 70 of them and reverse() costs ~35 µs each: a fifth of the page's time.
A path depends only on the URL map, the script prefix and the arguments, so remembering it needs
no invalidation: a changed slug or date is simply another key.
"""

from functools import lru_cache

from django.urls import get_script_prefix, get_urlconf, reverse

# Bounded: a crawler walking every article must not grow a worker without limit (~2 MB at most).
CACHE_SIZE = 16384


@lru_cache(maxsize=CACHE_SIZE)
def _reverse(prefix, urlconf, name, args):
    return reverse(name, args=args)


def path(name, *args):
    """reverse(name, args=args), remembered."""
    return _reverse(get_script_prefix(), get_urlconf(), name, args)


def paths():
    """path() for many links at once: the URL map and script prefix are looked up once."""
    prefix, urlconf = get_script_prefix(), get_urlconf()
    return lambda name, *args: _reverse(prefix, urlconf, name, args)


def article_path(pub_date, slug):
    """An article's address (the same as Article.url_for)."""
    return path("articles:detail", pub_date.year, pub_date.month, pub_date.day, slug)


def tag_path(slug):
    return path("articles:tag", slug)


def author_path(slug):
    return path("articles:author", slug)


def category_path(slug):
    return path("articles:category", slug)


def path_of(article):
    """Article.get_absolute_url(), remembered for dated articles."""
    if article.pub_date is None:
        return article.get_absolute_url()
    return article_path(article.pub_date, article.slug)
