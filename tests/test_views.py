"""The home page and the article page: what a reader sees, and what only editors may see."""

import datetime
import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import cards
from articles.models import Article

from .factories import make_article, make_author, make_category, make_draft, tomorrow, yesterday

pytestmark = pytest.mark.django_db

TOKYO = datetime.timezone(timedelta(hours=9))


def text(response):
    return response.content.decode()


@pytest.fixture
def reader(client, django_user_model):
    """Logged in, even staff, but without the right to change articles."""
    user = django_user_model.objects.create_user("reader", password="x", is_staff=True)
    client.force_login(user)
    return user


# The home page


def test_home_lists_the_latest_public_articles_ten_to_a_page(client):
    start = timezone.now() - timedelta(days=30)
    for day in range(12):
        make_article(f"Day {day:02d}", published_at=start + timedelta(days=day))
    first, second = text(client.get("/")), text(client.get("/?page=2"))
    assert "Day 11" in first and "Day 02" in first and "Day 01" not in first
    assert first.index("Day 11") < first.index("Day 10")
    assert "Day 01" in second and "Day 00" in second and "Day 02" not in second


def test_a_card_shows_title_link_date_authors_tags_and_summary(client):
    author = make_author("山田花子")
    article = make_article(
        "カードの記事",
        published_at=datetime.datetime(2025, 9, 7, 10, 0, tzinfo=TOKYO),
        excerpt="要約の文です。",
        tags=["AI人材"],
        authors=[author],
    )
    page = text(client.get("/"))
    assert f'<a href="{article.get_absolute_url()}">カードの記事</a>' in page
    assert '<time datetime="2025-09-07T10:00:00+09:00">2025年9月7日</time>' in page
    assert f'href="{author.get_absolute_url()}" rel="author">山田花子</a>' in page
    assert 'href="/tags/ai%E4%BA%BA%E6%9D%90/" rel="tag">AI人材</a>' in page
    assert "要約の文です。" in page


def test_a_card_lists_the_byline_in_its_order_and_tags_by_name(client):
    zed, amy = make_author("Zed Card"), make_author("Amy Card")
    make_article("Ordered card", tags=["zeta", "alpha", "日本"], authors=[zed, amy])
    page = text(client.get("/"))
    assert page.index(">Zed Card</a>、") < page.index(">Amy Card</a>")
    assert page.index(">alpha</a>") < page.index(">zeta</a>") < page.index(">日本</a>")


def test_home_pages_link_older_pages_without_counting_every_article(client):
    start = timezone.now() - timedelta(days=30)
    for day in range(12):
        make_article(f"Day {day:02d}", published_at=start + timedelta(days=day))
    first, second = text(client.get("/")), text(client.get("/?page=2"))
    assert 'rel="next" href="?page=2"' in first and "1ページ目" in first
    assert 'rel="prev" href="/' in second and "2ページ目" in second
    assert 'rel="next"' not in second and "/ " not in second.split('class="page-number">')[1][:20]
    for page in ("3", "last"):
        assert client.get("/", {"page": page}).status_code == 404, page


def test_exactly_one_full_page_has_no_older_link(client):
    for _ in range(10):
        make_article()
    page = text(client.get("/"))
    assert page.count('class="card"') == 10 and 'class="pagination"' not in page
    assert client.get("/?page=2").status_code == 404


