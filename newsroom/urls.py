from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.views.generic import TemplateView

from articles import autosave
from articles.admin import view_on_site
from articles.editor import EditorImageUploadView, EditorPreviewView
from articles.page_cache import keyed
from articles.sitemaps import SITEMAPS

urlpatterns = [
    # Before the admin's own URLs, which would take these paths for an article id.
    path(
        "admin/articles/article/autosave/new/",
        autosave.AutosaveView.as_view(),
        name="article_autosave_new",
    ),
    path(
        "admin/articles/article/autosave/new/discard/",
        autosave.AutosaveView.as_view(discard=True),
        name="article_autosave_new_discard",
    ),
    path(
        "admin/articles/article/autosave/<int:pk>/",
        autosave.AutosaveView.as_view(),
        name="article_autosave",
    ),
    path(
        "admin/articles/article/autosave/<int:pk>/discard/",
        autosave.AutosaveView.as_view(discard=True),
        name="article_autosave_discard",
    ),
    # Before the admin's own "view on site", which would show any staff the address of any article.
    path(
        "admin/r/<int:content_type_id>/<path:object_id>/",
        admin.site.admin_view(view_on_site),
        name="view_on_site",
    ),
    path("admin/", admin.site.urls),
    # Not markdownx's own urls.py: its endpoints are open to anyone and trust uploaded names.
    path("markdownx/upload/", EditorImageUploadView.as_view(), name="markdownx_upload"),
    path("markdownx/markdownify/", EditorPreviewView.as_view(), name="markdownx_markdownify"),
    path(
        "robots.txt",
        keyed("site")(TemplateView.as_view(template_name="robots.txt", content_type="text/plain")),
        name="robots",
    ),
    path(
        "sitemap.xml",
        keyed("sitemap")(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        keyed("sitemap")(sitemap_views.sitemap),
        # Each section's URLs come as XML (sitemaps.KeptSitemap.get_urls).
        {"sitemaps": SITEMAPS, "template_name": "sitemap_section.xml"},
        name="sitemap-section",
    ),
    path("preview/", include("articles.preview_urls")),
    path("", include("articles.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
