"""The one Markdown-to-safe-HTML function: article pages, feeds and the admin preview all use it."""

import nh3
from django.utils.text import slugify
from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin


def _heading_id(title):
    # Unicode ids keep Japanese headings linkable (#詳細分析), as GitHub and kramdown do.
    return slugify(title, allow_unicode=True) or "section"


_md = (
    MarkdownIt("commonmark", {"html": True, "typographer": False})
    .enable(["table", "strikethrough"])
    .use(footnote_plugin)
    .use(anchors_plugin, min_level=1, max_level=6, slug_func=_heading_id)
)

_TAGS = (nh3.ALLOWED_TAGS | {"section", "input"}) - {
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
_ATTRIBUTES["input"] = {"type", "checked", "disabled"}


def sanitize_html(markup):
    """Keep only an allow-list of tags, attributes and URL schemes, whoever wrote the markup."""
    return nh3.clean(
        markup,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        # Table alignment is the only inline style Markdown produces.
        filter_style_properties={"text-align"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def render_markdown(text):
    """Markdown (CommonMark + tables, footnotes, strikethrough, heading ids) to sanitised HTML."""
    return sanitize_html(_md.render(text or ""))
