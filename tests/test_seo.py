"""What search engines and link previews read: <title>, descriptions, canonical URLs, JSON-LD."""

import datetime
import json
import re
from datetime import timedelta

import pytest

from articles.images.social import card_available, card_digest
from articles.seo import json_ld_script

from .factories import make_article, make_author, make_category

pytestmark = pytest.mark.django_db

TOKYO = datetime.timezone(timedelta(hours=9))
SITE = "https://news.example.jp"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE
    settings.SITE_NAME = "テスト新聞"


def head(response):
    page = response.content.decode()
    return page[: page.index("</head>")]


def meta(page, attribute, name):
    found = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', page)
    return found and found.group(1)


def json_ld(page):
    return [json.loads(block) for block in re.findall(r'ld\+json">(.*?)</script>', page)]


@pytest.fixture
def article():
    return make_article(
        "記事の見出し",
        slug="見出し",
        body="本文です。" * 60,
        published_at=datetime.datetime(2025, 9, 7, 9, 30, tzinfo=TOKYO),
        image="https://cdn.example.com/lead.jpg",
        image_alt="港の朝",
        authors=[make_author("山田太郎")],
        categories=[make_category("経済")],
        tags=["AI人材"],
    )


def test_an_article_page_has_title_description_canonical_and_open_graph(client, article):
    page = head(client.get(article.get_absolute_url()))
    url = f"{SITE}/2025/09/07/%E8%A6%8B%E5%87%BA%E3%81%97/"
    assert "<title>記事の見出し | テスト新聞</title>" in page
    assert f'<link rel="canonical" href="{url}">' in page
    description = meta(page, "name", "description")
    assert description.startswith("本文です。") and len(description) <= 121
    assert meta(page, "property", "og:title") == "記事の見出し"
    assert meta(page, "property", "og:description") == description
    assert meta(page, "property", "og:type") == "article"
    assert meta(page, "property", "og:url") == url
    assert meta(page, "property", "og:image") == "https://cdn.example.com/lead.jpg"
    assert meta(page, "property", "og:image:alt") == "港の朝"
    assert meta(page, "property", "og:locale") == "ja_JP"
    assert meta(page, "name", "twitter:card") == "summary_large_image"
    assert meta(page, "name", "twitter:title") == "記事の見出し"
    assert meta(page, "name", "twitter:image") == "https://cdn.example.com/lead.jpg"
    assert meta(page, "name", "robots") is None


def test_the_description_prefers_the_meta_description(client):
    article = make_article("A", description="For search engines.", excerpt="The excerpt.")
    assert meta(head(client.get(article.get_absolute_url())), "name", "description") == (
        "For search engines."
    )


def test_english_descriptions_are_cut_between_words(client):
    words = " ".join(["international"] * 30)
    article = make_article("English", language="en", body=words)
    page = head(client.get(article.get_absolute_url()))
    description = meta(page, "name", "description")
    assert description.endswith("international…") and len(description) <= 121
    assert meta(page, "property", "og:locale") == "en_US"


needs_font = pytest.mark.skipif(
    not card_available(), reason="fonts-noto-cjk is not installed: no cards to share"
)


@needs_font
def test_an_article_without_an_image_shares_its_generated_card(client):
    article = make_article("No image")
    page = head(client.get(article.get_absolute_url()))
    assert meta(page, "property", "og:image") == f"{SITE}/share/{article.pk}/{card_digest('No image')}.png"
    assert meta(page, "property", "og:image:width") == "1200"
    assert meta(page, "property", "og:image:height") == "630"
    assert meta(page, "name", "twitter:card") == "summary_large_image"


@needs_font
def test_an_imported_site_path_is_not_shared_as_an_image(client):
    # The path of the Jekyll site it came from: this site answers 404 for it.
    article = make_article("Imported", image="/assets/images/posts/x-ogp.png")
    page = head(client.get(article.get_absolute_url()))
    assert meta(page, "property", "og:image") == f"{SITE}/share/{article.pk}/{card_digest('Imported')}.png"


def test_an_absolute_image_url_is_kept(client):
    article = make_article("CDN image", image="https://cdn.example.com/a.png")
    page = head(client.get(article.get_absolute_url()))
    assert meta(page, "property", "og:image") == "https://cdn.example.com/a.png"


