"""Rendering, diffing and reading front matter take bounded time on any input, and stay correct.

Speed itself is for bench/worst_cases.py. Here a cost is checked by its growth (four times the
input must not take anything like sixteen times as long) or, for inputs at the limits, against
a generous absolute bound.
"""

import html
import json
import re
import time
from html.parser import HTMLParser
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin

from articles import diff, markdown
from articles.jekyll import frontmatter
from articles.jekyll.frontmatter import FrontMatterError
from articles.markdown import ID_PREFIX, MAX_BODY_CHARS, check_body, render_markdown

from .growth import growth

FAST = settings(max_examples=200, deadline=None)


def one_line(words, changed_every):
    old = [f"word{i}" for i in range(words)]
    new = [f"new{i}" if i % changed_every == 0 else w for i, w in enumerate(old)]
    return " ".join(old), " ".join(new)


def sides(marked_up):
    """(old, new) read back from a diff: <del> text is old only, <ins> text new only."""
    old, new, mode = [], [], None
    for part in re.split(r"(</?(?:del|ins)>)", marked_up):
        if part in ("<del>", "<ins>"):
            mode = part
        elif part in ("</del>", "</ins>"):
            mode = None
        else:
            assert "<" not in part, part  # everything else is escaped text
            text = html.unescape(part)
            if mode != "<ins>":
                old.append(text)
            if mode != "<del>":
                new.append(text)
    return "".join(old), "".join(new)


# The diff: what it shows


def test_diff_is_per_character_for_japanese_and_per_word_for_english():
    assert str(diff.diff_html("今日は晴れです", "今日は雨です")) == "今日は<del>晴れ</del><ins>雨</ins>です"
    assert (
        str(diff.diff_html("the quick brown fox", "the slow brown fox"))
        == "the <del>quick</del><ins>slow</ins> brown fox"
    )
    # A changed word is shown whole, never as letters.
    assert str(diff.diff_html("colour", "color")) == "<del>colour</del><ins>color</ins>"


def test_diff_escapes_html():
    marked_up = str(diff.diff_html("a <b>", 'a <script>alert("x")</script>'))
    assert "<script" not in marked_up and "&lt;/script&gt;" in marked_up


def test_diff_of_a_long_japanese_article_is_quick():
    paragraph = "日本語の長い段落です。生成AIの導入事例を詳しく紹介します。" * 20
    old = "\n\n".join(f"{i}. {paragraph}" for i in range(40))  # ~26,000 characters
    new = old.replace("20. 日本語", "20. 英語", 1) + "\n\n追記。"
    started = time.process_time()
    marked_up = str(diff.diff_html(old, new))
    assert time.process_time() - started < 2
    assert "<del>日本</del><ins>英</ins>語" in marked_up and "<ins>\n\n追記。</ins>" in marked_up


def test_long_unchanged_runs_are_shortened_around_the_change(settings):
    settings.LANGUAGE_CODE = "en"  # the assertions read the English source strings
    old = "".join(f"段落{i}。\n" for i in range(30))
    marked_up = str(diff.diff_html(old, old.replace("段落15。", "段落十五。")))
    assert "段落13。\n段落14。\n段落<del>15</del><ins>十五</ins>。\n段落16。\n段落17。" in marked_up
    assert (
        marked_up.count("unchanged lines") == 2 and "段落0。" not in marked_up and "段落29。" not in marked_up
    )


# The diff, bounded


def test_a_long_line_with_scattered_changes_is_still_diffed_word_by_word():
    old, new = one_line(20_000, 100)
    marked_up = str(diff.diff_html(old, new))
    assert marked_up.count("<del>") == 200 and "<del>word100</del><ins>new100</ins> word101" in marked_up
    assert sides(marked_up) == (old, new)


def test_diff_time_grows_linearly_with_a_changed_line():
    assert growth(lambda pair: diff.diff_html(*pair), one_line(10_000, 100), one_line(40_000, 100)) < 8
    assert growth(lambda pair: diff.diff_html(*pair), one_line(10_000, 1), one_line(40_000, 1)) < 8


