"""A Jekyll body (Liquid, then kramdown) to the CommonMark this site renders, changing only what must.

Jekyll runs Liquid over a post and hands the result to kramdown. This module does the same work ahead
of time: Liquid tags are resolved or removed (each removal is reported), kramdown-only syntax becomes
its CommonMark equivalent. Code is never altered: fenced code, ``{% highlight %}`` blocks, code spans,
``{% raw %}`` content and <script>/<style>/<pre> blocks are set aside first and put back unchanged,
except that the ``{% raw %}`` markers Jekyll would have removed are removed inside fenced code too.
Converting the output again changes nothing, except text that came out of ``{% raw %}`` outside code
(``{{ x }}`` in prose); the exporter wraps bodies holding such text in ``{% raw %}`` again.
"""

import re
from dataclasses import dataclass, field

# Set-aside text is replaced by private-use characters around its index while the rest is converted.
_HOLD = "\ue000{}\ue001"
_HELD = re.compile("\ue000(\\d+)\ue001")
# A {% post_url %} waits in the body as a marker until every article's new URL is known.
_POST_URL = "\ue002{}\ue003"
POST_URL_MARKER = re.compile("\ue002([^\ue003]*)\ue003")

_TAG = r"\{%-?\s*"
_END = r"\s*-?%\}"
_RAW_OPEN = re.compile(_TAG + r"raw" + _END)
_RAW_CLOSE = re.compile(_TAG + r"endraw" + _END)
_RAW_MARKER = re.compile(_TAG + r"(?:end)?raw" + _END)
_HIGHLIGHT_OPEN = re.compile(_TAG + r"highlight\s+([^\s%]+)[^%]*?" + _END)
_HIGHLIGHT_CLOSE = re.compile(_TAG + r"endhighlight" + _END)
_FENCE_OPEN = re.compile(r"^[ \t]*(`{3,}(?=[^`\n]*$)|~{3,})", re.MULTILINE)
_BACKTICKS = re.compile(r"`+")
_HTML_VERBATIM = re.compile(
    r"<(script|style|pre|textarea)\b[^>]*>.*?</\1\s*>|<!--.*?-->", re.DOTALL | re.IGNORECASE
)
_BLANK_LINE = re.compile(r"\n[ \t]*\n")

_FIGURE = re.compile(_TAG + r"figure\b(.*?)" + _END + r"(.*?)" + _TAG + r"endfigure" + _END, re.DOTALL)
_NOTICE = re.compile(_TAG + r"notice\b(.*?)" + _END + r"(.*?)" + _TAG + r"endnotice" + _END, re.DOTALL)
_SWALLOWING = re.compile(
    _TAG + r"(comment|capture|for)\b.*?" + _END + r".*?" + _TAG + r"end\1" + _END, re.DOTALL
)
# Video embeds (jekyll-embed plugins) become plain links: the reader keeps the video, not the iframe.
_VIDEO = re.compile(_TAG + r"(youtube|vimeo)\s+([\w-]+)" + _END)
_VIDEO_URL = {"youtube": "https://www.youtube.com/watch?v={}", "vimeo": "https://vimeo.com/{}"}
_VIDEO_NAME = {"youtube": "YouTube", "vimeo": "Vimeo"}
_ATTRIBUTE = re.compile(r"""(\w+)\s*[:=]\s*(?:"([^"]*)"|'([^']*)')""")
_POST_URL_TAG = re.compile(_TAG + r"post_url\s+(\S+?)" + _END)
# A tag or output never spans a blank line: a lone "{%" in prose stays text.
_ANY_TAG = re.compile(r"\{%(?:(?!\n[ \t]*\n).)*?%\}", re.DOTALL)
_SITE_PREFIX = re.compile(r"\{\{-?\s*site\.(?:url|baseurl)\s*-?\}\}")
_URL_FILTER = re.compile(r"""\{\{-?\s*(["'])([^"']*)\1\s*\|\s*(?:relative_url|absolute_url)\s*-?\}\}""")
_ANY_OUTPUT = re.compile(r"\{\{(?:(?!\n[ \t]*\n).)*?\}\}", re.DOTALL)

