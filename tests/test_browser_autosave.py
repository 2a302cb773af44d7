"""Autosave in Chromium: type Japanese, leave without saving, come back and restore it."""

import time

import pytest

from articles.models import Article, Autosave, Category
from tests.staff import PASSWORD, make_editor

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # WhiteNoise notes that collectstatic has not run; the live server serves static files itself.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

PARAGRAPH = "地方の書店が、地域の記憶を記録する場になりつつある。"


def log_in(context, base_url, username):
    page = context.new_page()
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")
    return page


def is_autosave(response):
    return "/autosave/" in response.url and response.request.method == "POST"


def test_typed_text_survives_leaving_the_page_and_is_restored(live_server, browser):
    editor = make_editor("taro")
    article = Article.objects.create(title="書店の記事", slug="shoten", body="元の本文。")
    change = f"{live_server.url}/admin/articles/article/{article.pk}/change/"
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
    errors = []
    context.on("weberror", lambda error: errors.append(str(error.error)))

    page = log_in(context, live_server.url, "taro")
    page.goto(change)
    assert page.locator("#autosave-notice").count() == 0
    with page.expect_response(is_autosave, timeout=20_000) as saved:
        page.fill("#id_body", f"元の本文。\n\n{PARAGRAPH}")
    assert saved.value.ok
    page.close()  # without saving the article
    assert PARAGRAPH in Autosave.objects.get(user=editor, article=article).data["body"]
    assert Article.objects.get(pk=article.pk).body == "元の本文。"

    page = context.new_page()
    page.goto(change)
    notice = page.locator("#autosave-notice")
    assert "の未保存の変更があります。" in notice.inner_text()
    assert "本文" in notice.locator(".autosave-field").all_inner_texts()
    assert page.input_value("#id_body") == "元の本文。"
    notice.get_by_role("button", name="復元").click()
    assert page.input_value("#id_body") == f"元の本文。\n\n{PARAGRAPH}"
    # The editor's live preview follows the restored text.
    page.locator(".markdownx-preview p").filter(has_text=PARAGRAPH).wait_for(timeout=10_000)
    assert "保存してください" in notice.inner_text()

    # Saving keeps it as the article and clears the autosave.
    with page.expect_navigation():
        page.click("input[name=_continue]")
    assert PARAGRAPH in Article.objects.get(pk=article.pk).body
    assert not Autosave.objects.filter(user=editor).exists()
    assert page.locator("#autosave-notice").count() == 0
    assert errors == []
    context.close()


def test_closing_the_page_right_after_typing_still_keeps_the_text(live_server, browser):
    editor = make_editor("taro")
    article = Article.objects.create(title="閉じる記事", slug="tojiru", body="元の本文。")
    context = browser.new_context(locale="ja-JP")
    page = log_in(context, live_server.url, "taro")
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    page.fill("#id_body", PARAGRAPH)
    page.close()  # before the pause that would save it: the hidden page's beacon does
    deadline = time.monotonic() + 10
    while not Autosave.objects.filter(user=editor).exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert Autosave.objects.get(user=editor, article=article).data["body"] == PARAGRAPH
    context.close()


def test_restore_fills_the_categories_and_select2_changes_are_kept(live_server, browser):
    editor = make_editor("taro")
    economy = Category.objects.create(name="経済", slug="keizai")
    politics = Category.objects.create(name="政治", slug="seiji")
    article = Article.objects.create(title="分類の記事", slug="bunrui", body="元の本文。")
    article.categories.set([economy])
    Autosave.objects.create(user=editor, article=article, data={"categories": [politics.pk], "tags": "AI"})
    context = browser.new_context(locale="en-US")
    page = log_in(context, live_server.url, "taro")
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    with page.expect_response(is_autosave, timeout=20_000):
        page.get_by_role("button", name="Restore").click()
        # The autocomplete select held only 経済: 政治 is added as an option, and select2 shows it.
        chips = page.locator(".field-categories .select2-selection__choice")
        assert [text.strip("×") for text in chips.all_inner_texts()] == ["政治"]
        assert page.input_value("#id_tags") == "AI"
    with page.expect_response(is_autosave, timeout=20_000):
        page.click(".field-categories .select2-selection")
        page.keyboard.type("経")
        page.locator(".select2-results__option").filter(has_text="経済").click()
    assert sorted(Autosave.objects.get(user=editor).data["categories"]) == [economy.pk, politics.pk]
    context.close()


def test_discard_removes_the_offer(live_server, browser):
    editor = make_editor("taro")
    article = Article.objects.create(title="破棄の記事", slug="haki", body="元の本文。")
    Autosave.objects.create(user=editor, article=article, data={"body": "捨てる下書き。"})
    context = browser.new_context(locale="en-US")
    page = log_in(context, live_server.url, "taro")
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    notice = page.locator("#autosave-notice")
    assert "Unsaved changes from" in notice.inner_text()
    with page.expect_response(is_autosave):
        notice.get_by_role("button", name="Discard").click()
    notice.wait_for(state="hidden")
    assert not Autosave.objects.exists()
    assert page.input_value("#id_body") == "元の本文。"
    context.close()
