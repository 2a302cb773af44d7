"""Autosave: the editor's unsaved article form, kept on the server while they type.

Only the owner's own change form reads it back (see templatetags/autosave.py); it is no revision,
and no public page, feed, search, sitemap or preview knows it exists.
"""

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.dispatch import receiver
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from taggit.utils import parse_tags

from . import editing, workflow
from .models import Article, Autosave, Category

# The form fields an editor writes, in the form's order. Never the CSRF token, the workflow
# inputs or loaded_version: restoring those would act, or hide a conflict.
FIELDS = ("title", "slug", "body", "tags", "categories", "language", "excerpt", "description", "image")
MAX_BYTES = 1024 * 1024
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


class BadInput(Exception):
    """A request the endpoint cannot keep; the message says why."""


def may_edit(user, article):
    """Whether the user may autosave this article's form (None: their new article)."""
    if not (user.is_active and user.is_staff):
        return False
    if article is None:
        return user.has_perm("articles.add_article")
    return workflow.can_edit(user, article)


def mine(user, article):
    """The user's autosave of an article, or of their new article when ``article`` is None."""
    return Autosave.objects.filter(user=user, article=article)


def form_data(post):
    """The editable fields of a posted article form, as they are kept."""
    if not any(name in post for name in FIELDS):
        raise BadInput(_("No article form fields were sent."))
    data = {}
    for name in FIELDS:
        if name == "categories":
            values = post.getlist(name)
            if not all(value.isascii() and value.isdigit() for value in values):
                raise BadInput(_("Categories must be given by their numbers."))
            data[name] = [int(value) for value in values]
        elif name in post:
            # Browsers send a textarea's line breaks as CRLF.
            data[name] = post[name].replace("\r\n", "\n")
    return data


def saved_values(article):
    """What the saved article (or a blank new one) holds, in the shape form_data keeps."""
    blank = article is None
    article = article or Article()
    values = {name: getattr(article, name) for name in FIELDS if name not in ("tags", "categories")}
    values["tags"] = [] if blank else list(article.tags.names())
    values["categories"] = [] if blank else list(article.categories.values_list("pk", flat=True))
    return values


def differing(data, article):
    """The fields whose kept value differs from the saved article, in the form's order."""
    saved = saved_values(article)

    def same(name):
        kept, current = data[name], saved[name]
        if name == "tags":
            # Tags compare as the set they make, case-insensitively as taggit is configured.
            return {t.casefold() for t in parse_tags(kept)} == {t.casefold() for t in current}
        if name == "categories":
            return set(kept) == set(current)
        # Django's form fields strip what they save.
        return kept.strip() == str(current or "").replace("\r\n", "\n").strip()

    return [name for name in FIELDS if name in data and not same(name)]


def last_saved(article):
    """When the article was last saved: its content's time or its latest revision's, the later."""
    revised = article.revisions.order_by("-number").values_list("created_at", flat=True).first()
    return max(filter(None, [article.updated_at, revised]))


def pending(user, article):
    """The user's autosave worth offering back: newer than the last save and different, or None."""
    kept = mine(user, article).first()
    if kept is None:
        return None
    if article is not None and kept.saved_at <= last_saved(article):
        return None  # the saved article is newer: restoring would overwrite it silently
    return kept if differing(kept.data, article) else None


def category_names(data):
    """Names of the kept categories that still exist: the select only holds the selected ones."""
    ids = data.get("categories", [])
    return {str(pk): name for pk, name in Category.objects.filter(pk__in=ids).values_list("pk", "name")}


def moment(saved_at):
    """The time as the notice shows it, in the site's zone; the date too when not today."""
    local = timezone.localtime(saved_at)
    if local.date() == timezone.localdate():
        return f"{local:%H:%M} {local.tzname()}"
    return workflow.format_moment(saved_at)


@method_decorator([staff_member_required, never_cache], name="dispatch")
class AutosaveView(View):
    """POST keeps the form (replacing the previous one); with ``discard``, deletes it."""

    http_method_names = ["post"]
    discard = False

    def post(self, request, pk=None):
        try:
            article = self.article(request.user, pk)
            if self.discard:
                mine(request.user, article).delete()
                return HttpResponse(status=204)
            data = self.read(request)
        except BadInput as problem:
            return HttpResponseBadRequest(str(problem), content_type="text/plain; charset=utf-8")
        saved_at = timezone.now()
        Autosave.objects.update_or_create(
            user=request.user, article=article, defaults={"data": data, "saved_at": saved_at}
        )
        return JsonResponse({"saved_at": saved_at.isoformat()})

    def article(self, user, pk):
        if pk is None:
            if not may_edit(user, None):
                raise PermissionDenied
            return None
        if not (user.has_perm("articles.change_article") or user.has_perm("articles.edit_any_article")):
            raise PermissionDenied  # before the lookup: no answer tells which articles exist
        article = Article.objects.filter(pk=pk).first()
        if article is None:
            raise BadInput(_("There is no article %(pk)s.") % {"pk": pk})
        if not may_edit(user, article):
            raise PermissionDenied
        return article

    def read(self, request):
        try:
            size = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            size = 0
        if size > MAX_BYTES:
            raise BadInput(_("The form is too large to keep (over 1 MB)."))
        if request.content_type not in FORM_TYPES:
            raise BadInput(_("Send the article form as form data."))
        return form_data(request.POST)


@receiver(editing.article_changed, dispatch_uid="articles.autosave.clear")
def clear_after_save(sender, change, **kwargs):
    """A committed change by a user supersedes what they had kept of that article's form."""
    if change.by is None:
        return
    stale = Q(article_id=change.article_id)
    if "created" in change.what:
        stale |= Q(article__isnull=True)  # the new article's form has become this article
    Autosave.objects.filter(stale, user=change.by).delete()
