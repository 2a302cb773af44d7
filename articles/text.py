"""What is true of text: script detection, reading time, excerpts cut the right way for each language."""

import html
import math
import re

# Han, Hiragana, Katakana (and half-width), Hangul, and CJK punctuation/full-width forms.
CJK = (
    "\u3000-\u303f\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
)
CJK_CHAR = re.compile(f"[{CJK}]")
CJK_LETTER = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
NON_CJK_WORD = re.compile(rf"[^\s{CJK}]+")
WORD_CHAR = re.compile(r"\w")

CJK_CHARS_PER_MINUTE = 500
WORDS_PER_MINUTE = 200

_UNREAD_BLOCKS = re.compile(
    r"<(pre|script|style|svg|math|figure class=\"code\")\b.*?</\1>", re.DOTALL | re.IGNORECASE
)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def html_to_text(markup):
    """The words a reader sees in HTML: code blocks and tags dropped, entities decoded."""
    markup = _UNREAD_BLOCKS.sub(" ", markup)
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", markup))).strip()


def is_cjk(text):
    """True when most letters of the text are Chinese, Japanese or Korean."""
    sample = text[:4000]
    cjk = len(CJK_LETTER.findall(sample))
    latin = len(re.findall(r"[A-Za-z]", sample))
    return cjk > 0 and cjk * 2 >= latin


def reading_minutes(text):
    """Minutes to read plain text: CJK by characters (~500/min), other words (~200/min); at least 1."""
    # CJK punctuation counts: a reader pauses on 、 and 。 as on a character.
    cjk_chars = len(CJK_CHAR.findall(text))
    words = sum(1 for w in NON_CJK_WORD.findall(text) if WORD_CHAR.search(w))
    return max(1, math.ceil(cjk_chars / CJK_CHARS_PER_MINUTE + words / WORDS_PER_MINUTE))


_SENTENCE_END = "。！？!?"


def truncate(text, limit, ellipsis="…"):
    """Cut text to about `limit` characters: by characters for CJK, at a word boundary otherwise."""
    text = _SPACE.sub(" ", text).strip()
    if len(text) <= limit:
        return text
    cut = text[:limit]
    if is_cjk(cut):
        # Prefer ending on a full sentence when one ends in the last third.
        end = max(cut.rfind(c) for c in _SENTENCE_END)
        if end >= limit * 2 // 3:
            return cut[: end + 1]
        return cut.rstrip("、，, ") + ellipsis
    space = cut.rfind(" ")
    if space > 0:
        cut = cut[:space]
    return cut.rstrip(",;:—–- ") + ellipsis


def excerpt_from_html(markup, limit=None):
    """A plain-text excerpt of rendered HTML: 120 characters of CJK text or about 55 words otherwise."""
    text = html_to_text(markup)
    if limit is None:
        limit = 120 if is_cjk(text) else 320
    return truncate(text, limit)
