import pytest

from articles.markdown import render_markdown
from articles.text import excerpt_from_html, html_to_text, is_cjk, reading_minutes, truncate


def test_reading_time_counts_japanese_by_characters():
    assert reading_minutes("あ" * 1000) == 2
    assert reading_minutes("あ" * 2501) == 6


def test_reading_time_counts_other_text_by_words():
    assert reading_minutes("word " * 400) == 2
    assert reading_minutes("word " * 401) == 3


def test_reading_time_is_never_below_one():
    assert reading_minutes("") == 1
    assert reading_minutes("Hi.") == 1


def test_code_and_markup_are_not_read():
    html = render_markdown("Short text.\n\n```python\n" + "x = 1\n" * 2000 + "```\n")
    assert reading_minutes(html_to_text(html)) == 1


def test_seed_reading_time_close_to_site(shared):
    text = (shared / "seed/2025-09-07-ms-aws-cloud-ai-investment.md").read_text()
    body = text.split("---", 2)[2]
    minutes = reading_minutes(html_to_text(render_markdown(body)))
    assert abs(minutes - 6) <= 1
    assert len(body.split()) // 200 <= 1  # a whitespace word count would say 1


def test_is_cjk():
    assert is_cjk("マイクロソフトとアマゾンは AWS で")
    assert not is_cjk("Microsoft and Amazon compete on AWS")


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("短い。", 10, "短い。"),
        ("一文目です。二文目はとても長い文章になっています", 12, "一文目です。二文目はとて…"),
        ("これは最初の文です。次の文", 12, "これは最初の文です。"),
        ("The quick brown fox jumps", 12, "The quick…"),
    ],
)
def test_truncate_by_characters_or_words(text, limit, expected):
    assert truncate(text, limit) == expected


def test_excerpt_from_html_uses_text_only():
    html = render_markdown("# Title\n\n<b>Bold</b> words & more " + "filler " * 100)
    excerpt = excerpt_from_html(html)
    assert excerpt.startswith("Title Bold words & more")
    assert "<" not in excerpt and excerpt.endswith("…")
