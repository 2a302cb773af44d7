"""import_jekyll: front matter, dates, slugs, lists, identity, redirects, dry runs and bad files.

Every fixture is a small post written here; the Liquid and kramdown bodies are in test_import_body.py.
"""

import datetime
import zoneinfo
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from taggit.models import Tag

from articles.jekyll.importer import import_posts
from articles.models import Article, ArticleRedirect, Author, Category

from .factories import make_article
from .jekyll_files import post, run, write

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
SITE = "timezone: Asia/Tokyo\npermalink: /:year/:month/:day/:title/\n"


def one():
    return Article.objects.get()


# Dates


def test_offset_without_colon_is_read_and_late_utc_is_the_next_tokyo_day(tmp_path):
    write(tmp_path, "site/_config.yml", SITE)
    post(tmp_path, "site/_posts/2025-08-29-late-news.md", "title: Late\ndate: 2025-08-29 20:15:00 +0000")
    run(tmp_path / "site")
    article = one()
    assert article.published_at == datetime.datetime(2025, 8, 29, 20, 15, tzinfo=UTC)
    assert article.pub_date == datetime.date(2025, 8, 30)
    assert article.get_absolute_url() == "/2025/08/30/late-news/"
    # Links inside the old site used the file-name date: that address keeps working too.
    assert list(ArticleRedirect.objects.values_list("old_path", flat=True)) == ["/2025/08/29/late-news/"]


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("2024-02-03", datetime.datetime(2024, 2, 3, tzinfo=TOKYO)),
        ("2014-08-28T14:08:21-04:00", datetime.datetime(2014, 8, 28, 18, 8, 21, tzinfo=UTC)),
        ("2019-05-01 10:30:00", datetime.datetime(2019, 5, 1, 10, 30, tzinfo=TOKYO)),
        ("'2019-05-01 10:30'", datetime.datetime(2019, 5, 1, 10, 30, tzinfo=TOKYO)),
        ("2025-09-07 08:26:39.250 +0530", datetime.datetime(2025, 9, 7, 2, 56, 39, 250000, tzinfo=UTC)),
        ("2025-09-07T08:26:39Z", datetime.datetime(2025, 9, 7, 8, 26, 39, tzinfo=UTC)),
    ],
)
def test_date_forms(tmp_path, date, expected):
    post(tmp_path, "2001-01-01-a.md", f"title: A\ndate: {date}")
    run(tmp_path)
    assert one().published_at == expected


def test_missing_date_comes_from_the_file_name(tmp_path):
    post(tmp_path, "2010-07-21-from-the-name.md", "title: Named")
    run(tmp_path)
    assert one().published_at == datetime.datetime(2010, 7, 21, tzinfo=TOKYO)


def test_naive_times_use_the_config_time_zone(tmp_path):
    write(tmp_path, "blog/_config.yml", "timezone: America/New_York\n")
    post(tmp_path, "blog/_posts/2020-01-02-a.md", "title: A\ndate: 2020-01-02 23:00:00")
    run(tmp_path / "blog")
    assert one().published_at == datetime.datetime(2020, 1, 3, 4, 0, tzinfo=UTC)


def test_timezone_option_wins_over_the_config(tmp_path):
    write(tmp_path, "blog/_config.yml", "timezone: America/New_York\n")
    post(tmp_path, "blog/_posts/2020-01-02-a.md", "title: A\ndate: 2020-01-02 23:00:00")
    run(tmp_path / "blog", timezone="Europe/London")
    assert one().published_at == datetime.datetime(2020, 1, 2, 23, 0, tzinfo=UTC)


def test_without_config_naive_times_are_in_settings_time_zone(tmp_path, settings):
    settings.TIME_ZONE = "Europe/Paris"
    post(tmp_path, "2020-06-01-a.md", "title: A\ndate: 2020-06-01 12:00:00")
    run(tmp_path)
    assert one().published_at == datetime.datetime(2020, 6, 1, 10, 0, tzinfo=UTC)


def test_unknown_timezone_option_is_a_clear_error(tmp_path):
    post(tmp_path, "2020-06-01-a.md")
    with pytest.raises(CommandError, match="unknown time zone 'Mars/Olympus'"):
        run(tmp_path, timezone="Mars/Olympus")


