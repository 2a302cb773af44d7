"""Whole pages from the cache, correct to the second: every change shows at once on every page it touches."""

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import editing
from articles.models import Article
from tests.factories import make_article, make_author, make_category, make_draft

# Real commits: invalidation follows the write path's signal, sent once a change commits.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("page_cache")]


def served_from_cache(client, path, django_assert_num_queries):
    """The page as a reader gets it, checked to come from the cache (no query at all)."""
    with django_assert_num_queries(0):
        response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def world():
    author, category = make_author("記者"), make_category("経済")
    article = make_article("最初の題", tags=["AI"], authors=[author], categories=[category])
    other = make_article("別の記事", tags=["AI", "金融"])
    pages = {
        "home": "/",
        "article": article.get_absolute_url(),
        "tag": "/tags/ai/",
        "category": category.get_absolute_url(),
        "author": author.get_absolute_url(),
        "year": f"/{article.pub_date:%Y}/",
        "month": f"/{article.pub_date:%Y/%m}/",
        "tags": "/tags/",
        "feed": "/feed/",
        "atom": "/feed/atom/",
        "tag feed": "/tags/ai/feed/",
        "sitemap": "/sitemap-articles.xml",
    }
    return article, other, pages


def warm(client, pages):
    for path in pages.values():
        assert client.get(path).status_code == 200, path


def test_a_page_is_served_again_without_touching_the_database(client, world, django_assert_num_queries):
    article, other, pages = world
    warm(client, pages)
    for path in pages.values():
        served_from_cache(client, path, django_assert_num_queries)


