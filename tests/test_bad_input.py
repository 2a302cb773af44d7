"""Out-of-range URLs and query strings get a clear 404 or a page, never a 500; clashes are form errors."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse

from articles.editing import apply_action
from articles.models import Article
from tests.factories import make_article, make_author, make_category, make_draft, now, yesterday
from tests.staff import admin_form_data, change_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

HUGE = "9223372036854775807"
HUGER = "9" * 40


@pytest.fixture
def site():
    author, category = make_author("記者"), make_category("経済")
    article = make_article("記事", tags=["AI"], authors=[author], categories=[category])
    return article, author, category


def test_every_date_and_slug_converter_refuses_impossible_values_with_404(client, site):
    article, author, category = site
    day = article.pub_date
    good = f"/{day:%Y/%m/%d}/{article.slug}/"
    assert client.get(good).status_code == 200
    paths = [
        "/0000/",
        "/0000/01/",
        "/0000/01/01/x/",
        "/9999/",
        "/9999/12/",
        "/9999/12/31/x/",
        f"/{day.year}/00/",
        f"/{day.year}/13/",
        f"/{day.year}/99/",
        f"/{day:%Y/%m}/00/{article.slug}/",
        f"/{day:%Y/%m}/32/{article.slug}/",
        f"/{day.year}/02/30/{article.slug}/",
        f"/{day:%Y/%m/%d}/{'x' * 5000}/",
        "/tags/" + "x" * 5000 + "/",
        "/categories/" + "x" * 5000 + "/",
        "/authors/" + "x" * 5000 + "/",
        "/tags/" + "x" * 5000 + "/feed/",
        f"/drafts/{HUGE}/",
        f"/drafts/{HUGER}/",
        "/sitemap-nothing.xml",
    ]
    for path in paths:
        assert client.get(path).status_code == 404, path


@pytest.mark.parametrize("value", ["0", "-1", HUGE, HUGER, "1e309", "NaN", "inf", "1.5", "abc", "%00", "２"])
def test_out_of_range_page_numbers_are_404_on_lists(client, site, value):
    article, author, category = site
    for path in [
        "/",
        "/tags/ai/",
        category.get_absolute_url(),
        author.get_absolute_url(),
        f"/{article.pub_date.year}/",
    ]:
        assert client.get(path, {"page": value}).status_code == 404, (path, value)


@pytest.mark.parametrize("value", ["0", "-1", HUGE, HUGER, "1e309", "abc"])
def test_search_and_sitemaps_answer_out_of_range_pages(client, site, value):
    assert client.get("/search/", {"q": "記事", "page": value}).status_code == 200
    assert client.get("/sitemap-articles.xml", {"p": value}).status_code == 404


@pytest.mark.parametrize("query", ["\x00", "a\x00b", "x" * 10_000, '"' * 500, "-" * 500])
def test_search_takes_any_query(client, site, query):
    assert client.get("/search/", {"q": query}).status_code == 200


def test_query_strings_that_are_not_utf8_are_read_with_replacements(client, site):
    assert client.get("/search/?q=%ED%A0%80%FF").status_code == 200
    assert client.get("/?page=%FF").status_code == 404


def test_a_slug_already_used_on_that_date_is_a_form_error_not_a_500(editor_client):
    taken = make_article("先の記事", slug="same", published_at=yesterday())
    other = make_draft("後の記事", slug="other", published_at=taken.published_at)
    form = editor_client.get(change_url(other))
    response = editor_client.post(change_url(other), admin_form_data(form, slug="same"))
    assert response.status_code == 200
    assert "already has the slug" in str(response.context["adminform"].form.errors["slug"])
    assert Article.objects.get(pk=other.pk).slug == "other"


def test_publishing_onto_a_taken_address_is_refused(editor):
    from articles.workflow import TransitionRefused

    nine = datetime.datetime(2999, 1, 1, 9, tzinfo=zoneinfo.ZoneInfo("Asia/Tokyo"))
    make_article("先の記事", slug="same", published_at=nine)
    draft = make_draft("後の記事", slug="same", published_at=None)
    with pytest.raises(TransitionRefused, match="already has the slug"):
        apply_action(draft, "schedule", by=editor, when=nine + datetime.timedelta(hours=1))
    make_article("今日の記事", slug="today", published_at=now())
    undated = make_draft("同じ名前", slug="today", published_at=None)
    with pytest.raises(TransitionRefused, match="already has the slug"):
        apply_action(undated, "publish", by=editor)
    assert Article.objects.get(pk=undated.pk).status == Article.Status.DRAFT


def test_staff_pages_take_odd_ids_and_parameters(editor_client):
    changelist = reverse("admin:articles_article_changelist")
    expected = {
        f"/preview/{HUGER}/": 404,
        f"/preview/{HUGE}/revisions/1/": 404,
        f"/admin/articles/article/{HUGE}/revisions/": 404,
        f"{changelist}?state=nonsense": 200,
        f"{changelist}?q=%00": 200,
        f"{changelist}?q={'x' * 5000}": 200,
    }
    for path, status in expected.items():
        assert editor_client.get(path).status_code == status, path
    # The admin sends an unknown object back to its index, as Django does.
    response = editor_client.get(f"/admin/articles/article/{HUGER}/change/")
    assert response["Location"] == reverse("admin:index")
