"""Tokens: text folded and cut as the index, the queries and the highlighter all read it."""

import re
import unicodedata

# The text search configuration of the vectors and of the queries: both sides must stem alike.
CONFIG = "english"

# Letters of CJK scripts (kana, kanji, hangul, 々〆〇); CJK punctuation such as 、。・ is not a letter.
CJK_LETTERS = (
    "\u1100-\u11ff\u3005-\u3007\u3041-\u309f\u30a1-\u30fa\u30fc-\u30ff\u3130-\u318f\u31f0-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
)
WORD_CHAR = rf"[^\W_{CJK_LETTERS}]"
# A CJK run (group 1) or a word of other letters and digits.
TOKEN = re.compile(rf"([{CJK_LETTERS}]+)|{WORD_CHAR}+")
_CJK_RUN = re.compile(rf"[{CJK_LETTERS}]+")
_ALNUM = re.compile(r"[^\W_]+")

# Longest first: the first one ending the word is the one taken off.
# fmt: off
_SUFFIXES = ("ations", "ation", "ments", "ment", "ings", "ing", "ies", "ied", "ers", "er", "es", "ed",
             "e", "s")
# fmt: on


def normalize(text):
    """Full-width letters and half-width kana folded (NFKC), then lower case: as both sides compare."""
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return text.lower()


def bigrams(run):
    return list(map(str.__add__, run[:-1], run[1:]))


def index_words(text):
    """Text as the index holds it: words, and each CJK run as its bigrams then its last letter.

    投資競争 -> 投資 資競 競争 争. With the last letter every letter starts a token, so a one-letter
    query (``株:*``) finds 米国株 too; a query's term keeps it only where more of the term follows.
    """
    return " ".join(_ALNUM.findall(_CJK_RUN.sub(_spread, normalize(text))))


def _spread(match):
    run = match.group()
    if len(run) == 1:
        return f" {run} "
    return " " + " ".join(map(str.__add__, run, run[1:])) + f" {run[-1]} "


def word_pattern(word):
    """A word and its English inflections, roughly (PostgreSQL's own matching stems with Snowball)."""
    stem = word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)]
            break
    return re.escape(stem) + "(?:" + "|".join(_SUFFIXES) + ")?"
