"""What the desk keeps of each article beside it: its moves through the workflow, its revisions,
editors' autosaves and shareable preview links."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Article


class Transition(models.Model):
    """One move of an article through the workflow: who, when, from which state to which, and why."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("article")
    )
    name = models.CharField(_("action"), max_length=30)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_state = models.CharField(_("from"), max_length=20, choices=Article.State.choices)
    to_state = models.CharField(_("to"), max_length=20, choices=Article.State.choices)
    made_by = models.CharField(
        _("made by"),
        max_length=300,
        blank=True,
        help_text=_("What made it when no user did: an import, the demo."),
    )
    note = models.TextField(_("note"), blank=True)
    scheduled_for = models.DateTimeField(
        _("scheduled for"), null=True, blank=True, help_text=_("The publication or withdrawal time it set.")
    )
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.article_id}: {self.from_state} → {self.to_state}"


class Revision(models.Model):
    """A snapshot of an article's content after a save, numbered from 1 per article."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("article")
    )
    number = models.PositiveIntegerField(_("number"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    made_by = models.CharField(
        _("made by"),
        max_length=300,
        blank=True,
        help_text=_("What made it when no user did: an import, the demo."),
    )
    created_at = models.DateTimeField(_("saved"), default=timezone.now)
    data = models.JSONField(_("content"), default=dict)
    comment = models.CharField(_("comment"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="unique_revision_number")]

    def __str__(self):
        return f"{self.article_id} #{self.number}"


class Autosave(models.Model):
    """An editor's unsaved article form, kept while they type: never a revision, never public.

    One per user and article; ``article`` is empty for the user's new, never-saved article.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.CASCADE, related_name="autosaves"
    )
    data = models.JSONField(_("form"), default=dict)
    saved_at = models.DateTimeField(_("saved"), default=timezone.now)

    class Meta:
        verbose_name = _("autosave")
        verbose_name_plural = _("autosaves")
        constraints = [
            models.UniqueConstraint(fields=["user", "article"], name="one_autosave_per_article"),
            models.UniqueConstraint(
                fields=["user"], condition=Q(article__isnull=True), name="one_autosave_per_new_article"
            ),
        ]

    def __str__(self):
        return f"{self.user_id}: {self.article_id or 'new'}"


def preview_link_expiry():
    return timezone.now() + timedelta(days=getattr(settings, "PREVIEW_LINK_DAYS", 7))


class PreviewLink(models.Model):
    """A shareable preview of an unpublished article for people without an account."""

    SALT = "articles.preview-link"

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="preview_links", verbose_name=_("article")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), default=preview_link_expiry)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("preview link")
        verbose_name_plural = _("preview links")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return str(self.token)

    def get_absolute_url(self):
        return reverse("preview:shared", kwargs={"token": self.token})

    @property
    def token(self):
        # Signed, so link ids cannot be guessed or counted through. Signer, not signing.dumps: no
        # timestamp, so a link keeps one address (expiry and revocation live in the database).
        return signing.Signer(salt=self.SALT).sign_object(self.pk)

    @classmethod
    def from_token(cls, token):
        """The link a token names, or None when the signature is wrong or the link is gone."""
        try:
            pk = signing.Signer(salt=cls.SALT).unsign_object(token)
        except signing.BadSignature:
            return None
        if not isinstance(pk, int):
            return None
        return cls.objects.select_related("article").filter(pk=pk).first()

    def is_active(self):
        return self.revoked_at is None and self.expires_at > timezone.now()
