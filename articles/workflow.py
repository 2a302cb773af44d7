"""The editorial workflow: the roles, the actions that move an article between states, who may use them."""

from dataclasses import dataclass

from django.apps import apps as global_apps
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Article

State = Article.State
Status = Article.Status


def _perms(app_label, model, verbs=("add", "change", "delete", "view")):
    return [f"{app_label}.{verb}_{model}" for verb in verbs]


# Exactly what each group needs. Applied by migration 0003 and by the createeditor/createwriter
# commands, so a fresh database and a repaired one agree.
ROLES = {
    "Writers": [
        *_perms("articles", "article", ["add", "change", "view"]),
        "articles.submit_article",
        *_perms("articles", "articleauthor"),  # the byline inline of their own drafts
        *_perms("articles", "articleredirect", ["view"]),
        *_perms("articles", "author", ["view"]),  # autocomplete needs view permission
        *_perms("articles", "category", ["view"]),
        *_perms("taggit", "tag", ["view"]),
        *_perms("articles", "image", ["add", "change", "view"]),  # upload, describe, choose
    ],
    "Editors": [
        *_perms("articles", "article"),
        "articles.submit_article",
        "articles.review_article",
        "articles.publish_article",
        "articles.edit_any_article",
        *_perms("articles", "articleauthor"),
        *_perms("articles", "articleredirect"),
        *_perms("articles", "author"),
        *_perms("articles", "category"),
        *_perms("taggit", "tag"),
        *_perms("articles", "previewlink", ["add", "change", "view"]),
        *_perms("articles", "image"),
    ],
}


def sync_roles(apps=global_apps, using="default"):
    """Create the Writers and Editors groups with exactly the permissions in ROLES."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    custom_names = dict(Article._meta.permissions)
    for group_name, labels in ROLES.items():
        permissions = []
        for label in labels:
            app_label, codename = label.split(".")
            verb, _sep, model_name = codename.partition("_")
            if verb in {"add", "change", "delete", "view"}:
                model = global_apps.get_model(app_label, model_name)
                name = f"Can {verb} {model._meta.verbose_name_raw}"
            else:
                model, name = Article, custom_names[codename]
            # Permissions normally appear after migrate; a data migration has to make its own.
            content_type, _created = ContentType.objects.using(using).get_or_create(
                app_label=app_label, model=model._meta.model_name
            )
            permission, _created = Permission.objects.using(using).get_or_create(
                content_type=content_type, codename=codename, defaults={"name": str(name)[:255]}
            )
            permissions.append(permission)
        group, _created = Group.objects.using(using).get_or_create(name=group_name)
        group.permissions.set(permissions)


@dataclass(frozen=True)
class Action:
    """One way to move an article: the states it starts from, the status it sets, who may use it."""

    name: str
    label: str
    sources: tuple
    target: str
    permission: str
    time: str = ""  # "required", "optional" or "" (no time input)
    note_required: bool = False
    help: str = ""

    @property
    def admin_permission(self):
        """The ModelAdmin has_<x>_permission() that guards the bulk action."""
        return self.permission.removesuffix("_article")


_EDITABLE = (State.DRAFT, State.REVIEW, State.SCHEDULED, State.UNPUBLISHED)
ACTIONS = {
    action.name: action
    for action in [
        Action("submit", _("Submit for review"), (State.DRAFT,), Status.REVIEW, "submit_article"),
        Action(
            "send_back",
            _("Send back to the writer"),
            (State.REVIEW, State.SCHEDULED),
            Status.DRAFT,
            "review_article",
            note_required=True,
            help=_("Say what needs to change in the note."),
        ),
        Action(
            "approve",
            _("Approve"),
            (State.REVIEW,),
            Status.PUBLISHED,
            "publish_article",
            help=_("Publishes at the publication time set above, or now when none is set."),
        ),
        Action("publish", _("Publish now"), _EDITABLE, Status.PUBLISHED, "publish_article"),
        Action(
            "schedule",
            _("Schedule"),
            _EDITABLE,
            Status.PUBLISHED,
            "publish_article",
            time="required",
            help=_("Public from the chosen time on, on every page, feed and sitemap."),
        ),
        Action(
            "unpublish",
            _("Unpublish"),
            (State.PUBLISHED, State.SCHEDULED),
            Status.UNPUBLISHED,
            "publish_article",
            time="optional",
            help=_("Withdraws now, or at the chosen time."),
        ),
        Action("reopen", _("Return to draft"), (State.UNPUBLISHED,), Status.DRAFT, "review_article"),
    ]
}


class TransitionRefused(Exception):
    """An action the user may not take on this article now; the message says why."""


def is_own(user, article):
    """The user created the article or writes under one of its bylines (a new article is theirs)."""
    if article.pk is None:
        return True
    return Article.objects.owned_by(user).filter(pk=article.pk).exists()


def can_view(user, article):
    """Whether the user may see this article when it is not public: visible_articles()' rule."""
    if article.pk is None:
        return may_see_unpublished(user)
    return visible_articles(user).filter(pk=article.pk).exists()


