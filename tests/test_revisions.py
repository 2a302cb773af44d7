"""Revisions: one after every admin save with all content, the history page, comparing and restoring."""

import re

import pytest
from django.urls import reverse

from articles import revisions, search
from articles.editing import apply_action, restore_revision
from articles.models import Article, ArticleRedirect, Revision
from tests.factories import make_article, make_author, make_category, make_draft
from tests.staff import admin_form_data, change_url, make_editor, make_writer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def history_url(article):
    return reverse("admin:articles_article_revisions", args=[article.pk])


def save_in_admin(client, article, **changes):
    form = client.get(change_url(article))
    response = client.post(change_url(article), admin_form_data(form, **changes))
    assert response.status_code == 302, response.context["adminform"].form.errors
    return Article.objects.get(pk=article.pk)


def test_every_admin_save_keeps_a_revision_with_all_content(editor_client, editor):
    first, second = make_author("記者A"), make_author("記者B")
    category = make_category("経済")
    article = make_draft(title="初版", tags=["AI"], categories=[category], authors=[second, first])
    save_in_admin(editor_client, article, body="## 見出し\n\n本文。", tags="AI, 金融")
    save_in_admin(editor_client, article, title="第二版")
    # The article was made outside the admin: its first text is kept before the first edit.
    original, *kept = list(Revision.objects.order_by("number"))
    assert (original.number, original.user, original.data["body"]) == (1, None, article.body)
    assert [r.number for r in kept] == [2, 3]
    data = kept[0].data
    assert data["title"] == "初版" and data["body"] == "## 見出し\n\n本文。"
    assert data["tags"] == ["AI", "金融"]
    assert data["categories"] == [{"id": category.pk, "name": "経済"}]
    assert [a["name"] for a in data["authors"]] == ["記者B", "記者A"]  # byline order kept
    assert set(data) >= {"slug", "excerpt", "description", "image", "language", "published_at"}
    assert kept[1].data["title"] == "第二版" and kept[1].user == editor


def test_a_save_that_changes_nothing_adds_no_revision(editor_client):
    article = make_draft()
    save_in_admin(editor_client, article)
    save_in_admin(editor_client, article)
    assert Revision.objects.count() == 1


def test_history_page_lists_revisions_and_transitions_and_compares_two(editor_client, editor):
    article = make_draft(title="記事", body="古い本文", published_at=None)
    save_in_admin(editor_client, article)
    save_in_admin(editor_client, article, body="新しい本文")
    apply_action(article, "publish", by=editor, note="公開します")
    page = editor_client.get(history_url(article)).content.decode()
    # The first text, the edit, and the publication time the action set.
    assert "公開します" in page and "JST" in page and page.count('name="a"') == 3
    compared = editor_client.get(history_url(article), {"a": 1, "b": 2})
    changes = compared.context["comparison"]["changes"]
    assert [c["field"] for c in changes] == ["body"]
    assert "<del>古</del><ins>新し</ins>い本文" in compared.content.decode()


@pytest.mark.parametrize("query", [{"a": "x", "b": "1"}, {"a": "1", "b": "99"}, {"a": "1"}])
def test_bad_comparison_parameters_get_a_message(editor_client, query):
    article = make_draft()
    save_in_admin(editor_client, article)
    response = editor_client.get(history_url(article), query)
    assert response.status_code == 200 and response.context["comparison"] is None
    assert any("exist" in str(m) for m in response.context["messages"])


def test_restore_puts_content_back_and_is_itself_a_revision(editor_client, editor):
    first, second = make_author("A"), make_author("B")
    category = make_category("経済")
    article = make_draft(title="第一版", tags=["AI"], categories=[category], authors=[first])
    save_in_admin(editor_client, article)
    article = save_in_admin(
        editor_client,
        article,
        title="第二版",
        tags="政治",
        categories=[],
        **{"bylines-0-author": second.pk},
    )
    assert article.ordered_authors == [second]
    response = editor_client.post(reverse("admin:articles_article_restore", args=[article.pk, 1]))
    assert response.status_code == 302
    article = Article.objects.get(pk=article.pk)
    assert article.title == "第一版"
    assert list(article.tags.names()) == ["AI"]
    assert list(article.categories.all()) == [category]
    assert article.ordered_authors == [first]
    latest = article.revisions.first()
    assert (latest.number, latest.user, latest.comment) == (3, editor, "Restored from revision 1")
    assert latest.data["title"] == "第一版"


def test_restore_only_by_post_and_only_for_those_who_may_edit(client, editor_client):
    writer = make_writer()
    article = make_article(created_by=writer, body="公開済み")
    save_in_admin(editor_client, article, body="直した")
    url = reverse("admin:articles_article_restore", args=[article.pk, 1])
    assert editor_client.get(url).status_code == 405
    client.force_login(writer)
    assert client.post(url).status_code == 403
    assert Article.objects.get(pk=article.pk).body == "直した"


def test_restoring_an_old_slug_of_a_published_article_keeps_the_newer_url(editor_client):
    article = make_article(slug="old")
    save_in_admin(editor_client, article)
    article = save_in_admin(editor_client, article, slug="new")
    new_url = article.get_absolute_url()
    editor_client.post(reverse("admin:articles_article_restore", args=[article.pk, 1]))
    assert Article.objects.get(pk=article.pk).slug == "old"
    assert ArticleRedirect.objects.get(old_path=new_url).article == article


def test_history_of_another_writers_article_is_closed(client):
    article = make_draft(created_by=make_writer("owner"))
    client.force_login(make_writer("other"))
    assert client.get(history_url(article)).status_code == 404


def test_djangos_change_log_also_shows_times_with_their_zone(editor_client):
    article = make_draft()
    save_in_admin(editor_client, article)
    page = editor_client.get(reverse("admin:articles_article_history", args=[article.pk])).content.decode()
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d JST", page)


def test_restoring_a_revision_refreshes_the_search_index(django_capture_on_commit_callbacks):
    editor = make_editor("restorer")
    article = make_article("量子計算の記事", body="量子計算の話。")
    first = revisions.keep(article, revisions.snapshot(article), user=editor)
    article.body, article.title = "まったく別の話。", "別の記事"
    article.save()
    search.update_search_index([article.pk])
    assert search.find(Article.objects.published(), search.parse_query("量子計算")).ids == []
    with django_capture_on_commit_callbacks(execute=True):
        restore_revision(article, first, by=editor)
    assert search.find(Article.objects.published(), search.parse_query("量子計算")).ids == [article.pk]
