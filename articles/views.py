"""Public pages: thin generic views over Article.objects.published()."""

from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from .models import Article, Author, Category


class PublishedMixin:
    def get_queryset(self):
        return Article.objects.published().with_listing_data()


class ArticleListView(PublishedMixin, ListView):
    paginate_by = 10


class ArticleDetailView(PublishedMixin, DetailView):
    def get_object(self, queryset=None):
        queryset = self.get_queryset() if queryset is None else queryset
        return get_object_or_404(
            queryset,
            pub_date__year=self.kwargs["year"],
            pub_date__month=self.kwargs["month"],
            pub_date__day=self.kwargs["day"],
            slug=self.kwargs["slug"],
        )


class DraftDetailView(DetailView):
    """A dateless draft, for staff who may change it."""

    def get_queryset(self):
        if self.request.user.has_perm("articles.change_article"):
            return Article.objects.with_listing_data()
        return Article.objects.none()


class AuthorArticleListView(ArticleListView):
    def get_queryset(self):
        self.author = get_object_or_404(Author, slug=self.kwargs["slug"])
        return super().get_queryset().filter(authors=self.author)


class CategoryArticleListView(ArticleListView):
    def get_queryset(self):
        self.category = get_object_or_404(Category, slug=self.kwargs["slug"])
        return super().get_queryset().filter(categories=self.category)


class TagArticleListView(ArticleListView):
    def get_queryset(self):
        return super().get_queryset().filter(tags__slug=self.kwargs["slug"])


class ArticleYearArchiveView(ListView):
    paginate_by = 10

    def get_queryset(self):
        return Article.objects.published().with_listing_data().filter(pub_date__year=self.kwargs["year"])


class ArticleMonthArchiveView(ArticleYearArchiveView):
    def get_queryset(self):
        return super().get_queryset().filter(pub_date__month=self.kwargs["month"])


class TagIndexView(ListView):
    template_name = "articles/tag_index.html"

    def get_queryset(self):
        from taggit.models import Tag

        return Tag.objects.all()
