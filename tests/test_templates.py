"""Every page is valid HTML5 with landmarks, a skip link, feed links; the stylesheet suits Japanese."""

import re
from pathlib import Path

import html5lib
import pytest
from django.contrib.auth.models import Permission
from django.core.cache import caches
from django.core.cache.utils import make_template_fragment_key
from django.urls import NoReverseMatch, reverse

from .factories import make_article, make_author, make_category, make_draft

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
CSS = (ROOT / "static" / "css" / "site.css").read_text()

BODY = """## はじめに

日本語の本文です。長いURL https://example.com/a/very/long/path/that/does/not/fit/on/a/phone/screen
も折り返します。

## 表

| 項目 | 値 | 備考 |
|:-----|---:|------|
| 売上 | 100 | 前年比[^1] |

## コード

```python
print("こんにちは")
```

### 画像

![図](/media/uploads/figure.png "図1")

> 引用です。

- [x] 完了
- [ ] 未完了

[^1]: 注記です。
"""


@pytest.fixture
def pages():
    author, category = make_author("山田太郎"), make_category("経済")
    article = make_article(
        "検証用の記事", body=BODY, tags=["AI人材", "python"], authors=[author], categories=[category]
    )
    make_article("もう一つ", tags=["python"], authors=[author], categories=[category])
    day = article.pub_date
    return {
        "home": "/",
        "article": article.get_absolute_url(),
        "tag index": "/tags/",
        "tag": "/tags/ai%E4%BA%BA%E6%9D%90/",
        "category": category.get_absolute_url(),
        "author": author.get_absolute_url(),
        "year": f"/{day.year}/",
        "month": f"/{day.year}/{day.month:02d}/",
        "not found": "/no-such-page/",
    }


def parse_strictly(content):
    """html5lib's strict parser raises on any HTML5 parse error."""
    return html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(content)


def test_every_page_type_is_valid_html5(client, pages):
    for name, path in pages.items():
        response = client.get(path)
        assert response.status_code == (404 if name == "not found" else 200), name
        parse_strictly(response.content)


def test_a_staff_preview_is_valid_html5(client, django_user_model):
    user = django_user_model.objects.create_user("editor", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="change_article"))
    client.force_login(user)
    draft = make_draft("下書き", body=BODY, published_at=None, created_by=user)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200 and 'class="preview-banner"' in response.content.decode()
    parse_strictly(response.content)


def test_the_500_page_is_valid_plain_html_without_template_logic():
    source = (ROOT / "templates" / "500.html").read_text()
    assert "{%" not in source and "{{" not in source
    parse_strictly(source)
    assert '<html lang="ja">' in source


def test_pages_have_landmarks_a_skip_link_and_one_h1(client, pages):
    for name, path in pages.items():
        tree = parse_strictly(client.get(path).content)
        body = tree.find("body")
        skip = body.find("a")
        assert skip.get("class") == "skip-link", name
        target = skip.get("href").lstrip("#")
        assert tree.find(f".//main[@id='{target}']") is not None, name
        for landmark in ("header", "nav", "main", "footer"):
            assert tree.find(f".//{landmark}") is not None, (name, landmark)
        assert len(tree.findall(".//h1")) == 1, name


def test_every_page_advertises_the_site_feeds(client, pages):
    for name, path in pages.items():
        page = client.get(path).content.decode()
        assert '<link rel="alternate" type="application/rss+xml"' in page, name
        assert 'href="/feed/"' in page and 'href="/feed/atom/"' in page, name


def test_the_header_links_home_tags_and_feeds(client, pages, settings):
    settings.SITE_NAME = "テスト新聞"
    page = client.get("/").content.decode()
    header = page[page.index('<header class="site-header"') : page.index("</header>")]
    assert '<a class="site-name" href="/">テスト新聞</a>' in header
    assert 'href="/tags/"' in header and 'href="/feed/"' in header


def test_the_header_has_a_search_box_exactly_when_search_exists(client):
    try:
        reverse("articles:search")
        exists = True
    except NoReverseMatch:
        exists = False
    page = client.get("/").content.decode()
    header = page[page.index('<header class="site-header"') : page.index("</header>")]
    assert ('role="search"' in header) == exists
    # The 404 page always offers one.
    assert 'role="search"' in client.get("/no-such-page/").content.decode()


def header_of(response):
    page = response.content.decode()
    return page[page.index('<header class="site-header"') : page.index("</header>")]


def test_the_chrome_is_rendered_once_per_language_and_shared_by_every_page(client, pages):
    header = header_of(client.get("/", HTTP_ACCEPT_LANGUAGE="en"))
    assert ">Latest<" in header
    assert header_of(client.get("/", HTTP_ACCEPT_LANGUAGE="ja")) != header
    assert ">最新記事<" in header_of(client.get(pages["article"], HTTP_ACCEPT_LANGUAGE="ja"))
    kept = caches["chrome"].get(make_template_fragment_key("site_header", ["en"]))
    assert kept and header in kept


