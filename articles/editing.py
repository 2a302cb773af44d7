"""The one write path: every change to an article that does more than one thing goes through here.

Each call runs in one transaction. It locks the article's row, keeps a revision saying who or what
made the change, records a transition when the state moved, keeps the old address when the slug or
date moved and, once the transaction commits, sends ``article_changed`` once. What must follow a
change (the search index, caches, announcements) listens to that signal; nothing calls them by hand.
"""

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import revisions, workflow
from .forms import address_taken_message
from .images import usage
from .models import Article, ArticleRedirect, Category, Image, Revision, TaggedArticle, Transition

# Sent after commit with ``change``: a Change. Never sent for a rolled-back transaction.
article_changed = Signal()

# Names of the transitions that are not workflow actions: the state moved because of these.
KINDS = {
    "edit": _("Edit"),
    "import": _("Import"),
    "restore": _("Restore"),
}

_writing = contextvars.ContextVar("articles_editing_writing", default=False)


def writing():
    """True while this module writes: model-signal listeners leave the change to article_changed."""
    return _writing.get()


@dataclass(frozen=True)
class Footprint:
    """Where an article shows and what it says, read from the database at one moment."""

    state: str
    public: bool
    url: str | None  # its public address; None while it has no publication date
    day: object  # its publication date (datetime.date), or None
    neighbours: tuple  # the ids of the public articles before and after it, while it is public
    tags: frozenset
    categories: frozenset
    authors: tuple
    content: dict  # revisions.snapshot(): what a revision keeps


@dataclass(frozen=True)
class Change:
    """What one committed call changed: ``what`` holds "created", "content", "state", "url",
    "relations" or "deleted"; ``before`` is None for a new article, ``after`` None once deleted."""

    article_id: int
    by: object  # the user, or None when an import or the demo made it
    made_by: str  # the user's name, or "import from PATH", "demo content"
    what: frozenset
    before: Footprint | None
    after: Footprint | None

    @property
    def was_public(self):
        return bool(self.before and self.before.public)

    @property
    def is_public(self):
        return bool(self.after and self.after.public)


def footprint(article, now):
    """The article's footprint as the database holds it now (its relations read fresh)."""
    content = revisions.snapshot(article)
    tag_ids = TaggedArticle.objects.filter(content_object=article).values_list("tag_id", flat=True)
    public = article.state_at(now) == Article.State.PUBLISHED
    return Footprint(
        state=article.state_at(now),
        public=public,
        url=Article.url_for(article.pub_date, article.slug) if article.pub_date else None,
        day=article.pub_date,
        neighbours=_neighbours(article, now) if public else (),
        tags=frozenset(tag_ids),
        categories=frozenset(c["id"] for c in content["categories"]),
        authors=tuple(a["id"] for a in content["authors"]),
        content=content,
    )


def _neighbours(article, now):
    here = Q(published_at=article.published_at)
    public = Article.objects.published(at=now).exclude(pk=article.pk)
    older = public.filter(Q(published_at__lt=article.published_at) | here & Q(pk__lt=article.pk))
    newer = public.filter(Q(published_at__gt=article.published_at) | here & Q(pk__gt=article.pk))
    return tuple(
        pk
        for pk in (
            older.order_by("-published_at", "-pk").values_list("pk", flat=True).first(),
            newer.order_by("published_at", "pk").values_list("pk", flat=True).first(),
        )
        if pk is not None
    )


def _who(by):
    """(user, made_by) from a user or from a description such as "import from PATH"."""
    if isinstance(by, str):
        return None, by
    return by, (by.get_username() if by is not None else "")


def _changes(before, after):
    if before is None:
        return {"created"}
    if after is None:
        return {"deleted"}
    what = set()
    times = ("published_at", "unpublish_at")
    if any(before.content[k] != after.content[k] for k in revisions.RESTORED_FIELDS):
        what.add("content")
    if before.state != after.state or any(before.content[k] != after.content[k] for k in times):
        what.add("state")
    if before.url != after.url:
        what.add("url")
    if (before.tags, before.categories, before.authors) != (after.tags, after.categories, after.authors):
        what.add("relations")
    return what


