"""An article's table of contents, read from the headings of its stored HTML."""

import html
import re
from dataclasses import dataclass, field

from .text import html_to_text

# A long article gets a table of contents: one with fewer headings is read without one.
TOC_MIN_HEADINGS = 3

_HEADING = re.compile(r'<h([23])\b[^>]*\bid="([^"]+)"[^>]*>(.*?)</h\1>', re.DOTALL | re.IGNORECASE)


@dataclass
class Heading:
    level: int
    id: str
    text: str
    children: list = field(default_factory=list)


def table_of_contents(body_html, minimum=TOC_MIN_HEADINGS):
    """The h2/h3 headings of stored HTML that carry ids, h3s nested under their h2, if enough of them."""
    headings = [
        Heading(int(level), html.unescape(anchor), html_to_text(inner))
        for level, anchor, inner in _HEADING.findall(body_html)
    ]
    if len(headings) < minimum:
        return []
    contents = []
    for heading in headings:
        if heading.level == 3 and contents and contents[-1].level == 2:
            contents[-1].children.append(heading)
        else:
            contents.append(heading)
    return contents