# kramdown: {: .class} / {:toc} / {:ref: ...} on a line of their own, or right after a span.
_IAL_LINE = re.compile(r"^ {0,3}\{:(?![:/])[^{}\n]*\}[ \t]*$")
_TOC_LINE = re.compile(r"^ {0,3}\{:\s*toc\s*\}[ \t]*$")
_IAL_INLINE = re.compile(r"[ \t]*\{:(?![:/])[^{}\n]*\}")
_EXTENSION_BLOCK = re.compile(r"\{::(comment)\}.*?\{:/(?:\1)?\}", re.DOTALL)
_EXTENSION_MARK = re.compile(r"\{::nomarkdown\}|\{:/nomarkdown\}|\{:/\}|\{::options\b[^}]*/\}")
_ABBREVIATION = re.compile(r"^ {0,3}\*\[[^\]\n]+\]:.*$")
_ATX_NO_SPACE = re.compile(r"^(#{1,6})(?=[^#\s])")
_LIST_ITEM = re.compile(r"^[ \t]*(?:[*+-]|\d+[.)])[ \t]")
_UNDERLINE = re.compile(r"^ {0,3}(?:-+|=+)[ \t]*$")
# Lines that start a block of their own, so no paragraph runs through them.
_BLOCK_START = re.compile(
    r"^ {0,3}(?:#{1,6}(?:\s|$)|>|\||[*+-][ \t]|\d+[.)][ \t]|\ue000\d+\ue001[ \t]*$"
    r"|-+[ \t]*$|=+[ \t]*$|(?:\*[ \t]*){3,}$|(?:_[ \t]*){3,}$"
    r"|</?(?:address|article|aside|blockquote|details|div|dl|dd|dt|fieldset|figcaption|figure|footer"
    r"|form|h[1-6]|header|hr|li|main|nav|ol|p|section|table|tbody|td|th|thead|tr|ul)\b"
    r"|</?[A-Za-z][^>]*>[ \t]*$)",
    re.IGNORECASE,
)


@dataclass
class Converted:
    body: str
    warnings: list = field(default_factory=list)


