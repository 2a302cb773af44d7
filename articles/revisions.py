"""Revisions: a snapshot after every change, and a diff between any two (restoring is in editing.py)."""

import re
from difflib import SequenceMatcher

from django.utils.dateparse import parse_datetime
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .models import ArticleAuthor, Author, Category, Revision, TaggedArticle
from .text import CJK
from .workflow import format_moment

# Restored as they were; publication times stay with the workflow actions.
RESTORED_FIELDS = ("title", "slug", "body", "excerpt", "description", "image", "language")
LABELS = {
    "title": _("title"),
    "slug": _("slug"),
    "body": _("body"),
    "excerpt": _("excerpt"),
    "description": _("meta description"),
    "image": _("image"),
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


# Unchanged lines shown before and after each change (a Markdown paragraph and its blank line).
CONTEXT = 2
# One token per CJK character, per run of other word characters, per run of spaces, per other sign.
_TOKEN = re.compile(rf"[{CJK}]|[^\W{CJK}]+|\s+|.", re.DOTALL)


def tokens(text):
    """Japanese is compared character by character, English word by word."""
    return _TOKEN.findall(text)


def _token_diff(old, new):
    a, b = tokens(old), tokens(new)
    out = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if j2 > j1:
            out.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return out


def _unchanged(lines, first, last):
    """Unchanged lines, long runs shortened to the CONTEXT lines beside the changes."""
    keep_head = 0 if first else CONTEXT
    keep_tail = 0 if last else CONTEXT
    if len(lines) <= keep_head + keep_tail + 1:
        return escape("".join(lines))
    skipped = len(lines) - keep_head - keep_tail
    marker = _("⋯ %(count)d unchanged lines ⋯") % {"count": skipped}
    tail = lines[len(lines) - keep_tail :] if keep_tail else []
    return (
        escape("".join(lines[:keep_head]))
        + f'<span class="diff-skip">{escape(marker)}</span>\n'
        + escape("".join(tail))
    )


def diff_html(old, new):
    """An escaped HTML diff: changed lines token by token, with a few unchanged lines around them."""
    # Lines first, so a long article costs only what its changed paragraphs cost.
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    opcodes = SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    out = []
    for n, (op, i1, i2, j1, j2) in enumerate(opcodes):
        if op == "equal":
            out.append(_unchanged(a[i1:i2], first=n == 0, last=n == len(opcodes) - 1))
        else:
            out.extend(_token_diff("".join(a[i1:i2]), "".join(b[j1:j2])))
    return mark_safe("".join(out))


def _as_text(key, value):
    if key in ("published_at", "unpublish_at"):
        return format_moment(parse_datetime(value)) if value else ""
    if key in ("categories", "authors"):
        return ", ".join(item["name"] for item in value or [])
    if key == "tags":
        return ", ".join(value or [])
    return value or ""


def compare(old, new):
    """The fields that differ between two revisions, each with its label and diff."""
    changes = []
    for key, label in LABELS.items():
        before, after = _as_text(key, old.data.get(key)), _as_text(key, new.data.get(key))
        if before != after:
            changes.append({"field": key, "label": label, "diff": diff_html(before, after)})
    return changes
