"""The markdownx editor's two endpoints, hardened: article editors only, real images only, never a 500."""

import os

from django import forms
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import View
from markdownx.views import MarkdownifyView

from .images import pictures, uploads
from .images.models import Image
from .markdown import check_body, render_markdown


class EditorUploadForm(forms.Form):
    # markdownx's JS posts the dropped file under this name.
    image = forms.FileField()

    def clean_image(self):
        # The library's own check: same limits, same messages as an upload in the image admin.
        self.checked_upload = uploads.check_upload(self.cleaned_data["image"])
        return self.checked_upload.file


class ArticleEditorRequired:
    """Staff (others are sent to the login page) who may add or change articles (others get a 403)."""

    @method_decorator(staff_member_required)
    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not (user.has_perm("articles.add_article") or user.has_perm("articles.change_article")):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class EditorImageUploadView(ArticleEditorRequired, View):
    """A picture dropped in the editor joins the image library; the body gets ``![](image:<pk>)``.

    markdownx's JS inserts ``image_code`` at the cursor. It reads a refusal's body too (it does not
    look at the status): the 400 is a form's errors as JSON, as markdownx's own view answers.
    """

    def post(self, request, *args, **kwargs):
        # Checked after ArticleEditorRequired, so strangers still go to the login page first.
        if not request.user.has_perm("articles.add_image"):
            raise PermissionDenied
        form = EditorUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            # Refused before anything is stored: no row, no file.
            return JsonResponse(form.errors, status=400)
        checked = form.checked_upload
        image = Image(title=os.path.splitext(checked.file.name)[0][:255], uploaded_by=request.user)
        uploads.save_upload(image, checked)
        return JsonResponse({"image_code": f"![](image:{image.pk})"})


class EditorPreviewView(ArticleEditorRequired, MarkdownifyView):
    """The live preview: the same renderer as the public pages."""

    def post(self, request, *args, **kwargs):
        if "content" not in request.POST:
            return HttpResponseBadRequest(_("Nothing to preview."))
        try:
            check_body(request.POST["content"])
        except ValidationError as refused:
            return HttpResponseBadRequest(refused.messages[0])
        html = render_markdown(request.POST["content"])
        # Library images as the page will show them (their renditions are made on first request).
        return HttpResponse(pictures.expand(html, pictures.library(pictures.referenced(html))))
