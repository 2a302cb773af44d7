"""Previews in the public page design: for editors and the article's writer, and by shareable link."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from . import workflow
from .cards import card_of
from .models import Article, Author, Category, PreviewLink
from .revisions import RESTORED_FIELDS
from .views import ArticleDetailView


def private(response):
    """Never indexed, never stored by a browser or a shared cache."""
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def revision_article(article, revision):
    """An unsaved article as a revision left it, with its tags, categories and byline."""
    data = revision.data
    for field in RESTORED_FIELDS:
        setattr(article, field, data.get(field, getattr(article, field)))
    article.derive()
    tags = Tag.objects.in_bulk(data.get("tags", []), field_name="name")
    categories = Category.objects.in_bulk([c["id"] for c in data.get("categories", [])])
    authors = Author.objects.in_bulk([a["id"] for a in data.get("authors", [])])
    # The reader template then shows the revision's tags, categories and byline.
    article.card = card_of(
        article,
        authors=[authors[a["id"]] for a in data.get("authors", []) if a["id"] in authors],
        tags=[tags[n] for n in data.get("tags", []) if n in tags],
        categories=[categories[c["id"]] for c in data.get("categories", []) if c["id"] in categories],
    )
    return article


class PreviewMixin:
    """The reader's article page, marked as a preview and kept out of indexes and caches."""

    template_name = "articles/preview_detail.html"

    def get_banner(self):
        return {"state": self.object.state.label}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["preview"] = False  # the reader template's staff banner; this page has its own
        context["preview_banner"] = self.get_banner()
        if context.get("meta") is not None:
            context["meta"].noindex = True
        return context

    def render_to_response(self, context, **response_kwargs):
        return private(super().render_to_response(context, **response_kwargs))


class ArticlePreviewView(PreviewMixin, ArticleDetailView):
    """The current or a past version of an article, for editors and the article's own writer."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, queryset=None):
        article = get_object_or_404(Article.objects, pk=self.kwargs["pk"])
        if not workflow.can_view(self.request.user, article):
            raise PermissionDenied(_("Only editors and the article's writer may preview it."))
        self.revision = None
        if "number" in self.kwargs:
            self.revision = get_object_or_404(article.revisions, number=self.kwargs["number"])
            return revision_article(article, self.revision)
        return article

    def get_banner(self):
        banner = super().get_banner()
        if self.revision:
            banner["revision"] = self.revision.number
            banner["saved"] = workflow.format_moment(self.revision.created_at)
        return banner


class SharedPreviewView(PreviewMixin, ArticleDetailView):
    """The current version of an article, for whoever holds a valid shareable link."""

    def get(self, request, *args, **kwargs):
        link = PreviewLink.from_token(kwargs["token"])
        if link is None:
            raise Http404(_("This preview link is not valid."))
        if link.revoked_at is not None:
            return gone(request, _("This preview link was revoked."))
        if link.expires_at <= timezone.now():
            return gone(request, _("This preview link has expired."))
        self.link = link
        return super().get(request, *args, **kwargs)

    def get_object(self, queryset=None):
        return Article.objects.get(pk=self.link.article_id)

    def get_banner(self):
        return {**super().get_banner(), "expires": workflow.format_moment(self.link.expires_at)}


def gone(request, message):
    response = render(request, "articles/preview_gone.html", {"message": message}, status=410)
    return private(response)
