"""The editors' tool: the markdownx editor with live preview, the workflow, revisions, previews."""

from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.db.models import Prefetch
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from markdownx.admin import MarkdownxModelAdmin

from . import editing, search, workflow
from .admin_history import HistoryAdminMixin, action_label, as_int, history_rows, link_row
from .forms import ArticleAdminForm, TransitionForm, zone_note
from .models import Article, ArticleAuthor, ArticleRedirect, Author, Category
from .workflow import format_moment

# The admin is the newsroom's desk: name it so, in the editor's language.
admin.site.site_header = _("Newsroom editorial desk")
admin.site.site_title = _("Newsroom")
admin.site.index_title = _("Articles, authors and categories")


class BylineInline(admin.TabularInline):
    model = ArticleAuthor
    autocomplete_fields = ["author"]
    extra = 1
    fields = ["author", "position"]


class RedirectInline(admin.TabularInline):
    model = ArticleRedirect
    extra = 0
    verbose_name_plural = _("old URLs (answered with a redirect)")


class StateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return Article.State.choices

    def queryset(self, request, queryset):
        if self.value() in Article.State.values:
            return queryset.in_state(self.value())
        return queryset


class _Refused(Exception):
    """An action refused after its form was checked: the admin's transaction rolls back, unsaved."""


def bulk_action(action):
    """The list's bulk form of a workflow action: a confirmation page, then per-article results."""

    def run(modeladmin, request, queryset):
        return modeladmin.bulk_transition(request, queryset, action)

    run.__name__ = f"transition_{action.name}"
    return admin.action(description=action.label, permissions=[action.admin_permission])(run)


