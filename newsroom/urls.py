from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.urls import include, path
from markdownx.views import ImageUploadView, MarkdownifyView

urlpatterns = [
    path("admin/", admin.site.urls),
    # markdownx's own urls.py is open to anyone; its editor endpoints are for staff only.
    path(
        "markdownx/upload/",
        staff_member_required(ImageUploadView.as_view()),
        name="markdownx_upload",
    ),
    path(
        "markdownx/markdownify/",
        staff_member_required(MarkdownifyView.as_view()),
        name="markdownx_markdownify",
    ),
    path("", include("articles.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
