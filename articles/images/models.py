"""Images in the library, the renditions made from them and the articles that use them."""

import os
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

FRACTION = [MinValueValidator(0.0), MaxValueValidator(1.0)]


class TaggedImage(TaggedItemBase):
    """The explicit through model keeps tag lookups to plain joins, as for articles."""

    content_object = models.ForeignKey("Image", on_delete=models.CASCADE, related_name="tagged_items")

    class Meta:
        app_label = "articles"
        verbose_name = _("tagged image")
        verbose_name_plural = _("tagged images")
        constraints = [models.UniqueConstraint(fields=["content_object", "tag"], name="unique_tag_per_image")]


def original_name(image, filename):
    # A random part: in a public bucket, nobody finds an unpublished picture by guessing its name.
    stem, ext = os.path.splitext(filename)
    return f"images/originals/{stem[:80]}.{secrets.token_hex(6)}{ext}"


class Image(models.Model):
    class Format(models.TextChoices):
        # Pillow's names for the formats uploads.py accepts.
        JPEG = "JPEG", "JPEG"
        PNG = "PNG", "PNG"
        WEBP = "WEBP", "WebP"
        AVIF = "AVIF", "AVIF"
        GIF = "GIF", "GIF"

    file = models.FileField(_("file"), upload_to=original_name, max_length=255)
    title = models.CharField(_("title"), max_length=255)
    alt_text = models.CharField(
        _("alt text"),
        max_length=500,
        blank=True,
        help_text=_(
            "What the picture shows, for readers who cannot see it. Required before the image "
            "appears in a published article."
        ),
    )
    caption = models.TextField(_("caption"), blank=True)
    credit = models.CharField(_("credit"), max_length=255, blank=True, help_text=_("Photographer or agency."))
    focal_x = models.FloatField(
        _("focal point (horizontal)"),
        default=0.5,
        validators=FRACTION,
        help_text=_("0 is the left edge, 1 the right; crops keep this point in the picture."),
    )
    focal_y = models.FloatField(
        _("focal point (vertical)"),
        default=0.5,
        validators=FRACTION,
        help_text=_("0 is the top edge, 1 the bottom."),
    )
    # As readers see the picture: EXIF orientation already applied.
    width = models.PositiveIntegerField(_("width"), editable=False)
    height = models.PositiveIntegerField(_("height"), editable=False)
    file_size = models.PositiveIntegerField(_("size in bytes"), editable=False)
    format = models.CharField(_("format"), max_length=8, choices=Format.choices, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="uploaded_images",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    # SHA-256 of the stored original: an import that meets the same file again uses this image.
    checksum = models.CharField(_("checksum"), max_length=64, blank=True, editable=False, db_index=True)
    tags = TaggableManager(through=TaggedImage, blank=True, verbose_name=_("tags"))

    class Meta:
        app_label = "articles"
        verbose_name = _("image")
        verbose_name_plural = _("images")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(focal_x__gte=0, focal_x__lte=1, focal_y__gte=0, focal_y__lte=1),
                name="image_focal_point_inside",
            )
        ]

    def __str__(self):
        return self.title

    def missing_alt(self):
        """True while the image has no alt text (it may not be used in a published article)."""
        return not self.alt_text.strip()

    missing_alt.boolean = True
    missing_alt.short_description = _("alt text missing")

    @property
    def token(self):
        """Part of every rendition's address. It changes with the file and the focal point, so a
        browser or CDN that keeps a crop forever never shows one made around an old point; and it
        is keyed with the site's secret, so nobody finds the pictures of an unpublished article by
        counting image numbers."""
        key = f"{self.pk}:{self.file.name}:{self.focal_x:.4f}:{self.focal_y:.4f}"
        return salted_hmac("articles.images.token", key).hexdigest()[:16]


class ImageUse(models.Model):
    """An article showing a library image, as its lead image or in its text (usage.record keeps these).

    What the library's "used by" filter reads, and what keeps a used image from being deleted."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="image_uses", verbose_name=_("article")
    )
    image = models.ForeignKey(Image, on_delete=models.PROTECT, related_name="uses", verbose_name=_("image"))

    class Meta:
        app_label = "articles"
        verbose_name = _("use of an image")
        verbose_name_plural = _("uses of images")
        constraints = [models.UniqueConstraint(fields=["image", "article"], name="unique_image_use")]

    def __str__(self):
        # Named in the admin's refusal to delete a used image: the article is what the editor needs.
        return str(self.article)


class Rendition(models.Model):
    """One size and format of an image, made once by renditions.rendition() and kept."""

    image = models.ForeignKey(
        Image, on_delete=models.CASCADE, related_name="renditions", verbose_name=_("image")
    )
    spec = models.CharField(_("specification"), max_length=40, help_text="w800.webp, fill-1200x630.jpg")
    file = models.FileField(_("file"), max_length=255)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))

    class Meta:
        app_label = "articles"
        verbose_name = _("rendition")
        verbose_name_plural = _("renditions")
        # Two first requests for the same rendition may both make it: only one row is kept.
        constraints = [models.UniqueConstraint(fields=["image", "spec"], name="unique_rendition_per_spec")]

    def __str__(self):
        return f"{self.image_id}/{self.spec}"


@receiver(post_delete, sender=Image)
@receiver(post_delete, sender=Rendition)
def remove_file(sender, instance, **kwargs):
    # post_delete runs for queryset and cascade deletes too, which Model.delete() would not see.
    # After the commit, so a rolled-back deletion keeps its file.
    name, storage = instance.file.name, instance.file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))
