"""The editors' admin: list, filters, search, the markdownx editor, autocomplete, saving."""

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleRedirect
from tests.factories import make_article, make_author, make_category
from tests.staff import admin_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_ja(admin_client):
    return admin_client


def test_changelist_shows_columns_and_bylines_without_n_plus_one(admin_client, django_assert_max_num_queries):
    author = make_author("ALLFORCES編集部")
    for i in range(15):
        make_article(f"記事 {i}", authors=[author], tags=["AI"])
    with django_assert_max_num_queries(12):
        response = admin_client.get(reverse("admin:articles_article_changelist"))
    assert response.status_code == 200
    assert "ALLFORCES編集部" in response.content.decode()


def test_search_finds_by_title_and_tag(admin_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the index follows the commit
        make_article("クラウドAI投資", tags=["AI人材"])
        make_article("Other")
    url = reverse("admin:articles_article_changelist")
    assert "クラウドAI投資" in admin_client.get(url, {"q": "AI人材"}).content.decode()
    assert "Other" not in admin_client.get(url, {"q": "クラウド"}).content.decode()


def test_add_form_has_markdownx_editor_and_prepopulated_slug(admin_client):
    response = admin_client.get(reverse("admin:articles_article_add"))
    html = response.content.decode()
    assert 'class="markdownx"' in html or "markdownx-editor" in html
    assert "markdownx/markdownify/" in html or "data-markdownx-urls-path" in html
    assert "prepopulated" in html and 'id="id_slug"' in html


def test_author_and_category_autocomplete(admin_client):
    make_author("ALLFORCES編集部")
    make_category("業界別AI活用")
    url = reverse("admin:autocomplete")
    common = {"app_label": "articles", "model_name": "article"}
    response = admin_client.get(url, {**common, "field_name": "categories", "term": "業界"})
    assert [r["text"] for r in response.json()["results"]] == ["業界別AI活用"]
    response = admin_client.get(
        url,
        {
            "app_label": "articles",
            "model_name": "articleauthor",
            "field_name": "author",
            "term": "ALL",
        },
    )
    assert [r["text"] for r in response.json()["results"]] == ["ALLFORCES編集部"]


def test_creating_an_article_through_the_admin(admin_client):
    author = make_author("記者")
    category = make_category("テクノロジー")
    response = admin_client.post(
        reverse("admin:articles_article_add"),
        {
            "title": "新しい記事",
            "slug": "新しい記事",
            "body": "## 概要\n\n本文です。",
            "tags": "AI人材, Cloud",
            "categories": [category.pk],
            "status": "published",
            "published_at_0": "2025-09-07",
            "published_at_1": "09:00:00",
            "language": "ja",
            "excerpt": "",
            "description": "",
            "image": "",
            "updated_at_0": "2025-09-07",
            "updated_at_1": "09:00:00",
            "bylines-TOTAL_FORMS": "1",
            "bylines-INITIAL_FORMS": "0",
            "bylines-0-author": author.pk,
            "bylines-0-position": "0",
            "redirects-TOTAL_FORMS": "0",
            "redirects-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    article = Article.objects.get()
    assert article.body_html.startswith('<h2 id="md-概要">')
    assert article.ordered_authors == [author]
    assert sorted(article.tags.names()) == ["AI人材", "Cloud"]
    assert article.get_absolute_url() == "/2025/09/07/%E6%96%B0%E3%81%97%E3%81%84%E8%A8%98%E4%BA%8B/"


def test_a_byline_added_in_the_admin_lists_the_article_on_its_authors_page(admin_client, client):
    # The inline's row copies the public article's state (ListedLink.save): its author's list shows it.
    article = make_article("署名を足す")
    author = make_author("追加記者")
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = admin_form_data(admin_client.get(url))
    data.update({"bylines-0-author": author.pk, "bylines-0-position": "0"})
    assert admin_client.post(url, data).status_code == 302
    response = client.get(author.get_absolute_url())
    assert ">署名を足す</a>" in response.content.decode()


def test_invalid_form_changes_nothing(admin_client):
    response = admin_client.post(
        reverse("admin:articles_article_add"),
        {
            "title": "",
            "slug": "bad slug!",
            "status": "nonsense",
            "bylines-TOTAL_FORMS": "0",
            "bylines-INITIAL_FORMS": "0",
            "redirects-TOTAL_FORMS": "0",
            "redirects-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not Article.objects.exists()


def test_slug_change_in_admin_keeps_old_url(admin_client):
    article = make_article(slug="old-slug", tags=["x"])
    old = article.get_absolute_url()
    url = reverse("admin:articles_article_change", args=[article.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    local = timezone.localtime(article.published_at)
    data.update(
        {
            "slug": "new-slug",
            "tags": "x",
            "published_at_0": local.strftime("%Y-%m-%d"),
            "published_at_1": local.strftime("%H:%M:%S"),
            "updated_at_0": local.strftime("%Y-%m-%d"),
            "updated_at_1": local.strftime("%H:%M:%S"),
            "bylines-TOTAL_FORMS": "0",
            "bylines-INITIAL_FORMS": "0",
            "redirects-TOTAL_FORMS": "0",
            "redirects-INITIAL_FORMS": "0",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302
    assert ArticleRedirect.objects.get(old_path=old).article_id == article.pk


def test_the_admin_is_named_for_the_newsroom(admin_client):
    page = admin_client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Newsroom editorial desk" in page and "Django administration" not in page


@pytest.mark.parametrize(
    ("language", "labels"),
    [("ja", ["タイトル", "本文", "抜粋", "Newsroom 編集デスク"]), ("en", ["Title", "Body", "Excerpt"])],
)
def test_admin_labels_in_japanese_and_english(admin_client, language, labels):
    page = admin_client.get(reverse("admin:articles_article_add"), HTTP_ACCEPT_LANGUAGE=language)
    html = page.content.decode()
    for label in labels:
        assert label in html
