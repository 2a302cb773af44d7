"""The markdownx editor's two endpoints, hardened: staff only, real images only, never a 500."""

from uuid import uuid4

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from markdownx.forms import ImageForm
from markdownx.views import ImageUploadView, MarkdownifyView
from PIL import Image, UnidentifiedImageError

from .markdown import render_markdown

# What Pillow finds in the file decides the extension; the uploaded name is never used.
IMAGE_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}


class SafeImageForm(ImageForm):
    def clean(self):
        upload = super().clean()
        try:
            with Image.open(upload) as image:
                image.verify()
                image_format = image.format
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise ValidationError(_("This file is not an image."), code="not_an_image") from exc
        if image_format not in IMAGE_EXTENSIONS:
            raise ValidationError(_("Upload a JPEG, PNG, GIF or WebP image."), code="unsupported_format")
        upload.seek(0)
        self.extension = IMAGE_EXTENSIONS[image_format]
        return upload

    def get_unique_file_name(self, file_name):
        return f"{uuid4().hex}.{self.extension}"


@method_decorator(staff_member_required, name="dispatch")
class EditorImageUploadView(ImageUploadView):
    form_class = SafeImageForm

    def form_invalid(self, form):
        return JsonResponse(form.errors, status=400)

    def form_valid(self, form):
        return JsonResponse({"image_code": f"![]({form.save(commit=True)})"})


@method_decorator(staff_member_required, name="dispatch")
class EditorPreviewView(MarkdownifyView):
    """The live preview: the same renderer as the public pages."""

    def post(self, request, *args, **kwargs):
        if "content" not in request.POST:
            return HttpResponseBadRequest(_("Nothing to preview."))
        return HttpResponse(render_markdown(request.POST["content"]))