def test_last_modified_at_is_updated_at_else_the_publication_time(tmp_path):
    post(tmp_path, "2020-06-01-edited.md", "title: A\nlast_modified_at: 2021-03-04 05:06:07 +0000")
    post(tmp_path, "2020-06-02-plain.md", "title: B")
    run(tmp_path)
    edited, plain = Article.objects.order_by("pub_date")
    assert edited.updated_at == datetime.datetime(2021, 3, 4, 5, 6, 7, tzinfo=UTC)
    assert plain.updated_at == plain.published_at


# Status


def test_published_false_is_a_draft_that_keeps_its_date(tmp_path):
    post(tmp_path, "2020-06-01-hidden.md", "title: Hidden\npublished: false")
    run(tmp_path)
    article = one()
    assert article.status == Article.Status.DRAFT
    assert article.published_at == datetime.datetime(2020, 6, 1, tzinfo=TOKYO)
    assert not Article.objects.published().exists()


def test_a_future_date_is_scheduled_not_public(tmp_path):
    post(tmp_path, "2031-01-01-later.md", "title: Later")
    run(tmp_path)
    assert one().status == Article.Status.PUBLISHED
    assert not Article.objects.published().exists()


def test_drafts_folder_and_undated_posts_are_drafts(tmp_path):
    post(tmp_path, "site/_drafts/idea.md", "title: Idea")
    post(tmp_path, "site/_posts/undated.md", "title: Undated")
    report = import_posts([tmp_path / "site"])
    assert set(Article.objects.values_list("status", "published_at")) == {(Article.Status.DRAFT, None)}
    assert [w for w in report.warnings if "undated draft" in w] == [
        f"{tmp_path / 'site/_posts/undated.md'}: no date in the front matter or the file name: "
        "imported as an undated draft"
    ]


# Slugs


@pytest.mark.parametrize(
    ("name", "front", "slug"),
    [
        ("2010-07-21-Ruby_Is_Fun.md", "title: R", "Ruby_Is_Fun"),
        ("2025-09-07-3-msとawsクラウドai投資.md", "title: J", "3-msとawsクラウドai投資"),
        ("2025-09-07-ignored.md", "title: S\nslug: Given_Slug", "Given_Slug"),
        ("2025-09-07-trailing-.md", "title: T", "trailing-"),
    ],
)
def test_slug_from_file_name_or_front_matter_kept_as_written(tmp_path, name, front, slug):
    post(tmp_path, name, front)
    run(tmp_path)
    assert one().slug == slug


def test_a_slug_the_field_refuses_is_normalised_and_its_old_url_kept(tmp_path):
    write(tmp_path, "site/_config.yml", SITE)
    post(tmp_path, "site/_posts/2020-01-01-a.md", "title: V\nslug: version 2.0!")
    report = import_posts([tmp_path / "site"])
    assert one().slug == "version-2-0"
    assert list(ArticleRedirect.objects.values_list("old_path", flat=True)) == ["/2020/01/01/version-2.0!/"]
    assert any(
        "slug 'version 2.0!' is not a valid URL part here: using 'version-2-0'" in w for w in report.warnings
    )


def test_same_date_and_slug_gets_a_numbered_slug_and_keeps_it_on_reimport(tmp_path):
    write(tmp_path, "site/_config.yml", SITE)
    post(tmp_path, "site/_posts/2025-08-29-update.md", "title: First\ndate: 2025-08-29 20:00:00 +0000")
    post(tmp_path, "site/_posts/2025-08-30-update.md", "title: Second\ndate: 2025-08-30 01:00:00 +0000")
    report = import_posts([tmp_path / "site"])
    assert dict(Article.objects.values_list("title", "slug")) == {"First": "update", "Second": "update-2"}
    assert len([w for w in report.warnings if "is taken by" in w]) == 1
    again = import_posts([tmp_path / "site"])
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert dict(Article.objects.values_list("title", "slug")) == {"First": "update", "Second": "update-2"}


def test_an_existing_article_keeps_its_slug_when_a_newcomer_wants_it(tmp_path):
    make_article("Editor's", slug="update", published_at=datetime.datetime(2025, 8, 30, 9, tzinfo=TOKYO))
    post(tmp_path, "2025-08-30-update.md", "title: Imported\ndate: 2025-08-30 10:00:00 +0900")
    run(tmp_path)
    assert dict(Article.objects.values_list("title", "slug")) == {
        "Editor's": "update",
        "Imported": "update-2",
    }


