"""A reader's walk in Debian's Chromium: home, an article, a tag, its page, the feed; phone and desktop."""

import datetime
from datetime import timedelta
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.utils import timezone

from .factories import make_article, make_author, make_category

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # WhiteNoise notes that collectstatic has not run; the live server serves static files itself.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
VIEWPORTS = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 800}}

BODY = """## はじめに

生成AIの普及で、企業が求める人材像は大きく変わりつつある。本稿では、採用の現場で何が起きているのかを、
複数の企業への取材から読み解く。参考資料は https://example.com/reports/2025/ai-talent/very/long/path/for/phones
にある。

## 採用市場の変化

| 職種 | 2024年 | 2025年 | 増減 |
|:-----|------:|------:|-----:|
| データサイエンティスト | 120 | 180 | +50% |
| 機械学習エンジニア | 80 | 150 | +88% |

### 求められるスキル

```python
skills = ["統計", "プログラミング", "業務知識", "コミュニケーション", "倫理"]  # 長い行は横にスクロールする
```

## まとめ

> 人材の育成には時間がかかる。

今後も[タグ一覧](/tags/)から関連する記事を追っていく。
"""


@pytest.fixture
def newsroom():
    """A small public site: one long Japanese article among a dozen, sharing tags."""
    author, colleague = make_author("山田太郎"), make_author("Jane Smith")
    category = make_category("経済")
    start = timezone.now() - timedelta(days=20)
    for n in range(11):
        make_article(
            f"ニュース {n + 1}: 地方のデジタル人材育成が進む",
            published_at=start + timedelta(days=n),
            body="地方自治体がデジタル人材の育成に力を入れている。" * 8,
            tags=["AI人材", "地方"] if n % 2 else ["python"],
            authors=[author],
            categories=[category],
        )
    return make_article(
        "生成AI時代の人材戦略：企業はいま何を求めているのか",
        published_at=timezone.now() - datetime.timedelta(hours=1),
        body=BODY,
        tags=["AI人材", "採用", "python"],
        authors=[author, colleague],
        categories=[category],
    )


class Walk:
    """One reader's visit: every page's console errors and internal links are checked."""

    def __init__(self, page, base_url, name):
        self.page, self.base, self.name = page, base_url, name
        self.errors, self.checked = [], {}
        page.on("console", lambda m: m.type == "error" and self.errors.append(f"{page.url}: {m.text}"))
        page.on("pageerror", lambda e: self.errors.append(f"{page.url}: {e}"))

    def visit(self, step):
        """Check the current page and save its screenshot."""
        page = self.page
        page.wait_for_load_state("load")
        hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
        for href in hrefs:
            url = urljoin(page.url, href).split("#")[0]
            if urlsplit(url).netloc != urlsplit(self.base).netloc or url in self.checked:
                continue
            self.checked[url] = page.request.get(url).status
        broken = {url: status for url, status in self.checked.items() if status >= 400}
        assert not broken, f"{self.name} {step}: broken links {broken}"
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{self.name} {step}: the page is {overflow}px wider than the screen"
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"reader-{self.name}-{step}.png", full_page=True)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_reader_walks_from_home_to_a_feed(live_server, newsroom, browser, viewport):
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="ja-JP")
    page = context.new_page()
    walk = Walk(page, live_server.url, viewport)

    page.goto(live_server.url + "/")
    walk.visit("home")
    assert page.locator("h1").inner_text() == "最新記事"

    page.get_by_role("link", name=newsroom.title).click()
    walk.visit("article")
    assert page.locator("h1").inner_text() == newsroom.title
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.locator(".toc a").count() == 4
    # The stylesheet arrived: Japanese line breaking and leading are in force.
    assert page.evaluate("getComputedStyle(document.body).lineBreak") == "strict"
    assert "Noto Sans" in page.evaluate("getComputedStyle(document.body).fontFamily")

    page.locator(".article-footer .tags a", has_text="AI人材").click()
    walk.visit("tag")
    assert page.locator("h1").inner_text() == "タグ「AI人材」"
    assert newsroom.title in page.locator("main").inner_text()

    feed_href = page.locator('.archive-count a[type="application/rss+xml"]').get_attribute("href")
    feed = page.request.get(urljoin(page.url, feed_href))
    assert feed.status == 200
    assert "xml" in feed.headers["content-type"]
    assert feed.text().lstrip().startswith("<?xml")

    assert not walk.errors, walk.errors
    context.close()