class _Edit:
    """One call's bookkeeping: the article before, and the transition it made, if any."""

    def __init__(self, article, by, kind, now):
        self.article, self.kind, self.now = article, kind, now
        self.user, self.made_by = _who(by)
        self.transition = None
        self.before = self.current = None
        self.comment = ""

    def lock(self, keep=True):
        """Lock the row and read what the site holds before the change; keep it if no revision does."""
        if self.article.pk is None:
            return
        current = self.current = Article.objects.select_for_update().get(pk=self.article.pk)
        self.before = footprint(current, self.now)
        if keep:
            # Changed outside this module (a shell, an older import): that text must not be lost.
            revisions.keep(current, self.before.content, comment=str(_("As it was before this change")))

    def finish(self):
        """Keep the old address, the revision and the transition; send the signal on commit."""
        article = self.article
        after = footprint(article, self.now)
        before = self.before
        if before is not None and before.url and before.url != after.url:
            article.keep_old_url(before.url)
        made_by = "" if self.user else self.made_by
        revisions.keep(article, after.content, user=self.user, comment=self.comment, made_by=made_by)
        usage.record(article)
        from_state = before.state if before else Article.State.DRAFT
        if self.transition is None and from_state != after.state:
            self.transition = Transition.objects.create(
                article=article,
                name=self.kind,
                user=self.user,
                made_by=made_by,
                from_state=from_state,
                to_state=after.state,
                at=self.now,
            )
        what = frozenset(_changes(before, after))
        if what:
            change = Change(article.pk, self.user, self.made_by, what, before, after)
            transaction.on_commit(lambda: article_changed.send(sender=Article, change=change))


@contextmanager
def _editing(article, by, kind):
    token = _writing.set(True)
    try:
        with transaction.atomic():
            edit = _Edit(article, by, kind, timezone.now())
            edit.lock(keep=kind != "delete")
            yield edit
    finally:
        _writing.reset(token)


def save_article(
    article,
    *,
    by,
    tags=None,
    categories=None,
    authors=None,
    relations=None,
    action=None,
    note="",
    when=None,
):
    """Save an article with its tags, categories and byline, then take a workflow action if named.

    ``relations`` writes what the caller holds besides (the admin's form and inlines) once the row
    is saved. Raises workflow.TransitionRefused, changing nothing, when the action is refused.
    """
    with _editing(article, by, "edit") as edit:
        if article.pk is None and edit.user is not None:
            article.created_by = edit.user
        if edit.current is not None:
            _keep_decisions(article, edit.current)
        article.save()
        if tags is not None:
            article.tags.set(list(tags))
        if categories is not None:
            article.categories.set(list(categories))
        if authors is not None:
            article.set_authors(list(authors))
        if relations is not None:
            relations()
        if article.status == Article.Status.PUBLISHED:
            # Public or scheduled: the images it shows must already be described (the admin's form
            # says so first, keeping the typed text; this is the rule for every other caller).
            problem = usage.alt_problem(article.body, article.lead_image_id)
            if problem:
                raise workflow.TransitionRefused(problem)
        if edit.before is None and edit.user is not None and not article.bylines.exists():
            author = getattr(edit.user, "author", None)
            if author is not None:
                article.set_authors([author])  # a new article is signed by its writer unless told
        if action:
            edit.transition = _move(article, action, edit, note, when)
        edit.finish()
    return article


def _keep_decisions(article, current):
    """What others decided since ``article`` was loaded stays: the state (actions alone move it) and
    the times, unless this caller changed them (the admin's form may correct a time)."""
    article.status, article.version = current.status, current.version
    for field in ("published_at", "unpublish_at"):
        if not article.edited(field):
            setattr(article, field, getattr(current, field))


def apply_action(article, name, *, by, note="", when=None):
    """Check and apply one workflow action; returns its Transition, or raises TransitionRefused."""
    with _editing(article, by, name) as edit:
        edit.transition = _move(article, name, edit, note, when)
        edit.finish()
    return edit.transition


