"""Small helpers that make test data; every test file builds its articles through these."""

from datetime import timedelta
from itertools import count

from django.utils import timezone

from articles.models import Article, Author, Category

_seq = count(1)


def now():
    return timezone.now()


def yesterday():
    return timezone.now() - timedelta(days=1)


def tomorrow():
    return timezone.now() + timedelta(days=1)


def make_author(name=None, **kwargs):
    return Author.objects.create(name=name or f"Author {next(_seq)}", **kwargs)


def make_category(name=None, **kwargs):
    return Category.objects.create(name=name or f"Category {next(_seq)}", **kwargs)


def make_article(title=None, *, tags=(), categories=(), authors=(), **kwargs):
    """A published article from yesterday unless told otherwise."""
    n = next(_seq)
    kwargs.setdefault("body", f"Body of article {n}.")
    kwargs.setdefault("status", Article.Status.PUBLISHED)
    kwargs.setdefault("published_at", yesterday())
    kwargs.setdefault("slug", f"article-{n}")
    article = Article.objects.create(title=title or f"Article {n}", **kwargs)
    if tags:
        article.tags.set(list(tags))
    if categories:
        article.categories.set(categories)
    if authors:
        article.set_authors(authors)
    return article


def make_draft(title=None, **kwargs):
    kwargs.setdefault("status", Article.Status.DRAFT)
    return make_article(title, **kwargs)