def test_cached_pages_say_what_they_show_and_how_long_they_keep(client, world):
    article, other, pages = world
    response = client.get(pages["article"])
    keys = set(response["xkey"].split())
    assert {f"article-{article.pk}", f"article-{other.pk}", "all"} <= keys  # other: a related article
    control = response["Cache-Control"]
    assert "public" in control and "max-age=60" in control and "s-maxage=600" in control
    assert "stale-while-revalidate=30" in control
    again = client.get(pages["article"], HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_an_edit_shows_at_once_on_every_page_it_touches(client, world, editor):
    article, other, pages = world
    warm(client, pages)
    article = Article.objects.get(pk=article.pk)
    article.title = "直した題"
    editing.save_article(article, by=editor)
    for name in ("home", "article", "tag", "category", "author", "year", "month", "feed", "atom", "tag feed"):
        page = client.get(pages[name]).content.decode()
        assert "直した題" in page and "最初の題" not in page, name


def test_a_publication_shows_at_once_on_the_home_page_its_tag_and_the_feed(client, world, editor):
    article, other, pages = world
    warm(client, pages)
    draft = make_draft("新しい記事", tags=["AI"], published_at=None)
    editing.apply_action(draft, "publish", by=editor)
    for name in ("home", "tag", "feed", "tag feed"):
        assert "新しい記事" in client.get(pages[name]).content.decode(), name
    assert draft.get_absolute_url() in client.get(pages["sitemap"]).content.decode()
    # The article it now follows links to it.
    newest_before = Article.objects.get(pk=other.pk).get_absolute_url()
    assert draft.get_absolute_url() in client.get(newest_before).content.decode()


def test_a_withdrawal_leaves_every_page_at_once(client, world, editor):
    article, other, pages = world
    warm(client, pages)
    editing.apply_action(article, "unpublish", by=editor)
    assert client.get(pages["article"]).status_code == 404
    for name in ("home", "tag", "feed", "atom", "tag feed", "sitemap", "year"):
        assert "最初の題" not in client.get(pages[name]).content.decode(), name
    assert (
        article.get_absolute_url()
        not in client.get(Article.objects.get(pk=other.pk).get_absolute_url()).content.decode()
    )
    for gone in ("category", "author", "month"):  # archives left with no public article
        response = client.get(pages[gone])
        assert response.status_code == (200 if gone == "month" else 404), gone


def test_a_tag_removed_leaves_that_tags_pages(client, world, editor):
    article, other, pages = world
    warm(client, pages)
    editing.save_article(Article.objects.get(pk=other.pk), by=editor, tags=["金融"])
    editing.save_article(Article.objects.get(pk=article.pk), by=editor, tags=["政治"])
    assert client.get(pages["tag"]).status_code == 404
    assert client.get(pages["tag feed"]).status_code == 404
    assert "政治" in client.get(pages["article"]).content.decode()


def test_a_scheduled_article_appears_when_its_time_comes(client, world, editor):
    article, other, pages = world
    draft = make_draft("予約の記事", tags=["AI"], published_at=None)
    editing.apply_action(draft, "schedule", by=editor, when=timezone.now() + timedelta(seconds=2))
    response = client.get(pages["home"])
    assert "予約の記事" not in response.content.decode()
    lifetime = int(response["Cache-Control"].split("s-maxage=")[1].split(",")[0])
    assert lifetime <= 2 and "stale-while-revalidate=0" in response["Cache-Control"]
    time.sleep(2.1)
    for name in ("home", "tag", "feed"):
        assert "予約の記事" in client.get(pages[name]).content.decode(), name


def rendered(client, path):
    """How many queries a reader's request made: none when the page came from the cache."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_logged_in_readers_previews_and_searches_are_never_kept(client, world, editor_client):
    article, other, pages = world
    editor_client.get(pages["home"])
    assert rendered(Client(), pages["home"]) > 0  # what the editor saw was not kept
    draft = make_draft("下書き")
    response = editor_client.get(draft.get_absolute_url())
    assert "no-store" in response["Cache-Control"] and "xkey" not in response
    searched = client.get("/search/", {"q": "最初"})
    assert "xkey" not in searched and "public" not in searched.get("Cache-Control", "")
    assert rendered(client, "/search/?q=最初") > 0


def test_a_kept_page_carries_no_cookie_token_or_name(client, world, editor_client):
    article, other, pages = world
    editor_client.get(pages["article"])  # a staff visit first: it must not seed the cache
    reader = Client()
    reader.get(pages["article"])
    response = reader.get(pages["article"])
    page = response.content.decode()
    assert not response.cookies and "csrfmiddlewaretoken" not in page and "editor" not in page
    assert "Cookie" not in response.get("Vary", "")


def test_a_change_outside_the_write_path_drops_every_page(client, world):
    article, other, pages = world
    warm(client, pages)
    assert rendered(client, pages["tags"]) == 0
    article = Article.objects.get(pk=article.pk)
    article.title = "シェルで直した"
    article.save()  # as in manage.py shell: no description of the change, so every page goes
    assert "シェルで直した" in client.get(pages["home"]).content.decode()
    assert rendered(client, pages["tags"]) > 0


def test_with_the_page_cache_off_nothing_is_kept(client, world, settings):
    article, other, pages = world
    settings.PAGE_CACHE_SECONDS = 0  # as the rest of the suite runs
    client.get(pages["home"])
    assert rendered(client, pages["home"]) > 0
    assert "public" not in client.get(pages["home"]).get("Cache-Control", "")


def test_a_kept_page_says_its_lifetime_once(client, world):
    article, other, pages = world
    client.get(pages["home"])
    control = client.get(pages["home"])["Cache-Control"]
    assert control.count("stale-while-revalidate") == 1 and control.count("s-maxage") == 1


def test_a_page_made_while_a_change_commits_is_not_kept(client, world, monkeypatch):
    from articles import page_cache

    article, other, pages = world
    render = page_cache.PageCacheMiddleware.__call__

    def changed_meanwhile(self, request):
        inner = self.get_response

        def get_response(request):
            response = inner(request)
            page_cache.invalidate({"list-home"})  # committed after the page read its articles
            return response

        self.get_response = get_response
        try:
            return render(self, request)
        finally:
            self.get_response = inner

    monkeypatch.setattr(page_cache.PageCacheMiddleware, "__call__", changed_meanwhile)
    made_meanwhile = client.get(pages["home"])
    monkeypatch.undo()
    # Its purge may have reached Varnish before it did: Varnish must not keep it either.
    assert made_meanwhile["Cache-Control"] == "public, max-age=0, s-maxage=0, stale-while-revalidate=0"
    assert rendered(client, pages["home"]) > 0  # made again, not the page of before the change


def counts(client):
    """The AI tag's count on its page and on the tag index, as readers are told them."""
    tag_page, index = client.get("/tags/ai/"), client.get("/tags/")
    on_index = {tag.name: tag.public_count for tag in index.context["tags"]}
    return tag_page.context["archive"].public_count, on_index["AI"]


def test_public_counts_are_kept_until_an_article_changes_or_a_scheduled_time_comes(
    client, world, editor, settings
):
    article, other, pages = world
    settings.PAGE_CACHE_SECONDS = 0  # pages made afresh: what is kept is the counts alone
    assert counts(client) == (2, 2)
    assert rendered(client, "/tags/ai/") == 3  # the tag, its page of articles, their cards: no count
    editing.apply_action(article, "unpublish", by=editor)
    assert counts(client) == (1, 1)
    draft = make_draft("予約の記事", tags=["AI"], published_at=None)
    editing.apply_action(draft, "schedule", by=editor, when=timezone.now() + timedelta(seconds=2))
    assert counts(client) == (1, 1)
    time.sleep(2.1)
    assert counts(client) == (2, 2)
    Article.objects.filter(pk=other.pk).update(status=Article.Status.DRAFT)  # not even a signal...
    Article.objects.get(pk=other.pk).save()  # ...until a save: outside the write path, all goes
    assert counts(client) == (1, 1)


def s_maxage(response):
    return int(response["Cache-Control"].split("s-maxage=")[1].split(",")[0])


def test_without_a_shared_cache_pages_are_left_to_varnish_and_the_next_change_is_read_afresh(
    client, world, settings
):
    # Local memory is one process's: a change made by another (an import from the command line,
    # another worker) would never reach what this one kept.
    article, other, pages = world
    settings.PAGE_CACHE_SHARED = False
    client.get(pages["home"])
    assert rendered(client, pages["home"]) > 0  # not kept here...
    assert s_maxage(client.get(pages["home"])) == 600  # ...but Varnish may keep it
    # Another process schedules an article (no signal reaches this one): the next answer knows.
    draft = make_draft("別の工程の予約")
    Article.objects.filter(pk=draft.pk).update(
        status=Article.Status.PUBLISHED, published_at=timezone.now() + timedelta(seconds=30)
    )
    assert s_maxage(client.get(pages["home"])) <= 30


def test_an_articles_neighbours_and_related_are_kept_until_any_article_changes(
    client, world, editor, settings, django_assert_num_queries
):
    article, other, pages = world
    settings.PAGE_CACHE_SECONDS = 0  # pages made afresh: what is kept is what surrounds them
    newest = Article.objects.get(pk=other.pk)
    client.get(newest.get_absolute_url())
    with django_assert_num_queries(2):  # the article and the cards: its surroundings are kept
        page = client.get(newest.get_absolute_url()).content.decode()
    assert "最初の題" in page and "次の記事" not in page
    draft = make_draft("次に出た記事", tags=["AI"], published_at=None)
    editing.apply_action(draft, "publish", by=editor)
    page = client.get(newest.get_absolute_url()).content.decode()
    assert "次に出た記事" in page  # the new neighbour (and a related article)
    editing.apply_action(Article.objects.get(pk=draft.pk), "unpublish", by=editor)
    assert "次に出た記事" not in client.get(newest.get_absolute_url()).content.decode()
