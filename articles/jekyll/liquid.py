"""A Jekyll body (Liquid, then kramdown) to the CommonMark this site renders, changing only what must.

Jekyll runs Liquid over a post and hands the result to kramdown. This module does the same work ahead
of time: Liquid tags are resolved or removed (each removal is reported), kramdown-only syntax becomes
its CommonMark equivalent. Code is never altered: fenced code, ``{% highlight %}`` blocks, code spans,
``{% raw %}`` content and <script>/<style>/<pre> blocks are set aside first and put back unchanged,
except that the ``{% raw %}`` markers Jekyll would have removed are removed inside fenced code too.
Strings Liquid prints (``{{ "{% raw " }}%}`` prints ``{% raw %}``: posts about Liquid show its tags so)
are printed before anything else, and from then on they are text, never read as a tag or as code.
Converting the output again changes nothing, except where the output reads as something it did not:
text Liquid printed rather than ran (``{% raw %}`` content and printed strings outside code, such as
``{{ x }}`` in prose), which the exporter wraps in ``{% raw %}`` again, and what a removed tag (or
attribute list) leaves behind when that reads anew: its two sides touching as one (``{`` and ``%}``
around a removed ``{% x %}``), or a fence now at the start of a line the tag began.

Every step reads the text once from start to end, looking for each kind of closing tag once per
stretch of text rather than once per opening tag, so the time taken grows in step with the length of
the body even when openings are never closed. It is built for bodies up to 1 MB (the importer refuses
bigger posts).
"""

import bisect
import functools
import re
from collections import defaultdict
from dataclasses import dataclass, field

# Set-aside text is replaced by private-use characters around its index while the rest is converted.
# The same two characters in the post itself wait as markers without an index (U+E001 with "-"), so
# no text can pass for a marker.
_HOLD = "\ue000{}\ue001"
_HELD = re.compile("\ue000([0-9]*|-)\ue001")
_ESCAPE = {0xE000: "\ue000\ue001", 0xE001: "\ue000-\ue001"}
_UNESCAPE = {"": "\ue000", "-": "\ue001"}
# A {% post_url %} waits in the body as a marker until every article's new URL is known.
_POST_URL = "\ue002{}\ue003"
POST_URL_MARKER = re.compile("\ue002([^\ue003]*)\ue003")

_TAG_REST = r"%-?\s*"
_TAG = r"\{" + _TAG_REST
_END = r"\s*-?%\}"
_TAG_CLOSE = re.compile(r"%\}")
_RAW_OPEN_REST = _TAG_REST + r"raw" + _END
_RAW_CLOSE = re.compile(_TAG + r"endraw" + _END)
_RAW_MARKER = re.compile(_TAG + r"(?:end)?raw" + _END)
_HIGHLIGHT_CLOSE = re.compile(_TAG + r"endhighlight" + _END)
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_REST_OF_LINE_BLANK = re.compile(r"[ \t]*(?:\n|\Z)")

# {{ "text" }} or {{ 'text' }} prints the text; Liquid ends an output at its first "}", so the string
# holds none. Like every tag here, it does not run across a blank line.
_SPACE = r"[ \t]*(?:\n[ \t]*)?"
_PRINTED_OR_RAW = re.compile(
    rf"\{{(?:(?P<raw>{_RAW_OPEN_REST})"
    rf"|\{{(?P<left>-?){_SPACE}"
    r"""(?:"(?P<double>(?:[^"}\n]|\n(?![ \t]*\n))*)"|'(?P<single>(?:[^'}\n]|\n(?![ \t]*\n))*)')"""
    rf"{_SPACE}(?P<right>-?)\}}\}})"
)
# What Ruby's strip removes, for {{- and -}}.
_RUBY_SPACE = "\0\t\n\v\f\r "
_RUBY_SPACES = re.compile(r"[\0\t\n\v\f\r ]*")

