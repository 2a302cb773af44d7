import re

import pytest

from articles.markdown import render_markdown


def test_tables_footnotes_code_and_heading_ids():
    html = render_markdown(
        "## 詳細分析\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n\n```python\nx = 1\n```\n\nNote[^1]\n\n[^1]: Here.\n"
    )
    assert '<h2 id="md-詳細分析">' in html
    assert "<table>" in html and '<td style="text-align:right">2</td>' in html
    assert '<code class="language-python">' in html
    assert 'class="footnotes"' in html and 'href="#md-fn1"' in html


def test_duplicate_headings_get_unique_ids():
    html = render_markdown("## 概要\n\n## 概要\n")
    assert 'id="md-概要"' in html and 'id="md-概要-1"' in html


@pytest.mark.parametrize(
    "attack",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        '<iframe src="https://evil.example/"></iframe>',
        '<div style="background:url(javascript:alert(1))">x</div>',
        "<svg><script>alert(1)</script></svg>",
        '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
        "<style>body{display:none}</style>",
        '<form action="/admin/"><input name="q"></form>',
    ],
)
def test_dangerous_markup_never_survives(attack):
    html = render_markdown(f"Text\n\n{attack}\n\nMore")
    lowered = html.lower()
    for needle in ("<script", "onerror", "<iframe", "<style", "<form", "background:"):
        assert needle not in lowered
    assert not re.search(r"(href|src)=\S*(javascript|data):", lowered)


def test_safe_html_is_kept():
    html = render_markdown('<p><a href="https://example.com/" title="t">ok</a> <mark>m</mark></p>')
    assert '<a href="https://example.com/" title="t" rel="noopener noreferrer">ok</a>' in html
    assert "<mark>m</mark>" in html
