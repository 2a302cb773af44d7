"""The site behind the shipped Varnish: hits never reach Django, and every change shows at once.

A real varnishd (deploy/varnish/default.vcl) in front of Django's live server; the write path purges
it after each commit. Skipped without Varnish 7 and varnish-modules (make services).
"""

import time
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import editing
from articles.models import Article
from tests.factories import make_article, make_category, make_draft
from tests.varnish import varnish

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("page_cache")]


@pytest.fixture
def site(live_server, settings):
    with varnish(urlsplit(live_server.url).port) as cache:
        settings.VARNISH_PURGE_URLS = [cache.url]
        settings.ALLOWED_HOSTS = ["127.0.0.1"]  # the address readers reach Varnish at
        yield cache


def page(site, path):
    status, headers, body = site.get(path)
    assert status == 200, (path, status)
    return headers, body


def test_a_hit_is_served_without_reaching_django(site):
    article = make_article("キャッシュの記事", tags=["AI"])
    paths = ["/", article.get_absolute_url(), "/tags/ai/", "/feed/", "/sitemap.xml"]
    for path in paths:
        assert page(site, path)[0]["X-Cache"] == "MISS", path
    with CaptureQueriesContext(connection) as queries:
        for path in paths:
            headers, _body = page(site, path)
            assert headers["X-Cache"] == "HIT", path
            assert "xkey" not in headers
    assert len(queries) == 0


def test_publishing_editing_retagging_and_withdrawing_show_at_once(site, editor):
    category = make_category("経済")
    article = make_article("初めの題", tags=["AI"], categories=[category])
    pages = ["/", article.get_absolute_url(), "/tags/ai/", category.get_absolute_url(), "/feed/"]
    for path in pages:
        page(site, path)

    draft = make_draft("新着の記事", tags=["AI"], published_at=None)
    editing.apply_action(draft, "publish", by=editor)
    for path in ("/", "/tags/ai/", "/feed/"):
        assert "新着の記事" in page(site, path)[1], path

    article = Article.objects.get(pk=article.pk)
    article.title = "直した題"
    editing.save_article(article, by=editor)
    for path in pages:
        body = page(site, path)[1]
        assert "直した題" in body and "初めの題" not in body, path

    editing.save_article(Article.objects.get(pk=article.pk), by=editor, tags=["政治"])
    assert "直した題" not in page(site, "/tags/ai/")[1]
    assert "直した題" in page(site, "/tags/%E6%94%BF%E6%B2%BB/")[1]

    editing.apply_action(Article.objects.get(pk=article.pk), "unpublish", by=editor)
    assert site.get(article.get_absolute_url())[0] == 404
    for path in ("/", "/feed/", "/tags/%E6%94%BF%E6%B2%BB/"):
        status, _headers, body = site.get(path)
        assert "直した題" not in body, path


def test_a_scheduled_article_appears_within_a_second_of_its_time(site, editor):
    make_article("前からの記事", tags=["AI"])
    draft = make_draft("予約した記事", tags=["AI"], published_at=None)
    when = timezone.now() + timedelta(seconds=3)
    editing.apply_action(draft, "schedule", by=editor, when=when)
    for path in ("/", "/tags/ai/", "/feed/"):
        assert "予約した記事" not in page(site, path)[1], path
        assert page(site, path)[0]["X-Cache"] == "HIT", path  # kept, but only until its time
    # Nothing runs but Varnish and the site: no job publishes it, the pages' lifetimes end.
    time.sleep(max(0, (when - timezone.now()).total_seconds()) + 1)
    for path in ("/", "/tags/ai/", "/feed/"):
        assert "予約した記事" in page(site, path)[1], path
