"""The one Markdown-to-safe-HTML function: article pages, feeds and the admin preview all use it."""

import functools

import nh3
from django.core.exceptions import ValidationError
from django.utils.html import escape
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

# The longest body rendered as Markdown. Rendering time grows with the length (markdown-it-py is
# slowest on runs of "![" or "[^"), so this bounds the cost of one save or preview; check_body
# refuses longer bodies where they are written or imported.
MAX_BODY_CHARS = 100_000  # twice the longest post of the corpus (48,290 characters)
# Block parsing costs by the line (a table row, a heading each): five times the corpus's longest.
MAX_LINES = 5_000

# html5ever, inside nh3, looks through its stack of open elements for most tags, and raw HTML can
# leave any number of elements open (<div> after <div>), so sanitising costs up to (raw HTML tags
# x all tags). Past this product the raw HTML is shown as text; Markdown's own nesting is capped
# by markdown-it (maxNesting), and ordinary documents stay far below it.
MAX_HTML_COST = 50_000_000
# Every "[" starts a try at a link, image or footnote, which markdown-it pays for whether or not it
# closes. Real posts hold a few hundred; past this many they stay text.
MAX_BRACKETS = 5_000
# Likewise every "*" or "_" is a try at emphasis.
MAX_EMPHASIS_MARKS = 20_000


def _too_long(text):
    return len(text) > MAX_BODY_CHARS or text.count("\n") >= MAX_LINES


def check_body(text):
    """ValidationError when a body is longer than render_markdown renders as Markdown."""
    text = text or ""
    if len(text) > MAX_BODY_CHARS:
        raise ValidationError(
            _("The text is %(length)s characters long; at most %(limit)s characters can be published."),
            code="body_too_long",
            params={"length": f"{len(text):,}", "limit": f"{MAX_BODY_CHARS:,}"},
        )
    if text.count("\n") >= MAX_LINES:
        raise ValidationError(
            _("The text has %(lines)s lines; at most %(limit)s lines can be published."),
            code="body_too_many_lines",
            params={"lines": f"{text.count(chr(10)) + 1:,}", "limit": f"{MAX_LINES:,}"},
        )


def _heading_id(title):
    # Unicode ids keep Japanese headings linkable (#詳細分析), as GitHub and kramdown do.
    return slugify(title, allow_unicode=True) or "section"


def _heading_ids(state):
    """An id on every heading, repeats numbered "-1", "-2"... as mdit_py_plugins' anchors did.

    The plugin counted from 1 for each repeat, which is quadratic in the number of repeats;
    remembering the next number to try for each slug gives the same ids in linear time.
    """
    taken, next_number = set(), {}
    for index, token in enumerate(state.tokens):
        if token.type != "heading_open":
            continue
        children = state.tokens[index + 1].children or []
        slug = _heading_id("".join(c.content for c in children if c.type in ("text", "code_inline")))
        unique, number = slug, next_number.get(slug, 1)
        while unique in taken:
            unique, number = f"{slug}-{number}", number + 1
        next_number[slug] = number
        taken.add(unique)
        token.attrSet("id", unique)


def _parser(html):
    md = (
        MarkdownIt("commonmark", {"html": html, "typographer": False})
        .enable(["table", "strikethrough"])
        .use(footnote_plugin)
    )
    md.core.ruler.push("heading_ids", _heading_ids)  # last, after footnotes are moved to the end
    return md


_md_without_html = _parser(html=False)
_LINKS = ["link", "image", "footnote_ref", "footnote_inline"]


@functools.cache
def _parser_for(links, emphasis):
    md = _parser(html=True)
    return md.disable([*([] if links else _LINKS), *([] if emphasis else ["emphasis"])])


_TAGS = (nh3.ALLOWED_TAGS | {"section"}) - {
    "center",
    "acronym",
    "tt",
    "strike",
    "map",
    "area",
}
_CLASSED = {"a", "code", "div", "span", "pre", "section", "sup", "li", "ol", "hr", "p", "table"}
_ATTRIBUTES = {tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()}
for _tag in _CLASSED:
    _ATTRIBUTES.setdefault(_tag, set()).add("class")
for _tag in ("h1", "h2", "h3", "h4", "h5", "h6", "li", "sup", "a", "section", "dt", "div", "span"):
    _ATTRIBUTES.setdefault(_tag, set()).add("id")
for _tag in ("th", "td"):
    _ATTRIBUTES[_tag] |= {"style"}
_ATTRIBUTES["a"] |= {"title"}
_ATTRIBUTES["img"] |= {"title", "loading"}
# Every id an article brings is prefixed, and its links to them with it: an id of the page itself
# ("content", the admin's "id_body") or a name a script reads off window can then never be taken
# over by a heading or raw HTML, in the public page or in the admin's live preview.
ID_PREFIX = "md-"


def _link_to_prefixed_id(tag, attribute, value):
    if attribute == "href" and value.startswith("#") and len(value) > 1:
        return f"#{ID_PREFIX}{value[1:]}"
    return value


def sanitize_html(markup):
    """Keep only an allow-list of tags, attributes and URL schemes, whoever wrote the markup."""
    return nh3.clean(
        markup,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        attribute_filter=_link_to_prefixed_id,
        id_prefix=ID_PREFIX,
        # "image:42" names a library image (images/usage.py); pages turn it into a <picture>.
        url_schemes={"http", "https", "mailto", "tel", "image"},
        # Table alignment is the only inline style Markdown produces.
        filter_style_properties={"text-align"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def _raw_html_tags(tokens):
    """At most how many tags the raw HTML holds: every "<" in HTML blocks and inline HTML."""
    count = 0
    for token in tokens:
        if token.type == "html_block":
            count += token.content.count("<")
        for child in token.children or ():
            if child.type == "html_inline":
                count += child.content.count("<")
    return count


def render_markdown(text):
    """Markdown (CommonMark + tables, footnotes, strikethrough, heading ids) to sanitised HTML.

    Never fails, and its time is bounded: a body over MAX_BODY_CHARS or MAX_LINES is shown as plain
    text, and one with more brackets or emphasis marks than any real post has keeps them as text.
    """
    text = text or ""
    if _too_long(text):
        return f"<pre>{escape(text)}</pre>"
    env = {}
    md = _parser_for(
        links=text.count("[") <= MAX_BRACKETS,
        emphasis=text.count("*") + text.count("_") <= MAX_EMPHASIS_MARKS,
    )
    tokens = md.parse(text, env)
    html = md.renderer.render(tokens, md.options, env)
    if _raw_html_tags(tokens) * html.count("<") > MAX_HTML_COST:
        html = _md_without_html.render(text)
    return sanitize_html(html)
