"""Keeping the search index current: every change to an article, its names or its relations reaches it.

Changes made through ``editing`` arrive as one ``article_changed`` after commit. A plain ``save()``,
a tag added in ``manage.py shell``, or a renamed tag, category or author arrive as Django's model
signals; those are collected per transaction and indexed once it commits.
"""

import threading

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver
from taggit.models import Tag

from . import editing
from .models import Article, ArticleAuthor, Author, Category, TaggedArticle
from .search import update_search_index

# Article ids waiting for the current transaction to commit. A rolled-back transaction leaves its ids
# here; the next commit indexes them again, which is harmless (the entry is rebuilt from the rows).
_pending = threading.local()


def reindex_on_commit(article_ids):
    ids = getattr(_pending, "ids", None)
    if ids is None:
        ids = _pending.ids = set()
    ids.update(article_ids)
    transaction.on_commit(_flush)  # every registration flushes all: one survives any rollback


def _flush():
    ids = getattr(_pending, "ids", None)
    if ids:
        _pending.ids = set()
        update_search_index(sorted(ids))


@receiver(editing.article_changed)
def _article_changed(sender, change, **kwargs):
    if change.after is not None and change.what & {"created", "content", "relations"}:
        update_search_index([change.article_id])


@receiver(post_save, sender=Article)
def _article_saved(sender, instance, update_fields=None, raw=False, **kwargs):
    if raw or editing.writing():
        return
    if update_fields is not None and not set(update_fields) & {"title", "body", "excerpt", "description"}:
        return  # a state or time change: search reads the state from the article itself
    reindex_on_commit([instance.pk])


@receiver(post_save, sender=ArticleAuthor)
@receiver(post_delete, sender=ArticleAuthor)
def _byline_changed(sender, instance, raw=False, **kwargs):
    if not (raw or editing.writing()):
        reindex_on_commit([instance.article_id])


def _relation_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if editing.writing() or action not in {"post_add", "post_remove", "post_clear", "pre_clear"}:
        return
    if not reverse:
        reindex_on_commit([instance.pk])
    elif action == "pre_clear":  # pk_set is empty for a clear: read the articles before they go
        reindex_on_commit(_articles_of(instance))
    elif pk_set:
        reindex_on_commit(pk_set)


m2m_changed.connect(_relation_changed, sender=TaggedArticle, dispatch_uid="search-tags")
m2m_changed.connect(_relation_changed, sender=Article.categories.through, dispatch_uid="search-categories")


def _articles_of(name):
    """The ids of the articles a tag, category or author is on."""
    if isinstance(name, Tag):
        return list(TaggedArticle.objects.filter(tag=name).values_list("content_object_id", flat=True))
    return list(name.articles.values_list("pk", flat=True))


@receiver(post_save, sender=Tag)
@receiver(post_save, sender=Category)
@receiver(post_save, sender=Author)
def _name_saved(sender, instance, created=False, raw=False, **kwargs):
    if not (created or raw):
        reindex_on_commit(_articles_of(instance))


@receiver(pre_delete, sender=Tag)
@receiver(pre_delete, sender=Category)
def _name_deleted(sender, instance, **kwargs):
    reindex_on_commit(_articles_of(instance))
