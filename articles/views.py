"""Public pages: thin generic views over Article.objects.published()."""

import datetime
from typing import NamedTuple

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.cache import add_never_cache_headers
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import DetailView, ListView
from taggit.models import Tag

from . import cards, links, page_cache, search, seo, workflow
from .around import articles_around
from .contents import table_of_contents
from .dates import dateline
from .images import pictures
from .models import Article, ArticleAuthor, TaggedArticle


def with_public_count(queryset, relation):
    """Annotate how many public articles each row has: the only count a reader may see."""
    public = Q(**{f"{relation}__in": Article.objects.published()})
    return queryset.annotate(public_count=Count(relation, filter=public))


def page_rows(queryset, bottom, top, ids=None):
    """Rows bottom to top of an ordered queryset; past the first page, ids first, then the rows.

    The OFFSET then walks article_public_idx alone (it covers the order and the publication
    rule) instead of reading every skipped article's row (measured in bench/README.md). ``ids``,
    the same articles' ids in the same order from elsewhere (ListedLink.listing), are read
    instead on every page.
    """
    if ids is None:
        if bottom == 0:
            return queryset[:top]
        ids = queryset.values("pk")
    return queryset.filter(pk__in=ids[bottom:top])


class CountedPaginator(Paginator):
    """A paginator told its count by a query the page has already made (and its ids' source)."""

    def __init__(self, object_list, per_page, *, count, ids=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count, self.ids = count, ids

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(page_rows(self.object_list, bottom, top, self.ids), number, self)


# Far past any site's last page, and an offset every database takes.
MAX_PAGE = 10_000_000


class PeekPage(Page):
    def __init__(self, object_list, number, paginator, *, has_next):
        super().__init__(object_list, number, paginator)
        self._has_next = has_next

    def has_next(self):
        return self._has_next


class PeekPaginator(Paginator):
    """Pages without a total: a page fetches one row more, which tells whether an older page exists.

    Counting all public articles took longer than the rest of the home page's queries together;
    the pages then say "Page 3" instead of "Page 3 of 971".
    """

    count = num_pages = None  # unknown, on purpose

    def validate_number(self, number):
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        if number > MAX_PAGE:
            raise EmptyPage(self.error_messages["no_results"])  # an offset the database cannot take
        return number

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(page_rows(self.object_list, bottom, bottom + self.per_page + 1))
        if not rows and (number > 1 or not self.allow_empty_first_page):
            raise EmptyPage(self.error_messages["no_results"])
        return PeekPage(rows[: self.per_page], number, self, has_next=len(rows) > self.per_page)


class PageKeysMixin:
    """A page that names what it shows (page_cache.py), so that the cache may keep it until that changes."""

    page_keys = ()

    def get_page_keys(self, context):
        return [*self.page_keys, *page_cache.article_keys(context.get("object_list") or [])]

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        return page_cache.mark(response, self.get_page_keys(context))


class ArticleListView(PageKeysMixin, ListView):
    """The home page: the latest public articles, ten to a page."""

    page_keys = ("list-home",)
    paginate_by = 10
    paginator_class = PeekPaginator
    title = ""
    description = _("The latest articles.")

    def get_queryset(self):
        return cards.public_cards()

    def paginate_queryset(self, queryset, page_size):
        paginator, page, object_list, is_paginated = super().paginate_queryset(queryset, page_size)
        page.object_list = cards.load(object_list)
        return paginator, page, page.object_list, is_paginated

    def get_title(self):
        return self.title

    def get_description(self):
        return str(self.description)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(title=self.get_title(), **kwargs)
        context["meta"] = seo.listing_meta(self.request, context["title"], self.get_description())
        return context


class EmptyIs404Mixin:
    """An archive without public articles is no page; its first page tells, no extra query."""

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        return super().get_paginator(queryset, per_page, orphans, allow_empty_first_page=False, **kwargs)


class ObjectArchiveView(ArticleListView):
    """The public articles of one tag, category or author; 404 unless it has some."""

    article_field = None  # Article's relation to Tag, Category or Author
    title_format = None

    def get(self, request, *args, **kwargs):
        model = Article._meta.get_field(self.article_field).related_model
        self.archive = get_object_or_404(model, slug=self.kwargs["slug"])
        # A query of its own: counted for one known id, PostgreSQL merges two index-only scans;
        # as a subquery correlated with the lookup it plans a nested loop (bench/README.md).
        public = Article.objects.published().filter(**{self.article_field: self.archive})
        own = f"{model._meta.model_name}-{self.archive.pk}"
        self.archive.public_count = page_cache.remembered(f"count:{own}", [own], public.count)
        if not self.archive.public_count:
            raise Http404(_("No public article has this tag, category or author."))
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().filter(**{self.article_field: self.archive})

    def get_paginator(self, queryset, per_page, **kwargs):
        # The heading's query counted the articles already.
        count = self.archive.public_count
        return CountedPaginator(queryset, per_page, count=count, ids=self.listing(), **kwargs)

    def listing(self):
        """Where the pages' ids come from, when not from the articles themselves (page_rows)."""
        return None

    def get_title(self):
        return self.title_format % {"name": self.archive.name}

    def get_description(self):
        # A category's description or an author's biography says more than the generic line.
        own = getattr(self.archive, "description", "") or getattr(self.archive, "bio", "")
        return own or super().get_description()

    def get_context_data(self, **kwargs):
        return super().get_context_data(archive=self.archive, **kwargs)

    def get_page_keys(self, context):
        own = f"{self.archive._meta.model_name}-{self.archive.pk}"
        return [own, *page_cache.article_keys(context["object_list"])]


class TagArticleListView(ObjectArchiveView):
    article_field = "tags"
    title_format = _("Tag: %(name)s")
    description = _("Articles tagged with this tag.")
    template_name = "articles/tag_archive.html"

    def listing(self):
        return TaggedArticle.listing(tag=self.archive)


class CategoryArticleListView(ObjectArchiveView):
    article_field = "categories"
    title_format = _("Category: %(name)s")
    description = _("Articles in this category.")
    template_name = "articles/category_archive.html"


class AuthorArticleListView(ObjectArchiveView):
    article_field = "authors"
    title_format = _("Articles by %(name)s")
    description = _("Articles by this author.")
    template_name = "articles/author_archive.html"

    def listing(self):
        return ArticleAuthor.listing(author=self.archive)


class ArticleYearArchiveView(EmptyIs404Mixin, ArticleListView):
    description = _("Articles published this year.")

    def get_page_keys(self, context):
        period = f"{self.kwargs['year']:04d}" + (
            f"-{self.kwargs['month']:02d}" if "month" in self.kwargs else ""
        )
        return [f"archive-{period}", *page_cache.article_keys(context["object_list"])]

    def get_queryset(self):
        return super().get_queryset().filter(pub_date__year=self.kwargs["year"])

    def get_title(self):
        return _("Articles of %(year)d") % {"year": self.kwargs["year"]}


class ArticleMonthArchiveView(ArticleYearArchiveView):
    description = _("Articles published this month.")

    def get_queryset(self):
        if not 1 <= self.kwargs["month"] <= 12:
            raise Http404(_("There is no such month."))
        return super().get_queryset().filter(pub_date__month=self.kwargs["month"])

    def get_title(self):
        month = datetime.date(self.kwargs["year"], self.kwargs["month"], 1)
        return _("Articles of %(month)s") % {"month": date_format(month, "YEAR_MONTH_FORMAT")}


class TagIndexView(ArticleListView):
    """Every tag of at least one public article, with its count of public articles."""

    paginate_by = None
    template_name = "articles/tag_index.html"
    context_object_name = "tags"
    title = _("Tags")
    description = _("Every tag, with how many articles carry it.")

    def get_page_keys(self, context):
        return ["list-tags"]

    def get_queryset(self):
        # Counting every tag's public articles reads every tag of every article: the counts are
        # kept until an article changes (page_cache.remembered).
        counted = page_cache.remembered("tag-index", ["list-tags"], self.counted_tags)
        labels = {}  # "12 articles", made once per number rather than by a template tag per tag
        for _name, _slug, count in counted:
            if count not in labels:
                labels[count] = ngettext("%(counter)s article", "%(counter)s articles", count) % {
                    "counter": count
                }
        return [
            IndexedTag(name, links.reverse("articles:tag", slug), count, labels[count])
            for name, slug, count in counted
        ]

    @staticmethod
    def counted_tags():
        tags = with_public_count(Tag.objects.all(), "article").filter(public_count__gt=0)
        return list(tags.order_by("name").values_list("name", "slug", "public_count"))


class IndexedTag(NamedTuple):
    name: str
    url: str
    public_count: int
    count_label: str


class ArticleDetailView(DetailView):
    """One article. Staff who may change articles also see drafts and scheduled ones, unindexed."""

    def get_queryset(self):
        # Editors see every article, writers their own: the admin's one rule (workflow.py).
        if not self.request.user.is_authenticated:
            articles = Article.objects.published()  # a reader: no rule to combine with it
        else:
            articles = Article.objects.published() | workflow.visible_articles(self.request.user)
        return articles.select_related("lead_image")

    def get_object(self, queryset=None):
        try:
            day = datetime.date(self.kwargs["year"], self.kwargs["month"], self.kwargs["day"])
        except ValueError as exc:
            raise Http404(_("There is no such date.")) from exc
        return get_object_or_404(self.get_queryset(), pub_date=day, slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        article = self.object
        preview = not article.is_published()
        around = articles_around(article)
        if not hasattr(article, "card"):  # a revision's preview brings its own byline and terms
            cards.load([article])
        cards.load(around.articles, names=False)  # their links show a title and a date
        images = pictures.library(pictures.referenced(article.body_html))
        return super().get_context_data(
            preview=preview,
            body=pictures.expand(article.body_html, images),
            images=images,
            lead=pictures.lead(article),
            toc=table_of_contents(article.body_html),
            around=around,
            dateline=dateline(article),
            meta=seo.article_meta(article, preview=preview),
            **kwargs,
        )

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context["preview"]:
            # A draft must never sit in a shared cache where a reader could be served it.
            add_never_cache_headers(response)
            return response
        shown = [self.object, *context["around"].articles]
        images = {f"image-{pk}" for pk in context["images"]}
        return page_cache.mark(response, {*page_cache.article_keys(shown), *images})


class DraftDetailView(ArticleDetailView):
    """Any article by id, for staff: the only address of a draft that has no date yet."""

    def get_queryset(self):
        return workflow.visible_articles(self.request.user)

    def get_object(self, queryset=None):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])


class SearchView(ListView):
    """Search over public articles (articles/search/): best first, ten to a page, with snippets."""

    template_name = "articles/search.html"
    paginate_by = 10

    def get(self, request, *args, **kwargs):
        self.query = search.parse_query(request.GET.get("q", ""))
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        # The cards' columns, with the body's HTML for the snippets.
        return search.Results(
            cards.public_cards().only(*cards.CARD_FIELDS, *cards.LEAD_FIELDS, "body_html"), self.query
        )

    def paginate_queryset(self, queryset, page_size):
        # A page number out of range or not a number shows a page, never a 404.
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        page.object_list = cards.load(page.object_list)
        return paginator, page, page.object_list, page.has_other_pages()

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        # The page without a query is the same for everyone; results are never kept.
        return response if self.query.text else page_cache.mark(response, ["search"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(query=self.query, complete=self.object_list.complete, **kwargs)
        title = _("Search: %(query)s") % {"query": self.query.text} if self.query.text else _("Search")
        context["meta"] = seo.listing_meta(self.request, str(title), str(_("Search the articles.")))
        context["meta"].noindex = True  # result pages are for readers, not for search engines
        return context
