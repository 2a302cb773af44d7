"""Reading a query: the reader's text as clauses (words, CJK terms, quoted phrases, exclusions)."""

import re
from dataclasses import dataclass, field

from .tokens import TOKEN, bigrams, normalize

MAX_QUERY_LENGTH = 200
MAX_CLAUSES = 12

# -"a phrase", "a phrase", -word, word; an unclosed quote runs to the end.
_QUERY_PART = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})


@dataclass
class Clause:
    """One condition: a word, a CJK term or a quoted phrase, its parts in order; maybe excluded."""

    text: str
    parts: list  # ("word", w) or ("cjk", run), as written
    excluded: bool = False

    @property
    def tokens(self):
        """(token, prefix) pairs as the index holds them, in order.

        A CJK run's last letter is a token only where more of the term follows (the document's run
        may go on: 人材 is in 人材育成, whose tokens are 人材 材育 育成 成); a lone letter ending the
        term matches as a prefix (株 finds 株価).
        """
        out = []
        for n, (kind, value) in enumerate(self.parts):
            end = n == len(self.parts) - 1
            if kind == "word":
                out.append((value, False))
            elif len(value) == 1:
                out.append((value, end))
            else:
                out += [(bigram, False) for bigram in bigrams(value)]
                if not end:
                    out.append((value[-1], False))
        return out


@dataclass
class Query:
    text: str = ""  # as the reader wrote it, cut to MAX_QUERY_LENGTH
    clauses: list = field(default_factory=list)
    truncated: bool = False

    @property
    def included(self):
        return [clause for clause in self.clauses if not clause.excluded]

    @property
    def excluded(self):
        return [clause for clause in self.clauses if clause.excluded]

    def __bool__(self):
        # Only exclusions ("-foo") would list everything else: that is no search.
        return bool(self.included)


def parse_query(text):
    """The reader's query as clauses; junk (punctuation, SQL, control characters) leaves none."""
    text = " ".join(str(text or "").split())
    truncated = len(text) > MAX_QUERY_LENGTH
    text = text[:MAX_QUERY_LENGTH]
    clauses = []
    for match in _QUERY_PART.finditer(normalize(text).translate(_QUOTES)):
        minus, phrase = match.group(1, 2) if match.group(2) is not None else match.group(3, 4)
        parts = [("cjk" if m.group(1) else "word", m.group()) for m in TOKEN.finditer(phrase)]
        if parts:
            clauses.append(Clause(phrase, parts, excluded=bool(minus)))
    return Query(text, clauses[:MAX_CLAUSES], truncated)
