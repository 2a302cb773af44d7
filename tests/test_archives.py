"""Tag index, tag, category, author, year and month archives: public articles only."""

import datetime
from datetime import timedelta

import pytest

from articles import editing
from articles.models import Article

from .factories import make_article, make_author, make_category, make_draft, tomorrow
from .jekyll_files import post, run

pytestmark = pytest.mark.django_db

TOKYO = datetime.timezone(timedelta(hours=9))


def text(response):
    return response.content.decode()


def on(day, hour=9):
    return datetime.datetime(2025, 9, day, hour, tzinfo=TOKYO)


# The tag index


def test_the_tag_index_counts_public_articles_only(client):
    make_article(tags=["python", "AI人材"])
    make_article(tags=["python"])
    make_draft(tags=["python", "draft-only"])
    make_article(tags=["future-only"], published_at=tomorrow())
    page = text(client.get("/tags/"))
    assert 'href="/tags/python/" rel="tag">python</a> <span class="tag-count">2件の記事' in page
    assert 'AI人材</a> <span class="tag-count">1件の記事' in page
    assert "draft-only" not in page and "future-only" not in page


def test_the_tag_index_is_one_query(client, django_assert_num_queries):
    for n in range(5):
        make_article(tags=[f"t{n}", "common"])
    with django_assert_num_queries(1):
        assert client.get("/tags/").status_code == 200


# A tag's page


def test_a_japanese_tag_has_its_own_page(client):
    article = make_article("人材の記事", tags=["AI人材"])
    make_article("Plain AI", tags=["AI"])
    response = client.get("/tags/ai人材/")
    assert response.status_code == 200
    page = text(response)
    assert "<h1>タグ「AI人材」</h1>" in page
    assert article.title in page and "Plain AI" not in page
    assert client.get("/tags/ai%E4%BA%BA%E6%9D%90/").status_code == 200


def test_an_unknown_tag_is_404(client):
    assert client.get("/tags/nothing-here/").status_code == 404


def test_a_tag_only_drafts_carry_is_404(client):
    make_draft("Hidden", tags=["secret"])
    make_article("Scheduled", tags=["secret"], published_at=tomorrow())
    assert client.get("/tags/secret/").status_code == 404


def test_a_tag_page_lists_only_public_articles_and_counts_them(client):
    make_article("Public one", tags=["mixed"])
    make_draft("Draft one", tags=["mixed"])
    page = text(client.get("/tags/mixed/"))
    assert "Public one" in page and "Draft one" not in page
    assert "1件の記事" in page


def test_tag_pages_paginate_with_the_heading_count(client):
    for n in range(12):
        make_article(f"Tagged {n:02d}", tags=["many"])
    assert "12件の記事" in text(client.get("/tags/many/"))
    assert text(client.get("/tags/many/?page=2")).count('class="card"') == 2
    for page in ("abc", "0", "-1", "3", "99999"):
        assert client.get("/tags/many/", {"page": page}).status_code == 404, page


