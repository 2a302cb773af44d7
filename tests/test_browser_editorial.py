"""A writer and an editor in Chromium: Japanese draft, live preview, submit, compare, schedule, conflict."""

import datetime
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from articles.models import Article, site_date
from tests.staff import PASSWORD, make_editor, make_writer

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # WhiteNoise notes that collectstatic has not run; the live server serves static files itself.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
TITLE = "生成AIと地方の仕事"
BODY = "## 概要\n\n地方の企業でも生成AIの活用が進んでいる。"


class Desk:
    """One person's browser, logged in to the admin."""

    def __init__(self, browser, base_url, username=None):
        # English admin: the assertions read the source strings (the content is Japanese).
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
        self.page = self.context.new_page()
        self.base = base_url
        self.errors = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        if username:
            self.go("/admin/login/")
            self.page.fill("#id_username", username)
            self.page.fill("#id_password", PASSWORD)
            self.page.click("input[type=submit]")
            self.page.wait_for_url(f"{base_url}/admin/")

    def go(self, path):
        self.page.goto(self.base + path)
        self.page.wait_for_load_state("load")

    def act(self, action):
        """Press one of the workflow buttons and wait for the page it leads to."""
        with self.page.expect_navigation():
            self.page.click(f"button[name=_transition][value={action}]")

    def shoot(self, name):
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=ARTIFACTS / f"editorial-{name}.png", full_page=True)


def change_path(article):
    return f"/admin/articles/article/{article.pk}/change/"


def test_from_japanese_draft_to_scheduled_publication(live_server, browser):
    make_writer("hanako")
    make_editor("taro")

    # The writer drafts in Japanese and watches the live preview render the heading.
    writer = Desk(browser, live_server.url, "hanako")
    writer.go("/admin/articles/article/add/")
    writer.page.fill("#id_title", TITLE)
    writer.page.fill("#id_body", BODY)
    writer.page.locator(".markdownx-preview h2").filter(has_text="概要").wait_for(timeout=10_000)
    assert (
        writer.page.locator(".markdownx-preview p").inner_text() == "地方の企業でも生成AIの活用が進んでいる。"
    )
    assert writer.page.locator("button[name=_transition][value=publish]").count() == 0
    writer.shoot("writer-editor")
    writer.act("submit")
    assert "In review" in writer.page.locator(".messagelist").inner_text()
    article = Article.objects.get(title=TITLE)
    assert article.state == Article.State.REVIEW
    # Submitted: the writer's form is read-only now.
    assert writer.page.locator("#id_body").count() == 0

    # The editor edits, then compares the two revisions.
    editor = Desk(browser, live_server.url, "taro")
    editor.go(change_path(article))
    editor.page.fill("#id_body", BODY + "\n\n編集部が事例を追記した。")
    with editor.page.expect_navigation():
        editor.page.click("input[name=_continue]")
    editor.go(f"/admin/articles/article/{article.pk}/revisions/")
    with editor.page.expect_navigation():
        editor.page.click("button[form=compare]")
    assert "事例を追記" in editor.page.locator("#comparison .diff ins").first.inner_text()
    assert "Submit for review" in editor.page.locator("#history").inner_text()
    editor.shoot("history")

    # The editor schedules it for tomorrow 09:00, in the site's time zone shown on the form.
    editor.go(change_path(article))
    assert "Asia/Tokyo" in editor.page.locator("#workflow").inner_text()
    nine = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0) + timedelta(days=1)
    editor.page.fill("#id_transition_when", nine.strftime("%Y-%m-%dT%H:%M"))
    editor.page.fill("#id_transition_note", "明朝9時に公開")
    editor.act("schedule")
    assert "Scheduled" in editor.page.locator(".messagelist").inner_text()
    editor.go("/admin/articles/article/?state=scheduled")
    row = editor.page.locator("#result_list tbody tr").filter(has_text=TITLE)
    assert f"{nine:%Y-%m-%d} 09:00 JST" in row.inner_text()
    editor.shoot("changelist-scheduled")

    reader = Desk(browser, live_server.url)
    reader.go("/")
    assert TITLE not in reader.page.content()

    # Nine o'clock comes (set in the past rather than waited for): the article is public.
    past = timezone.now() - timedelta(minutes=1)
    Article.objects.filter(pk=article.pk).update(published_at=past, pub_date=site_date(past))
    reader.go("/")
    reader.page.get_by_role("link", name=TITLE).first.click()
    reader.page.wait_for_load_state("load")
    assert reader.page.locator("h1").inner_text() == TITLE
    assert writer.errors == editor.errors == reader.errors == []


def test_second_browser_meets_the_conflict_with_its_text_kept(live_server, browser):
    make_editor("taro")
    make_editor("jiro")
    article = Article.objects.create(
        title="同時編集の記事",
        slug="doji",
        body="元の本文。",
        published_at=datetime.datetime(2025, 9, 7, tzinfo=datetime.UTC),
    )
    first, second = Desk(browser, live_server.url, "taro"), Desk(browser, live_server.url, "jiro")
    first.go(change_path(article))
    second.go(change_path(article))
    first.page.fill("#id_body", "太郎が先に保存した本文。")
    with first.page.expect_navigation():
        first.page.click("input[name=_continue]")
    typed = "次郎が時間をかけて書いた本文。\n\n失われてはならない。"
    second.page.fill("#id_body", typed)
    with second.page.expect_navigation():
        second.page.click("input[name=_continue]")
    assert "taro saved this article at" in second.page.locator(".errornote, .errorlist").all_inner_texts()[-1]
    assert second.page.input_value("#id_body") == typed
    second.shoot("conflict")
    assert Article.objects.get(pk=article.pk).body == "太郎が先に保存した本文。"
    # Having read the warning, the second editor may save over deliberately.
    with second.page.expect_navigation():
        second.page.click("input[name=_continue]")
    assert Article.objects.get(pk=article.pk).body.replace("\r\n", "\n") == typed
