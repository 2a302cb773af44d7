"""Search: tokens, the query language, the public page, the admin's box and keeping the index fresh."""

import re

import html5lib
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import search
from articles.editing import apply_action
from articles.models import Article, SearchIndex
from articles.search import engines, find, index_words, parse_query, update_search_index
from tests.factories import make_article, make_author, make_category, make_draft, tomorrow, yesterday
from tests.staff import admin_form_data, change_url, make_editor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
SEARCH = reverse("articles:search")


def indexed(*articles):
    """Articles as every writer leaves them: with their search entries (factories write none)."""
    update_search_index([article.pk for article in articles])
    return articles[0] if len(articles) == 1 else articles


def found(text, queryset=None):
    queryset = Article.objects.published() if queryset is None else queryset
    ids = find(queryset, parse_query(text)).ids
    titles = Article.objects.in_bulk(ids)
    return [titles[pk].title for pk in ids]


# --- what is indexed, how a query is read ------------------------------------------------------


def test_a_cjk_run_becomes_its_bigrams_and_its_last_letter():
    assert index_words("巨額を投じ、投資競争を") == "巨額 額を を投 投じ じ 投資 資競 競争 争を を"
    # Full-width letters and half-width kana fold (NFKC); words are lower-cased.
    assert index_words("ＡＩ人材とｶﾀｶﾅ, Investments!") == "ai 人材 材と とカ カタ タカ カナ ナ investments"
    assert index_words("한국어 々 x") == "한국 국어 어 々 x"


def test_a_query_reads_terms_phrases_and_exclusions():
    query = parse_query('AI人材  "machine  learning" -データセンター －セキュリティ 株')
    assert [(c.text, c.excluded) for c in query.clauses] == [
        ("ai人材", False),
        ("machine learning", False),
        ("データセンター", True),
        ("セキュリティ", True),  # a full-width minus excludes too
        ("株", False),
    ]
    assert query.clauses[0].tokens == [("ai", False), ("人材", False)]
    assert query.clauses[2].tokens[:2] == [("デー", False), ("ータ", False)]
    assert query.clauses[4].tokens == [("株", True)]  # one letter: a prefix
    # Where the term goes on, a run's last letter is a token too, as in the index.
    assert parse_query('"人材 AI"').clauses[0].tokens == [("人材", False), ("材", False), ("ai", False)]


@pytest.mark.parametrize(
    "junk", ["", "   ", "%", "\\", '"', "''", "-", "-投資", "、。・！？", "\x00", "<>&;--"]
)
def test_junk_is_no_query(junk):
    assert not parse_query(junk)


def test_a_long_query_is_cut():
    query = parse_query("投資" * 5000)
    assert query.truncated and len(query.text) == search.MAX_QUERY_LENGTH
    assert not parse_query("投資 " * 10).truncated


# --- finding ----------------------------------------------------------------------------------


def test_two_letters_are_found_inside_a_run_of_japanese():
    indexed(
        make_article("クラウド競争", body="両社は巨額を投じ、投資競争を展開しています。"),
        make_article("投じた資金", body="資金を投じた。投げる資格。"),
    )
    assert found("投資") == ["クラウド競争"]
    assert found("資競") == ["クラウド競争"]  # any substring, even across words
    assert found("競争を展開") == ["クラウド競争"]
    assert found("投資家") == []
    assert found("投じ") == ["投じた資金", "クラウド競争"]  # the title ranks first


def test_katakana_terms_and_terms_mixing_scripts():
    indexed(
        make_article("DC", body="大規模なデータセンターを建設する。"),
        make_article("中心", body="データの中心はセンターにある。"),
        make_article("人材", body="ＡＩ人材の育成が急務だ。"),
        make_article("別々", body="AIと人材は別の話。"),
    )
    assert found("データセンター") == ["DC"]
    assert found("AI人材") == ["人材"]  # full-width in the text, half-width in the query
    assert sorted(found("人材")) == ["人材", "別々"]


def test_english_words_are_found_by_their_stem():
    indexed(
        make_article("Funds", body="An investment in the future."),
        make_article("Patents", body="An invention of the past."),
    )
    assert found("investments") == ["Funds"]
    assert found("invest") == ["Funds"]
    assert found("INVESTMENT") == ["Funds"]


def test_one_letter_finds_the_words_that_hold_it():
    indexed(make_article("米国株", body="米国株が上がった。"), make_article("株価", body="株価の話。"))
    assert sorted(found("株")) == ["株価", "米国株"]


