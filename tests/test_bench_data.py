"""The benchmark's data generator: realistic shapes, only into an empty database."""

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from taggit.models import Tag

from articles.markdown import render_markdown
from articles.models import Article, ArticleAuthor, Author, Category, TaggedArticle

from .factories import make_article

pytestmark = pytest.mark.django_db


def test_generates_articles_with_bylines_tags_and_a_category():
    call_command("bench_data", articles=300, tags=40, authors=5, verbosity=0)
    assert Article.objects.count() == 300
    assert Tag.objects.count() == 40 and Author.objects.count() == 5
    assert Category.objects.exists()
    published = Article.objects.published()
    assert 250 < published.count() < 300  # some drafts and scheduled articles too
    counts = Article.objects.annotate(
        n_tags=Count("tagged_items", distinct=True),
        n_authors=Count("bylines", distinct=True),
        n_categories=Count("categories", distinct=True),
    )
    assert {a.n_tags for a in counts} <= {3, 4, 5, 6}
    assert {a.n_authors for a in counts} <= {1, 2}
    assert {a.n_categories for a in counts} == {1}
    assert {a.language for a in published} == {"ja", "en"}
    article = published.first()
    assert article.body_html == render_markdown(article.body)
    assert len(article.body) > 1500 and article.summary
    assert Article.objects.filter(tags__slug="python").count() > 50
    # Tag and author pages list from the copies their rows keep of the articles.
    tagged = TaggedArticle.objects.values_list(
        "status", "published_at", "content_object__status", "content_object__published_at"
    )
    bylines = ArticleAuthor.objects.values_list(
        "status", "published_at", "article__status", "article__published_at"
    )
    assert all(row[:2] == row[2:] for row in [*tagged, *bylines])


def test_illustrates_one_article_beyond_the_home_page_and_the_feed():
    call_command("bench_data", articles=300, tags=40, authors=5, verbosity=0)
    newest = Article.objects.published().order_by("-published_at")
    illustrated = Article.objects.exclude(lead_image=None)
    assert illustrated.count() == 1
    assert illustrated.get() not in newest[:20]


def test_refuses_a_database_that_has_articles():
    make_article()
    with pytest.raises(CommandError, match="already has articles"):
        call_command("bench_data", articles=10, verbosity=0)
    assert Article.objects.count() == 1
