from django.urls import path, register_converter

from . import converters, feeds, views
from .images.views import rendition_view, share_card_view

app_name = "articles"

register_converter(converters.FourDigitYear, "yyyy")
register_converter(converters.TwoDigit, "mm")
register_converter(converters.TwoDigit, "dd")
register_converter(converters.Slug, "uslug")

urlpatterns = [
    path("", views.ArticleListView.as_view(), name="home"),
    path("<yyyy:year>/", views.ArticleYearArchiveView.as_view(), name="year"),
    path("<yyyy:year>/<mm:month>/", views.ArticleMonthArchiveView.as_view(), name="month"),
    path("<yyyy:year>/<mm:month>/<dd:day>/<uslug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("drafts/<int:pk>/", views.DraftDetailView.as_view(), name="draft"),
    path("tags/", views.TagIndexView.as_view(), name="tags"),
    path("tags/<uslug:slug>/", views.TagArticleListView.as_view(), name="tag"),
    path("categories/<uslug:slug>/", views.CategoryArticleListView.as_view(), name="category"),
    path("authors/<uslug:slug>/", views.AuthorArticleListView.as_view(), name="author"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("images/<int:pk>/<slug:token>/<str:spec>", rendition_view, name="image"),
    path("share/<int:pk>/<slug:digest>.png", share_card_view, name="share-card"),
    # Feeds: RSS 2.0 at feed/, Atom at feed/atom/, for the site and for each tag, category, author.
    path("feed/", feeds.LatestRssFeed(), name="feed"),
    path("feed/atom/", feeds.LatestAtomFeed(), name="feed-atom"),
    path("tags/<uslug:slug>/feed/", feeds.TagRssFeed(), name="tag-feed"),
    path("tags/<uslug:slug>/feed/atom/", feeds.TagAtomFeed(), name="tag-feed-atom"),
    path("categories/<uslug:slug>/feed/", feeds.CategoryRssFeed(), name="category-feed"),
    path("categories/<uslug:slug>/feed/atom/", feeds.CategoryAtomFeed(), name="category-feed-atom"),
    path("authors/<uslug:slug>/feed/", feeds.AuthorRssFeed(), name="author-feed"),
    path("authors/<uslug:slug>/feed/atom/", feeds.AuthorAtomFeed(), name="author-feed-atom"),
]
