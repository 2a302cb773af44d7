"""The image library in the editors' admin: upload, browse with thumbnails, search by title and
tags, see and filter by the articles that use an image."""

import os

from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..models import Article
from . import pictures, uploads
from .models import Image, ImageUse
from .widgets import FocalPointInput

THUMBNAIL, PREVIEW = pictures.THUMBNAIL, pictures.PREVIEW


class ImageForm(forms.ModelForm):
    class Meta:
        model = Image
        fields = ["file", "title", "alt_text", "caption", "credit", "focal_x", "focal_y", "tags"]
        widgets = {
            "alt_text": forms.Textarea(attrs={"rows": 2}),
            "focal_x": FocalPointInput,
            "focal_y": FocalPointInput,
        }

    checked_upload = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The file's name stands in for a title the editor left empty.
        self.fields["title"].required = False
        self.fields["file"].widget.attrs["accept"] = "image/jpeg,image/png,image/webp,image/avif,image/gif"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if isinstance(upload, UploadedFile):
            self.checked_upload = uploads.check_upload(upload)
            return self.checked_upload.file
        return upload

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("title") and self.checked_upload:
            cleaned["title"] = os.path.splitext(self.checked_upload.file.name)[0][:255]
        elif not cleaned.get("title") and not self.has_error("file"):
            self.add_error("title", forms.ValidationError(_("Give the image a title."), code="required"))
        return cleaned


class UseFilter(admin.SimpleListFilter):
    """Whether an article shows the image: what may be tidied away, and what must stay."""

    title = _("use")
    parameter_name = "use"

    def lookups(self, request, model_admin):
        return [
            ("published", _("Used by a published article")),
            ("any", _("Used by an article")),
            ("none", _("Not used")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "published":
            public = Article.objects.published().filter(image_uses__image=OuterRef("pk"))
            return queryset.filter(Exists(public))
        if self.value() == "any":
            return queryset.filter(Exists(ImageUse.objects.filter(image=OuterRef("pk"))))
        if self.value() == "none":
            return queryset.exclude(Exists(ImageUse.objects.filter(image=OuterRef("pk"))))
        return queryset


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageForm
    list_display = [
        "thumbnail",
        "title",
        "size",
        "format",
        "missing_alt",
        "used_by",
        "uploaded_by",
        "created_at",
    ]
    list_display_links = ["thumbnail", "title"]
    search_fields = ["title", "tags__name"]
    list_filter = [UseFilter, "format", "created_at"]
    readonly_fields = [
        "preview",
        "size",
        "format",
        "file_size",
        "uploaded_by",
        "created_at",
        "articles_using",
    ]
    fieldsets = [
        (None, {"fields": ["file", "preview", "title", "alt_text", "caption", "credit", "tags"]}),
        (_("Focal point"), {"fields": ["focal_x", "focal_y"]}),
        (_("Used by"), {"fields": ["articles_using"]}),
        (_("File"), {"fields": ["size", "format", "file_size", "uploaded_by", "created_at"]}),
    ]
    list_per_page = 50

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("uploaded_by")
            .annotate(use_count=Count("uses", distinct=True))
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        moved_focus = {"focal_x", "focal_y"} & set(form.changed_data)
        if form.checked_upload:
            uploads.save_upload(obj, form.checked_upload)
        else:
            obj.save()
            if moved_focus:
                # Crops are made around the focal point: the next request makes them again.
                obj.renditions.filter(spec__startswith="fill-").delete()

    @admin.display(description=_("thumbnail"))
    def thumbnail(self, obj):
        return self._img(obj, pictures.THUMBNAIL)

    @admin.display(description=_("preview"))
    def preview(self, obj):
        return self._img(obj, pictures.PREVIEW) if obj.pk else "—"

    @admin.display(description=_("size"))
    def size(self, obj):
        return f"{obj.width}×{obj.height}"

    @admin.display(description=_("used by"), ordering="use_count")
    def used_by(self, obj):
        count = getattr(obj, "use_count", 0)
        if not count:
            return "—"
        return ngettext("%(count)d article", "%(count)d articles", count) % {"count": count}

    @admin.display(description=_("articles"))
    def articles_using(self, obj):
        uses = (
            Article.objects.filter(image_uses__image=obj).order_by("-published_at", "-pk") if obj.pk else []
        )
        if not uses:
            return _("Not used by any article.")
        now = timezone.now()
        return format_html_join(
            mark_safe("<br>"),
            '<a href="{}">{}</a> ({})',
            (
                (
                    reverse("admin:articles_article_change", args=[a.pk]),
                    a.title,
                    Article.State(a.state_at(now)).label,
                )
                for a in uses
            ),
        )

    def _img(self, obj, spec):
        # The rendition's own address: made by the browser's first request for it, not by this page.
        width, height = pictures.size(obj, spec)
        return format_html(
            '<img src="{}" width="{}" height="{}" alt="{}" loading="lazy">',
            pictures.url(obj, spec),
            width,
            height,
            obj.alt_text,
        )