# Categories, tags, authors


@pytest.mark.parametrize(
    ("front", "tags"),
    [
        ("tags: [ruby, false, 2019, null]", {"ruby", "false", "2019"}),
        ("tags: jekyll web-design  notes", {"jekyll", "web-design", "notes"}),
        ("tags:", set()),
        ("tags: []", set()),
        ("tags: [DSL, dsl, Ruby]", {"DSL", "Ruby"}),
        ("tag: machine learning", {"machine learning"}),
        ("tags:\n  - [nested, list]\n  - Paper for iOS", {"nested", "list", "Paper for iOS"}),
    ],
)
def test_tag_forms(tmp_path, front, tags):
    post(tmp_path, "2020-01-01-a.md", f"title: A\n{front}")
    run(tmp_path)
    assert set(one().tags.names()) == tags


def test_categories_as_list_string_or_singular(tmp_path):
    post(tmp_path, "2020-01-01-a.md", "title: A\ncategories: news tech")
    post(tmp_path, "2020-01-02-b.md", "title: B\ncategory: Web Design\ncategories: [ignored]")
    post(tmp_path, "2020-01-03-c.md", "title: C\ncategories: [News]")
    run(tmp_path)
    names = {a.title: sorted(c.name for c in a.categories.all()) for a in Article.objects.all()}
    assert names == {"A": ["news", "tech"], "B": ["Web Design"], "C": ["news"]}
    assert Category.objects.count() == 3


def test_tag_case_variants_are_one_tag_with_readable_unicode_slugs(tmp_path):
    post(tmp_path, "2020-01-01-a.md", "title: A\ntags: [DSL, AI人材]")
    post(tmp_path, "2020-01-02-b.md", "title: B\ntags: [dsl, AI倫理]")
    run(tmp_path)
    assert dict(Tag.objects.values_list("name", "slug")) == {
        "DSL": "dsl",
        "AI人材": "ai人材",
        "AI倫理": "ai倫理",
    }
    assert Article.objects.filter(tags__name__iexact="dsl").count() == 2


def test_new_tag_slug_clashing_with_another_tag_gets_taggits_suffix(tmp_path):
    Tag.objects.create(name="C++", slug="c")
    post(tmp_path, "2020-01-01-a.md", "title: A\ntags: [C]")
    run(tmp_path)
    assert Tag.objects.get(name="C").slug == "c_1"


@pytest.mark.parametrize(
    ("front", "names"),
    [
        ("author: Jane Doe", ["Jane Doe"]),
        ("author: [Zoe Zed, Al Able]", ["Zoe Zed", "Al Able"]),
        ("author:\n  name: Michael Rose\n  uri: https://example.com", ["Michael Rose"]),
        ("author:\n  - name: Second\n  - First", ["Second", "First"]),
        ("authors: [Ann, Bob]", ["Ann", "Bob"]),
    ],
)
def test_author_forms_keep_byline_order(tmp_path, front, names):
    post(tmp_path, "2020-01-01-a.md", f"title: A\n{front}")
    run(tmp_path)
    assert [author.name for author in one().ordered_authors] == names


def test_default_author_is_the_config_author_string(tmp_path):
    write(tmp_path, "ja/_config.yml", 'author: "ALLFORCES編集部"\n')
    write(tmp_path, "en/_config.yml", "author:\n  name: Michael Rose\n")
    post(tmp_path, "ja/_posts/2020-01-01-a.md", "title: A")
    post(tmp_path, "en/_posts/2020-01-01-b.md", "title: B")
    run(tmp_path / "ja", tmp_path / "en")
    bylines = {a.title: [x.name for x in a.ordered_authors] for a in Article.objects.all()}
    assert bylines == {"A": ["ALLFORCES編集部"], "B": []}
    assert Author.objects.get().slug == "allforces編集部"


# YAML oddities and the kept front matter


