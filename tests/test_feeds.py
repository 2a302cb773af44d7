"""RSS and Atom feeds: what a feed reader receives, and what it must never see."""

import xml.etree.ElementTree as ET
from calendar import timegm
from datetime import timedelta

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from articles.feeds import absolute_urls, xml_text
from articles.models import Article

from .factories import make_article, make_author, make_category, make_draft, tomorrow, yesterday

pytestmark = pytest.mark.django_db

CONTENT_NS = "{http://purl.org/rss/1.0/modules/content/}encoded"
ATOM_NS = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def world():
    """A public article with everything a feed shows, plus a draft and a scheduled one sharing it all."""
    writer, editor = make_author("Hanako Yamada"), make_author("John Smith")
    category = make_category("Technology", slug="tech")
    kwargs = {"tags": ["AI人材", "Python"], "categories": [category], "authors": [writer, editor]}
    public = make_article(
        "公開された記事",
        body="本文です。[内部リンク](/about/) ![図](/media/a.png) [外部](https://example.org/)",
        excerpt="要約です。",
        published_at=yesterday(),
        **kwargs,
    )
    draft = make_draft("下書きの記事", **kwargs)
    future = make_article("予約された記事", published_at=tomorrow(), **kwargs)
    return {"public": public, "draft": draft, "future": future, "author": writer, "category": category}


FEEDS = [
    ("articles:feed", {}),
    ("articles:feed-atom", {}),
    ("articles:tag-feed", {"slug": "ai人材"}),
    ("articles:tag-feed-atom", {"slug": "ai人材"}),
    ("articles:category-feed", {"slug": "tech"}),
    ("articles:category-feed-atom", {"slug": "tech"}),
    ("articles:author-feed", {"slug": "hanako-yamada"}),
    ("articles:author-feed-atom", {"slug": "hanako-yamada"}),
]


