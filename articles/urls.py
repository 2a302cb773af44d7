from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.ArticleListView.as_view(), name="home"),
    path("<int:year>/<int:month>/<int:day>/<str:slug>/", views.ArticleDetailView.as_view(),
         name="detail"),
    path("drafts/<int:pk>/", views.DraftDetailView.as_view(), name="draft"),
    path("authors/<str:slug>/", views.AuthorArticleListView.as_view(), name="author"),
    path("categories/<str:slug>/", views.CategoryArticleListView.as_view(), name="category"),
    path("tags/<str:slug>/", views.TagArticleListView.as_view(), name="tag"),
]