# Where set-aside text starts, in text that starts with a newline; at one position the first
# alternative wins. A code span with no backtick inside is matched whole; the others are worked out
# by _Aside.code. Every alternative starts with a fixed character, so the search skips the text
# between them. An element (or comment, "!--") counts only once its end is found, and is no longer
# looked for once it has no end ahead (_Aside.html).
_ELEMENTS = ("script", "style", "pre", "textarea", "!--")


@functools.cache
def _aside(elements):
    html = "|".join(name if name == "!--" else name + r"\b" for name in elements)
    return re.compile(
        rf"\{{(?P<raw>{_RAW_OPEN_REST})"
        rf"|\{{(?P<highlight>{_TAG_REST}highlight\s+(?P<lang>[^\s%]++)[^%]*+%\}})"
        r"|\n[ \t]*(?P<fence>`{3,}(?=[^`\n]*$)|~{3,})"
        + (rf"|<(?i:(?P<html>{html}))" if elements else "")
        + r"|`(?P<span>`*+)(?:[^`\n]++|\n(?![ \t]*\n))*+`(?P=span)(?!`)"
        r"|`(?P<code>`*+)",
        re.MULTILINE,
    )


_BACKTICKS = re.compile(r"`+")

_VIDEO = re.compile(_TAG + r"(youtube|vimeo)\s+([\w-]+)" + _END)
# Video embeds (jekyll-embed plugins) become plain links: the reader keeps the video, not the iframe.
_VIDEO_URL = {"youtube": "https://www.youtube.com/watch?v={}", "vimeo": "https://vimeo.com/{}"}
_VIDEO_NAME = {"youtube": "YouTube", "vimeo": "Vimeo"}
_ATTRIBUTE = re.compile(r"""\b(\w+)\s*[:=]\s*(?:"([^"]*)"|'([^']*)')""")
_POST_URL_TAG = re.compile(_TAG + r"post_url\s+(\S+?)" + _END)
_SITE_PREFIX = re.compile(r"\{\{-?\s*site\.(?:url|baseurl)\s*-?\}\}")
_URL_FILTER = re.compile(r"""\{\{-?\s*(["'])([^"']*)\1\s*\|\s*(?:relative_url|absolute_url)\s*-?\}\}""")

# kramdown: {: .class} / {:toc} / {:ref: ...} on a line of their own, or right after a span. The
# line patterns start at the newline before the line (_kramdown makes one before the first).
_IAL_LINE = re.compile(r"\n {0,3}\{:(?![:/])[^{}\n]*\}[ \t]*$", re.MULTILINE)
_TOC_LINE = re.compile(r"\n {0,3}\{:[ \t]*toc[ \t]*\}[ \t]*$", re.MULTILINE)
_IAL_INLINE = re.compile(r"\{:(?![:/])[^{}\n]*\}")
_EXTENSION_OPEN = re.compile(r"\{::comment\}")
_EXTENSION_CLOSE = re.compile(r"\{:/(?:comment)?\}")
_EXTENSION_MARK = re.compile(r"\{::nomarkdown\}|\{:/nomarkdown\}|\{:/\}|\{::options\b[^{}\n]*/\}")
_ABBREVIATION = re.compile(r"\n {0,3}\*\[[^\]\n]+\]:[^\n]*")
_ATX_NO_SPACE = re.compile(r"\n(#{1,6})(?=[^#\s])")
_LIST_ITEM = re.compile(r"[ \t]*(?:[*+-]|\d+[.)])[ \t]")
# Lines that start a block of their own, so no paragraph runs through them.
_BLOCK_START = (
    r" {0,3}(?:#{1,6}(?:\s|$)|>|\||[*+-][ \t]|\d+[.)][ \t]|\ue000[0-9]+\ue001[ \t]*$"
    r"|-+[ \t]*$|=+[ \t]*$|(?:\*[ \t]*){3,}$|(?:_[ \t]*){3,}$"
    r"|</?(?:address|article|aside|blockquote|details|div|dl|dd|dt|fieldset|figcaption|figure|footer"
    r"|form|h[1-6]|header|hr|li|main|nav|ol|p|section|table|tbody|td|th|thead|tr|ul)\b"
    r"|</?[A-Za-z][^>\n]*>[ \t]*$)"
)
_PARAGRAPH_LINE = rf"(?!{_BLOCK_START})[^\S\n]*\S[^\n]*"
# Two paragraph lines above a --- or === line: kramdown reads only a one-line paragraph as a heading.
_LONG_SETEXT = re.compile(
    rf"\n(?=[^\n]*\n[^\n]*\n {{0,3}}(?:-+|=+)[ \t]*$){_PARAGRAPH_LINE}\n{_PARAGRAPH_LINE}\n",
    re.MULTILINE | re.IGNORECASE,
)