def test_every_term_must_match_and_excluded_terms_must_not():
    indexed(
        make_article("AWS", body="AWSの投資額が増えた。"),
        make_article("Azure", body="Azureへの投資も増えた。"),
        make_article("Cloud", body="AWS re:Invent の話。"),
    )
    assert found("AWS 投資") == ["AWS"]
    assert sorted(found("投資 -AWS")) == ["Azure"]
    assert sorted(found('投資 -"AWS"')) == ["Azure"]


def test_quoted_phrases_keep_their_words_together():
    indexed(
        make_article("Together", body="Cloud computing is here."),
        make_article("Apart", body="Computing in the cloud is here."),
        make_article("日本語", body="人材育成の計画。"),
        make_article("離れて", body="人材と育成の計画。"),
    )
    assert found('"cloud computing"') == ["Together"]
    assert sorted(found("cloud computing")) == ["Apart", "Together"]
    assert found('"人材育成"') == ["日本語"]


def test_title_then_names_then_body_and_newest_first_within_each():
    old, older, oldest = yesterday(), yesterday().replace(year=2020), yesterday().replace(year=2019)
    indexed(
        make_article("本文の記事", body="投資の話。", published_at=old),
        make_article("本文の古い記事", body="投資の話。", published_at=older),
        make_article("タグの記事", body="別の話。", tags=["投資"], published_at=older),
        make_article("投資の記事", body="別の話。", published_at=oldest),
        make_article("筆者の記事", body="別の話。", authors=[make_author("投資部")], published_at=old),
    )
    assert found("投資") == ["投資の記事", "筆者の記事", "タグの記事", "本文の記事", "本文の古い記事"]


def test_categories_and_summaries_are_searched():
    indexed(
        make_article("A", body="本文。", categories=[make_category("業界別AI活用")]),
        make_article("B", body="本文。", excerpt="要約に半導体と書いた。"),
    )
    assert found("業界別") == ["A"]
    assert found("半導体") == ["B"]


def test_a_long_document_is_checked_against_its_text():
    # Past 16,383 positions PostgreSQL's tsvector cannot place a phrase: the stored text decides.
    filler = "これは長い記事の本文です。" * 1500
    article = indexed(make_article("長い記事", body=f"{filler}\n\n最後にデータセンターの話。"))
    assert SearchIndex.objects.get(article=article).long
    assert found("データセンター") == ["長い記事"]
    assert found('"話 データセンター"') == []


def test_only_public_articles_are_found_and_counted(client):
    indexed(
        make_article("公開", body="投資の記事。"),
        make_draft("下書き", body="投資の記事。"),
        make_article("予約", body="投資の記事。", published_at=tomorrow()),
        make_article("取り下げ", body="投資の記事。", status=Article.Status.UNPUBLISHED),
        make_article("期限切れ", body="投資の記事。", unpublish_at=yesterday()),
    )
    assert found("投資") == ["公開"]
    html = client.get(SEARCH, {"q": "投資"}).content.decode()
    assert "公開" in html and "1 article found." in html
    for hidden in ("下書き", "予約", "取り下げ", "期限切れ"):
        assert hidden not in html


def test_candidates_are_bounded_and_the_page_says_so(client, monkeypatch):
    monkeypatch.setattr(engines, "MAX_CANDIDATES", 3)
    indexed(*[make_article(f"記事{n}", body="投資の話。") for n in range(5)])
    matches = find(Article.objects.published(), parse_query("投資"))
    assert len(matches.ids) == 3 and not matches.complete
    assert "More than 3 articles match" in client.get(SEARCH, {"q": "投資"}).content.decode()


def test_newer_drafts_never_hide_public_matches_nor_count(client, monkeypatch):
    monkeypatch.setattr(engines, "MAX_CANDIDATES", 3)
    public = make_article("公開の記事", body="投資の話。", published_at=yesterday())
    drafts = [make_draft(f"下書き{n}", body="投資の話。") for n in range(5)]  # newer ids, same word
    indexed(public, *drafts)
    matches = find(Article.objects.published(), parse_query("投資"))
    assert (matches.ids, matches.complete) == ([public.pk], True)
    page = client.get(SEARCH, {"q": "投資"}).content.decode()
    assert "公開の記事" in page and "More than" not in page and "下書き" not in page


# --- keeping the index fresh -------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_saving_in_the_admin_reindexes_the_article_and_its_tags(editor_client):
    article = indexed(make_article("古い見出し", body="本文。", tags=["旧タグ"]))
    form = editor_client.get(change_url(article))
    data = admin_form_data(form, title="新しい見出し", body="半導体の本文。", tags="新タグ")
    assert editor_client.post(change_url(article), data).status_code == 302
    assert found("新しい") == found("半導体") == found("新タグ") == ["新しい見出し"]
    assert found("古い") == found("旧タグ") == []


