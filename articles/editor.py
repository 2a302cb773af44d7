"""The markdownx editor's two endpoints, hardened: article editors only, real images only, never a 500."""

from uuid import uuid4

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from markdownx.forms import ImageForm
from markdownx.views import ImageUploadView, MarkdownifyView
from PIL import Image, UnidentifiedImageError

from .markdown import check_body, render_markdown

# What Pillow finds in the file decides the extension; the uploaded name is never used.
IMAGE_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
# Saving decodes the whole image to resize it (MARKDOWNX_IMAGE_MAX_SIZE): 40 megapixels is a large
# camera's photo and about 160 MB decoded. A few kilobytes of PNG can claim 20000 × 20000.
MAX_IMAGE_PIXELS = 40_000_000


class SafeImageForm(ImageForm):
    def clean(self):
        upload = super().clean()
        too_large = ValidationError(
            _("This image is too large: at most %(limit)d megapixels."),
            code="too_many_pixels",
            params={"limit": MAX_IMAGE_PIXELS // 10**6},
        )
        try:
            # Image.open reads only the header: the size is known before any pixel is decoded.
            with Image.open(upload) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise too_large
                image.verify()
                image_format = image.format
        except Image.DecompressionBombError as exc:
            # Pillow's own limit (twice Image.MAX_IMAGE_PIXELS), met inside Image.open.
            raise too_large from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise ValidationError(_("This file is not an image."), code="not_an_image") from exc
        if image_format not in IMAGE_EXTENSIONS:
            raise ValidationError(_("Upload a JPEG, PNG, GIF or WebP image."), code="unsupported_format")
        upload.seek(0)
        self.extension = IMAGE_EXTENSIONS[image_format]
        return upload

    def get_unique_file_name(self, file_name):
        return f"{uuid4().hex}.{self.extension}"


class ArticleEditorRequired:
    """Staff (others are sent to the login page) who may add or change articles (others get a 403)."""

    @method_decorator(staff_member_required)
    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not (user.has_perm("articles.add_article") or user.has_perm("articles.change_article")):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class EditorImageUploadView(ArticleEditorRequired, ImageUploadView):
    form_class = SafeImageForm

    def form_invalid(self, form):
        return JsonResponse(form.errors, status=400)

    def form_valid(self, form):
        return JsonResponse({"image_code": f"![]({form.save(commit=True)})"})


class EditorPreviewView(ArticleEditorRequired, MarkdownifyView):
    """The live preview: the same renderer as the public pages."""

    def post(self, request, *args, **kwargs):
        if "content" not in request.POST:
            return HttpResponseBadRequest(_("Nothing to preview."))
        try:
            check_body(request.POST["content"])
        except ValidationError as refused:
            return HttpResponseBadRequest(refused.messages[0])
        return HttpResponse(render_markdown(request.POST["content"]))
