"""The Liquid and kramdown converter on its own: printed strings, highlight blocks, linear time, and
properties of any input (no exception, idempotence where promised, no script in the rendered page)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.jekyll.liquid import convert
from articles.markdown import render_markdown

from .growth import growth


def html(text):
    return render_markdown(convert(text).body)


# Strings Liquid prints


@pytest.mark.parametrize(
    ("text", "printed"),
    [
        ('{{ "{% highlight ruby " }}%}', "{% highlight ruby %}"),
        ('{{ "{{ page.title " }}}}', "{{ page.title }}"),
        ("{{ '{% raw ' }}%}", "{% raw %}"),
        ('{{"{%"}} endraw %}', "{% endraw %}"),
        ('{{ "a {% b {{ c" }}', "a {% b {{ c"),
    ],
)
def test_a_printed_string_is_its_text_everywhere(text, printed):
    assert convert(f"Write {text} here.").body == f"Write {printed} here."
    assert convert(f"Write `{text}` here.").body == f"Write `{printed}` here."
    assert convert(f"```liquid\n{text}\n```").body == f"```liquid\n{printed}\n```"
    assert convert(f"{{% highlight liquid %}}\n{text}\n{{% endhighlight %}}").body == (
        f"```liquid\n{printed}\n```"
    )
    assert convert(f"Write {text} here.").warnings == []


def test_printed_tags_in_prose_open_nothing_and_stay_visible():
    text = (
        'Start a block with {{ "{% highlight ruby " }}%} and end it with {{ "{% endhighlight " }}%}.\n\n'
        'Show a title with {{ "{{ page.title " }}}}; {{ "{% comment " }}%} hides text.\n\n'
        "The rest of the post."
    )
    converted = convert(text)
    assert converted.body == (
        "Start a block with {% highlight ruby %} and end it with {% endhighlight %}.\n\n"
        "Show a title with {{ page.title }}; {% comment %} hides text.\n\n"
        "The rest of the post."
    )
    assert converted.warnings == []
    assert html(text) == (
        "<p>Start a block with {% highlight ruby %} and end it with {% endhighlight %}.</p>\n"
        "<p>Show a title with {{ page.title }}; {% comment %} hides text.</p>\n"
        "<p>The rest of the post.</p>\n"
    )


def test_a_post_about_highlight_shows_the_tags_in_its_code():
    text = (
        "Wrap the code:\n\n"
        '{% highlight liquid %}\n{{ "{% highlight ruby " }}%}\nputs 1\n{{ "{% endhighlight " }}%}\n'
        "{% endhighlight %}\n\nThen build."
    )
    assert html(text) == (
        '<p>Wrap the code:</p>\n<pre><code class="language-liquid">{% highlight ruby %}\nputs 1\n'
        "{% endhighlight %}\n</code></pre>\n<p>Then build.</p>\n"
    )


def test_a_printed_string_takes_whitespace_control_and_raw_keeps_strings_unprinted():
    assert convert('a  {{- "b" -}}  \n c').body == "abc"
    assert convert('{% raw %}{{ "{% x " }}%}{% endraw %}').body == '{{ "{% x " }}%}'


def test_a_string_holding_a_closing_brace_is_not_printed():
    # Liquid ends an output at its first "}": Jekyll itself stops at this tag.
    converted = convert('a {{ "x}" }} b')
    assert converted.body == "a  b"
    assert converted.warnings == ['removed Liquid {{ "x}" }}']


def test_printed_backticks_fit_inside_the_highlight_fence():
    assert convert('{% highlight md %}\n{{ "```" }}\n{% endhighlight %}').body == "````md\n```\n````"


def test_a_warning_shows_the_tag_as_written():
    converted = convert("Before {% include note.html text=`code` %} after")
    assert converted.body == "Before  after"
    assert converted.warnings == ["removed Liquid {% include note.html text=`code` %}"]


def test_the_post_s_own_private_use_characters_survive():
    text = "\ue0000\ue001 \ue000 {% x %}5\ue001 `\ue0001\ue001`"
    assert convert(text).body == "\ue0000\ue001 \ue000 5\ue001 `\ue0001\ue001`"


# {% highlight %}


def test_highlight_right_after_a_paragraph_line_is_a_code_block():
    text = "Install it:\n{% highlight sh %}\ngem install jekyll\n{% endhighlight %}\nThen run it."
    assert convert(text).body == "Install it:\n```sh\ngem install jekyll\n```\nThen run it."
    assert html(text) == (
        '<p>Install it:</p>\n<pre><code class="language-sh">gem install jekyll\n</code></pre>\n'
        "<p>Then run it.</p>\n"
    )


def test_highlight_after_text_on_its_line_gets_lines_of_its_own():
    text = "Install it: {% highlight sh %}\ngem install jekyll\n{% endhighlight %} then run it."
    assert html(text) == (
        '<p>Install it:</p>\n<pre><code class="language-sh">gem install jekyll\n</code></pre>\n'
        "<p>then run it.</p>\n"
    )


def test_indented_highlight_stays_in_its_list_item():
    text = "1. Install:\n\n   {% highlight sh %}\n   gem install jekyll\n   {% endhighlight %}\n\n2. Run"
    assert html(text) == (
        '<ol>\n<li>\n<p>Install:</p>\n<pre><code class="language-sh">gem install jekyll\n\n</code></pre>\n'
        "</li>\n<li>\n<p>Run</p>\n</li>\n</ol>\n"
    )


# Time in proportion to the length, whatever the text


ADVERSARIAL = [
    "{% x\n",
    "{{ x\n",
    "{%",
    "{{",
    '{{ "x\n',
    "<pre>\n",
    "<pre ",
    "<script>\n",
    "<!--\n",
    "{% raw %}\n",
    "{% highlight x %}\n",
    "{% highlight x ",
    "```\n",
    "~~~\n",
    "{% comment %}\n",
    "{% for x %}\n",
    "{% figure x\n",
    "{% notice %}\n",
    "{::comment}\n",
    "{::options ",
    "` x",
    "``\n",
    "`x``",
    " ",
    "a\nb\n---\n",
    "* a\n{:toc}\n",
]


def _text(unit, size):
    return unit * (size // len(unit))


@pytest.mark.parametrize("unit", ADVERSARIAL)
def test_conversion_time_grows_in_step_with_the_length(unit):
    # Four times the text takes about four times as long; a scan that starts again at every opening
    # would take sixteen.
    assert growth(convert, _text(unit, 50_000), _text(unit, 200_000)) < 8


# Any text


# Text that stays, and text that goes (tags, attribute lists); whatever follows what goes is glued to
# it, so no removal leaves two fragments touching or a fence at the start of a line, which would read
# anew (the exceptions the module's docstring names).
STAYING = [
    "{%", "{{", "`", "``", "```", "~~~", "`a`", "<pre>", "</pre>", "<script>", "</script>", "<!--",
    "-->", "<style>", "</style>", "*[A]: b", "#", "##x", "---", "===", "*", "1.", ">", "| a |", "    ",
    "a", "日本語", "\ue000", "\ue001", "0", "-", "<", ">", "javascript:", "<img src=x onerror=alert(1)>",
    "<a href='javascript:x'>", "\n{:toc}\n",
]  # fmt: skip
GOING = [
    "{% x %}", "{{ y }}", "%}", "}}", "{% highlight ruby %}", "{% endhighlight %}", "{% comment %}",
    "{% endcomment %}", '{% figure caption:"c" %}', "{% endfigure %}", "{% notice %}",
    "{% endnotice %}", "{% for i in x %}", "{% endfor %}", "{% post_url 2020-01-01-a %}",
    "{{ site.url }}", "{{ '/a/' | relative_url }}", "{% youtube abc %}", "{: .c}", "{::comment}",
    "{:/comment}", "{::nomarkdown}", "{:/}",
]  # fmt: skip
FRAGMENTS = STAYING + [going + "x" for going in GOING]
# Text Liquid prints rather than runs, and lone characters a removal can join to its neighbours: both
# read anew a second time, so only the first property meets them.
PRINTING = ["{% raw %}", "{% endraw %}", '{{ "{% x " }}%}', "{{ '{{ y ' }}}}", '"', "'", "{", "}", ":"]


def _joined(fragments):
    # Each fragment ends at a space or a line break.
    pairs = st.tuples(st.sampled_from(fragments), st.sampled_from([" ", "\n", "\n\n"]))
    return st.lists(pairs, max_size=40).map(lambda pairs: "".join(a + b for a, b in pairs))


texts = _joined(FRAGMENTS)
any_texts = st.one_of(
    st.text(max_size=200),
    _joined(STAYING + GOING + PRINTING),
    st.lists(st.sampled_from(STAYING + GOING + PRINTING + [" ", "\n"]), max_size=60).map("".join),
)
properties = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@properties
@given(any_texts)
def test_any_text_converts_and_renders_without_script(text):
    converted = convert(text)
    assert isinstance(converted.body, str)
    assert "<script" not in render_markdown(converted.body).lower()


@properties
@given(texts)
def test_converting_again_changes_nothing(text):
    once = convert(text).body
    assert convert(once).body == once