def _move(article, name, edit, note, when):
    action = workflow.ACTIONS.get(name)
    if action is None:
        raise workflow.TransitionRefused(_("Unknown action."))
    # Judged on the row as the database now holds it, not on a copy loaded earlier.
    current = Article.objects.get(pk=article.pk)
    problem = workflow.refusal(action, edit.user, current, when=when, note=note, now=edit.now)
    if not problem and action.target == Article.Status.PUBLISHED:
        problem = usage.alt_problem(current.body, current.lead_image_id)
    if problem:
        raise workflow.TransitionRefused(problem)
    before = current.state_at(edit.now)
    article.status = action.target
    for field in ("published_at", "unpublish_at"):
        setattr(article, field, getattr(current, field))
    scheduled_for = workflow.set_times(action, article, when, edit.now)
    if article.address_taken(article.slug, article.published_at):
        raise workflow.TransitionRefused(address_taken_message(article.slug, article.published_at))
    article.version = current.version + 1
    article.save(update_fields=["status", "published_at", "unpublish_at", "pub_date", "version"])
    return Transition.objects.create(
        article=article,
        name=action.name,
        user=edit.user,
        from_state=before,
        to_state=article.state_at(edit.now),
        note=note.strip(),
        scheduled_for=scheduled_for,
        at=edit.now,
    )


class RestoreRefused(Exception):
    """A revision that cannot be restored now; the message says why."""


def restore_revision(article, revision, *, by):
    """Put a revision's content back as a new revision; the state and times are left as they are."""
    data = revision.data
    with _editing(article, by, "restore") as edit:
        current = Article.objects.get(pk=article.pk)
        if current.address_taken(data["slug"], current.published_at):
            raise RestoreRefused(address_taken_message(data["slug"], current.published_at))
        for field in revisions.RESTORED_FIELDS:
            setattr(current, field, data.get(field, getattr(current, field)))
        if current.lead_image_id and not Image.objects.filter(pk=current.lead_image_id).exists():
            current.lead_image_id = None  # deleted from the library since that revision
        if current.status == Article.Status.PUBLISHED:
            problem = usage.alt_problem(current.body, current.lead_image_id)
            if problem:
                raise RestoreRefused(problem)
        current.save()
        current.tags.set(data.get("tags", []))
        category_ids = [c["id"] for c in data.get("categories", [])]
        current.categories.set(Category.objects.filter(pk__in=category_ids))
        current.set_authors(revisions.authors_of(data))
        edit.article = current
        edit.comment = str(_("Restored from revision %(number)d") % {"number": revision.number})
        edit.finish()
    article.refresh_from_db()
    return Revision.objects.filter(article=current).order_by("-number").first()


def import_article(article, *, fields, authors, categories, tags, old_paths, made_by):
    """Create or update an article from an imported post, as the importer's plan decided."""
    with _editing(article, made_by, "import") as edit:
        for name, value in fields.items():
            setattr(article, name, value)
        article.save()
        wanted = fields.get("updated_at")
        if wanted is not None and article.updated_at != wanted:
            # The file's last_modified_at is the truth, not the moment of this import.
            article.updated_at = wanted
            Article.objects.filter(pk=article.pk).update(updated_at=wanted)
        article.set_authors(authors)
        # Rows replaced in one statement each: taggit's set() asks for every tag in turn.
        _replace(TaggedArticle, "content_object", article, "tag", tags, **TaggedArticle.copied(article))
        _replace(Article.categories.through, "article", article, "category", categories)
        ArticleRedirect.objects.bulk_create(ArticleRedirect(old_path=p, article=article) for p in old_paths)
        edit.finish()
    return article


def _replace(through, own, article, other, rows, **columns):
    through.objects.filter(**{own: article}).delete()
    through.objects.bulk_create(through(**{own: article, other: row}, **columns) for row in rows)


def delete_article(article, *, by):
    """Delete an article and everything kept about it."""
    with _editing(article, by, "delete") as edit:
        article_id = article.pk
        article.delete()
        change = Change(article_id, edit.user, edit.made_by, frozenset({"deleted"}), edit.before, None)
        transaction.on_commit(lambda: article_changed.send(sender=Article, change=change))
