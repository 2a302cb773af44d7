"""Preview addresses: never linked from a public page, feed or sitemap."""

from django.urls import path

from . import preview

app_name = "preview"

urlpatterns = [
    path("<int:pk>/", preview.ArticlePreviewView.as_view(), name="article"),
    path("<int:pk>/revisions/<int:number>/", preview.ArticlePreviewView.as_view(), name="revision"),
    path("share/<str:token>/", preview.SharedPreviewView.as_view(), name="shared"),
]
