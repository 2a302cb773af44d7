"""Old addresses of articles answer with a 301 to the current one, and only for public articles."""

import datetime
from datetime import timedelta

import pytest

from articles.editing import save_article
from articles.middleware import candidate_paths
from articles.models import ArticleRedirect

from .factories import make_article, make_draft, tomorrow

pytestmark = pytest.mark.django_db

TOKYO = datetime.timezone(timedelta(hours=9))


@pytest.fixture
def article():
    return make_article(
        "移転した記事", slug="新しい", published_at=datetime.datetime(2025, 9, 7, 9, tzinfo=TOKYO)
    )


def test_an_imported_jekyll_url_is_a_301_to_the_article(client, article):
    ArticleRedirect.objects.create(old_path="/blog/2019/01/01/old-post.html", article=article)
    response = client.get("/blog/2019/01/01/old-post.html")
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()
    assert client.get(response["Location"]).status_code == 200


def test_an_old_slug_under_a_matching_url_pattern_is_a_301(client, article):
    # The old URL matches the detail pattern; the view's 404 is what the middleware answers.
    ArticleRedirect.objects.create(old_path="/2025/09/07/古い/", article=article)
    response = client.get("/2025/09/07/%E5%8F%A4%E3%81%84/")
    assert response.status_code == 301
    assert response["Location"] == "/2025/09/07/%E6%96%B0%E3%81%97%E3%81%84/"


@pytest.mark.parametrize(
    ("stored", "requested"),
    [
        ("/old/path", "/old/path/"),
        ("/old/path/", "/old/path"),
        ("/%E5%8F%A4%E3%81%84/", "/古い/"),
        ("/古い/", "/%E5%8F%A4%E3%81%84"),
    ],
)
def test_the_trailing_slash_and_percent_encoding_do_not_matter(client, article, stored, requested):
    ArticleRedirect.objects.create(old_path=stored, article=article)
    response = client.get(requested)
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


def test_the_query_string_is_kept(client, article):
    ArticleRedirect.objects.create(old_path="/old.html", article=article)
    response = client.get("/old.html?utm_source=mail")
    assert response["Location"] == f"{article.get_absolute_url()}?utm_source=mail"


@pytest.mark.parametrize("hidden", ["draft", "future"])
def test_an_old_path_of_a_hidden_article_stays_404(client, hidden):
    if hidden == "draft":
        target = make_draft("Secret", slug="secret")
    else:
        target = make_article("Secret", slug="secret", published_at=tomorrow())
    ArticleRedirect.objects.create(old_path="/old-secret.html", article=target)
    response = client.get("/old-secret.html")
    assert response.status_code == 404
    assert "Secret" not in response.content.decode()


@pytest.mark.parametrize("change", ["slug", "date"])
def test_a_changed_slug_or_date_keeps_the_old_url_working(client, article, change):
    old_url = article.get_absolute_url()
    if change == "slug":
        article.slug = "改名"
    else:
        article.published_at -= timedelta(days=3)
    save_article(article, by=None)  # records the old path, as the admin does
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url() != old_url


def test_pages_that_exist_are_never_redirected(client, article):
    ArticleRedirect.objects.create(old_path="/tags/", article=article)
    assert client.get("/tags/").status_code == 200


def test_unknown_paths_get_the_helpful_404_page(client, article):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "ページが見つかりません" in page
    assert 'action="/search/"' in page and 'name="q"' in page
    assert 'href="/"' in page and 'href="/tags/"' in page
    assert f'href="{article.get_absolute_url()}">移転した記事</a>' in page


def test_candidate_paths_cover_slash_and_encoding():
    assert candidate_paths("/古い") == {
        "/古い",
        "/古い/",
        "/%E5%8F%A4%E3%81%84",
        "/%E5%8F%A4%E3%81%84/",
    }
    assert candidate_paths("/") == {"/"}


@pytest.mark.parametrize(
    "path",
    [
        "/tags/%00/",
        "/tags/%00/feed/",
        "/2025/09/07/a%00b/",
        "/categories/%00/",
        "/authors/x%00/",
        "/old%00.html",
        "/2025/09/07/%FF/",
        "/tags/%FF/",
        "/tags/a%0Ab/",
    ],
)
def test_control_characters_and_broken_encodings_in_paths_are_404_not_500(client, path):
    # PostgreSQL refuses NUL bytes: such a path must never reach a query.
    assert client.get(path).status_code == 404