def can_edit(user, article):
    """Editors edit anything; writers edit their own articles while they are drafts."""
    if user.has_perm("articles.edit_any_article"):
        return True
    return (
        user.has_perm("articles.change_article") and article.status == Status.DRAFT and is_own(user, article)
    )


def may_see_unpublished(user):
    """Staff who may view or change articles; which ones is visible_articles()' business."""
    return (
        user.is_active
        and user.is_staff
        and (user.has_perm("articles.view_article") or user.has_perm("articles.change_article"))
    )


def visible_articles(user, queryset=None):
    """The one rule for who sees a non-public article, wherever it shows (admin pages, previews,
    the site's own pages): editors see every article, writers their own, anyone else none."""
    queryset = Article.objects.all() if queryset is None else queryset
    if not may_see_unpublished(user):
        return queryset.none()
    if user.has_perm("articles.edit_any_article"):
        return queryset
    return queryset.owned_by(user)


def forbidden(action, user, article, now):
    """Why the user's role or the article's state rules the action out, or None."""
    if not user.has_perm(f"articles.{action.permission}") or not can_edit(user, article):
        return _("You may not “%(action)s” this article.") % {"action": action.label}
    state = article.state_at(now)
    if state not in action.sources:
        return _("“%(action)s” is not possible while the article is %(state)s.") % {
            "action": action.label,
            "state": State(state).label,
        }
    return None


def refusal(action, user, article, when=None, note="", now=None):
    """Why `user` may not take `action` on `article` with this time and note, or None when they may."""
    now = now or timezone.now()
    problem = forbidden(action, user, article, now)
    if problem:
        return problem
    if action.note_required and not note.strip():
        return _("Write a note saying why.")
    if action.time == "required" and when is None:
        return _("Choose the time.")
    if when is not None and when <= now:
        return _("Choose a time in the future.")
    if action.name == "unpublish" and when and article.published_at and when <= article.published_at:
        return _("The withdrawal time must come after the publication time.")
    return None


def allowed_actions(user, article):
    """The actions whose buttons this user should see on this article."""
    now = timezone.now()
    return [action for action in ACTIONS.values() if forbidden(action, user, article, now) is None]


def set_times(action, article, when, now):
    """Move the publication and withdrawal times as the action says; return a future time it set."""
    if action.name == "schedule":
        article.published_at = when
    elif action.name == "publish" and (article.published_at is None or article.published_at > now):
        # A past time is kept: a withdrawn article comes back under its old date and URL.
        article.published_at = now
    elif action.name == "approve" and article.published_at is None:
        article.published_at = now
    elif action.name == "unpublish":
        if when is None:
            article.unpublish_at = None
            return None
        article.status = Status.PUBLISHED  # still public until `when`
        article.unpublish_at = when
        return when
    withdrawal = article.unpublish_at
    if article.status == Status.PUBLISHED and withdrawal and withdrawal <= max(article.published_at, now):
        article.unpublish_at = None  # a withdrawal time already passed would hide it again at once
    scheduled = action.name in {"approve", "schedule"} and article.published_at > now
    return article.published_at if scheduled else None


def format_moment(moment):
    """A time as editors read it, with its zone: 2025-09-07 09:00 JST."""
    if moment is None:
        return "—"
    local = timezone.localtime(moment)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"