@dataclass
class Converted:
    body: str
    warnings: list = field(default_factory=list)


def convert(text):
    """A Jekyll body as this site's Markdown; warnings name each Liquid tag that was dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    held, warnings = [], []
    masked = text.translate(_ESCAPE) if "\ue000" in text or "\ue001" in text else text
    masked = _print_strings(masked, held)
    masked = _Aside(masked, held, warnings).run()
    masked = _liquid(masked, warnings)
    masked = _kramdown(masked)
    body = _unhold(masked, held)
    return Converted(body=body.strip("\n"), warnings=[_unhold(w, held) for w in warnings])


def resolve_post_urls(body, resolve):
    """Replace the post_url markers by ``resolve(reference)``, a URL; returns the new body."""
    return POST_URL_MARKER.sub(lambda m: resolve(m.group(1)), body)


def _hold(held, text):
    held.append(text)
    return _HOLD.format(len(held) - 1)


def _unhold(text, held):
    # Held text never holds markers itself (see _Aside.hold), so one pass puts everything back.
    if "\ue000" not in text:
        return text
    parts = _HELD.split(text)
    for index in range(1, len(parts), 2):
        key = parts[index]
        parts[index] = _UNESCAPE[key] if key in _UNESCAPE else held[int(key)]
    return "".join(parts)


class _Next:
    """The first match of ``pattern`` at or after a position, asked with positions that only grow.

    The match found last answers every question up to its start, and a search that found nothing
    answers all later ones: each stretch of text is searched once, however many openers ask.
    """

    __slots__ = ("pattern", "text", "pos", "match")

    def __init__(self, pattern, text):
        self.pattern, self.text, self.pos, self.match = pattern, text, None, None

    def __call__(self, pos):
        match = self.match
        if self.pos is None or pos < self.pos or (match is not None and match.start() < pos):
            self.match = match = self.pattern.search(self.text, pos)
            self.pos = pos
        return match


def _print_strings(text, held):
    """Print {{ "..." }} outputs, as Liquid does before Markdown is read, outside {% raw %}."""
    raw_end = _Next(_RAW_CLOSE, text)
    out, pos = [], 0
    while found := _PRINTED_OR_RAW.search(text, pos):
        if found.group("raw"):
            closed = raw_end(found.end())
            if closed is None:
                break
            out.append(text[pos : closed.end()])
            pos = closed.end()
            continue
        before = text[pos : found.start()]
        if found.group("left"):
            before = before.rstrip(_RUBY_SPACE)
        string = found.group("double") if found.group("double") is not None else found.group("single")
        # Held, the printed text is text to every later step: "{% highlight %}" in it opens nothing.
        out += [before, _hold(held, _unhold(string, held))]
        pos = found.end()
        if found.group("right"):
            pos = _RUBY_SPACES.match(text, pos).end()
    out.append(text[pos:])
    return "".join(out)


class _Aside:
    """Code and raw text replaced by markers, scanning left to right as each may contain the others.

    Each kind has a method that appends its marker (or the text it leaves) to ``out`` and returns
    where scanning resumes.
    """

    def __init__(self, text, held, warnings):
        # The newline in front lets a fence on the first line start after a newline like the others.
        text = "\n" + text
        self.text, self.held, self.warnings = text, held, warnings
        self.raw_end = _Next(_RAW_CLOSE, text)
        self.highlight_end = _Next(_HIGHLIGHT_CLOSE, text)
        self.tag_end = _Next(re.compile(">"), text)
        self.element_end = {
            name: _Next(re.compile("-->" if name == "!--" else rf"</{name}\s*>", re.IGNORECASE), text)
            for name in _ELEMENTS
        }
        self.elements = _ELEMENTS
        self.search = _aside(self.elements).search
        self.blank_line = _Next(_BLANK_LINE, text)
        self.fence_end = {}
        self.runs = None

    def run(self):
        text, out, pos = self.text, [], 0
        while found := self.search(text, pos):
            out.append(text[pos : found.start()])
            if found.lastgroup == "span":  # the commonest kind, held without a method call
                out.append(self.hold(found.group(0)))
                pos = found.end()
            else:
                pos = getattr(self, found.lastgroup)(found, out)
        out.append(text[pos:])
        return "".join(out)[1:]

    def hold(self, text):
        return _hold(self.held, _unhold(text, self.held))

    def unraw(self, text):
        # Jekyll removes {% raw %} markers even in code: readers never saw them.
        return _RAW_MARKER.sub("", text) if "{%" in text else text

    def raw(self, found, out):
        closed = self.raw_end(found.end())
        if closed is None:
            self.warnings.append("{% raw %} without {% endraw %}: the rest of the post is kept as it is")
            out.append(self.hold(self.text[found.end() :]))
            return len(self.text)
        out.append(self.hold(self.text[found.end() : closed.start()]))
        return closed.end()

    def highlight(self, found, out):
        text = self.text
        closed = self.highlight_end(found.end())
        if closed is None:
            self.warnings.append("{% highlight %} without {% endhighlight %}: tag removed")
            return found.end()
        code = _unhold(self.unraw(text[found.end() : closed.start()]), self.held)
        indent = _indent(text, found.start())
        block = _fenced(found.group("lang"), code.strip("\n"), indent or "")
        # A fence opens a code block only at the start of a line, so one after text gets a line of its
        # own, as does text after it.
        if indent is None:
            block = "\n" + block
        if not _REST_OF_LINE_BLANK.match(text, closed.end()):
            block += "\n"
        out.append(_hold(self.held, block))
        return closed.end()

    def fence(self, found, out):
        text, marker, start = self.text, found.group("fence"), found.start() + 1
        out.append("\n")
        closing = self.fence_end.get(marker)
        if closing is None:
            closing = re.compile(rf"^[ \t]*{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$", re.MULTILINE)
            self.fence_end[marker] = closing
        line_end = text.find("\n", found.end())
        close = closing.search(text, line_end) if line_end != -1 else None
        end = close.end() if close else len(text)
        out.append(self.hold(self.unraw(text[start:end])))
        return end

    def html(self, found, out):
        name = found.group("html").lower()
        if name == "!--":
            closed = self.element_end[name](found.end())
        else:
            opened = self.tag_end(found.end())
            closed = opened and self.element_end[name](opened.end())
        if closed is None:
            # Nothing ahead closes this element, so no later one closes either: stop looking.
            self.elements = tuple(other for other in self.elements if other != name)
            self.search = _aside(self.elements).search
            # Without its end an element is text like any other, and so is the "<" that opened it.
            out.append("<")
            return found.start() + 1
        out.append(self.hold(self.text[found.start() : closed.end()]))
        return closed.end()

    def code(self, found, out):
        # A code span ends at the next run of exactly as many backticks, within the paragraph.
        run = found.end() - found.start()
        limit = self.blank_line(found.end())
        stop = limit.start() if limit else len(self.text)
        close = self._next_run(run, found.end())
        if close is not None and close < stop:
            out.append(self.hold(self.text[found.start() : close + run]))
            return close + run
        out.append(found.group(0))
        return found.end()

    def _next_run(self, length, pos):
        # Every run of backticks, by length: an opener that never closes costs one look-up, not a
        # walk over every run after it.
        if self.runs is None:
            self.runs = defaultdict(list)
            for match in _BACKTICKS.finditer(self.text):
                self.runs[match.end() - match.start()].append(match.start())
        starts = self.runs.get(length, ())
        index = bisect.bisect_left(starts, pos)
        return starts[index] if index < len(starts) else None


def _indent(text, index):
    """The blanks (up to three) between the start of the line and ``index``, or None if text comes first."""
    start = index
    while start > 0 and index - start < 4 and text[start - 1] in " \t":
        start -= 1
    if start == 0 or text[start - 1] == "\n":
        return text[start:index]
    return None


def _fenced(lang, code, indent):
    # The fence is longer than any run of its character in the code, so no line of the code closes it;
    # an info string cannot hold a backtick after backticks, so such a language gets tildes.
    mark = "~" if "`" in lang else "`"
    longest = max((len(run) for run in re.findall(re.escape(mark) + "+", code)), default=0)
    fence = mark * max(3, longest + 1)
    return f"{fence}{lang}\n{code}\n{indent}{fence}"


def _liquid_blocks(text, names, replace):
    """Each {% name ... %}...{% endname %} as ``replace(name, markup, content, whole)``.

    The opening tag ends at its first %}, the block at the first end tag after it (blocks of one kind
    do not nest).
    """
    tag_end = _Next(_TAG_CLOSE, text)
    ends = {name: _Next(re.compile(_TAG + "end" + name + _END), text) for name in names}
    live = list(names)
    opener = _block_opener(live)
    out, last, pos = [], 0, 0
    while opened := opener.search(text, pos):
        name = opened.group(1)
        markup_end = tag_end(opened.end())
        if markup_end is None:
            break
        closed = ends[name](markup_end.end())
        if closed is None:
            # No end tag from here on, so no later block of this kind closes: stop looking for them.
            live.remove(name)
            if not live:
                break
            opener = _block_opener(live)
            pos = opened.start() + 1
            continue
        markup = text[opened.end() : markup_end.start()]
        content = text[markup_end.end() : closed.start()]
        out += [
            text[last : opened.start()],
            replace(name, markup, content, text[opened.start() : closed.end()]),
        ]
        last = pos = closed.end()
    out.append(text[last:])
    return "".join(out)


def _block_opener(names):
    return re.compile(_TAG + rf"({'|'.join(names)})\b")


def _liquid(text, warnings):
    def dropped(tag):
        warnings.append(f"removed Liquid {_one_line(tag)}")
        return ""

    text = _liquid_blocks(text, ("figure",), lambda name, markup, content, whole: _figure(markup, content))
    text = _liquid_blocks(
        text,
        ("notice",),
        lambda name, markup, content, whole: f'\n\n<div class="notice">\n\n{content.strip()}\n\n</div>\n\n',
    )
    text = _liquid_blocks(
        text, ("comment", "capture", "for"), lambda name, markup, content, whole: dropped(whole)
    )
    text = _VIDEO.sub(_video_link, text)
    text = _POST_URL_TAG.sub(lambda m: _POST_URL.format(m.group(1)), text)
    text = _SITE_PREFIX.sub("", text)
    text = _URL_FILTER.sub(lambda m: m.group(2), text)
    text = _drop_tags(text, "{%", "%}", dropped)
    return _drop_tags(text, "{{", "}}", dropped)


def _drop_tags(text, start, end, dropped):
    """Each tag from ``start`` to the first ``end`` after it as ``dropped(tag)``.

    A tag never spans a blank line: a lone "{%" in prose stays text.
    """
    out, last, pos = [], 0, 0
    # The next end and the next blank line, each looked for again only once an opening has passed it.
    closed = blank = -2
    while (found := text.find(start, pos)) != -1:
        after = found + len(start)
        if closed < after:
            closed = text.find(end, after)
            if closed == -1:
                break
        if blank != -1 and blank < after:
            line = _BLANK_LINE.search(text, after)
            blank = line.start() if line else -1
        if blank != -1 and blank < closed:
            # Every opening before that blank line has it before its end too: none is a tag.
            pos = blank
            continue
        out += [text[last:found], dropped(text[found : closed + len(end)])]
        last = pos = closed + len(end)
    out.append(text[last:])
    return "".join(out)


def _video_link(match):
    site, video = match.group(1), match.group(2)
    return f"[▶ {_VIDEO_NAME[site]}]({_VIDEO_URL[site].format(video)})"


def _figure(markup, content):
    attributes = {
        m.group(1): m.group(2) if m.group(2) is not None else m.group(3) for m in _ATTRIBUTE.finditer(markup)
    }
    css = attributes.get("class", "")
    # Blank lines around the Markdown inside keep it Markdown within the HTML block.
    block = f'\n\n<figure class="{css}">' if css else "\n\n<figure>"
    block += f"\n\n{content.strip()}\n\n"
    if attributes.get("caption"):
        block += f"<figcaption>\n\n{attributes['caption']}\n\n</figcaption>\n"
    return block + "</figure>\n\n"


def _one_line(tag):
    return " ".join(tag.split())


def _kramdown(text):
    # Each step is one pass over the whole text, in the order the steps apply to a line. The newline
    # in front puts one before every line, where the line patterns start.
    text = "\n" + text
    text = _drop_extension_comments(text)
    text = _drop_toc_lists(text)
    # A blank line keeps the block boundary the attribute line made (a --- after it stays a rule).
    text = _IAL_LINE.sub("\n", text)
    text = _EXTENSION_MARK.sub("", _drop_inline_attributes(text))
    # Only now: "{: .x}*[A]: b" is an abbreviation once the attribute list has gone.
    text = _ABBREVIATION.sub("", text)
    text = _ATX_NO_SPACE.sub(r"\n\1 ", text)
    # kramdown reads only a one-line paragraph above --- as a heading; keep the longer one text.
    return _LONG_SETEXT.sub(lambda m: m.group(0) + "\n", text)[1:]


def _drop_extension_comments(text):
    """{::comment}...{:/comment} (or {:/}) is kramdown's comment: nobody saw it."""
    comment_end = _Next(_EXTENSION_CLOSE, text)
    out, last = [], 0
    while opened := _EXTENSION_OPEN.search(text, last):
        closed = comment_end(opened.end())
        if closed is None:
            break
        out.append(text[last : opened.start()])
        last = closed.end()
    out.append(text[last:])
    return "".join(out)


def _drop_inline_attributes(text):
    # The blanks before an attribute list go with it.
    out, last = [], 0
    for found in _IAL_INLINE.finditer(text):
        out.append(text[last : found.start()].rstrip(" \t"))
        last = found.end()
    out.append(text[last:])
    return "".join(out)


def _drop_toc_lists(text):
    """kramdown replaces the list just above {:toc} by a table of contents; the site makes its own."""
    out, last = [], 0
    for toc in _TOC_LINE.finditer(text):
        # ``cut`` is the newline before the first line to go; the {:toc} line stays, empty.
        cut = toc.start()
        while cut > last:
            line = text.rfind("\n", last, cut)
            if line == -1 or not _LIST_ITEM.match(text, line + 1, cut):
                break
            cut = line
        out += [text[last:cut], "\n"]
        last = toc.end()
    out.append(text[last:])
    return "".join(out)
