"""The article form's history: its revisions with their diffs and restores, its workflow moves,
and its shareable preview links (the views ArticleAdmin adds to the admin)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import diff, editing, workflow
from .models import Article, PreviewLink
from .workflow import format_moment


class HistoryAdminMixin:
    """Revisions, restores and preview links of an article, as pages of the admin."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/revisions/", view(self.revisions_view), name="articles_article_revisions"),
            path(
                "<int:pk>/revisions/<int:number>/restore/",
                view(self.restore_view),
                name="articles_article_restore",
            ),
            path("<int:pk>/preview-links/", view(self.share_view), name="articles_article_share"),
            path(
                "<int:pk>/preview-links/<int:link>/revoke/",
                view(self.revoke_view),
                name="articles_article_revoke",
            ),
            *super().get_urls(),
        ]

    def _article(self, request, pk):
        article = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        return article

    def revisions_view(self, request, pk):
        article = self._article(request, pk)
        kept = list(article.revisions.select_related("user"))
        by_number = {revision.number: revision for revision in kept}
        comparison = None
        if "a" in request.GET or "b" in request.GET:
            old, new = (by_number.get(as_int(request.GET.get(key))) for key in ("a", "b"))
            if old is None or new is None:
                self.message_user(request, _("Choose two revisions that exist."), messages.ERROR)
            else:
                comparison = {
                    "old": revision_row(article, old),
                    "new": revision_row(article, new),
                    "changes": diff.compare(old, new),
                }
        context = {
            **self.admin_site.each_context(request),
            "title": _("History of “%(title)s”") % {"title": article},
            "subtitle": None,
            "opts": self.opts,
            "original": article,
            "revisions": [revision_row(article, revision) for revision in kept],
            "history": history_rows(article.transitions.select_related("user")),
            "comparison": comparison,
            "can_restore": self.has_change_permission(request, article),
            "state": article.state,
        }
        return TemplateResponse(request, "admin/articles/article/revisions.html", context)

    def restore_view(self, request, pk, number):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article(request, pk)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        revision = get_object_or_404(article.revisions, number=number)
        try:
            restored = editing.restore_revision(article, revision, by=request.user)
        except editing.RestoreRefused as refused:
            self.message_user(request, str(refused), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:articles_article_revisions", args=[pk]))
        self.message_user(
            request,
            _("Revision %(old)d restored as revision %(new)d.") % {"old": number, "new": restored.number},
            messages.SUCCESS,
        )
        return self._back_to_form(request, article)

    def share_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article(request, pk)
        if not request.user.has_perm("articles.add_previewlink"):
            raise PermissionDenied
        link = PreviewLink.objects.create(article=article, created_by=request.user)
        self.message_user(
            request,
            format_html(
                str(_("Preview link created, valid until {}: {}")),
                format_moment(link.expires_at),
                request.build_absolute_uri(link.get_absolute_url()),
            ),
            messages.SUCCESS,
        )
        return self._back_to_form(request, article)

    def revoke_view(self, request, pk, link):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article(request, pk)
        if not request.user.has_perm("articles.change_previewlink"):
            raise PermissionDenied
        preview_link = get_object_or_404(article.preview_links, pk=link)
        if preview_link.revoked_at is None:
            preview_link.revoked_at = timezone.now()
            preview_link.save(update_fields=["revoked_at"])
        self.message_user(request, _("Preview link revoked: it now answers “revoked”."), messages.SUCCESS)
        return self._back_to_form(request, article)


def history_rows(transitions):
    """Transitions as the history shows them: every time with its zone."""
    return [
        {
            "at": format_moment(t.at),
            "user": t.user.get_username() if t.user else (t.made_by or "—"),
            "action": action_label(t.name),
            "from": Article.State(t.from_state).label,
            "to": Article.State(t.to_state).label,
            "scheduled_for": format_moment(t.scheduled_for) if t.scheduled_for else "",
            "note": t.note,
        }
        for t in transitions
    ]


def action_label(name):
    """A transition's name as editors read it: a workflow action, or an edit, import or restore."""
    if name in workflow.ACTIONS:
        return workflow.ACTIONS[name].label
    return editing.KINDS.get(name, name)


def revision_row(article, revision):
    return {
        "number": revision.number,
        "saved": format_moment(revision.created_at),
        "user": revision.user.get_username() if revision.user else (revision.made_by or "—"),
        "comment": revision.comment,
        "preview_url": reverse("preview:revision", args=[article.pk, revision.number]),
        "restore_url": reverse("admin:articles_article_restore", args=[article.pk, revision.number]),
    }


def link_row(request, link):
    now = timezone.now()
    if link.revoked_at:
        status = _("revoked %(when)s") % {"when": format_moment(link.revoked_at)}
    elif link.expires_at <= now:
        status = _("expired")
    else:
        status = _("active")
    return {
        "pk": link.pk,
        "url": request.build_absolute_uri(link.get_absolute_url()),
        "expires": format_moment(link.expires_at),
        "status": status,
        "active": link.is_active(),
    }


def as_int(value):
    """A number from a query string or URL part, or None."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
