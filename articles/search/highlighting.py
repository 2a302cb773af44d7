"""Showing a match: the terms marked in a title, and the snippet a result shows."""

import re
import unicodedata

from django.utils.html import escape
from django.utils.safestring import mark_safe

from ..text import html_to_text
from .tokens import WORD_CHAR, normalize, word_pattern

SNIPPET_BEFORE = 50
SNIPPET_LENGTH = 160


def _text_pattern(clause):
    """A regular expression for the clause as written, in normalised running text."""
    pieces = []
    for kind, value in clause.parts:
        if kind == "cjk":
            pieces.append(re.escape(value))
        else:
            pieces.append(rf"(?<!{WORD_CHAR}){word_pattern(value)}(?!{WORD_CHAR})")
    return r"[\W_]*".join(pieces)


def _spans(text, pattern):
    """Where ``pattern`` matches ``text`` once normalised, as (start, end) indexes in ``text``, in
    order; a generator, so that a snippet reads no further than it shows."""
    lowered = text.lower()
    if len(lowered) == len(text):  # the usual case: no folding needed, or none that moves letters
        found = False
        for match in pattern.finditer(lowered):
            if match.end() > match.start():
                found = True
                yield match.span()
        if found or unicodedata.is_normalized("NFKC", text):
            return  # folding would change nothing that lower() did not
    # NFKC may change lengths (… becomes ...): fold letter by letter and keep where each came from.
    table = {char: normalize(char) for char in set(text)}
    pieces = [table[char] for char in text]
    positions = [index for index, piece in enumerate(pieces) for _ in piece]
    for match in pattern.finditer("".join(pieces)):
        if match.end() > match.start():
            yield positions[match.start()], positions[match.end() - 1] + 1


def highlight(text, query, *, length=SNIPPET_LENGTH):
    """The part of ``text`` around the first match (all of it when ``length`` is None), HTML-escaped,
    matches in <mark>; None when nothing matches."""
    if not query or not text:
        return None
    pattern = re.compile("|".join(f"(?:{_text_pattern(clause)})" for clause in query.included))
    spans = []
    for span in _spans(text, pattern):
        if length is not None and spans and span[0] >= spans[0][0] + length:
            break  # past any snippet that starts before the first match
        spans.append(span)
    if not spans:
        return None
    start = 0 if length is None else max(0, spans[0][0] - SNIPPET_BEFORE)
    if start > 0 and " " in text[start : spans[0][0]]:
        start = text.index(" ", start) + 1  # do not cut an English word in two
    end = len(text) if length is None else min(len(text), start + length)
    html, cursor = [], start
    for s, e in spans:
        if s < cursor or s >= end:
            continue
        html += [escape(text[cursor:s]), "<mark>", escape(text[s:e]), "</mark>"]
        cursor = e
    html.append(escape(text[cursor:end]) if cursor < end else "")
    return mark_safe(("…" if start > 0 else "") + "".join(html) + ("…" if end < len(text) else ""))


def snippet(article, query):
    """The highlighted excerpt a result shows: from the body, else the summary, else nothing."""
    return highlight(html_to_text(article.body_html), query) or highlight(article.summary, query)