@pytest.mark.parametrize(
    "old, new",
    [
        one_line(MAX_BODY_CHARS // 10, 1),  # every word changed, one line
        ("\n" * MAX_BODY_CHARS, "a\n\n" * (MAX_BODY_CHARS // 3)),  # repeated lines on both sides
        ("a b " * (MAX_BODY_CHARS // 4), "b a " * (MAX_BODY_CHARS // 4)),  # two words, every pair equal
        ("日本語。" * (MAX_BODY_CHARS // 4), "語本日、" * (MAX_BODY_CHARS // 4)),
    ],
    ids=["one line", "blank lines", "two words", "japanese"],
)
def test_any_two_bodies_at_the_limit_are_diffed_within_seconds(old, new):
    started = time.process_time()
    marked_up = str(diff.diff_html(old, new))
    assert time.process_time() - started < 2
    assert sides(marked_up) == (old, new)  # one replaced region: nothing unchanged to shorten


texts = st.lists(
    st.sampled_from(["a", "b", "the", " ", "  ", "\n", "\n\n", "日", "本", "。", "<", "&amp;", "x\n", "-"]),
    max_size=40,
).map("".join)


@FAST
@given(texts, texts, st.sampled_from([0, 3, 40, diff.MAX_PAIRS]))
def test_a_diff_gives_back_both_texts(old, new, pairs):
    with mock.patch.object(diff, "CONTEXT", 10**9), mock.patch.object(diff, "MAX_PAIRS", pairs):
        marked_up = str(diff.diff_html(old, new))
    if old != new:  # two equal texts are one unchanged run, shortened however long CONTEXT is
        assert sides(marked_up) == (old, new)


# Markdown: heading ids as the anchors plugin gave them, in linear time

_with_plugin = (
    MarkdownIt("commonmark", {"html": True})
    .enable(["table", "strikethrough"])
    .use(anchors_plugin, min_level=1, max_level=6, slug_func=markdown._heading_id)
)


def ids(rendered):
    """Heading ids without the prefix the sanitiser gives every id (the plugin's output has none)."""
    return [i.removeprefix(ID_PREFIX) for i in re.findall(r'<h\d id="([^"]*)"', rendered)]


def test_repeated_headings_are_numbered_as_before():
    text = "## 概要\n\n## a-1\n\n## a\n\n## a\n\n## a\n\n## !!!\n\n## ?\n\n## 概要\n"
    assert ids(render_markdown(text)) == ["概要", "a-1", "a", "a-2", "a-3", "section", "section-1", "概要-1"]


@FAST
@given(
    st.lists(st.sampled_from(["a", "a-1", "a-2", "a-1-1", "A", "!", "section", "section-1", "`a`", "*a*"]))
)
def test_heading_ids_are_those_of_the_anchors_plugin(titles):
    text = "".join(f"## {title}\n\n" for title in titles)
    assert ids(render_markdown(text)) == ids(_with_plugin.render(text))


def test_render_time_grows_linearly_with_repeated_headings():
    assert growth(render_markdown, "## h\n" * 2_000, "## h\n" * 8_000) < 8


def test_render_time_grows_linearly_with_open_html_elements():
    assert growth(render_markdown, "<div>" * 10_000, "<div>" * 40_000) < 8


def test_deeply_nested_raw_html_is_shown_as_text():
    rendered = render_markdown("<div>" * 19_000 + "\n\nSome *text*.")
    assert "&lt;div&gt;" in rendered and "<em>text</em>" in rendered
    assert render_markdown('<div class="note">\n\n*Kept*\n\n</div>').startswith('<div class="note">')


# Markdown: the body limit


def test_check_body_refuses_a_body_over_the_limit_and_names_it():
    check_body("a" * MAX_BODY_CHARS)
    check_body(None)
    with pytest.raises(ValidationError) as refused:
        check_body("a" * (MAX_BODY_CHARS + 1))
    assert refused.value.code == "body_too_long"
    assert f"{MAX_BODY_CHARS:,}" in refused.value.messages[0]


def test_a_body_over_the_limit_is_shown_as_plain_text_quickly():
    text = "## <b>h</b>\n" * (MAX_BODY_CHARS // 6)
    started = time.process_time()
    rendered = render_markdown(text)
    assert time.process_time() - started < 2
    assert rendered == f"<pre>{html.escape(text)}</pre>"


class Tags(HTMLParser):
    """Every attribute of every element in some HTML."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.attributes = []

    def handle_starttag(self, tag, attrs):
        self.attributes += [(tag, name, value or "") for name, value in attrs]


markdown_pieces = st.sampled_from(
    [
        "#",
        "## ",
        ">",
        "> ",
        "*",
        "**",
        "_",
        "[",
        "]",
        "(",
        ")",
        "!",
        "`",
        "```",
        "~~",
        "|",
        "-",
        "1. ",
        "\n",
        "\n\n",
        " ",
        "    ",
        "a",
        "&",
        "&#",
        ";",
        "<",
        ">",
        '"',
        "'",
        "=",
        ":",
        "[^1]",
        "[^1]: ",
        "<script>",
        "</script>",
        "<img src=x onerror=alert(1)>",
        "<svg onload=alert(1)>",
        "<math>",
        "javascript:",
        "JaVaScRiPt:",
        "java\tscript:",
        "&#106;avascript:",
        "data:text/html,",
        "[x](javascript:alert(1))",
        "<a href='javascript:alert(1)'>",
        '<a href="  javascript:x">',
        "<div>",
        "</div>",
        "<span>",
        "<p>",
        "</p>",
        "<b>",
        "<object>",
        "<table>",
        "<td>",
        "<!--",
        "-->",
        "<style>",
        "<iframe src=//x>",
        "<form>",
        "<input onfocus=x>",
        "<![CDATA[",
        "\x00",
        "\r",
    ]  # fmt: skip
)
adversarial_markdown = st.lists(markdown_pieces | st.text(max_size=3), max_size=60).map("".join)


@FAST
@given(adversarial_markdown)
def test_rendered_markdown_is_never_dangerous(text):
    rendered = render_markdown(text)
    lowered = rendered.lower()
    assert "<script" not in lowered and "<style" not in lowered and "<iframe" not in lowered
    parsed = Tags()
    parsed.feed(rendered)
    for tag, name, value in parsed.attributes:
        assert not name.startswith("on"), (tag, name)
        if name in ("href", "src"):
            address = re.sub(r"[\x00-\x20]", "", value).lower()
            assert not address.startswith(("javascript:", "data:", "vbscript:")), (tag, value)


# Front matter


def billion_laughs(levels=9):
    lines = ['lol0: &lol0 "lol"']
    lines += [f"lol{n}: &lol{n} [{', '.join([f'*lol{n - 1}'] * 9)}]" for n in range(1, levels + 1)]
    return "title: laughs\n" + "\n".join(lines) + f"\ntags: *lol{levels}\n"


def merged_laughs(levels=9):
    """The same through merge keys, which PyYAML copies into each mapping."""
    lines = ["m0: &m0 {a: 1}"]
    lines += [f"m{n}: &m{n} {{<<: [{', '.join([f'*m{n - 1}'] * 9)}]}}" for n in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


def deep_through_aliases(levels=11, depth=90):
    """Each anchor shallow, the whole over a thousand levels deep (json_safe recurses)."""
    lines = ["a0: &a0 []"] + [
        f"a{n}: &a{n} {'[' * depth}*a{n - 1}{']' * depth}" for n in range(1, levels + 1)
    ]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "yaml_text, message",
    [
        (billion_laughs(), "too large once its aliases are expanded"),
        (merged_laughs(), "too large once its aliases are expanded"),
        ("a: &a [*a]\n", "an alias inside its own anchor"),
        ("a: " + "[" * 200 + "]" * 200, "nested too deeply"),
        (deep_through_aliases(), "nested too deeply"),
        ("title: " + "1:" * 200 + "1", "a number longer than"),
        ("title: " + "x" * frontmatter.MAX_YAML_CHARS, "front matter too large"),
        ("a: !!int ", "does not fit its !!tag"),
    ],
    ids=[
        "billion laughs",
        "merge keys",
        "recursive",
        "deep",
        "deep through aliases",
        "base 60",
        "long",
        "tag",
    ],
)
def test_front_matter_that_would_blow_up_is_refused_before_it_is_built(yaml_text, message):
    started = time.process_time()
    with pytest.raises(FrontMatterError, match=message):
        frontmatter.load(yaml_text)
    assert time.process_time() - started < 1


def test_ordinary_anchors_and_merge_keys_still_work():
    data = frontmatter.load(
        "base: &base {layout: post, author: A}\nimage: &i /a.jpg\nfeature: *i\n"
        "post:\n  <<: *base\n  author: B\n"
    )
    assert data["feature"] == "/a.jpg" and data["post"] == {"layout": "post", "author": "B"}


yaml_pieces = st.sampled_from(
    [
        "a",
        "b",
        "title",
        ": ",
        ":",
        "- ",
        "\n",
        "  ",
        "\t",
        "&a ",
        "*a",
        "&b ",
        "*b",
        "[",
        "]",
        "{",
        "}",
        ", ",
        "? ",
        "<<: ",
        "!!binary ",
        "!!set ",
        "!!omap ",
        "!!pairs ",
        "!!str ",
        "!!int ",
        "!!float ",
        "!!timestamp ",
        "!!python/object:os.system ",
        "'",
        '"',
        "#",
        "|",
        ">",
        "2025-13-45",
        "2025-09-07",
        "12:30:00",
        "1:1",
        "0x1F",
        "0o7",
        ".inf",
        ".nan",
        "~",
        "null",
        "yes",
        "---",
        "...",
        "%YAML 1.1\n",
        "\\",
        "@",
        "`",
        "é",
        "日本",
        "\x85",
        "\ufeff",
        "9" * 30,
    ]  # fmt: skip
)
yaml_texts = st.lists(yaml_pieces | st.text(max_size=3), max_size=40).map("".join)


@FAST
@given(yaml_texts)
def test_any_front_matter_is_read_or_refused_with_a_reason(yaml_text):
    try:
        data = frontmatter.load(yaml_text)
        for singular, plural in (("tag", "tags"), ("category", "categories")):
            frontmatter.jekyll_list(data, singular, plural)
        json.dumps(frontmatter.json_safe(data), allow_nan=False)
    except FrontMatterError as refused:
        assert str(refused)


# The limits where text comes in: the admin's form, the live preview, the importer


@pytest.mark.django_db
def test_a_body_over_the_limit_is_a_form_error_and_changes_nothing(editor_client):
    from articles.models import Article
    from tests.factories import make_draft
    from tests.staff import admin_form_data, change_url

    article = make_draft(body="元の本文")
    form = editor_client.get(change_url(article))
    response = editor_client.post(
        change_url(article), admin_form_data(form, body="あ" * (MAX_BODY_CHARS + 1))
    )
    assert response.status_code == 200
    assert f"{MAX_BODY_CHARS:,}" in str(response.context["adminform"].form.errors["body"])
    assert Article.objects.get(pk=article.pk).body == "元の本文"


@pytest.mark.django_db
def test_the_live_preview_refuses_a_body_over_the_limit_with_its_reason(editor_client):
    response = editor_client.post("/markdownx/markdownify/", {"content": "a" * (MAX_BODY_CHARS + 1)})
    assert response.status_code == 400 and f"{MAX_BODY_CHARS:,}" in response.content.decode()


@pytest.mark.django_db
def test_the_importer_names_a_post_over_the_limit(tmp_path):
    from django.core.management import CommandError

    from tests.jekyll_files import post, run

    path = post(tmp_path, "2020-01-01-long.md", "title: Long", body="a" * (MAX_BODY_CHARS + 1))
    with pytest.raises(CommandError, match=f"{path}: .*{MAX_BODY_CHARS:,}"):
        run(path)


@pytest.mark.django_db
def test_a_billion_laughs_in_a_site_configuration_is_refused(tmp_path):
    from django.core.management import CommandError

    from tests.jekyll_files import post, run, write

    write(tmp_path, "site/_config.yml", billion_laughs().replace("tags: ", "permalink: "))
    post(tmp_path, "site/_posts/2020-01-01-a.md", "title: A")
    with pytest.raises(CommandError, match="cannot read the site configuration"):
        run(tmp_path / "site")


def test_a_body_of_brackets_is_text_and_quick():
    text = "![" * (MAX_BODY_CHARS // 2)
    started = time.process_time()
    rendered = render_markdown(text)
    assert time.process_time() - started < 1 and rendered.count("![") == MAX_BODY_CHARS // 2
    assert '<img src="/a.png" alt="a">' in render_markdown("![a](/a.png) " + "[x] " * 100)


def test_a_body_of_too_many_lines_is_refused_and_shown_as_text():
    from articles.markdown import MAX_LINES

    check_body("a\n" * (MAX_LINES - 1))
    with pytest.raises(ValidationError) as refused:
        check_body("a\n" * MAX_LINES)
    assert refused.value.code == "body_too_many_lines" and f"{MAX_LINES:,}" in refused.value.messages[0]
    assert render_markdown("## h\n" * MAX_LINES).startswith("<pre>")


def test_a_body_of_emphasis_marks_is_text_and_quick():
    started = time.process_time()
    rendered = render_markdown("*a**" * (MAX_BODY_CHARS // 4))
    assert time.process_time() - started < 1 and "<em>" not in rendered
    assert "<em>a</em>" in render_markdown("*a* " + "_" * 100)