def test_yaml_duplicate_keys_anchors_nested_blocks_and_nulls(tmp_path):
    front = """
title: First title
title: Last title wins
excerpt:
image:
  path: &image /assets/a.jpg
  feature: *image
sitemap: false
robots: noindex
related_articles: [x, y]
last_modified_at: 2014-08-28
"""
    post(tmp_path, "2020-01-01-a.md", front)
    run(tmp_path)
    article = one()
    assert article.title == "Last title wins"
    assert article.excerpt == ""
    assert article.image == ""  # a path this site does not serve: see test_import_media.py
    assert article.front_matter == {
        "title": "Last title wins",
        "excerpt": None,
        "image": {"path": "/assets/a.jpg", "feature": "/assets/a.jpg"},
        "sitemap": False,
        "robots": "noindex",
        "related_articles": ["x", "y"],
        "last_modified_at": "2014-08-28",
    }


def test_mapped_fields_and_kept_keys(tmp_path):
    long_description = "説明。" * 120
    front = f"""
title: 記事
date: 2025-09-07 08:26:39 +0000
excerpt: "抜粋です。"
description: "{long_description}"
image: {{url: https://example.com/i.png, alt: x}}
reading_time: 20
permalink: /custom/path/
canonical_url: https://example.com/other/
unknown_key: {{a: [1, 2]}}
"""
    post(tmp_path, "2025-09-07-a.md", front, body="本文は日本語で書かれています。" * 3)
    run(tmp_path)
    article = one()
    assert article.excerpt == "抜粋です。"
    assert len(article.description) <= 300 and article.description.startswith("説明。説明。")
    assert article.image == "https://example.com/i.png"
    assert article.language == "ja"
    assert article.reading_time == 1  # the file's 20 is not a measure
    assert article.front_matter["reading_time"] == 20
    assert article.front_matter["date"] == "2025-09-07 08:26:39 +0000"
    assert article.front_matter["unknown_key"] == {"a": [1, 2]}
    assert article.front_matter["canonical_url"] == "https://example.com/other/"


def test_english_posts_are_english(tmp_path):
    post(tmp_path, "2020-01-01-a.md", "title: Hello", body="An English body, with words.")
    run(tmp_path)
    assert one().language == "en"


# Old URLs


@pytest.mark.parametrize(
    ("config", "option", "expected"),
    [
        ("", None, "/news/2020/03/04/Big_Day.html"),
        ("permalink: pretty\n", None, "/news/2020/03/04/Big_Day/"),
        ("permalink: /:categories/:title/\n", None, "/news/Big_Day/"),
        ("collections:\n  posts:\n    permalink: /p/:i_month/:i_day/:slug/\n", None, "/p/3/4/big-day/"),
        ("permalink: pretty\n", "/:year/:y_day/:title:output_ext", "/2020/064/Big_Day.html"),
        ("permalink: none\n", None, "/news/Big_Day.html"),
        ("permalink: ordinal\n", None, "/news/2020/064/Big_Day.html"),
    ],
)
def test_old_url_follows_the_permalink_style(tmp_path, config, option, expected):
    write(tmp_path, "site/_config.yml", config + "timezone: Asia/Tokyo\n")
    post(tmp_path, "site/_posts/2020-03-04-Big_Day.md", "title: A\ncategories: [News]")
    run(tmp_path / "site", **({"permalink": option} if option else {}))
    assert list(ArticleRedirect.objects.values_list("old_path", flat=True)) == [expected]
    assert ArticleRedirect.objects.get().article == one()


def test_permalink_and_redirect_from_in_front_matter(tmp_path):
    front = "title: A\npermalink: /about-us/\nredirect_from:\n  - /old-about/\n  - https://example.com/older/"
    post(tmp_path, "2020-03-04-a.md", front)
    post(tmp_path, "2020-03-05-b.md", "title: B\nredirect_from: /b-old/")
    run(tmp_path)
    paths = dict(ArticleRedirect.objects.values_list("old_path", "article__title"))
    assert paths == {
        "/about-us/": "A",
        "/old-about/": "A",  # not https://example.com/older/: another host's address is no old path here
        "/2020/03/05/b.html": "B",  # Jekyll's default permalink style, "date"
        "/b-old/": "B",
    }