def convert(text):
    """A Jekyll body as this site's Markdown; warnings name each Liquid tag that was dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    held, warnings = [], []
    masked = _set_aside(text, held, warnings)
    masked = _liquid(masked, warnings)
    masked = _kramdown(masked)
    body = _HELD.sub(lambda m: held[int(m.group(1))], masked)
    return Converted(body=body.strip("\n"), warnings=warnings)


def resolve_post_urls(body, resolve):
    """Replace the post_url markers by ``resolve(reference)``, a URL; returns the new body."""
    return POST_URL_MARKER.sub(lambda m: resolve(m.group(1)), body)


def _hold(held, text):
    held.append(text)
    return _HOLD.format(len(held) - 1)


def _set_aside(text, held, warnings):
    """Replace code and raw text by markers, scanning left to right as each may contain the others."""
    out, pos = [], 0
    finders = {
        "raw": _RAW_OPEN,
        "highlight": _HIGHLIGHT_OPEN,
        "fence": _FENCE_OPEN,
        "html": _HTML_VERBATIM,
        "code": _BACKTICKS,
    }
    nexts = {}
    while True:
        for kind, regex in finders.items():
            found = nexts.get(kind, False)
            if found is False or (found is not None and found.start() < pos):
                nexts[kind] = regex.search(text, pos)
        candidates = [(m.start(), order, kind, m) for order, (kind, m) in enumerate(nexts.items()) if m]
        if not candidates:
            break
        start, _, kind, match = min(candidates)
        out.append(text[pos:start])
        pos = getattr(_Aside, kind)(text, match, held, out, warnings)
    out.append(text[pos:])
    return "".join(out)


class _Aside:
    """Each kind of set-aside text: appends its marker to ``out`` and returns where scanning resumes."""

    @staticmethod
    def raw(text, match, held, out, warnings):
        close = _RAW_CLOSE.search(text, match.end())
        if close is None:
            warnings.append("{% raw %} without {% endraw %}: the rest of the post is kept as it is")
            out.append(_hold(held, text[match.end() :]))
            return len(text)
        out.append(_hold(held, text[match.end() : close.start()]))
        return close.end()

    @staticmethod
    def highlight(text, match, held, out, warnings):
        close = _HIGHLIGHT_CLOSE.search(text, match.end())
        if close is None:
            warnings.append("{% highlight %} without {% endhighlight %}: tag removed")
            return match.end()
        code = _RAW_MARKER.sub("", text[match.end() : close.start()]).strip("\n")
        longest = max((len(run) for run in _BACKTICKS.findall(code)), default=0)
        fence = "`" * max(3, longest + 1)
        out.append(_hold(held, f"{fence}{match.group(1)}\n{code}\n{fence}"))
        return close.end()

    @staticmethod
    def fence(text, match, held, out, warnings):
        marker = match.group(1)
        closing = re.compile(rf"^[ \t]*{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$", re.MULTILINE)
        line_end = text.find("\n", match.end())
        close = closing.search(text, line_end) if line_end != -1 else None
        end = close.end() if close else len(text)
        # Jekyll removes {% raw %} markers even in code: readers never saw them.
        out.append(_hold(held, _RAW_MARKER.sub("", text[match.start() : end])))
        return end

    @staticmethod
    def html(text, match, held, out, warnings):
        out.append(_hold(held, match.group(0)))
        return match.end()

    @staticmethod
    def code(text, match, held, out, warnings):
        # A code span ends at the next run of exactly as many backticks, within the paragraph.
        run = len(match.group(0))
        limit = _BLANK_LINE.search(text, match.end())
        stop = limit.start() if limit else len(text)
        for close in _BACKTICKS.finditer(text, match.end(), stop):
            if len(close.group(0)) == run:
                out.append(_hold(held, text[match.start() : close.end()]))
                return close.end()
        out.append(match.group(0))
        return match.end()


def _liquid(text, warnings):
    text = _FIGURE.sub(_figure, text)
    text = _NOTICE.sub(lambda m: f'\n\n<div class="notice">\n\n{m.group(2).strip()}\n\n</div>\n\n', text)

    def dropped(match):
        warnings.append(f"removed Liquid {_one_line(match.group(0))}")
        return ""

    text = _SWALLOWING.sub(dropped, text)
    text = _VIDEO.sub(_video_link, text)
    text = _POST_URL_TAG.sub(lambda m: _POST_URL.format(m.group(1)), text)
    text = _SITE_PREFIX.sub("", text)
    text = _URL_FILTER.sub(lambda m: m.group(2), text)
    text = _ANY_TAG.sub(dropped, text)
    return _ANY_OUTPUT.sub(dropped, text)


def _video_link(match):
    site, video = match.group(1), match.group(2)
    return f"[▶ {_VIDEO_NAME[site]}]({_VIDEO_URL[site].format(video)})"


def _figure(match):
    attributes = {
        m.group(1): m.group(2) if m.group(2) is not None else m.group(3)
        for m in _ATTRIBUTE.finditer(match.group(1))
    }
    css = attributes.get("class", "")
    # Blank lines around the Markdown inside keep it Markdown within the HTML block.
    block = f'\n\n<figure class="{css}">' if css else "\n\n<figure>"
    block += f"\n\n{match.group(2).strip()}\n\n"
    if attributes.get("caption"):
        block += f"<figcaption>\n\n{attributes['caption']}\n\n</figcaption>\n"
    return block + "</figure>\n\n"


def _one_line(tag):
    return re.sub(r"\s+", " ", tag)


def _kramdown(text):
    text = _EXTENSION_BLOCK.sub("", text)
    out = []
    for line in text.split("\n"):
        if _TOC_LINE.match(line):
            # kramdown replaces the list just above {:toc} by a table of contents; the site makes its own.
            while out and _LIST_ITEM.match(out[-1]):
                out.pop()
        if _IAL_LINE.match(line):
            # A blank line keeps the block boundary the attribute line made (a --- after it stays a rule).
            out.append("")
            continue
        if _ABBREVIATION.match(line):
            continue
        line = _EXTENSION_MARK.sub("", _IAL_INLINE.sub("", line))
        line = _ATX_NO_SPACE.sub(r"\1 ", line)
        if _UNDERLINE.match(line) and _paragraph_lines(out) > 1:
            # kramdown reads only a one-line paragraph above --- as a heading; keep the longer one text.
            out.append("")
        out.append(line)
    return "\n".join(out)


def _paragraph_lines(lines):
    """How many lines the paragraph ending at the last of ``lines`` has (0: it is not a paragraph)."""
    count = 0
    for line in reversed(lines):
        if not line.strip():
            break
        if _BLOCK_START.match(line):
            break
        count += 1
    return count
