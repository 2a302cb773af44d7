"""The image library in the editors' admin: upload, browse with thumbnails, search by title and tags."""

import logging
import os

from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Prefetch
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import uploads
from .models import Image, Rendition
from .renditions import rendition

THUMBNAIL = "w160.webp"
PREVIEW = "w800.webp"
logger = logging.getLogger(__name__)


class ImageForm(forms.ModelForm):
    class Meta:
        model = Image
        fields = ["file", "title", "alt_text", "caption", "credit", "focal_x", "focal_y", "tags"]
        widgets = {"alt_text": forms.Textarea(attrs={"rows": 2})}

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


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageForm
    list_display = ["thumbnail", "title", "size", "format", "missing_alt", "uploaded_by", "created_at"]
    list_display_links = ["thumbnail", "title"]
    search_fields = ["title", "tags__name"]
    list_filter = ["format", "created_at"]
    readonly_fields = ["preview", "size", "format", "file_size", "uploaded_by", "created_at"]
    fieldsets = [
        (None, {"fields": ["file", "preview", "title", "alt_text", "caption", "credit", "tags"]}),
        (_("Focal point"), {"fields": ["focal_x", "focal_y"]}),
        (_("File"), {"fields": ["size", "format", "file_size", "uploaded_by", "created_at"]}),
    ]
    list_per_page = 50

    def get_queryset(self, request):
        thumbnails = Prefetch("renditions", Rendition.objects.filter(spec=THUMBNAIL), to_attr="thumbnails")
        return super().get_queryset(request).select_related("uploaded_by").prefetch_related(thumbnails)

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
        # The list shows the thumbnail at once; made here, no list view waits for a whole page of them.
        transaction.on_commit(lambda: self._rendition_or_none(obj, THUMBNAIL))

    @admin.display(description=_("thumbnail"))
    def thumbnail(self, obj):
        # The list prefetches thumbnails; an image without one yet gets it made now.
        made = next(iter(getattr(obj, "thumbnails", [])), None) or self._rendition_or_none(obj, THUMBNAIL)
        return self._img(obj, made)

    @admin.display(description=_("preview"))
    def preview(self, obj):
        return self._img(obj, self._rendition_or_none(obj, PREVIEW)) if obj.pk else "—"

    @admin.display(description=_("size"))
    def size(self, obj):
        return f"{obj.width}×{obj.height}"

    def _img(self, obj, made):
        if made is None:
            return "—"
        return format_html(
            '<img src="{}" width="{}" height="{}" alt="{}" loading="lazy">',
            made.file.url,
            made.width,
            made.height,
            obj.alt_text,
        )

    def _rendition_or_none(self, obj, spec):
        # A missing or unreadable original must not take the whole list down with it.
        try:
            return rendition(obj, spec)
        except OSError:
            logger.exception("no %s rendition of image %s", spec, obj.pk)
            return None
