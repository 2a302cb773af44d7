from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from articles.editor import EditorImageUploadView, EditorPreviewView

urlpatterns = [
    path("admin/", admin.site.urls),
    # Not markdownx's own urls.py: its endpoints are open to anyone and trust uploaded names.
    path("markdownx/upload/", EditorImageUploadView.as_view(), name="markdownx_upload"),
    path("markdownx/markdownify/", EditorPreviewView.as_view(), name="markdownx_markdownify"),
    path("", include("articles.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
