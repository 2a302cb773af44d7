"""Writes that do more than one thing: the admin and other tools call these, not save() hooks."""

from django.db import transaction


@transaction.atomic
def save_article(article):
    """Save an article; if its public URL moved, the old one keeps working (301)."""
    article.save()
    article.keep_old_url()
    return article