def test_later_pages_continue_in_order_past_hidden_and_simultaneous_articles(client):
    start = datetime.datetime(2025, 9, 1, tzinfo=TOKYO)
    for n in range(25):
        # Pairs share a publication time: the id decides their order, on every page alike.
        make_article(f"Paged {n:02d}", tags=["paged"], published_at=start + timedelta(hours=n // 2))
        make_draft(f"Hidden {n:02d}", tags=["paged"], published_at=start + timedelta(hours=n // 2))
    expected = [f"Paged {n:02d}" for n in reversed(range(25))]
    for path in ("/tags/paged/", "/"):
        seen = []
        for page in (1, 2, 3):
            body = text(client.get(path, {"page": page}))
            seen += [title for title in expected if f">{title}</a>" in body]
            assert "Hidden" not in body
        assert sorted(seen, key=expected.index) == expected
        body = text(client.get(path, {"page": 2}))
        assert body.index(">Paged 14</a>") < body.index(">Paged 13</a>") < body.index(">Paged 05</a>")


@pytest.mark.parametrize("fields", [None, ["published_at", "pub_date"]])
def test_a_tag_page_follows_an_article_moved_in_time(client, fields):
    # Its pages pick their ids from the tag's rows (TaggedArticle.listing), in the times they keep.
    moved = make_article("Moved", tags=["moved"], published_at=on(1))
    for n in range(10):
        make_article(f"Stayed {n}", tags=["moved"], published_at=on(2, hour=n))
    moved.published_at = on(3)
    moved.save(update_fields=fields)
    first, second = (text(client.get("/tags/moved/", {"page": page})) for page in (1, 2))
    assert ">Moved</a>" in first and ">Stayed 0</a>" in second


@pytest.mark.parametrize("kind", ["tag", "author"])
def test_an_archive_follows_its_articles_state(client, editor, kind):
    # Its pages pick their ids from the links' rows: each keeps its article's state and times.
    author = make_author("Desk")
    listed = {"tag": {"tags": ["desk"]}, "author": {"authors": [author]}}[kind]
    path = {"tag": "/tags/desk/", "author": author.get_absolute_url()}[kind]
    for n in range(11):
        make_article(f"Kept {n:02d}", published_at=on(1, hour=n), **listed)
    published = make_draft("Published now", **listed)
    editing.apply_action(published, "publish", by=editor)  # a workflow action saves three fields
    withdrawn = Article.objects.get(title="Kept 10")
    editing.apply_action(withdrawn, "unpublish", by=editor)
    body = text(client.get(path))
    assert body.count('class="card"') == 10  # the withdrawn one's place taken by the next
    assert ">Published now</a>" in body and ">Kept 01</a>" in body and ">Kept 10</a>" not in body


def test_a_tag_page_lists_imported_articles_newest_first(client, tmp_path):
    # Imported first, published last: the file's date decides, not the order of the import.
    post(tmp_path, "_posts/2025-09-01-first.md", "title: Newest\ndate: 2025-09-09\ntags: [imported]")
    post(tmp_path, "_posts/2025-09-05-second.md", "title: Oldest\ndate: 2025-09-02\ntags: [imported]")
    run(tmp_path)
    body = text(client.get("/tags/imported/"))
    assert body.index(">Newest</a>") < body.index(">Oldest</a>")


@pytest.mark.parametrize("kind", ["tag", "category", "author"])
def test_archives_advertise_their_own_feeds(client, kind):
    author, category = make_author("Feeder"), make_category("Feeds")
    make_article(tags=["feedy"], authors=[author], categories=[category])
    path = {
        "tag": "/tags/feedy/",
        "category": category.get_absolute_url(),
        "author": author.get_absolute_url(),
    }[kind]
    page = text(client.get(path))
    assert 'type="application/rss+xml" title="' in page
    assert f'href="{path}feed/"' in page and f'href="{path}feed/atom/"' in page
    # The site's own feeds stay advertised too.
    assert 'href="/feed/"' in page and 'href="/feed/atom/"' in page


# Categories and authors


def test_a_category_page_lists_its_public_articles(client):
    category = make_category("政治", description="国会と選挙。")
    make_article("In category", categories=[category])
    make_article("Elsewhere")
    make_draft("Draft in category", categories=[category])
    page = text(client.get(category.get_absolute_url()))
    assert "<h1>カテゴリー「政治」</h1>" in page and "国会と選挙。" in page
    assert "In category" in page
    assert "Elsewhere" not in page and "Draft in category" not in page


def test_an_author_page_lists_their_public_articles(client):
    author = make_author("佐藤一郎", bio="経済記者。")
    make_article("By Sato", authors=[author])
    make_article("By someone else", authors=[make_author()])
    page = text(client.get(author.get_absolute_url()))
    assert "<h1>佐藤一郎の記事</h1>" in page and "経済記者。" in page
    assert "By Sato" in page and "By someone else" not in page


@pytest.mark.parametrize("path", ["/categories/nope/", "/authors/nope/"])
def test_unknown_categories_and_authors_are_404(client, path):
    assert client.get(path).status_code == 404


def test_categories_and_authors_with_only_drafts_are_404(client):
    author, category = make_author("Only drafts"), make_category("Only drafts")
    make_draft(authors=[author], categories=[category])
    assert client.get(author.get_absolute_url()).status_code == 404
    assert client.get(category.get_absolute_url()).status_code == 404


# Dates


def test_year_and_month_archives_list_the_public_articles_of_that_time(client):
    make_article("September", published_at=on(7))
    make_article("October", published_at=datetime.datetime(2025, 10, 1, 9, tzinfo=TOKYO))
    make_article("Last year", published_at=datetime.datetime(2024, 9, 7, 9, tzinfo=TOKYO))
    make_draft("Draft September", published_at=on(8))
    year = text(client.get("/2025/"))
    assert "<h1>2025年の記事</h1>" in year
    assert "September" in year and "October" in year and "Last year" not in year
    month = text(client.get("/2025/09/"))
    assert "<h1>2025年9月の記事</h1>" in month
    assert "September" in month and "October" not in month
    assert "Draft September" not in year + month


def test_the_month_boundary_is_the_site_time_zone(client):
    # 2025-09-30 20:00 UTC is already October 1st in Tokyo.
    make_article("Tokyo October", published_at=datetime.datetime(2025, 9, 30, 20, tzinfo=datetime.UTC))
    assert "Tokyo October" in text(client.get("/2025/10/"))
    assert client.get("/2025/09/").status_code == 404


@pytest.mark.parametrize("path", ["/2025/13/", "/2025/00/", "/1999/", "/2025/08/"])
def test_impossible_or_empty_date_archives_are_404(client, path):
    make_article(published_at=on(7))
    make_draft(published_at=datetime.datetime(2025, 8, 7, 9, tzinfo=TOKYO))
    assert client.get(path).status_code == 404


def test_date_archives_reject_bad_pages(client):
    make_article(published_at=on(7))
    for page in ("abc", "0", "-1", "99999"):
        assert client.get("/2025/", {"page": page}).status_code == 404, page
