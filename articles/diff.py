"""The diff between two revisions: changed lines word by word (CJK character by character).

Its time is bounded whatever the texts. difflib's SequenceMatcher takes up to one step per pair of
elements (lines, or tokens of a changed line), so it is given at most MAX_PAIRS pairs in all for one
diff. Longer texts have their common start and end set aside, and the rest is cut at the elements
found once on each side, in the same order ("patience" anchors); each piece between two anchors is
compared while pairs are left, and a piece left over is shown whole, as one deletion and one
insertion. Texts within the budget get exactly SequenceMatcher's diff.
"""

import re
from bisect import bisect_left
from collections import Counter
from difflib import SequenceMatcher

from django.utils.dateparse import parse_datetime
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .revisions import LABELS
from .text import CJK
from .workflow import format_moment

# Unchanged lines shown before and after each change (a Markdown paragraph and its blank line).
CONTEXT = 2
# One token per CJK character, per run of other word characters, per run of spaces, per other sign.
_TOKEN = re.compile(rf"[{CJK}]|[^\W{CJK}]+|\s+|.", re.DOTALL)
# Pairs of elements SequenceMatcher may look at for one diff (a few tenths of a second).
MAX_PAIRS = 2_000_000


def tokens(text):
    """Japanese is compared character by character, English word by word."""
    return _TOKEN.findall(text)


def _anchors(a, b):
    """(i, j) of the elements found once in a and once in b: the longest series in the same order."""
    count_a, count_b = Counter(a), Counter(b)
    in_b = {x: j for j, x in enumerate(b) if count_b[x] == 1}
    pairs = [(i, in_b[x]) for i, x in enumerate(a) if count_a[x] == 1 and x in in_b]
    # Longest series of increasing j (patience sorting): tails[k] is the smallest j that ends a
    # series of length k + 1, ends[k] that pair's index, before[n] the pair before pairs[n].
    tails, ends, before = [], [], []
    for n, (_i, j) in enumerate(pairs):
        k = bisect_left(tails, j)
        before.append(ends[k - 1] if k else None)
        tails[k : k + 1], ends[k : k + 1] = [j], [n]
    series, n = [], ends[-1] if ends else None
    while n is not None:
        series.append(pairs[n])
        n = before[n]
    return series[::-1]


def _common_ends(a, b):
    """How many elements a and b have in common at their start, and then at their end."""
    shortest = min(len(a), len(b))
    start = 0
    while start < shortest and a[start] == b[start]:
        start += 1
    end = 0
    while end < shortest - start and a[-1 - end] == b[-1 - end]:
        end += 1
    return start, end


def _compared(a, b, budget):
    """SequenceMatcher's matching blocks, or None when a and b make more pairs than budget[0] has."""
    if len(a) * len(b) > budget[0]:
        return None
    budget[0] -= len(a) * len(b)
    return SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()


def _piece(a, b, budget):
    """Matching blocks of a stretch between anchors: its common ends, then SequenceMatcher's."""
    start, end = _common_ends(a, b)
    a_mid, b_mid = a[start : len(a) - end], b[start : len(b) - end]
    inner = _compared(a_mid, b_mid, budget) if a_mid and b_mid else None  # None: shown whole
    blocks = [(0, 0, start)] + [(start + i, start + j, size) for i, j, size in inner or []]
    return blocks + [(len(a) - end, len(b) - end, end)]


def _matches(a, b, budget):
    """Matching blocks (i, j, size) of two lists, in order; budget[0] is the pairs left to look at."""
    blocks = _compared(a, b, budget)
    if blocks is not None:
        return blocks
    start, end = _common_ends(a, b)
    a_mid, b_mid = a[start : len(a) - end], b[start : len(b) - end]
    inner, i0, j0 = [], 0, 0  # where the piece after the last anchor starts
    for i, j in [*_anchors(a_mid, b_mid), (len(a_mid), len(b_mid))]:
        inner += [(i0 + x, j0 + y, size) for x, y, size in _piece(a_mid[i0:i], b_mid[j0:j], budget)]
        inner.append((i, j, 1 if i < len(a_mid) else 0))  # the anchor (none at the end)
        i0, j0 = i + 1, j + 1
    blocks = [(0, 0, start)] + [(start + i, start + j, size) for i, j, size in inner]
    return blocks + [(len(a) - end, len(b) - end, end)]


def _opcodes(a, b, budget):
    """Like SequenceMatcher.get_opcodes(), from _matches: one "equal" for blocks side by side."""
    opcodes, i, j = [], 0, 0
    for ai, bj, size in _matches(a, b, budget):
        if i < ai or j < bj:
            tag = "replace" if i < ai and j < bj else "delete" if i < ai else "insert"
            opcodes.append((tag, i, ai, j, bj))
        if size and opcodes and opcodes[-1][0] == "equal":
            opcodes[-1] = ("equal", opcodes[-1][1], ai + size, opcodes[-1][3], bj + size)
        elif size:
            opcodes.append(("equal", ai, ai + size, bj, bj + size))
        i, j = ai + size, bj + size
    return opcodes


def _token_diff(old, new, budget):
    a, b = tokens(old), tokens(new)
    out = []
    for op, i1, i2, j1, j2 in _opcodes(a, b, budget):
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if j2 > j1:
            out.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return out


def _unchanged(lines, first, last):
    """Unchanged lines, long runs shortened to the CONTEXT lines beside the changes."""
    keep_head = 0 if first else CONTEXT
    keep_tail = 0 if last else CONTEXT
    if len(lines) <= keep_head + keep_tail + 1:
        return escape("".join(lines))
    skipped = len(lines) - keep_head - keep_tail
    marker = _("⋯ %(count)d unchanged lines ⋯") % {"count": skipped}
    tail = lines[len(lines) - keep_tail :] if keep_tail else []
    return (
        escape("".join(lines[:keep_head]))
        + f'<span class="diff-skip">{escape(marker)}</span>\n'
        + escape("".join(tail))
    )


def diff_html(old, new):
    """An escaped HTML diff: changed lines token by token, with a few unchanged lines around them."""
    # Lines first, so a long article costs only what its changed paragraphs cost.
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    budget = [MAX_PAIRS]
    opcodes = _opcodes(a, b, budget)
    out = []
    for n, (op, i1, i2, j1, j2) in enumerate(opcodes):
        if op == "equal":
            out.append(_unchanged(a[i1:i2], first=n == 0, last=n == len(opcodes) - 1))
        else:
            out.extend(_token_diff("".join(a[i1:i2]), "".join(b[j1:j2]), budget))
    return mark_safe("".join(out))


def _as_text(key, value):
    if key in ("published_at", "unpublish_at"):
        return format_moment(parse_datetime(value)) if value else ""
    if key in ("categories", "authors"):
        return ", ".join(item["name"] for item in value or [])
    if key == "tags":
        return ", ".join(value or [])
    return value or ""


def compare(old, new):
    """The fields that differ between two revisions, each with its label and diff."""
    changes = []
    for key, label in LABELS.items():
        before, after = _as_text(key, old.data.get(key)), _as_text(key, new.data.get(key))
        if before != after:
            changes.append({"field": key, "label": label, "diff": diff_html(before, after)})
    return changes
