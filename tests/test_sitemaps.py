"""sitemap.xml and robots.txt: what a crawler is told exists, and what it is asked to leave alone."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils.timezone import localdate

from articles.models import Article
from articles.sitemaps import ArticleSitemap

from .factories import make_article, make_author, make_category, make_draft, tomorrow

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def section(client, name, **params):
    """A sitemap section's URLs, each with its lastmod (a date in the site's time zone)."""
    response = client.get(reverse("sitemap-section", args=[name]), params)
    assert response.status_code == 200
    return {
        url.findtext("s:loc", namespaces=NS): url.findtext("s:lastmod", namespaces=NS)
        for url in ET.fromstring(response.content).findall("s:url", NS)
    }


def test_index_lists_every_section_with_absolute_urls(client):
    make_article()
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    locations = [loc.text for loc in ET.fromstring(response.content).findall("s:sitemap/s:loc", NS)]
    assert locations == [
        f"http://testserver/sitemap-{name}.xml"
        for name in ("home", "articles", "tags", "categories", "authors")
    ]


def test_index_lists_each_page_of_a_long_section(client, monkeypatch):
    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    for _ in range(3):
        make_article()
    locations = [
        loc.text for loc in ET.fromstring(client.get("/sitemap.xml").content).findall("s:sitemap/s:loc", NS)
    ]
    assert "http://testserver/sitemap-articles.xml" in locations
    assert "http://testserver/sitemap-articles.xml?p=2" in locations
    assert len(section(client, "articles", p=2)) == 1


def test_articles_are_listed_with_their_last_edit(client):
    article = make_article("公開", slug="公開")
    urls = section(client, "articles")
    assert urls == {
        f"http://testserver{article.get_absolute_url()}": localdate(article.updated_at).isoformat()
    }


def test_drafts_scheduled_and_opted_out_articles_are_left_out(client):
    public = make_article()
    make_draft()
    make_article(published_at=tomorrow())
    make_article(front_matter={"sitemap": False})
    kept = make_article(front_matter={"sitemap": True, "layout": "post"})
    make_article(front_matter={"layout": "post"})
    make_article(front_matter={"sitemap": None})
    urls = section(client, "articles")
    assert len(urls) == 4
    assert f"http://testserver{public.get_absolute_url()}" in urls
    assert f"http://testserver{kept.get_absolute_url()}" in urls


@pytest.mark.parametrize("robots", ["noindex", "noindex, nofollow", ["noindex"], "NOINDEX"])
def test_articles_asking_not_to_be_indexed_are_left_out(client, robots):
    make_article(front_matter={"robots": robots})
    kept = [
        make_article(front_matter={"robots": "index, follow"}),
        make_article(front_matter={"robots": None}),
        make_article(),
    ]
    assert set(section(client, "articles")) == {
        f"http://testserver{article.get_absolute_url()}" for article in kept
    }


def test_archives_are_listed_only_with_a_public_article(client):
    public_author, draft_author = make_author("Public Writer"), make_author("Draft Writer")
    public_category, draft_category = make_category("Open"), make_category("Hidden")
    make_article(tags=["AI人材"], categories=[public_category], authors=[public_author])
    make_draft(tags=["秘密"], categories=[draft_category], authors=[draft_author])
    make_article(tags=["予告"], published_at=tomorrow())
    assert list(section(client, "tags")) == ["http://testserver/tags/ai%E4%BA%BA%E6%9D%90/"]
    assert list(section(client, "categories")) == [f"http://testserver{public_category.get_absolute_url()}"]
    assert list(section(client, "authors")) == [f"http://testserver{public_author.get_absolute_url()}"]


def test_archive_lastmod_is_the_latest_public_edit(client):
    make_article(tags=["python"])
    newest = make_article(tags=["python"])
    make_draft(tags=["python"])
    [lastmod] = section(client, "tags").values()
    assert lastmod == localdate(newest.updated_at).isoformat()


def test_home_page_is_listed(client):
    article = make_article()
    assert section(client, "home") == {
        "http://testserver/": localdate(max(article.updated_at, article.published_at)).isoformat()
    }


def test_empty_site_has_a_valid_sitemap(client):
    assert client.get("/sitemap.xml").status_code == 200
    assert section(client, "home") == {"http://testserver/": None}
    assert section(client, "articles") == {}


@pytest.mark.parametrize(
    "url", ["/sitemap-nothing.xml", "/sitemap-articles.xml?p=abc", "/sitemap-articles.xml?p=9"]
)
def test_bad_sitemap_urls_are_404(client, url):
    make_article()
    assert client.get(url).status_code == 404


def test_article_sitemap_query_count_does_not_grow(client, django_assert_num_queries):
    for _ in range(30):
        make_article(tags=["a"])
    with django_assert_num_queries(2):  # the count for paging, then the page
        section(client, "articles")


def test_robots_txt(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /admin/" in lines and "Disallow: /drafts/" in lines
    assert [line for line in lines if line.startswith("Disallow")] == [
        "Disallow: /admin/",
        "Disallow: /drafts/",
    ]
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_robots_txt_names_the_host_asked_for(client, settings):
    settings.ALLOWED_HOSTS = ["news.example.jp"]
    response = client.get("/robots.txt", HTTP_HOST="news.example.jp", secure=True)
    assert "Sitemap: https://news.example.jp/sitemap.xml" in response.content.decode()


@pytest.mark.parametrize(
    ("front_matter", "listed"),
    [({}, True), ({"sitemap": False}, False), ({"sitemap": "no"}, True), ({"robots": ["NoIndex"]}, False)],
)
def test_an_articles_sitemap_listing_is_derived_from_its_front_matter_on_save(front_matter, listed):
    # The column the sitemap's index reads (article_sitemap_idx), never set by hand.
    article = make_article(front_matter=front_matter)
    assert Article.objects.get(pk=article.pk).in_sitemap is listed