@admin.register(Article)
class ArticleAdmin(HistoryAdminMixin, search.SearchAdminMixin, MarkdownxModelAdmin):
    form = ArticleAdminForm
    list_display = [
        "title",
        "state_column",
        "published_column",
        "byline",
        "updated_column",
    ]
    list_filter = [StateFilter, "language", "categories", ("published_at", admin.DateFieldListFilter)]
    search_fields = ["title", "slug", "body", "tags__name"]
    # No date_hierarchy: finding its years reads every article's date (0.1 s at 100,000 articles,
    # bench/README.md); the publication-time filter covers today, this week, month and year.
    # Nor the total beside a filtered count: one more count of every article.
    show_full_result_count = False
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["categories", "lead_image"]
    inlines = [BylineInline, RedirectInline]
    list_per_page = 50
    actions = [bulk_action(action) for action in workflow.ACTIONS.values()]
    change_form_template = "admin/articles/article/change_form.html"

    # --- who may do what -------------------------------------------------------------

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or workflow.can_edit(request.user, obj))

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or workflow.can_view(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or workflow.can_view(request.user, obj))

    def has_submit_permission(self, request):
        return request.user.has_perm("articles.submit_article")

    def has_review_permission(self, request):
        return request.user.has_perm("articles.review_article")

    def has_publish_permission(self, request):
        return request.user.has_perm("articles.publish_article")

    def get_queryset(self, request):
        queryset = (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("bylines", queryset=ArticleAuthor.objects.select_related("author")))
        )
        return workflow.visible_articles(request.user, queryset)

    # --- the form ----------------------------------------------------------------------

    def sets_times(self, request, obj):
        """Editors set publication times; writers see them."""
        return self.has_publish_permission(request) and (obj is None or workflow.can_edit(request.user, obj))

    def get_fieldsets(self, request, obj=None):
        times = ["published_at", "unpublish_at"] if self.sets_times(request, obj) else []
        shown = [] if times else ["published_display", "unpublish_display"]
        updated = "updated_at" if times else "updated_display"
        return [
            (None, {"fields": ["title", "slug", "body", "tags", "categories"]}),
            (_("Publishing"), {"fields": ["state_display", *shown, *times, "language"]}),
            (
                _("Summary and sharing"),
                {"fields": ["excerpt", "description", "lead_image", "image", "image_alt", "summary"]},
            ),
            (
                _("Record"),
                {
                    "classes": ["collapse"],
                    "fields": [
                        "reading_time",
                        "created_display",
                        updated,
                        "created_by",
                        "source_path",
                        "front_matter",
                    ],
                },
            ),
        ]

    readonly_fields = [
        "state_display",
        "published_display",
        "unpublish_display",
        "updated_display",
        "created_display",
        "created_by",
        "reading_time",
        "summary",
        "source_path",
        "front_matter",
    ]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except _Refused:
            return HttpResponseRedirect(request.get_full_path())

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def save_model(self, request, obj, form, change):
        pass  # saved with its relations in save_related, in one call of the write path

    def save_related(self, request, form, formsets, change):
        name = request.POST.get("_transition")
        try:
            editing.save_article(
                form.instance,
                by=request.user,
                relations=lambda: super(ArticleAdmin, self).save_related(request, form, formsets, change),
                action=name,
                note=form.cleaned_data.get("transition_note") or "",
                when=form.cleaned_data.get("transition_when"),
            )
        except workflow.TransitionRefused as refused:
            # The form checked the action; the row changed since. Nothing was saved.
            self.message_user(request, f"“{form.instance}”: {refused}", messages.ERROR)
            raise _Refused from refused
        if name:
            self.report_transition(request, form.instance, form.instance.transitions.first())

    def delete_model(self, request, obj):
        editing.delete_article(obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for article in queryset:
            editing.delete_article(article, by=request.user)

    def transition(self, request, article, name, note="", when=None):
        """Apply one action and tell the user what happened; True when it was applied."""
        try:
            record = editing.apply_action(article, name, by=request.user, note=note, when=when)
        except workflow.TransitionRefused as refused:
            self.message_user(request, f"“{article}”: {refused}", messages.ERROR)
            return False
        self.report_transition(request, article, record)
        return True

    def report_transition(self, request, article, record):
        message = _("“%(title)s”: %(action)s (%(from)s → %(to)s).") % {
            "title": article,
            "action": action_label(record.name),
            "from": Article.State(record.from_state).label,
            "to": Article.State(record.to_state).label,
        }
        if record.scheduled_for:
            message = f"{message} {format_moment(record.scheduled_for)}"
        self.message_user(request, message, messages.SUCCESS)

    def _back_to_form(self, request, obj):
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[obj.pk]))

    def response_change(self, request, obj):
        if "_transition" in request.POST:
            return self._back_to_form(request, obj)
        return super().response_change(request, obj)

    def response_add(self, request, obj, post_url_continue=None):
        if "_transition" in request.POST:
            return self._back_to_form(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        user = request.user
        article = obj or Article(created_by=user)
        editable = add or (obj is not None and self.has_change_permission(request, obj))
        actions = workflow.allowed_actions(user, article) if editable else []
        context["workflow"] = {
            "state": article.state,
            "actions": actions,
            "asks_time": any(action.time for action in actions),
            "zone": zone_note(),
            "history": history_rows(obj.transitions.select_related("user")[:10]) if obj else [],
            "can_share": obj is not None and user.has_perm("articles.add_previewlink"),
            "links": [link_row(request, link) for link in obj.preview_links.all()[:10]] if obj else [],
            "can_revoke": user.has_perm("articles.change_previewlink"),
        }
        return super().render_change_form(request, context, add, change, form_url, obj)

    # --- bulk actions --------------------------------------------------------------------

    def bulk_transition(self, request, queryset, action):
        form = TransitionForm(request.POST if "confirm" in request.POST else None, action=action)
        if form.is_bound and form.is_valid():
            done = sum(
                self.transition(
                    request,
                    article,
                    action.name,
                    note=form.cleaned_data["transition_note"],
                    when=form.cleaned_data["transition_when"],
                )
                for article in queryset
            )
            if not done:
                self.message_user(request, _("No article was changed."), messages.WARNING)
            return None
        now = timezone.now()
        rows = [(article, workflow.forbidden(action, request.user, article, now)) for article in queryset]
        context = {
            **self.admin_site.each_context(request),
            "title": action.label,
            "opts": self.opts,
            "action": action,
            "action_name": f"transition_{action.name}",
            "rows": rows,
            "form": form,
            "zone": zone_note(),
        }
        return TemplateResponse(request, "admin/articles/article/transition_confirm.html", context)

    # --- columns and read-only fields, every time with its zone ----------------------------

    @admin.display(description=_("state"), ordering="status")
    def state_column(self, article):
        state = article.state
        return format_html('<span class="workflow-state workflow-{}">{}</span>', state, state.label)

    @admin.display(description=_("publication time"), ordering="published_at")
    def published_column(self, article):
        if article.unpublish_at is None:
            return format_moment(article.published_at)
        return format_html(
            "{}<br><small>{} {}</small>",
            format_moment(article.published_at),
            _("withdrawn from"),
            format_moment(article.unpublish_at),
        )

    @admin.display(description=_("last updated"), ordering="updated_at")
    def updated_column(self, article):
        return format_moment(article.updated_at)

    @admin.display(description=_("state"))
    def state_display(self, article):
        return article.state.label if article.pk else Article.State.DRAFT.label

    @admin.display(description=_("publication time"))
    def published_display(self, article):
        return format_moment(article.published_at)

    @admin.display(description=_("withdrawal time"))
    def unpublish_display(self, article):
        return format_moment(article.unpublish_at)

    @admin.display(description=_("last updated"))
    def updated_display(self, article):
        return format_moment(article.updated_at)

    @admin.display(description=_("created"))
    def created_display(self, article):
        return format_moment(article.created_at) if article.pk else "—"

    @admin.display(description=_("authors"))
    def byline(self, article):
        return ", ".join(author.name for author in article.ordered_authors)


def view_on_site(request, content_type_id, object_id):
    """Django's "view on site", but for an article only to those who may see it: the address of an
    unpublished article tells its date and slug."""
    content_type = ContentType.objects.filter(pk=content_type_id).first()
    if content_type is not None and content_type.model_class() is Article:
        pk = as_int(object_id)
        visible = Article.objects.published() | workflow.visible_articles(request.user)
        if pk is None or not visible.filter(pk=pk).exists():
            raise Http404(_("There is no such article."))
    return shortcut(request, content_type_id, object_id)


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "user"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


from .images import admin as images_admin  # noqa: E402,F401