def test_an_empty_home_page_is_calm(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "公開された記事はまだありません。" in text(response)


@pytest.mark.parametrize("page", ["abc", "0", "-1", "99999", "1.5", ""])
def test_bad_page_numbers_are_404_or_the_first_page_never_500(client, page):
    for _ in range(11):
        make_article()
    response = client.get("/", {"page": page})
    assert response.status_code == (200 if page == "" else 404)


def test_page_links_keep_the_rest_of_the_query_string(client):
    for _ in range(21):
        make_article()
    page = text(client.get("/?page=2&utm_source=x"))
    assert 'href="?page=3&amp;utm_source=x"' in page or 'href="?utm_source=x&amp;page=3"' in page
    assert 'rel="prev" href="/?utm_source=x"' in page


# The article page


def test_article_urls_take_unicode_slugs_raw_or_percent_encoded(client):
    article = make_article(
        "日本語", slug="日本語の記事", published_at=datetime.datetime(2025, 9, 7, 9, tzinfo=TOKYO)
    )
    assert article.get_absolute_url() == f"/2025/09/07/{quote('日本語の記事')}/"
    assert client.get(article.get_absolute_url()).status_code == 200
    assert client.get("/2025/09/07/日本語の記事/").status_code == 200


@pytest.mark.parametrize("path", ["/2025/09/08/x/", "/2025/02/30/x/", "/2025/13/01/x/"])
def test_a_wrong_or_impossible_date_is_404(client, path):
    make_article(slug="x", published_at=datetime.datetime(2025, 9, 7, 9, tzinfo=TOKYO))
    assert client.get(path).status_code == 404


def test_the_date_in_the_url_and_on_the_page_is_the_site_time_zone(client):
    # 16:30 UTC on the 6th is 01:30 on the 7th in Tokyo.
    at = datetime.datetime(2025, 9, 6, 16, 30, tzinfo=datetime.UTC)
    article = make_article("深夜の記事", slug="late", published_at=at)
    assert article.get_absolute_url() == "/2025/09/07/late/"
    page = text(client.get("/2025/09/07/late/"))
    assert '<time datetime="2025-09-07T01:30:00+09:00">2025年9月7日</time>' in page


def test_the_article_page_shows_title_byline_in_order_categories_tags_and_body(client):
    first, second = make_author("Zed Writer"), make_author("Amy Writer")
    category = make_category("経済")
    article = make_article(
        "The title",
        body="Some **bold** words.",
        authors=[first, second],
        categories=[category],
        tags=["python", "AI人材"],
    )
    page = text(client.get(article.get_absolute_url()))
    assert '<h1 class="article-title">The title</h1>' in page
    assert page.index(">Zed Writer</a>") < page.index(">Amy Writer</a>")
    assert f'href="{first.get_absolute_url()}" rel="author"' in page
    assert f'href="{category.get_absolute_url()}">経済</a>' in page
    assert 'href="/tags/python/" rel="tag">python</a>' in page
    assert "<strong>bold</strong>" in page


def _set_updated(article, moment):
    Article.objects.filter(pk=article.pk).update(updated_at=moment)


def test_the_update_date_shows_only_when_it_tells_something(client):
    at = datetime.datetime(2025, 9, 7, 9, tzinfo=TOKYO)
    same = make_article(slug="same", published_at=at)
    _set_updated(same, at + timedelta(minutes=10))
    later = make_article(slug="later", published_at=at)
    _set_updated(later, at + timedelta(days=2))
    assert 'class="updated"' not in text(client.get(same.get_absolute_url()))
    page = text(client.get(later.get_absolute_url()))
    assert '更新 <time datetime="2025-09-09T09:00:00+09:00">2025年9月9日</time>' in page


def test_reading_time_is_written_in_the_article_language(client):
    japanese = make_article("長い記事", language="ja", body="あ" * 2600)
    english = make_article("Long read", language="en", body="word " * 1100)
    assert japanese.reading_time == english.reading_time == 6
    assert "6分で読めます" in text(client.get(japanese.get_absolute_url()))
    assert "6 min read" in text(client.get(english.get_absolute_url()))


def test_the_html_lang_follows_the_article_language(client):
    english = make_article("English", language="en")
    assert '<html lang="en">' in text(client.get(english.get_absolute_url()))
    assert '<html lang="ja">' in text(client.get("/"))


LONG = "## はじめに\n\n本文。\n\n## 詳細分析\n\n### 背景 & 経緯\n\n本文。\n\n## まとめ\n\n終わり。"


def test_a_long_article_gets_a_table_of_contents_from_its_headings(client):
    article = make_article("目次のある記事", body=LONG)
    page = text(client.get(article.get_absolute_url()))
    assert '<nav class="toc"' in page
    # h3s are listed under their h2.
    assert (
        '<li><a href="#md-詳細分析">詳細分析</a>'
        '<ol><li><a href="#md-背景-経緯">背景 &amp; 経緯</a></li></ol></li>' in page
    )
    assert 'id="md-詳細分析"' in page


def test_a_short_article_has_no_table_of_contents(client):
    article = make_article("短い記事", body="## 一つ\n\n本文。\n\n## 二つ\n\n本文。")
    assert '<nav class="toc"' not in text(client.get(article.get_absolute_url()))


def test_related_articles_share_the_most_tags_and_are_public(client):
    article = make_article("Centre", tags=["a", "b", "c"])
    three = make_article("Shares three", tags=["a", "b", "c"])
    two = make_article("Shares two", tags=["a", "b"])
    for n in range(3):
        make_article(f"Shares one {n}", tags=["c"])
    make_article("Shares none", tags=["z"])
    make_draft("Draft sharing all", tags=["a", "b", "c"])
    make_article("Future sharing all", tags=["a", "b", "c"], published_at=tomorrow())
    page = text(client.get(article.get_absolute_url()))
    related = page[page.index('class="related"') : page.index("</aside>")]
    assert related.index(three.title) < related.index(two.title) < related.index("Shares one")
    assert related.count("<li") == 4
    assert "Shares none" not in related
    assert "Draft sharing all" not in page and "Future sharing all" not in page


def test_related_ties_go_to_the_newest_and_withdrawn_articles_never_appear(client):
    now = timezone.now()
    article = make_article("Centre", tags=["x"], published_at=now - timedelta(days=10))
    for day in range(1, 6):
        make_article(f"Tie {day}", tags=["x"], published_at=now - timedelta(days=day))
    make_article("Withdrawn", tags=["x"], published_at=now - timedelta(hours=1), unpublish_at=now)
    page = text(client.get(article.get_absolute_url()))
    related = page[page.index('class="related"') : page.index("</aside>")]
    assert [f"Tie {day}" in related for day in range(1, 6)] == [True, True, True, True, False]
    assert related.index("Tie 1") < related.index("Tie 2")
    assert "Withdrawn" not in page


def related_titles(response):
    page = text(response)
    return page[page.index('class="related"') : page.index("</aside>")] if 'class="related"' in page else ""


def test_the_related_ranking_is_kept_but_every_page_checks_it_is_still_public(client):
    article = make_article("Centre", tags=["x", "y"])
    kept = make_article("Kept", tags=["x", "y"])
    withdrawn = make_article("Withdrawn later", tags=["x"])
    assert "Withdrawn later" in related_titles(client.get(article.get_absolute_url()))
    Article.objects.filter(pk=withdrawn.pk).update(status=Article.Status.UNPUBLISHED)
    with CaptureQueriesContext(connection) as queries:
        related = related_titles(client.get(article.get_absolute_url()))
    assert "Withdrawn later" not in related and kept.title in related
    # The tags were not counted again: the ranking came from the cache.
    assert not any("COUNT(" in query["sql"] for query in queries.captured_queries)


def test_a_new_article_joins_the_related_list_when_the_ranking_is_renewed(client):
    article = make_article("Centre", tags=["x"])
    client.get(article.get_absolute_url())
    make_article("Newcomer", tags=["x"])
    assert "Newcomer" not in related_titles(client.get(article.get_absolute_url()))
    cache.clear()  # what RELATED_TTL does
    assert "Newcomer" in related_titles(client.get(article.get_absolute_url()))


def test_changing_an_articles_tags_ranks_its_related_articles_again(client):
    article = make_article("Centre", tags=["x"])
    make_article("Tagged y", tags=["y"])
    assert "Tagged y" not in related_titles(client.get(article.get_absolute_url()))
    article.tags.add("y")
    assert "Tagged y" in related_titles(client.get(article.get_absolute_url()))


def test_neighbours_published_at_the_same_moment_go_by_id(client):
    at = timezone.now() - timedelta(days=1)
    first, middle, last = (make_article(f"Same {n}", published_at=at) for n in range(3))
    page = text(client.get(middle.get_absolute_url()))
    assert f'rel="prev" href="{first.get_absolute_url()}"' in page
    assert f'rel="next" href="{last.get_absolute_url()}"' in page


def test_previous_and_next_skip_drafts_and_scheduled_articles(client):
    now = timezone.now()
    older = make_article("Older public", published_at=now - timedelta(days=5))
    make_draft("Draft between", published_at=now - timedelta(days=4))
    article = make_article("Middle", published_at=now - timedelta(days=3))
    newer = make_article("Newer public", published_at=now - timedelta(days=1))
    make_article("Scheduled", published_at=tomorrow())
    page = text(client.get(article.get_absolute_url()))
    assert f'rel="prev" href="{older.get_absolute_url()}"' in page
    assert f'rel="next" href="{newer.get_absolute_url()}"' in page
    assert "Draft between" not in page and "Scheduled" not in page
    last = text(client.get(newer.get_absolute_url()))
    assert 'rel="next"' not in last


# Drafts, scheduled articles and the editors' preview


@pytest.fixture
def hidden():
    return [
        make_draft("Secret draft", published_at=yesterday(), tags=["shared"]),
        make_article("Secret future", published_at=tomorrow(), tags=["shared"]),
    ]


def test_drafts_and_scheduled_articles_are_404_for_anonymous_readers(client, hidden):
    for article in hidden:
        assert client.get(article.get_absolute_url()).status_code == 404
        assert client.get(f"/drafts/{article.pk}/").status_code == 404


def test_drafts_are_404_for_logged_in_users_without_the_permission(client, reader, hidden):
    for article in hidden:
        assert client.get(article.get_absolute_url()).status_code == 404
        assert client.get(f"/drafts/{article.pk}/").status_code == 404


def test_editors_preview_drafts_with_a_banner_noindex_and_no_cache(editor_client, hidden):
    client = editor_client
    undated = make_draft("Undated draft", published_at=None, slug="undated")
    assert undated.get_absolute_url() == f"/drafts/{undated.pk}/"
    for article in [*hidden, undated]:
        response = client.get(article.get_absolute_url())
        assert response.status_code == 200
        page = text(response)
        assert 'class="preview-banner"' in page
        assert '<meta name="robots" content="noindex">' in page
        cache = response["Cache-Control"]
        for directive in ("no-cache", "no-store", "must-revalidate", "private"):
            assert directive in cache


def test_writers_see_their_own_drafts_but_not_other_peoples(writer_client, writer, hidden):
    client = writer_client
    own = make_draft("My draft", published_at=None, created_by=writer)
    assert client.get(own.get_absolute_url()).status_code == 200
    for article in hidden:
        assert client.get(article.get_absolute_url()).status_code == 404
        assert client.get(f"/drafts/{article.pk}/").status_code == 404


def test_editors_see_public_articles_without_the_banner(editor_client):
    client = editor_client
    article = make_article("Public")
    response = client.get(article.get_absolute_url())
    assert 'class="preview-banner"' not in text(response)
    assert "no-store" not in response.get("Cache-Control", "")


HIDDEN_TITLE = re.compile("Hidden (draft|future|withdrawn|in review|unpublished)")


@pytest.mark.parametrize("cached", [False, True], ids=["uncached", "from the page cache"])
def test_draft_sweep_no_public_page_mentions_a_hidden_article(client, settings, cached):
    settings.PAGE_CACHE_SECONDS, settings.PAGE_CACHE_SHARED = (600, True) if cached else (0, False)
    author, category = make_author("Sweep Author"), make_category("Sweep")
    common = {"tags": ["sweep", "AI人材"], "authors": [author], "categories": [category]}
    at = timezone.now() - timedelta(hours=2)
    public = make_article("Visible article", published_at=at, **common)
    make_draft("Hidden draft", published_at=at - timedelta(hours=1), **common)
    make_article("Hidden future", published_at=timezone.now() + timedelta(days=3), **common)
    make_article("Hidden withdrawn", published_at=at, unpublish_at=at + timedelta(hours=1), **common)
    make_article("Hidden in review", status=Article.Status.REVIEW, published_at=at, **common)
    make_article("Hidden unpublished", status=Article.Status.UNPUBLISHED, published_at=at, **common)
    day = public.pub_date
    paths = [
        "/",
        "/?page=1",
        "/tags/",
        "/tags/sweep/",
        "/tags/ai%E4%BA%BA%E6%9D%90/",
        category.get_absolute_url(),
        author.get_absolute_url(),
        f"/{day.year}/",
        f"/{day.year}/{day.month:02d}/",
        public.get_absolute_url(),
        "/no-such-page/",
        "/feed/",
        "/feed/atom/",
        "/tags/sweep/feed/",
        "/sitemap.xml",
        "/sitemap-articles.xml",
        "/sitemap-tags.xml",
        "/search/?q=Hidden",
    ]
    for path in paths:
        for again in (False, True):  # with the cache on, the second answer is the kept page
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            assert response.status_code == (404 if path == "/no-such-page/" else 200), path
            # Their titles, not the word: the search page repeats its query.
            assert not re.search("Hidden (draft|future|withdrawn|in review|unpublished)", text(response)), (
                path
            )
            if cached and again and path not in ("/no-such-page/", "/search/?q=Hidden"):
                assert len(queries) == 0, path  # the kept page, read without the database
    assert "Visible article" in text(client.get("/"))
    # Counts too: the tag's count is of public articles only.
    assert "1件の記事" in text(client.get("/tags/"))


# Query counts: fixed per page, whatever the number of articles, tags, authors and categories


def _populate(count):
    authors = [make_author(f"Writer {n}") for n in range(3)]
    categories = [make_category(f"Desk {n}") for n in range(2)]
    start = timezone.now() - timedelta(days=count + 1)
    articles = [
        make_article(
            f"Counted {n}",
            published_at=start + timedelta(hours=n),
            tags=["shared", f"own-{n}", f"pair-{n // 2}"],
            authors=authors,
            categories=categories,
        )
        for n in range(count)
    ]
    make_draft("Uncounted draft", tags=["shared"], authors=authors, categories=categories)
    return articles, authors[0], categories[0]


def _public_pages(count):
    articles, author, category = _populate(count)
    day = articles[-1].pub_date
    return {
        "/": 2,  # the page (one row more tells if there is another), bylines and tags together
        "/?page=2" if count > 10 else "/?page=1": 2,
        "/tags/": 1,  # tags annotated with their public count
        "/tags/shared/": 4,  # the tag, its count, the page, bylines and tags together
        category.get_absolute_url(): 4,
        author.get_absolute_url(): 4,
        f"/{day.year}/": 2,
        f"/{day.year}/{day.month:02d}/": 2,
        # the article; the related ranking (then kept, see the next test); the neighbours and
        # related articles; the cards of all of them (bylines, tags, categories) together
        articles[count // 2].get_absolute_url(): 4,
        "/no-such-page/": 2,  # the latest articles on the 404 page, the old-path lookup
    }


@pytest.mark.parametrize("count", [3, 12])
def test_every_public_page_makes_a_fixed_number_of_queries(
    client, count, django_assert_num_queries, settings
):
    for path, queries in _public_pages(count).items():
        with django_assert_num_queries(queries):
            response = client.get(path)
        assert response.status_code == (404 if path == "/no-such-page/" else 200), path


@pytest.mark.django_db(transaction=True)
def test_the_cards_query_is_prepared_whichever_articles_a_page_shows():
    """Its text depends only on how many cards a page shows, so PostgreSQL plans it once."""
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's (settings: server-side binding)")
    articles = [make_article(tags=["python"]) for _ in range(12)]
    connection.close()  # a new session, with nothing prepared yet
    for pair in zip(articles[::2], articles[1::2], strict=True):  # six different pairs, once each
        cards.load(pair)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%articles_articleauthor%"],
        )
        assert cursor.fetchone()[0] == 1


def test_an_article_page_reads_its_kept_related_ranking_in_three_queries(client, django_assert_num_queries):
    articles, _author, _category = _populate(6)
    client.get(articles[3].get_absolute_url())
    with django_assert_num_queries(3):
        response = client.get(articles[3].get_absolute_url())
    assert len(response.context["around"].related) == 4


def test_an_english_article_is_labelled_in_english_inside_a_japanese_site(client):
    article = make_article("English piece", language="en", body="## A\n\nx\n\n## B\n\ny\n\n## C\n\nz")
    page = text(client.get(article.get_absolute_url()))
    main = page[page.index("<main") : page.index("</main>")]
    assert "Contents" in main and "1 min read" in main and "目次" not in main
    # The site's own navigation stays in the visitor's language, and says which.
    assert '<header class="site-header" lang="ja">' in page
    assert '<footer class="site-footer" lang="ja">' in page


def test_the_preview_banner_speaks_the_editors_language(editor_client):
    client = editor_client
    draft = make_draft("English draft", language="en", published_at=None)
    page = text(client.get(draft.get_absolute_url()))
    assert '<p class="preview-banner" role="status" lang="ja"><strong>下書き（非公開）</strong>' in page


def test_remembered_paths_are_those_reverse_gives():
    from django.urls import reverse

    from articles import links

    article = make_article("日本語", slug="日本語の記事")
    day = article.pub_date
    expected = reverse(
        "articles:detail", kwargs={"year": day.year, "month": day.month, "day": day.day, "slug": article.slug}
    )
    assert article.get_absolute_url() == expected
    for name, slug in [("articles:tag", "ai人材"), ("articles:author", "山田 花子"), ("articles:tag", "a%b")]:
        assert links.reverse(name, slug) == reverse(name, kwargs={"slug": slug})


def test_the_table_of_contents_reads_ids_and_text_from_stored_html():
    from articles.contents import table_of_contents

    body = (
        '<h3 id="lead">Lead</h3><h2>No id</h2><h2 id="a-b">A <code>&lt;b&gt;</code></h2>'
        '<h3 id="c">C</h3><h4 id="d">D</h4>'
    )
    contents = table_of_contents(body)
    assert [(h.level, h.id, h.text) for h in contents] == [(3, "lead", "Lead"), (2, "a-b", "A <b>")]
    assert [h.id for h in contents[1].children] == ["c"]
    assert table_of_contents(body, minimum=4) == []