def fetch(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, response.content[:500]
    return response, feedparser.parse(response.content)


@pytest.mark.parametrize(("name", "kwargs"), FEEDS)
def test_every_feed_is_well_formed_and_lists_only_public_articles(client, world, name, kwargs):
    response, feed = fetch(client, reverse(name, kwargs=kwargs))
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == ("atom10" if name.endswith("atom") else "rss20")
    assert [e.title for e in feed.entries] == ["公開された記事"]
    assert "下書き" not in response.content.decode() and "予約" not in response.content.decode()
    entry, public = feed.entries[0], world["public"]
    assert "本文です。" in entry.content[0].value
    assert entry.summary == "要約です。"
    assert entry.link == f"http://testserver{public.get_absolute_url()}"
    assert timegm(entry.published_parsed) == int(public.published_at.timestamp())
    if name.endswith("atom"):
        assert timegm(entry.updated_parsed) == int(public.updated_at.timestamp())
    assert [a.name for a in entry.authors] == ["Hanako Yamada", "John Smith"]
    assert {t.term for t in entry.tags} == {"AI人材", "Python", "Technology"}
    assert feed.feed.language == "ja"


def test_rss_carries_full_content_in_content_encoded_with_absolute_urls(client, world):
    response = client.get(reverse("articles:feed"))
    item = ET.fromstring(response.content).find("channel/item")
    html = item.find(CONTENT_NS).text
    assert 'href="http://testserver/about/"' in html
    assert 'src="http://testserver/media/a.png"' in html
    assert 'href="https://example.org/"' in html
    assert item.find("guid").get("isPermaLink") == "false"
    assert item.find("pubDate") is not None


def test_links_are_made_absolute_against_the_item_whatever_their_form():
    base = "http://news.example/2026/01/02/x/"
    assert absolute_urls('<a href="/tags/a/">', base) == '<a href="http://news.example/tags/a/">'
    assert (
        absolute_urls('<img src="//cdn.example.org/a.png">', base)
        == '<img src="http://cdn.example.org/a.png">'
    )
    assert absolute_urls('<a href="b/">', base) == '<a href="http://news.example/2026/01/02/x/b/">'
    assert absolute_urls('<a href="#top">', base) == '<a href="#top">'


def test_only_characters_xml_cannot_carry_are_dropped():
    assert xml_text("a\x00b\x0bc\ufffe\td\ne") == "abc\td\ne"
    assert xml_text("日本語の本文") == "日本語の本文"


def test_atom_carries_full_html_content_and_dates(client, world):
    response = client.get(reverse("articles:feed-atom"))
    entry = ET.fromstring(response.content).find(f"{ATOM_NS}entry")
    content = entry.find(f"{ATOM_NS}content")
    assert content.get("type") == "html"
    assert 'src="http://testserver/media/a.png"' in content.text
    assert entry.find(f"{ATOM_NS}summary").text == "要約です。"
    assert entry.find(f"{ATOM_NS}published") is not None
    assert entry.find(f"{ATOM_NS}updated") is not None


def test_relative_urls_in_code_samples_and_fragments_are_left_alone(client):
    make_article(body='[脚注へ](#note)\n\n`<a href="/x">`\n\n[相対](images/a.png)')
    html = ET.fromstring(client.get(reverse("articles:feed")).content).find(f"channel/item/{CONTENT_NS}").text
    assert 'href="#md-note"' in html
    assert '&lt;a href="/x"&gt;' in html
    assert 'href="http://testserver/' in html and "/images/a.png" in html


def test_authors_keep_the_byline_order(client):
    make_article(authors=[make_author("Zoe Zed"), make_author("Amy Abe")])
    for name in ("articles:feed", "articles:feed-atom"):
        entry = fetch(client, reverse(name))[1].entries[0]
        assert [a.name for a in entry.authors] == ["Zoe Zed", "Amy Abe"]


def test_titles_are_the_archive_pages_titles_after_the_site_name(client, world):
    tag = feedparser.parse(client.get("/tags/ai%E4%BA%BA%E6%9D%90/feed/").content)
    assert tag.feed.title == "Newsroom — タグ「AI人材」"
    assert tag.feed.link == "http://testserver/tags/ai%E4%BA%BA%E6%9D%90/"
    category = feedparser.parse(client.get(reverse("articles:category-feed", args=["tech"])).content)
    assert category.feed.title == "Newsroom — カテゴリー「Technology」"
    assert category.feed.link == "http://testserver/categories/tech/"
    author = feedparser.parse(
        client.get(reverse("articles:author-feed-atom", args=["hanako-yamada"])).content
    )
    assert author.feed.title == "Newsroom — Hanako Yamadaの記事"
    site = feedparser.parse(client.get(reverse("articles:feed")).content)
    assert site.feed.title == "Newsroom"
    assert site.feed.link == "http://testserver/"


def test_japanese_tag_feed_answers_its_percent_encoded_url(client, world):
    for url in ("/tags/ai%E4%BA%BA%E6%9D%90/feed/", "/tags/ai%E4%BA%BA%E6%9D%90/feed/atom/"):
        response, feed = fetch(client, url)
        assert feed.bozo == 0
        assert [e.title for e in feed.entries] == ["公開された記事"]


def test_feed_speaks_the_site_language_whatever_the_reader_asks(client, world):
    url = reverse("articles:tag-feed", args=["python"])
    feed = feedparser.parse(client.get(url, HTTP_ACCEPT_LANGUAGE="en").content)
    assert feed.feed.language == "ja"
    assert feed.feed.title == "Newsroom — タグ「Python」"


def test_guid_is_stable_when_the_slug_and_url_change(client, world):
    public = world["public"]
    before = fetch(client, reverse("articles:feed"))[1].entries[0]
    public.slug = "renamed"
    public.published_at -= timedelta(days=3)
    public.save()
    after = fetch(client, reverse("articles:feed"))[1].entries[0]
    assert after.link != before.link
    assert after.id == before.id
    assert after.id.startswith("tag:") and after.id.endswith(f":article-{public.pk}")
    atom = fetch(client, reverse("articles:feed-atom"))[1].entries[0]
    assert atom.id == after.id


@pytest.mark.parametrize(
    "name",
    [
        "articles:tag-feed",
        "articles:tag-feed-atom",
        "articles:category-feed",
        "articles:category-feed-atom",
        "articles:author-feed",
        "articles:author-feed-atom",
    ],
)
def test_unknown_object_is_404(client, world, name):
    assert client.get(reverse(name, args=["no-such-thing"])).status_code == 404


@pytest.mark.parametrize(
    "url", ["/categories/%00/feed/", "/authors/x%00/feed/atom/", "/tags/%FF/feed/", "/tags/a%0Ab/feed/"]
)
def test_broken_slugs_are_404(client, world, url):
    assert client.get(url).status_code == 404


def test_tag_used_only_by_drafts_has_no_feed(client):
    make_draft(tags=["秘密"])
    make_article(tags=["予告"], published_at=tomorrow())
    assert client.get(reverse("articles:tag-feed", args=["秘密"])).status_code == 404
    assert client.get(reverse("articles:tag-feed", args=["予告"])).status_code == 404


def test_archive_without_public_articles_has_no_feed(client):
    """As the archive pages: nothing public, no page and no feed; a draft's names stay unknown."""
    category, author = make_category("Hidden", slug="hidden"), make_author("Ghost Writer")
    make_draft(categories=[category], authors=[author])
    make_category("Empty", slug="empty")
    for name, slug in [
        ("articles:category-feed", "hidden"),
        ("articles:category-feed-atom", "empty"),
        ("articles:author-feed", "ghost-writer"),
        ("articles:author-feed-atom", "ghost-writer"),
    ]:
        assert client.get(reverse(name, args=[slug])).status_code == 404


def test_feed_lists_the_latest_twenty(client):
    for days in range(25):
        make_article(f"Article {days:02d}", published_at=timezone.now() - timedelta(days=days + 1))
    feed = fetch(client, reverse("articles:feed"))[1]
    assert [e.title for e in feed.entries] == [f"Article {d:02d}" for d in range(20)]


def test_control_characters_do_not_break_the_feed(client):
    make_article("Bell\x07 title", body="Vertical\x0btab", excerpt="Form\x0cfeed")
    for name in ("articles:feed", "articles:feed-atom"):
        response, feed = fetch(client, reverse(name))
        assert feed.bozo == 0
        assert feed.entries[0].title == "Bell title"


def test_plain_text_summary_is_escaped(client):
    make_article(excerpt="Tom & Jerry <3")
    feed = fetch(client, reverse("articles:feed"))[1]
    assert feed.entries[0].summary == "Tom &amp; Jerry &lt;3"


# Conditional GET: a reader polling an unchanged feed gets 304 and no body.


def test_feed_sends_validators(client, world):
    response = client.get(reverse("articles:feed"))
    assert response["ETag"].startswith('"')
    public = world["public"]
    assert response["Last-Modified"] == http_date(max(public.published_at, public.updated_at).timestamp())


@pytest.mark.parametrize(("name", "kwargs"), FEEDS)
def test_unchanged_feed_answers_304_to_its_etag(client, world, name, kwargs):
    url = reverse(name, kwargs=kwargs)
    etag = client.get(url)["ETag"]
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""


def test_unchanged_feed_answers_304_to_its_date(client, world):
    url = reverse("articles:feed")
    last_modified = client.get(url)["Last-Modified"]
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304


def test_304_renders_nothing(client, world, django_assert_num_queries):
    url = reverse("articles:tag-feed", args=["python"])
    etag = client.get(url)["ETag"]
    with django_assert_num_queries(2):  # the tag, the articles; not their names
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_edit_changes_the_etag(client, world):
    url = reverse("articles:feed")
    etag = client.get(url)["ETag"]
    public = Article.objects.get(pk=world["public"].pk)
    public.body = "書き直した本文。"
    public.save()
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert "書き直した本文。" in response.content.decode()


def test_withdrawn_article_changes_the_etag(client, world):
    older = make_article("古い記事", published_at=yesterday() - timedelta(days=1))
    url = reverse("articles:feed")
    etag = client.get(url)["ETag"]
    Article.objects.filter(pk=world["public"].pk).update(status=Article.Status.DRAFT)
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert [e.title for e in feedparser.parse(response.content).entries] == [older.title]


def test_scheduled_article_appears_when_its_time_comes(client, world):
    url = reverse("articles:feed")
    etag = client.get(url)["ETag"]
    Article.objects.filter(pk=world["future"].pk).update(published_at=timezone.now())
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert "予約された記事" in response.content.decode()


# Query counts: fixed, whatever the number of items.


@pytest.mark.parametrize("count", [2, 25])
def test_site_feed_query_count_does_not_grow(client, django_assert_num_queries, count):
    authors = [make_author(), make_author()]
    for _ in range(count):
        make_article(tags=["a", "b"], categories=[make_category()], authors=authors)
    with django_assert_num_queries(2):  # the articles, then their byline, tag and category names
        fetch(client, reverse("articles:feed"))


@pytest.mark.parametrize("count", [2, 25])
def test_tag_feed_query_count_does_not_grow(client, django_assert_num_queries, count):
    for _ in range(count):
        make_article(tags=["a", "b"], categories=[make_category()], authors=[make_author()])
    with django_assert_num_queries(3):  # the tag, then as the site feed
        fetch(client, reverse("articles:tag-feed-atom", args=["a"]))
