"""The Content-Security-Policy in Chromium: public pages and the admin's editor run without a violation."""

import datetime
import io

import pytest
from PIL import Image

from articles.models import Article, Category
from tests.staff import PASSWORD, make_editor

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # WhiteNoise notes that collectstatic has not run; the live server serves static files itself.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

# Kept in the page (it survives until the next navigation) and read before leaving it.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push({
    directive: event.violatedDirective,
    blocked: event.blockedURI,
    source: event.sourceFile,
    line: event.lineNumber,
    sample: event.sample,
  });
});
"""

BODY = """## 表とコード

| 項目 | 値 |
|:-----|---:|
| 売上 | 100 |

```python
print("こんにちは")
```

![自社の図](/static/favicon.svg) ![外部の図](https://images.example/figure.png)
"""


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(buffer, "PNG")
    return buffer.getvalue()


class Visitor:
    """One browser context that records CSP violations, console errors and page errors."""

    def __init__(self, browser, base_url):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
        self.context.add_init_script(RECORD_VIOLATIONS)
        # The image host of an article body, answered here: the test needs no network.
        image = png()
        self.context.route(
            "https://images.example/**",
            lambda route: route.fulfill(status=200, content_type="image/png", body=image),
        )
        self.page = self.context.new_page()
        self.base = base_url
        self.violations = []
        self.errors = []
        self.page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def collect(self, where):
        self.page.wait_for_load_state("networkidle")
        for violation in self.page.evaluate("window.cspViolations.splice(0)"):
            self.violations.append((where, violation))

    def visit(self, path):
        self.page.goto(self.base + path)
        self.collect(path)

    def text_align(self, selector):
        return self.page.locator(selector).first.evaluate("(cell) => getComputedStyle(cell).textAlign")


def test_public_pages_and_the_editor_run_under_the_policy(live_server, browser):
    make_editor("taro")
    Category.objects.create(name="経済", slug="keizai")
    article = Article.objects.create(
        title="表と画像のある記事",
        slug="hyo",
        body=BODY,
        status=Article.Status.PUBLISHED,
        published_at=datetime.datetime(2025, 9, 7, tzinfo=datetime.UTC),
    )
    article.tags.set(["AI人材"])
    visitor = Visitor(browser, live_server.url)
    page = visitor.page

    # Public pages, the article's JSON-LD (data, not script) and its table alignment included.
    for path in ("/", "/tags/", "/tags/ai%E4%BA%BA%E6%9D%90/", "/search/?q=%E5%A3%B2%E4%B8%8A"):
        visitor.visit(path)
    visitor.visit(article.get_absolute_url())
    assert page.locator('script[type="application/ld+json"]').count() >= 1
    assert visitor.text_align("article td:last-child") == "right"
    assert page.locator("pre code").count() == 1
    images = page.locator("article img")
    assert images.count() == 2
    assert all(images.nth(i).evaluate("(img) => img.complete && img.naturalWidth > 0") for i in range(2))

    # The admin: log in, open the change form, type so that markdownx's live preview renders.
    visitor.visit("/admin/login/")
    page.fill("#id_username", "taro")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit]")
    visitor.collect("/admin/")
    change = f"/admin/articles/article/{article.pk}/change/"
    visitor.visit(change)
    assert page.locator("#workflow .workflow-state").evaluate("(s) => getComputedStyle(s).borderRadius") == (
        "10px"  # static/admin/articles/admin.css, no longer an inline <style>
    )
    page.locator("#id_body").press("End")
    page.locator("#id_body").type("\n\n| 左 | 右 |\n|:--|--:|\n| あ | い |\n\n### プレビュー確認\n")
    page.locator(".markdownx-preview h3").filter(has_text="プレビュー確認").wait_for(timeout=10_000)
    assert visitor.text_align(".markdownx-preview table:last-of-type td:last-child") == "right"
    # select2's autocomplete asks the server as one types.
    page.locator(".field-categories .select2-selection").click()
    page.locator(".select2-results__option").filter(has_text="経済").wait_for(timeout=10_000)
    page.keyboard.press("Escape")
    visitor.collect(change)

    # A preview link, selected on focus by static/admin/articles/preview_links.js.
    with page.expect_navigation():
        page.click("#preview-links button[type=submit]:not(.button[form])")
    visitor.collect(change)
    link = page.locator("input.preview-url").first
    link.focus()
    assert link.evaluate("(input) => input.selectionStart === 0 && input.selectionEnd === input.value.length")
    visitor.visit("/admin/articles/article/")
    visitor.visit(f"/admin/articles/article/{article.pk}/revisions/")

    # The lockout page (last: it locks this browser's address out).
    lockout = Visitor(browser, live_server.url)
    for _ in range(5):
        lockout.visit("/admin/login/")
        lockout.page.fill("#id_username", "taro")
        lockout.page.fill("#id_password", "wrong")
        with lockout.page.expect_navigation():
            lockout.page.click("input[type=submit]")
        lockout.collect("/admin/login/ (failed)")
    assert "Too many failed login attempts" in lockout.page.locator("#content-main").inner_text()

    assert visitor.violations == lockout.violations == []
    # The 429 of the lockout page itself is the one expected console message.
    assert visitor.errors == [], visitor.errors
    assert [error for error in lockout.errors if "429" not in error] == []
