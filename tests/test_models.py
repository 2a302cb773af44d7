import datetime
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.editing import save_article
from articles.models import Article, ArticleRedirect
from tests.factories import make_article, make_author, make_draft, tomorrow, yesterday

pytestmark = pytest.mark.django_db


def public_titles():
    return set(Article.objects.published().values_list("title", flat=True))


def test_published_is_status_published_and_time_come():
    make_article("live")
    make_draft("draft")
    make_article("scheduled", published_at=tomorrow())
    make_article("undated", published_at=None)
    assert public_titles() == {"live"}


@pytest.mark.parametrize(
    ("status", "when", "expected"),
    [
        (Article.Status.PUBLISHED, yesterday, True),
        (Article.Status.PUBLISHED, tomorrow, False),
        (Article.Status.PUBLISHED, lambda: None, False),
        (Article.Status.DRAFT, yesterday, False),
    ],
)
def test_is_published_agrees_with_published(status, when, expected):
    article = make_article(status=status, published_at=when())
    assert article.is_published() is expected
    assert Article.objects.published().filter(pk=article.pk).exists() is expected


def test_scheduled_article_becomes_public_when_its_time_comes():
    article = make_article(published_at=timezone.now() + timedelta(seconds=2))
    assert not Article.objects.published().exists()
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    assert Article.objects.published().get() == article


def test_body_rendered_once_on_save_with_summary_and_reading_time():
    article = make_article(body="## 見出し\n\n" + "日本語の文章です。" * 300)
    assert '<h2 id="md-見出し">見出し</h2>' in article.body_html
    assert article.reading_time == 6  # 2,700 characters at 500 a minute
    assert article.summary.startswith("見出し 日本語の文章です。")
    assert len(article.summary) <= 121


def test_explicit_excerpt_wins_over_derived_summary():
    article = make_article(body="Long body " * 100, excerpt="Hand-written.")
    assert article.summary == "Hand-written."


def test_pub_date_is_the_date_in_the_site_time_zone(settings):
    settings.TIME_ZONE = "Asia/Tokyo"
    # 23:30 UTC on the 29th is the morning of the 30th in Tokyo, as Jekyll built the URL.
    moment = datetime.datetime(2025, 8, 29, 23, 30, tzinfo=datetime.UTC)
    article = make_article(slug="late", published_at=moment)
    assert article.pub_date == datetime.date(2025, 8, 30)
    assert article.get_absolute_url() == "/2025/08/30/late/"


def test_unicode_slug_in_url():
    article = make_article(
        slug="クラウドai投資", published_at=datetime.datetime(2025, 9, 7, tzinfo=datetime.UTC)
    )
    assert (
        article.get_absolute_url() == "/2025/09/07/%E3%82%AF%E3%83%A9%E3%82%A6%E3%83%89ai%E6%8A%95%E8%B3%87/"
    )


def test_slug_unique_per_date_not_globally():
    day = datetime.datetime(2025, 9, 7, 1, tzinfo=datetime.UTC)
    make_article(slug="update", published_at=day)
    make_article(slug="update", published_at=day + timedelta(days=1))
    with pytest.raises(IntegrityError), transaction.atomic():
        make_article(slug="update", published_at=day + timedelta(hours=2))


def test_japanese_tags_get_distinct_readable_slugs():
    article = make_article(tags=["AI人材", "AI倫理"])
    assert sorted(article.tags.values_list("slug", flat=True)) == ["ai人材", "ai倫理"]


def test_tag_case_variants_are_one_tag():
    make_article(tags=["DSL"])
    make_article(tags=["dsl"])
    from taggit.models import Tag

    assert list(Tag.objects.values_list("name", flat=True)) == ["DSL"]


def test_authors_keep_their_order():
    first, second = make_author("Zed"), make_author("Ann")
    article = make_article(authors=[first, second])
    assert Article.objects.with_relations().get(pk=article.pk).ordered_authors == [first, second]


def test_updated_at_moves_only_on_content_change():
    article = make_article()
    stamp = article.updated_at
    article = Article.objects.get(pk=article.pk)
    article.status = Article.Status.DRAFT
    article.save()
    assert article.updated_at == stamp
    article.body = "A new paragraph."
    article.save()
    assert article.updated_at > stamp


def test_explicit_updated_at_is_kept():
    article = Article.objects.get(pk=make_article().pk)
    when = timezone.now() - timedelta(days=3)
    article.body, article.updated_at = "Edited", when
    article.save()
    assert article.updated_at == when


def test_changed_slug_keeps_old_url():
    article = Article.objects.get(pk=make_article(slug="old").pk)
    old_url = article.get_absolute_url()
    article.slug = "new"
    save_article(article, by=None)
    assert ArticleRedirect.objects.get(old_path=old_url).article == article
    # Moving back removes the redirect that now points at itself.
    article.slug = "old"
    save_article(article, by=None)
    assert not ArticleRedirect.objects.filter(old_path=old_url).exists()


def test_undated_draft_url():
    draft = make_draft(published_at=None)
    assert draft.get_absolute_url() == f"/drafts/{draft.pk}/"


def test_empty_slug_falls_back_to_title():
    article = make_article("市場への影響", slug="")
    assert article.slug == "市場への影響"