def test_front_matter_canonical_url_wins(client):
    article = make_article("Syndicated", front_matter={"canonical_url": "https://orig.example/a"})
    page = head(client.get(article.get_absolute_url()))
    assert '<link rel="canonical" href="https://orig.example/a">' in page
    assert meta(page, "property", "og:url") == "https://orig.example/a"


@pytest.mark.parametrize("robots", ["noindex", "noindex, nofollow", ["noindex"], "NOINDEX"])
def test_front_matter_robots_noindex_is_honoured(client, robots):
    article = make_article("Hidden from search", front_matter={"robots": robots})
    page = head(client.get(article.get_absolute_url()))
    assert '<meta name="robots" content="noindex">' in page


def test_news_article_json_ld(client, article):
    page = head(client.get(article.get_absolute_url()))
    news, trail = json_ld(page)
    url = f"{SITE}/2025/09/07/%E8%A6%8B%E5%87%BA%E3%81%97/"
    assert news["@type"] == "NewsArticle"
    assert news["headline"] == "記事の見出し"
    assert news["datePublished"] == "2025-09-07T09:30:00+09:00"
    assert news["dateModified"] >= news["datePublished"]
    assert news["author"] == [
        {
            "@type": "Person",
            "name": "山田太郎",
            "url": f"{SITE}/authors/%E5%B1%B1%E7%94%B0%E5%A4%AA%E9%83%8E/",
        }
    ]
    assert news["publisher"]["@type"] == "Organization"
    assert news["publisher"]["name"] == "テスト新聞"
    assert news["image"] == ["https://cdn.example.com/lead.jpg"]
    assert news["mainEntityOfPage"]["@id"] == url
    assert trail["@type"] == "BreadcrumbList"
    assert [item["name"] for item in trail["itemListElement"]] == ["テスト新聞", "経済", "記事の見出し"]
    assert trail["itemListElement"][-1]["item"] == url


def test_an_article_without_authors_is_credited_to_the_site(client):
    article = make_article("Staff report")
    news, trail = json_ld(head(client.get(article.get_absolute_url())))
    assert news["author"] == [{"@type": "Organization", "name": "テスト新聞", "url": f"{SITE}/"}]
    assert len(trail["itemListElement"]) == 2


def test_a_title_cannot_break_out_of_the_json_ld_script(client):
    title = '</script><script>alert("x")</script> & more'
    article = make_article(title, slug="breakout")
    page = head(client.get(article.get_absolute_url()))
    block = page[page.index('ld+json">') :]
    block = block[: block.index("</script>")]
    assert "<" not in block[len('ld+json">') :] and "\\u003C/script\\u003E" in block
    assert json_ld(page)[0]["headline"] == title


def test_json_ld_script_escapes_html_specials():
    rendered = json_ld_script({"a": "<b>&</b>"})
    assert rendered == (
        '<script type="application/ld+json">{"a": "\\u003Cb\\u003E\\u0026\\u003C/b\\u003E"}</script>'
    )


def test_list_pages_have_titles_canonicals_and_website_type(client):
    for _ in range(11):
        make_article(tags=["python"])
    home = head(client.get("/"))
    assert "<title>テスト新聞</title>" in home
    assert f'<link rel="canonical" href="{SITE}/">' in home
    assert meta(home, "property", "og:type") == "website"
    assert meta(home, "property", "og:locale") == "ja_JP"
    second = head(client.get("/?page=2&utm_source=x"))
    assert f'<link rel="canonical" href="{SITE}/?page=2">' in second
    tag = head(client.get("/tags/python/"))
    assert "<title>タグ「python」 | テスト新聞</title>" in tag
    assert f'<link rel="canonical" href="{SITE}/tags/python/">' in tag


def test_category_and_author_pages_describe_themselves(client):
    category = make_category("経済", description="景気と市場の記事。")
    author = make_author("佐藤", bio="経済部の記者。")
    make_article(categories=[category], authors=[author])
    assert meta(head(client.get(category.get_absolute_url())), "name", "description") == "景気と市場の記事。"
    assert meta(head(client.get(author.get_absolute_url())), "name", "description") == "経済部の記者。"