def test_what_one_reader_searched_never_reaches_the_shared_header(client):
    client.get("/?q=someone-elses-search")
    client.get("/search/?q=someone-elses-search")
    assert "someone-elses-search" not in header_of(client.get("/"))
    # The search page's own form keeps the reader's words.
    page = client.get("/search/?q=my-words").content.decode()
    assert 'id="search-page-q" name="q" value="my-words"' in page


@pytest.mark.parametrize("language", ["ja", "en"])
def test_lang_is_the_site_language_except_on_article_pages(client, pages, settings, language):
    settings.LANGUAGE_CODE = language
    for name, path in pages.items():
        page = client.get(path).content.decode()
        # The test article is Japanese: its page says so whatever the site's language.
        expected = "ja" if name == "article" else language
        assert f'<html lang="{expected}">' in page, name


def test_cards_and_related_links_carry_their_article_language(client):
    make_article("English card", language="en")
    assert '<article class="card" lang="en">' in client.get("/").content.decode()


# The stylesheet


def rule(selector):
    found = re.search(rf"(?m)^{re.escape(selector)}\s*\{{([^}}]*)\}}", CSS)
    assert found, selector
    return found.group(1)


def test_body_text_is_set_for_japanese():
    body = rule("body")
    assert "font-family: var(--font-body)" in body
    for font in ('"Hiragino Kaku Gothic ProN"', '"Noto Sans JP"', '"Noto Sans CJK JP"', '"Yu Gothic"'):
        assert font in CSS
    line_height = float(re.search(r"line-height: ([\d.]+)", body).group(1))
    assert 1.8 <= line_height <= 1.9
    for declaration in ("line-break: strict", "word-break: normal", "overflow-wrap: anywhere"):
        assert declaration in body


def test_palt_is_for_headings_only():
    assert '"palt"' in rule("h1, h2, h3, h4")
    assert "palt" not in rule("body")


def test_focus_is_visible_and_code_and_tables_scroll():
    assert "outline: 3px solid" in rule(":focus-visible")
    assert "overflow-x: auto" in rule("pre")
    assert "overflow-x: auto" in rule(".article-body table")


def test_print_styles_hide_navigation_and_show_link_urls():
    print_css = CSS[CSS.index("@media print") :]
    assert ".site-header" in print_css and ".site-footer" in print_css
    assert 'content: " (" attr(href) ")"' in print_css


def test_the_page_needs_no_javascript(client, pages):
    for path in pages.values():
        assert "<script" not in client.get(path).content.decode().replace(
            '<script type="application/ld+json">', ""
        )


def test_static_stylesheet_is_linked(client):
    assert 'href="/static/css/site.css"' in client.get("/").content.decode()


def _luminance(hex_colour):
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground, background):
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_text_colours_meet_wcag_aa_contrast():
    colours = dict(re.findall(r"--([\w-]+): (#[0-9a-fA-F]{6})", CSS))
    for name in ("text", "muted", "link", "link-visited"):
        assert contrast(colours[name], "#ffffff") >= 4.5, name
        assert contrast(colours[name], colours["soft"]) >= 4.5, name
    assert contrast("#0a4d91", colours["soft"]) >= 4.5  # tag chips
    assert contrast("#ffffff", colours["link"]) >= 4.5  # the search button
    assert contrast(colours["focus"], "#ffffff") >= 3  # focus ring: a non-text contrast
    assert contrast("#1a1a1a", "#fff4ce") >= 4.5  # the draft banner


def test_bylines_and_tags_are_linked_escaped_and_separated_in_the_articles_language(client):
    first, second = make_author("<b>Ann</b>"), make_author("Bob & Co")
    article = make_article("記事", language="ja", tags=["<i>x</i>"], authors=[first, second], body="本文")
    byline = (
        f'<span class="byline"><a href="{first.get_absolute_url()}" rel="author">&lt;b&gt;Ann&lt;/b&gt;</a>、'
        f'<a href="{second.get_absolute_url()}" rel="author">Bob &amp; Co</a></span>'
    )
    tags = (
        '<ul class="tags" aria-label="タグ">'
        '<li><a href="/tags/ixi/" rel="tag">&lt;i&gt;x&lt;/i&gt;</a></li></ul>'
    )
    for path in ("/", article.get_absolute_url(), first.get_absolute_url()):
        page = client.get(path).content.decode()
        assert byline in page, path
        assert tags in page, path
    make_article("English", language="en", authors=[first, second])
    assert "&lt;/b&gt;</a>, <a" in client.get("/").content.decode()
