"""Autosave: the unsaved article form kept per user and article, offered back, cleared by a save."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import autosave
from articles.models import Article, Autosave
from articles.search import update_search_index
from tests.factories import make_article, make_category, make_draft
from tests.staff import PASSWORD, admin_form_data, make_editor, make_writer

pytestmark = pytest.mark.django_db

FORM = {
    "title": "下書きの題",
    "slug": "shitagaki",
    "body": "一段落目。\r\n\r\n二段落目。",
    "tags": "経済, 政治",
    "language": "ja",
    "excerpt": "",
    "description": "",
    "image": "",
}


def save_url(article=None):
    return reverse("article_autosave", args=[article.pk]) if article else reverse("article_autosave_new")


def discard_url(article=None):
    if article is None:
        return reverse("article_autosave_new_discard")
    return reverse("article_autosave_discard", args=[article.pk])


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def logged_in(user, language="en"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def keep(user, article=None, *, ago=timedelta(0), **data):
    """An autosave made `ago` before now."""
    return Autosave.objects.create(
        user=user, article=article, data={**FORM, **data}, saved_at=timezone.now() - ago
    )


def saved_an_hour_ago(article):
    Article.objects.filter(pk=article.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    return Article.objects.get(pk=article.pk)


def notice_of(response):
    html = response.content.decode()
    start = html.index('id="autosave-notice"')
    return html[start : html.index('data-autosave="restored"', start)]


def config_of(response):
    html = response.content.decode()
    start = html.index('id="autosave-config"')
    start = html.index(">", start) + 1
    return json.loads(html[start : html.index("</script>", start)])


# --- saving -------------------------------------------------------------------------------------


def test_saving_keeps_only_the_fields_the_editor_edits(editor):
    article = make_draft(title="元の題")
    category = make_category("経済")
    posted = {
        **FORM,
        "categories": [str(category.pk)],
        "csrfmiddlewaretoken": "x" * 64,
        "_transition": "publish",
        "loaded_version": "3",
        "transition_note": "メモ",
        "published_at_0": "2025-09-07",
    }
    response = logged_in(editor).post(save_url(article), posted)
    assert response.status_code == 200
    assert response.json()["saved_at"]
    kept = Autosave.objects.get(user=editor, article=article)
    assert set(kept.data) == set(autosave.FIELDS)
    assert kept.data["body"] == "一段落目。\n\n二段落目。"  # line breaks as the article keeps them
    assert kept.data["categories"] == [category.pk]
    article.refresh_from_db()
    assert article.title == "元の題" and not article.revisions.exists()  # no revision, no save


def test_saving_again_replaces_the_autosave(editor):
    article = make_draft()
    client = logged_in(editor)
    client.post(save_url(article), {**FORM, "title": "一回目"})
    client.post(save_url(article), {**FORM, "title": "二回目"})
    assert [a.data["title"] for a in Autosave.objects.filter(user=editor)] == ["二回目"]


def test_a_new_article_is_kept_without_an_article(writer):
    client = logged_in(writer)
    assert client.post(save_url(), FORM).status_code == 200
    assert client.post(save_url(), {**FORM, "title": "二回目"}).status_code == 200
    kept = Autosave.objects.get(user=writer)
    assert kept.article is None and kept.data["title"] == "二回目"


def test_the_endpoint_checks_the_csrf_token(editor):
    article = make_draft()
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    client.get(change_url(article))
    assert client.post(save_url(article), FORM).status_code == 403
    token = client.cookies["csrftoken"].value
    assert client.post(save_url(article), FORM, headers={"X-CSRFToken": token}).status_code == 200
    # sendBeacon sends no headers: the token in the form data does.
    assert client.post(save_url(article), {**FORM, "csrfmiddlewaretoken": token}).status_code == 200


# --- who may ------------------------------------------------------------------------------------


def test_a_writer_keeps_only_their_own_drafts(writer):
    other = make_writer("other")
    own = make_draft(created_by=writer)
    theirs = make_draft(created_by=other)
    submitted = make_draft(created_by=writer, status=Article.Status.REVIEW)
    client = logged_in(writer)
    assert client.post(save_url(own), FORM).status_code == 200
    assert client.post(save_url(theirs), FORM).status_code == 403
    assert client.post(discard_url(theirs)).status_code == 403
    assert client.post(save_url(submitted), FORM).status_code == 403  # read-only once submitted
    assert list(Autosave.objects.values_list("article", flat=True)) == [own.pk]


def test_staff_without_permissions_are_refused_everywhere(db):
    article = make_draft()
    clerk = get_user_model().objects.create_user("clerk", password=PASSWORD, is_staff=True)
    client = logged_in(clerk)
    assert client.post(save_url(article), FORM).status_code == 403
    assert client.post(save_url(), FORM).status_code == 403
    # No answer tells them which article ids exist.
    assert client.post(reverse("article_autosave", args=[999999]), FORM).status_code == 403
    assert not Autosave.objects.exists()


def test_anonymous_and_non_staff_users_go_to_the_login_page(db):
    article = make_draft()
    visitor = get_user_model().objects.create_user("visitor", password=PASSWORD)
    for client in (Client(), logged_in(visitor)):
        for url in (save_url(article), save_url(), discard_url(article)):
            response = client.post(url, FORM)
            assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    assert not Autosave.objects.exists()


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (json.dumps(FORM), "application/json", "Send the article form as form data."),
        ("x=1&y=2", "application/x-www-form-urlencoded", "No article form fields were sent."),
        ("title=a&categories=abc", "application/x-www-form-urlencoded", "Categories must be given"),
        ("title=" + "あ" * 400_000, "application/x-www-form-urlencoded", "too large"),
        ("--broken", "multipart/form-data", ""),  # no boundary: Django answers 400 itself
    ],
)
def test_bad_input_is_a_400_with_a_clear_message(editor, body, content_type, message):
    article = make_draft()
    response = logged_in(editor).post(save_url(article), body, content_type=content_type)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Autosave.objects.exists()


def test_an_unknown_article_is_a_400(editor):
    response = logged_in(editor).post(reverse("article_autosave", args=[999999]), FORM)
    assert response.status_code == 400 and "There is no article 999999." in response.content.decode()


def test_only_post_is_answered(editor):
    article = make_draft()
    keep(editor, article)
    assert logged_in(editor).get(save_url(article)).status_code == 405
    assert logged_in(editor).get(discard_url(article)).status_code == 405
    assert Autosave.objects.exists()


# --- the notice ---------------------------------------------------------------------------------


def test_the_notice_names_the_differing_fields_and_the_time(editor):
    article = saved_an_hour_ago(make_draft(title="元の題", body="元の本文。", slug="moto", tags=["経済"]))
    kept = keep(editor, article, title="新しい題", slug="moto", body="元の本文。\n\n追記。", tags="経済")
    local = timezone.localtime(kept.saved_at)
    response = logged_in(editor, "en").get(change_url(article))
    notice = notice_of(response)
    assert f"Unsaved changes from {local:%H:%M} {local.tzname()}." in notice
    assert ">Title<" in notice and ">Body<" in notice
    assert ">Slug<" not in notice and ">Tags<" not in notice  # same as saved
    assert "Restore" in notice and "Discard" in notice
    config = config_of(response)
    assert config["restore"]["body"] == "元の本文。\n\n追記。"
    assert config["save"] == save_url(article) and config["discard"] == discard_url(article)
    # No inline script: the behaviour is the static file's.
    html = response.content.decode()
    assert 'src="/static/admin/articles/autosave.js" defer' in html
    assert "onclick" not in notice


def test_the_notice_speaks_japanese(editor):
    article = saved_an_hour_ago(make_draft(title="元の題"))
    kept = keep(editor, article, title="新しい題")
    local = timezone.localtime(kept.saved_at)
    notice = notice_of(logged_in(editor, "ja").get(change_url(article)))
    assert f"{local:%H:%M} JST の未保存の変更があります。" in notice
    assert "復元" in notice and "破棄" in notice and ">タイトル<" in notice


def test_an_older_autosave_shows_its_date(editor):
    article = make_draft(title="元の題")
    Article.objects.filter(pk=article.pk).update(updated_at=timezone.now() - timedelta(days=3))
    kept = keep(editor, article, ago=timedelta(days=2), title="二日前の下書き")
    local = timezone.localtime(kept.saved_at)
    notice = notice_of(logged_in(editor).get(change_url(article)))
    assert f"Unsaved changes from {local:%Y-%m-%d %H:%M} {local.tzname()}." in notice


def test_no_notice_when_the_article_was_saved_since(editor):
    article = make_draft(title="元の題")
    keep(editor, article, ago=timedelta(minutes=5), title="古い下書き")
    response = logged_in(editor).get(change_url(article))
    assert 'id="autosave-notice"' not in response.content.decode()
    assert config_of(response)["restore"] is None  # autosave still runs


def test_no_notice_when_nothing_differs(editor):
    article = saved_an_hour_ago(make_draft(title="同じ", slug="onaji", body="本文。"))
    keep(editor, article, title="同じ", slug="onaji", body="本文。", tags="")
    assert 'id="autosave-notice"' not in logged_in(editor).get(change_url(article)).content.decode()


def test_the_add_form_offers_the_new_article(writer):
    keep(writer, None, title="まだ保存していない記事")
    response = logged_in(writer).get(reverse("admin:articles_article_add"))
    assert ">Title<" in notice_of(response)
    assert config_of(response)["restore"]["title"] == "まだ保存していない記事"
    assert config_of(response)["save"] == save_url()


def test_a_read_only_form_has_no_autosave(writer):
    article = saved_an_hour_ago(make_draft(created_by=writer, status=Article.Status.REVIEW))
    keep(writer, article, title="提出後の下書き")
    html = logged_in(writer).get(change_url(article)).content.decode()
    assert 'id="autosave-config"' not in html and 'id="autosave-notice"' not in html


def test_two_editors_autosaves_do_not_mix(editor):
    other = make_editor("jiro")
    article = saved_an_hour_ago(make_draft(title="元の題"))
    logged_in(editor).post(save_url(article), {**FORM, "title": "太郎の下書き"})
    logged_in(other).post(save_url(article), {**FORM, "title": "次郎の下書き"})
    assert config_of(logged_in(editor).get(change_url(article)))["restore"]["title"] == "太郎の下書き"
    assert config_of(logged_in(other).get(change_url(article)))["restore"]["title"] == "次郎の下書き"
    # Discarding one leaves the other.
    assert logged_in(other).post(discard_url(article)).status_code == 204
    assert list(Autosave.objects.values_list("user", flat=True)) == [editor.pk]
    assert 'id="autosave-notice"' not in logged_in(other).get(change_url(article)).content.decode()


def test_discard_deletes_only_that_autosave(writer):
    article = make_draft(created_by=writer)
    keep(writer, article)
    keep(writer, None)
    client = logged_in(writer)
    assert client.post(discard_url(article)).status_code == 204
    assert client.post(discard_url(article)).status_code == 204  # already gone: still fine
    assert list(Autosave.objects.values_list("article", flat=True)) == [None]
    assert client.post(discard_url()).status_code == 204
    assert not Autosave.objects.exists()


# --- a save clears it ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_admin_save_clears_the_savers_autosave_only():
    taro, jiro = make_editor("taro"), make_editor("jiro")
    article = make_draft(title="元の題")
    client = logged_in(taro)
    form = client.get(change_url(article))
    assert client.post(save_url(article), {**FORM, "title": "書きかけ"}).status_code == 200
    keep(jiro, article, title="次郎の書きかけ")
    keep(taro, None, title="別の新しい記事")
    response = client.post(change_url(article), admin_form_data(form, title="保存した題"))
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).title == "保存した題"
    assert sorted((a.user.username, a.article_id) for a in Autosave.objects.all()) == [
        ("jiro", article.pk),
        ("taro", None),
    ]


@pytest.mark.django_db(transaction=True)
def test_creating_the_article_clears_the_new_article_autosave():
    writer = make_writer("hanako")
    client = logged_in(writer)
    add = reverse("admin:articles_article_add")
    form = client.get(add)
    assert client.post(save_url(), {**FORM, "title": "新しい記事"}).status_code == 200
    response = client.post(add, admin_form_data(form, title="新しい記事", slug="atarashii", body="本文。"))
    assert response.status_code == 302
    assert Article.objects.filter(title="新しい記事").exists()
    assert not Autosave.objects.exists()


# --- never public -------------------------------------------------------------------------------


def test_an_autosave_never_reaches_a_public_page_feed_search_or_preview(client, editor):
    article = make_article(title="公開中の記事", body="公開された本文。", slug="kokai")
    update_search_index([article.pk])
    word = "秘密の下書きZEBRAQUOKKA"
    keep(editor, article, title=word, body=f"{word}の段落。", excerpt=word)
    pages = [
        reverse("articles:home"),
        article.get_absolute_url(),
        reverse("articles:feed"),
        reverse("articles:feed-atom"),
        reverse("sitemap"),
    ]
    for path in pages:
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        assert "ZEBRAQUOKKA" not in response.content.decode(), path
    # The search page repeats the query: what matters is that the article is not found by it.
    search = reverse("articles:search")
    assert article.get_absolute_url() not in client.get(search, {"q": "ZEBRAQUOKKA"}).content.decode()
    assert article.get_absolute_url() in client.get(search, {"q": "公開された本文"}).content.decode()
    assert "公開された本文" in client.get(article.get_absolute_url()).content.decode()
    preview = logged_in(editor).get(reverse("preview:article", args=[article.pk]))
    assert preview.status_code == 200 and "ZEBRAQUOKKA" not in preview.content.decode()