def test_old_urls_that_are_live_addresses_or_claimed_twice_are_not_stolen(tmp_path):
    write(tmp_path, "site/_config.yml", SITE)
    live = make_article("Live", slug="live", published_at=datetime.datetime(2020, 1, 1, 9, tzinfo=TOKYO))
    post(tmp_path, "site/_posts/2020-01-05-a.md", "title: A\nredirect_from: [/2020/01/01/live/, /shared/]")
    post(tmp_path, "site/_posts/2020-01-06-b.md", "title: B\nredirect_from: /shared/")
    report = import_posts([tmp_path / "site"])
    # Its own URL is never a redirect; the live article's URL stays its own; the first claim wins.
    assert dict(ArticleRedirect.objects.values_list("old_path", "article__title")) == {"/shared/": "A"}
    assert live.get_absolute_url() == "/2020/01/01/live/"
    assert any("/2020/01/01/live/ is now the address of" in w for w in report.warnings)
    assert any("/shared/ was also the address of" in w for w in report.warnings)


def test_old_url_redirects_readers(client, tmp_path):
    write(tmp_path, "site/_config.yml", "timezone: Asia/Tokyo\npermalink: /:categories/:title/\n")
    post(tmp_path, "site/_posts/2020-01-05-a-post.md", "title: A\ncategories: [notes]")
    run(tmp_path / "site")
    response = client.get("/notes/a-post/")
    assert response.status_code == 301
    assert response["Location"] == "/2020/01/05/a-post/"


# Identity, re-runs, dry runs


def test_rerun_updates_the_same_articles(tmp_path):
    path = post(tmp_path, "site/_posts/2020-01-01-a.md", "title: A\ntags: [x]\nauthor: Ann")
    post(tmp_path, "site/_posts/2020-01-02-b.md", "title: B")
    assert "2 created, 0 updated, 0 unchanged" in run(tmp_path / "site")
    assert "0 created, 0 updated, 2 unchanged" in run(tmp_path / "site")
    post(tmp_path, "site/_posts/2020-01-01-a.md", "title: A edited\ntags: [y]\nauthor: [Bob, Ann]")
    assert "0 created, 1 updated, 1 unchanged" in run(tmp_path / "site")
    assert Article.objects.count() == 2
    article = Article.objects.get(source_path="site/_posts/2020-01-01-a.md")
    assert (article.title, list(article.tags.names())) == ("A edited", ["y"])
    assert [a.name for a in article.ordered_authors] == ["Bob", "Ann"]
    assert article.updated_at == article.published_at  # the file says so, not the clock
    assert path.exists()


def test_unchanged_articles_are_not_written(tmp_path):
    post(tmp_path, "2020-01-01-a.md", "title: A")
    run(tmp_path)
    version = one().version
    run(tmp_path)
    assert one().version == version


def test_source_path_is_relative_to_the_site_or_the_bare_name(tmp_path):
    post(tmp_path, "x/site/_posts/sub/2020-01-01-a.md", "title: A")
    post(tmp_path, "loose/2020-01-02-b.md", "title: B")
    run(tmp_path / "x" / "site", tmp_path / "loose" / "2020-01-02-b.md")
    assert set(Article.objects.values_list("source_path", flat=True)) == {
        "site/_posts/sub/2020-01-01-a.md",
        "2020-01-02-b.md",
    }


def test_rerun_queries_do_not_grow_with_the_number_of_posts(tmp_path):
    def queries_for_rerun(count, folder):
        for n in range(count):
            post(
                tmp_path,
                f"{folder}/_posts/2020-01-{n + 1:02d}-p.md",
                f"title: P{n}\ntags: [a, b]\nauthor: Ann",
            )
        run(tmp_path / folder)
        with CaptureQueriesContext(connection) as queries:
            run(tmp_path / folder)
        return len(queries)

    assert queries_for_rerun(2, "small") == queries_for_rerun(8, "large")


def test_dry_run_reports_the_same_and_writes_nothing(tmp_path):
    post(tmp_path, "2020-01-01-a.md", "title: A\ntags: [x]\nauthor: Ann\nredirect_from: /old/")
    post(tmp_path, "2020-01-02-b.md", "title: B")
    output = run(tmp_path, dry_run=True)
    assert "Dry run (nothing written): 2 files: 2 created, 0 updated, 0 unchanged" in output
    assert not Article.objects.exists() and not Author.objects.exists() and not Tag.objects.exists()
    assert not ArticleRedirect.objects.exists()
    assert "2 created" in run(tmp_path)