@pytest.mark.django_db(transaction=True)
def test_adding_in_the_admin_indexes_the_new_article(editor_client):
    url = reverse("admin:articles_article_add")
    data = admin_form_data(
        editor_client.get(url), title="新しい記事", slug="new", body="量子計算の話。", tags="量子"
    )
    assert editor_client.post(url, data).status_code == 302
    article = Article.objects.get(slug="new")
    assert find(Article.objects.all(), parse_query("量子計算")).ids == [article.pk]
    assert "editor byline" in SearchIndex.objects.get(article=article).document  # the default byline


def test_publishing_and_unpublishing_show_and_hide_without_reindexing():
    editor = make_editor("chief")
    article = indexed(make_draft("量子の記事", body="量子計算。", published_at=None))
    assert found("量子") == []
    apply_action(article, "publish", by=editor)
    assert found("量子") == ["量子の記事"]
    apply_action(article, "unpublish", by=editor)
    assert found("量子") == []


def test_a_deleted_article_takes_its_entry_with_it(editor_client):
    article = indexed(make_article("消える記事", body="量子計算。"))
    response = editor_client.post(
        reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not SearchIndex.objects.exists() and found("量子") == []


@pytest.mark.django_db(transaction=True)
def test_an_import_indexes_what_it_writes(tmp_path):
    post = tmp_path / "2025-09-07-ai.md"
    post.write_text('---\ntitle: "輸入の記事"\ntags: [量子]\n---\n巨額を投じた。\n', encoding="utf-8")
    call_command("import_jekyll", str(post), verbosity=0)
    assert found("巨額") == found("量子") == ["輸入の記事"]
    post.write_text('---\ntitle: "輸入の記事"\ntags: [量子]\n---\n少額を投じた。\n', encoding="utf-8")
    call_command("import_jekyll", str(post), verbosity=0)
    assert found("巨額") == [] and found("少額") == ["輸入の記事"]


def test_rebuild_command_indexes_every_article(capsys):
    make_article("一つ目", body="量子計算。")
    make_article("二つ目", body="量子暗号。")
    assert found("量子") == []  # written without entries, as a bulk load would
    call_command("rebuild_search_index")
    assert sorted(found("量子")) == ["一つ目", "二つ目"]
    assert "2 articles indexed" in capsys.readouterr().out


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_rebuild_command_can_share_the_work_between_processes(monkeypatch):
    from articles.search import index

    monkeypatch.setattr(index, "CHUNK", 2)  # three chunks for two processes
    for n in range(5):
        make_article(f"記事{n}", body="量子計算。")
    call_command("rebuild_search_index", jobs=2, verbosity=0)
    assert len(found("量子")) == 5


def test_rebuild_command_refuses_no_processes():
    with pytest.raises(CommandError, match="--jobs"):
        call_command("rebuild_search_index", jobs=0)


# --- the page ------------------------------------------------------------------------------------


def test_results_show_a_highlighted_escaped_snippet_the_date_and_tags(client):
    indexed(
        make_article(
            "クラウド投資",
            body="前置き。 x < y & 巨額を投じ、投資競争を展開している。",
            tags=["AI人材"],
            published_at=yesterday().replace(year=2025, month=9, day=7),
        )
    )
    html = client.get(SEARCH, {"q": "投資"}).content.decode()
    result = re.search(r'<article class="card search-result".*?</article>', html, re.S).group()
    assert "クラウド<mark>投資</mark>" in result
    assert "x &lt; y &amp; 巨額を投じ、<mark>投資</mark>競争" in result
    assert "2025" in result and 'rel="tag">AI人材</a>' in result
    assert '<meta name="robots" content="noindex">' in html


def test_highlights_map_folded_text_back_to_what_was_written():
    query = parse_query("AI人材 investment")
    assert search.highlight("国の…ＡＩ人材…計画", query) == "国の…<mark>ＡＩ人材</mark>…計画"
    assert search.highlight("Big Investments.", query) == "Big <mark>Investments</mark>."
    assert search.highlight("nothing here", query) is None


def test_a_results_page_takes_three_queries_and_pages_keep_the_query(client, django_assert_num_queries):
    author = make_author("記者")
    for n in range(12):
        indexed(make_article(f"投資の記事{n}", tags=["AI", "投資"], authors=[author]))
    with django_assert_num_queries(3):  # matches, the page's articles, their cards
        response = client.get(SEARCH, {"q": "投資"})
    html = response.content.decode()
    assert html.count('class="card search-result"') == 10 and "12 articles found." in html
    assert 'href="?q=%E6%8A%95%E8%B3%87&amp;page=2"' in html
    assert client.get(SEARCH, {"q": "投資", "page": "2"}).content.decode().count("search-result") == 2


def test_an_empty_query_gives_a_hint_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(SEARCH)
    assert response.status_code == 200
    assert 'class="search-hint"' in response.content.decode()


JUNK = [
    "%",
    "\\",
    '"',
    "'",
    "''",
    "\x00",
    "%_%",
    "';--",
    "'; DROP TABLE articles_article; --",
    "<script>",
    "x" * 10000,
]


@pytest.mark.parametrize("junk", JUNK)
def test_junk_gives_a_calm_page(client, junk):
    indexed(make_article("記事", body="100% の投資。"))
    response = client.get(SEARCH, {"q": junk})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>" not in html.split("</header>", 2)[-1]


@pytest.mark.parametrize("page", ["abc", "0", "-1", "999", "1.5"])
def test_odd_page_numbers_give_a_page(client, page):
    indexed(make_article("記事", body="投資。"))
    assert client.get(SEARCH, {"q": "投資", "page": page}).status_code == 200


def test_a_long_query_is_cut_and_the_page_says_so(client):
    response = client.get(SEARCH, {"q": "投資" * 5000})
    assert response.status_code == 200
    assert "Only the first 200 characters" in response.content.decode()


@pytest.mark.parametrize("text", ["投資", "", "%", "該当なし"])
def test_the_page_is_valid_html5_with_one_h1(client, text):
    indexed(*[make_article(f"投資{n}", body="x < y & 投資。", tags=["AI"]) for n in range(12)])
    tree = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(
        client.get(SEARCH, {"q": text}).content
    )
    assert len(tree.findall(".//h1")) == 1 and tree.find(".//main") is not None


def test_every_page_has_the_search_box_in_its_header(client):
    html = client.get(reverse("articles:home")).content.decode()
    header = html.split('<header class="site-header"', 1)[1].split("</header>", 1)[0]
    assert f'action="{SEARCH}"' in header and 'name="q"' in header


# --- the admin's search box -----------------------------------------------------------------------


def test_editors_find_drafts_by_a_japanese_word(editor_client):
    indexed(make_draft("下書きの記事", body="両社は巨額を投じ、投資競争を展開。"), make_draft("別の下書き"))
    url = reverse("admin:articles_article_changelist")
    html = editor_client.get(url, {"q": "投資競争"}).content.decode()
    assert "下書きの記事" in html and "別の下書き" not in html
    html = editor_client.get(url, {"q": "投資 -巨額"}).content.decode()
    assert "下書きの記事" not in html


# --- PostgreSQL ----------------------------------------------------------------------------------


@postgres_only
def test_the_english_configuration_leaves_bigrams_alone():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT lexeme, positions FROM unnest(to_tsvector('english', %s))",
            [index_words("投資競争 investments の")],
        )
        assert dict(cursor.fetchall()) == {
            "投資": [1],
            "資競": [2],
            "競争": [3],
            "争": [4],
            "invest": [5],
            "の": [6],
        }


