"""Revisions: what a snapshot of an article holds and keeping one (restore: editing.py; diffs: diff.py)."""

from django.utils.translation import gettext_lazy as _

from .models import ArticleAuthor, Author, Category, Revision, TaggedArticle

# Restored as they were; publication times stay with the workflow actions.
RESTORED_FIELDS = (
    "title", "slug", "body", "excerpt", "description", "lead_image_id", "image", "image_alt", "language",
)  # fmt: skip
LABELS = {
    "title": _("title"),
    "slug": _("slug"),
    "body": _("body"),
    "excerpt": _("excerpt"),
    "description": _("meta description"),
    "lead_image_id": _("lead image"),
    "image": _("external lead image"),
    "image_alt": _("alt text of the external lead image"),
    "language": _("language"),
    "published_at": _("publication time"),
    "unpublish_at": _("withdrawal time"),
    "tags": _("tags"),
    "categories": _("categories"),
    "authors": _("authors"),
}


def snapshot(article):
    """Everything an editor writes in an article, read fresh from the database (not from caches)."""
    bylines = ArticleAuthor.objects.filter(article=article).select_related("author")
    return {
        **{field: getattr(article, field) for field in RESTORED_FIELDS},
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "unpublish_at": article.unpublish_at.isoformat() if article.unpublish_at else None,
        "tags": sorted(
            TaggedArticle.objects.filter(content_object=article).values_list("tag__name", flat=True)
        ),
        "categories": [
            {"id": c.pk, "name": c.name} for c in Category.objects.filter(articles=article).order_by("name")
        ],
        "authors": [{"id": b.author_id, "name": b.author.name} for b in bylines],
    }


def keep(article, data, *, user=None, comment="", made_by=""):
    """Keep ``data`` (a snapshot) as the article's next revision, unless the latest one holds it."""
    latest = article.revisions.order_by("-number").first()
    if latest and latest.data == data:
        return latest  # a save that changed nothing: its content already is the latest revision
    number = latest.number + 1 if latest else 1
    return Revision.objects.create(
        article=article, number=number, user=user, made_by=made_by, data=data, comment=comment
    )


def authors_of(data):
    """The byline a revision names, in order, leaving out authors deleted since."""
    kept = Author.objects.in_bulk([a["id"] for a in data.get("authors", [])])
    return [kept[a["id"]] for a in data.get("authors", []) if a["id"] in kept]