def test_folders_are_searched_recursively_for_posts_only(tmp_path):
    post(tmp_path, "site/_posts/deep/er/2020-01-01-a.markdown", "title: A")
    post(tmp_path, "site/_posts/2020-01-02-b.md", "title: B")
    write(tmp_path, "site/README.md", "# Not a post\n")
    write(tmp_path, "site/_posts/notes.txt", "not markdown")
    post(tmp_path, "site/.git/2020-01-03-c.md", "title: C")
    run(tmp_path / "site")
    assert set(Article.objects.values_list("title", flat=True)) == {"A", "B"}


def test_summary_and_warnings_listing(tmp_path):
    post(tmp_path, "2020-01-01-a.md", "title: A", body="{% include ad.html %}")
    assert "1 warnings, 0 failed" in run(tmp_path)
    listed = run(tmp_path, verbosity=2)
    assert f"warning: {tmp_path / '2020-01-01-a.md'}: removed Liquid {{% include ad.html %}}" in listed
    assert "%|" not in listed  # no progress bar when the output is not a terminal


# Bad input: the file and the reason, and the database as it was


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("---\ntitle: [unclosed\n---\nBody\n", "broken YAML front matter at line 3"),
        ("No front matter here.\n", "no front matter"),
        ("---\nauthor: Someone\n---\nBody\n", "no title"),
        ("---\ntitle: A\ndate: 2025-13-45\n---\nBody\n", "impossible date"),
        ("---\ntitle: A\ndate: next tuesday\n---\nBody\n", "cannot read the date 'next tuesday'"),
        ("---\n- just\n- a list\n---\nBody\n", "not a set of key: value pairs"),
    ],
)
def test_a_bad_file_fails_the_whole_import_and_changes_nothing(tmp_path, text, reason):
    existing = make_article("Before", tags=["kept"])
    post(tmp_path, "2020-01-01-good.md", "title: Good")
    bad = write(tmp_path, "2020-01-02-bad.md", text)
    with pytest.raises(CommandError) as error:
        run(tmp_path)
    assert f"{bad}: " in str(error.value) and reason in str(error.value)
    assert "nothing was written" in str(error.value)
    assert list(Article.objects.all()) == [existing]
    assert list(Tag.objects.values_list("name", flat=True)) == ["kept"]


def test_impossible_date_in_the_file_name_is_an_error(tmp_path):
    bad = post(tmp_path, "2025-13-45-oops.md", "title: A")
    with pytest.raises(CommandError, match=f"{bad}: impossible date in the file name"):
        run(tmp_path)


def test_not_utf8_and_missing_paths_are_errors(tmp_path):
    bad = tmp_path / "2020-01-01-latin1.md"
    bad.write_bytes("---\ntitle: café\n---\n".encode("latin-1"))
    with pytest.raises(CommandError) as error:
        run(bad, tmp_path / "nowhere")
    assert f"{bad}: not UTF-8 text" in str(error.value)
    assert f"{tmp_path / 'nowhere'}: no such file or folder" in str(error.value)


def test_skip_invalid_imports_the_readable_files(tmp_path):
    post(tmp_path, "2020-01-01-good.md", "title: Good")
    write(tmp_path, "2020-01-02-bad.md", "no front matter")
    output = run(tmp_path, skip_invalid=True)
    assert "1 created, 0 updated, 0 unchanged, 0 conflicts, 0 warnings, 1 failed" in output
    assert list(Article.objects.values_list("title", flat=True)) == ["Good"]


def test_unknown_permalink_style_is_a_clear_error(tmp_path):
    post(tmp_path, "2020-06-01-a.md")
    with pytest.raises(CommandError, match="unknown permalink style 'fancy'"):
        run(tmp_path, permalink="fancy")


@pytest.mark.parametrize(("value", "status"), [("false", "draft"), ("true", "published"), ("", "published")])
def test_only_published_false_makes_a_draft(tmp_path, value, status):
    post(tmp_path, "2020-06-01-a.md", f"title: A\npublished: {value}")
    run(tmp_path)
    assert one().status == status


def test_progress_bar_on_a_terminal(tmp_path, capsys):
    class Terminal(StringIO):
        def isatty(self):
            return True

    post(tmp_path, "2020-06-01-a.md")
    call_command("import_jekyll", str(tmp_path), stdout=Terminal())
    assert "Reading" in capsys.readouterr().err
