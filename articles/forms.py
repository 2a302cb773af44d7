"""The article form of the admin: stale-form detection, time rules, and the workflow action inputs."""

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import workflow
from .images import usage
from .markdown import check_body
from .models import Article, Revision, Transition, site_date


def zone_note():
    """The site's time zone as editors should read it next to a time field."""
    now = timezone.localtime()
    return _("Times are in %(zone)s (%(abbr)s).") % {"zone": now.tzinfo, "abbr": now.tzname()}


class TransitionForm(forms.Form):
    """What a workflow action may take besides the article: a note and, for some, a time."""

    transition_note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=_("Recorded with the action and shown in the history."),
    )
    transition_when = forms.DateTimeField(
        label=_("Time"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args, action=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action
        self.fields["transition_when"].help_text = zone_note()
        if action is not None and action.time == "required":
            self.fields["transition_when"].required = True
        if action is not None and action.note_required:
            self.fields["transition_note"].required = True


class ArticleAdminForm(TransitionForm, forms.ModelForm):
    # The version the editor loaded; a save against a newer version is refused (see clean_version).
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    user = None  # set by ArticleAdmin.get_form: the one making the request

    class Meta:
        model = Article
        # The admin narrows these per user (writers get no time fields); status is never a field.
        fields = [
            "title",
            "slug",
            "body",
            "tags",
            "categories",
            "language",
            "published_at",
            "unpublish_at",
            "excerpt",
            "description",
            "lead_image",
            "image",
            "image_alt",
            "updated_at",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["loaded_version"] = self.instance.version
        for name in ("published_at", "unpublish_at", "updated_at"):
            if name in self.fields:
                self.fields[name].help_text = f"{self.fields[name].help_text} {zone_note()}"

    def _clean_time(self, name):
        # The admin's widgets show whole seconds: an untouched time must not read as an edit
        # (it would stop updated_at from moving, and make a revision of nothing).
        value, loaded = self.cleaned_data.get(name), getattr(self.instance, name)
        if value and loaded and value == loaded.replace(microsecond=0):
            return loaded
        return value

    def clean_body(self):
        body = self.cleaned_data.get("body", "")
        check_body(body)  # the renderer's bound on the cost of a save
        return usage.from_pasted_urls(body)

    def clean_image(self):
        image = self.cleaned_data.get("image", "").strip()
        # Only a full address is shown anywhere; a path was some other site's (see seo.sharing_image).
        if image and "image" in self.changed_data and not image.startswith(("http://", "https://")):
            raise ValidationError(
                _("Give the full address (https://…), or choose the lead image from the library."),
                code="external_image_address",
            )
        return image

    def clean_published_at(self):
        return self._clean_time("published_at")

    def clean_unpublish_at(self):
        return self._clean_time("unpublish_at")

    def clean_updated_at(self):
        return self._clean_time("updated_at")

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            self.check_version(cleaned.get("loaded_version"))
        self.check_address(cleaned)
        action_name = self.data.get("_transition")
        if action_name:
            self.check_transition(action_name, cleaned)
        else:
            self.check_state_kept(cleaned)
        self.check_images(cleaned, action_name)
        return cleaned

    def check_images(self, cleaned, action_name):
        """Every library image the text names exists; a public article's images have alt text."""
        body = cleaned.get("body")
        if body is None:
            return
        problem = usage.unknown_problem(body)
        if problem:
            self.add_error("body", problem)
            return
        action = workflow.ACTIONS.get(action_name or "")
        going_public = action is not None and action.target == Article.Status.PUBLISHED
        if going_public or self.instance.status == Article.Status.PUBLISHED:
            lead = cleaned.get("lead_image", self.instance.lead_image)
            problem = usage.alt_problem(body, lead.pk if lead else None)
            if problem:
                self.add_error(None, problem)

    def check_version(self, loaded):
        """Refuse a form loaded before someone else's save; the re-shown form keeps the typed text."""
        # The no-op UPDATE locks the row until the admin's transaction ends, so of two
        # saves racing from the same version exactly one passes.
        current = Article.objects.filter(pk=self.instance.pk, version=loaded).update(version=loaded)
        if loaded is not None and current and self.instance.version == loaded:
            return
        latest = Article.objects.get(pk=self.instance.pk)
        who, when = last_change(latest)
        # Saving again now is a deliberate overwrite: the re-shown form carries the current version.
        self.data = self.data.copy()
        self.data["loaded_version"] = str(latest.version)
        message = _(
            "%(who)s saved this article at %(when)s, after you opened it. Nothing was saved and your "
            "text is kept below. Compare it with the history, then save again to replace their "
            "version with yours."
        ) % {"who": who, "when": workflow.format_moment(when)}
        history = reverse("admin:articles_article_revisions", args=[latest.pk])
        raise ValidationError(
            format_html(
                '{} <a href="{}" target="_blank" rel="noopener">{}</a>', message, history, _("History")
            ),
            code="conflict",
        )

    def check_address(self, cleaned):
        """Two articles of one date cannot share a slug: say so here, not with a database error."""
        slug = cleaned.get("slug") or self.instance.slug
        published_at = cleaned.get("published_at", self.instance.published_at)
        if self.instance.address_taken(slug, published_at):
            self.add_error("slug", address_taken_message(slug, published_at))

    def check_transition(self, name, cleaned):
        action = workflow.ACTIONS.get(name)
        if action is None:
            raise ValidationError(_("Unknown action."), code="unknown_action")
        problem = workflow.refusal(
            action,
            self.user,
            self.instance,
            when=cleaned.get("transition_when"),
            note=cleaned.get("transition_note") or "",
        )
        if problem:
            raise ValidationError(problem, code="refused")

    def check_state_kept(self, cleaned):
        """Times may be corrected here, but going public or away is a recorded action."""
        if "published_at" not in self.fields and "unpublish_at" not in self.fields:
            return
        published_at = cleaned.get("published_at", self.instance.published_at)
        unpublish_at = cleaned.get("unpublish_at", self.instance.unpublish_at)
        if published_at and unpublish_at and unpublish_at <= published_at:
            self.add_error("unpublish_at", _("The withdrawal time must come after the publication time."))
            return
        now = timezone.now()
        after = Article(status=self.instance.status, published_at=published_at, unpublish_at=unpublish_at)
        before = self.instance.state_at(now)
        if after.state_at(now) != before:
            raise ValidationError(
                _(
                    "These times would make the article %(state)s. Use the actions below "
                    "(Publish now, Schedule, Unpublish) so the change is recorded."
                ),
                code="state_changed_by_times",
                params={"state": Article.State(after.state_at(now)).label},
            )


def address_taken_message(slug, published_at):
    return _("Another article of %(date)s already has the slug “%(slug)s”: choose another.") % {
        "date": site_date(published_at).isoformat(),
        "slug": slug,
    }


def last_change(article):
    """Who last saved or moved the article, and when."""
    changes = []
    revision = Revision.objects.filter(article=article).select_related("user").order_by("-number").first()
    if revision:
        changes.append((revision.created_at, revision.user))
    transition = Transition.objects.filter(article=article).select_related("user").first()
    if transition:
        changes.append((transition.at, transition.user))
    when, user = max(changes, key=lambda change: change[0], default=(article.updated_at, None))
    return (user.get_username() if user else _("Someone else")), when
