"""The editors' tool: articles with the markdownx editor and live preview, authors, categories."""

from django.contrib import admin
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from markdownx.admin import MarkdownxModelAdmin

from .models import Article, ArticleAuthor, ArticleRedirect, Author, Category
from .services import save_article


class BylineInline(admin.TabularInline):
    model = ArticleAuthor
    autocomplete_fields = ["author"]
    extra = 1
    fields = ["author", "position"]


class RedirectInline(admin.TabularInline):
    model = ArticleRedirect
    extra = 0
    verbose_name_plural = _("old URLs (answered with a redirect)")


@admin.register(Article)
class ArticleAdmin(MarkdownxModelAdmin):
    list_display = [
        "title",
        "status",
        "published_at",
        "is_published",
        "byline",
        "reading_time",
        "updated_at",
    ]
    list_filter = ["status", "language", "categories", ("published_at", admin.DateFieldListFilter)]
    search_fields = ["title", "slug", "body", "tags__name"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["categories"]
    inlines = [BylineInline, RedirectInline]
    readonly_fields = ["reading_time", "summary", "created_at", "source_path", "front_matter"]
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["title", "slug", "body", "tags", "categories"]}),
        (_("Publishing"), {"fields": ["status", "published_at", "language"]}),
        (_("Summary and sharing"), {"fields": ["excerpt", "description", "image", "summary"]}),
        (
            _("Record"),
            {
                "classes": ["collapse"],
                "fields": [
                    "reading_time",
                    "created_at",
                    "updated_at",
                    "source_path",
                    "front_matter",
                ],
            },
        ),
    ]

    def save_model(self, request, obj, form, change):
        save_article(obj)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("bylines", queryset=ArticleAuthor.objects.select_related("author"))
            )
        )

    @admin.display(description=_("authors"))
    def byline(self, article):
        return ", ".join(author.name for author in article.ordered_authors)


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "user"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