@postgres_only
def test_candidates_come_from_the_gin_index():
    indexed(*[make_article(f"記事{n}", body="投資の話。" if n % 2 else "別の話。") for n in range(40)])
    with CaptureQueriesContext(connection) as queries:
        assert len(find(Article.objects.published(), parse_query("投資")).ids) == 20
    assert "article_search_matches_in(" in queries[-1]["sql"]
    with connection.cursor() as cursor:
        # Bitmaps only (the GIN index's, the ids' window): never every vector read back from TOAST.
        # The plan this gives at 100,000 articles is in bench/README.md; 40 rows plan otherwise.
        cursor.execute("SELECT proconfig FROM pg_proc WHERE proname = 'article_search_matches_in'")
        assert sorted(cursor.fetchone()[0]) == ["enable_indexscan=off", "enable_seqscan=off"]


@postgres_only
def test_the_newest_matches_come_from_the_newest_window_and_rare_ones_from_older(monkeypatch):
    # Windows of a few ids stand in for the thousands of a real archive.
    monkeypatch.setattr(engines, "WINDOWS", ((0, 4), (4, 8), (12, 2**62)))
    monkeypatch.setattr(engines, "MAX_CANDIDATES", 3)
    old = make_article("古い珍しい話", body="珍品の話。")
    common = [make_article(f"記事{n}", body="投資の話。") for n in range(20)]
    indexed(old, *common)
    newest = sorted((a.pk for a in common), reverse=True)[:3]
    found = find(Article.objects.published(), parse_query("投資"))
    assert sorted(found.ids, reverse=True) == newest and not found.complete
    assert find(Article.objects.published(), parse_query("珍品")).ids == [old.pk]
