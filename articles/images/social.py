"""The social-sharing card (og:image, twitter:image) of an article that has no lead image.

Why generated: a shared link without a picture shows as a bare line of text on most services; a
card with the article's own title says what the link is about, in the site's colours, without
asking every writer for a picture.

Why stored: drawing takes a font and a PNG encoder, and the card of a title never changes. It is
drawn by the first page that asks for it and kept in the default storage (the local disk or S3)
under a name made of everything drawn on it, so a changed title, site name or DESIGN gets a new
file and an unchanged one is never drawn again, on any machine. That the file exists is remembered
in the cache, so rendering a page does not ask S3.

Why budoux: Japanese has no spaces, and breaking a title at any character splits words ("クラ" /
"ウド"), which reads badly at the size of a card. budoux splits a sentence into phrases; lines
break only between them, then the kinsoku rules keep closing punctuation and small kana off the
start of a line and opening brackets off its end.
"""

import hashlib
import io
import logging
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache

import budoux
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw, ImageFont

logger = logging.getLogger(__name__)

# Part of every file's name: change it whenever the drawing changes, so cards get new names.
DESIGN = "1"
WIDTH, HEIGHT = 1200, 630
MARGIN = 80
SIZES = (64, 60, 56, 52, 48, 44, 40)  # the title's, tried in turn until it fits MAX_LINES
MAX_LINES = 4
LINE_HEIGHT = 1.4  # as the site's headings (static/css/site.css, h1-h4)
SITE_NAME_SIZE = 30
# The reader's colours, from the custom properties in static/css/site.css (:root).
PAPER = "#f4f6f8"  # --soft
INK = "#1a1a1a"  # --text
MUTED = "#585858"  # --muted
ACCENT = "#0b57a4"  # --link

# Kinsoku: never at the start of a line, never at its end.
NO_START = frozenset("、。，．・：；！？）」』】〕〉》ーぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮ,.!?:;)")
NO_END = frozenset("（「『【〔〈《(")
ELLIPSIS = "…"

FONT_STYLES = {"bold": "Bold", "regular": "Regular"}
# Where Debian (fonts-noto-cjk), Arch and Fedora put the collections; index 0 is the JP face.
FONT_DIRS = ("opentype/noto", "noto-cjk", "google-noto-cjk")  # under /usr/share/fonts


@dataclass(frozen=True)
class Card:
    url: str  # storage.url(name): may be relative (/media/...), the caller makes it absolute
    width: int
    height: int
    name: str  # in default_storage


CARD_SIZE = (WIDTH, HEIGHT)


def card_digest(title):
    """The part of a card's page address that changes with what it shows (views.share_card_view)."""
    return hashlib.sha256("\0".join((DESIGN, title)).encode()).hexdigest()[:12]


def card_available():
    """Whether this machine can draw cards (pages then name one as their sharing image)."""
    return _fonts() is not None


_parser = budoux.load_default_japanese_parser()


def _atoms(phrases):
    """The pieces a line may break between: phrases glued so no break falls where kinsoku forbids."""
    out = []
    for piece in phrases:
        head, tail = piece.lstrip()[:1], out[-1].rstrip()[-1:] if out else ""
        if out and (head in NO_START or tail in NO_END):
            out[-1] += piece
        else:
            out.append(piece)
    return out


def lines(text, width_px, measure):
    """The lines `text` wraps to in `width_px`, `measure` giving a string's width in pixels.

    Breaks between budoux's phrases (between words in text with spaces, which budoux returns
    whole); a piece wider than the line is broken between characters. Kinsoku applies to both.
    """
    text = " ".join(text.split())
    # A space stays with the word before it, so a line broken there loses it (rstrip) and no
    # line starts with one.
    words = [w for phrase in _parser.parse(text) for w in re.findall(r"\S+\s*|\s+", phrase)]
    out, line = [], ""

    def fits(s):
        return measure(s.rstrip()) <= width_px

    for atom in _atoms(words):
        if fits(line + atom):
            line += atom
            continue
        if line:
            out.append(line.rstrip())
            line = ""
        if fits(atom):
            line = atom
            continue
        for char in _atoms(list(atom)):
            if line and not fits(line + char):
                out.append(line.rstrip())
                line = ""
            line += char
    if line.strip():
        out.append(line.rstrip())
    return out


def _cut(wrapped, max_lines, width_px, measure):
    """The first `max_lines` lines, the last ending in an ellipsis if anything was left out."""
    if len(wrapped) <= max_lines:
        return wrapped
    last = wrapped[max_lines - 1]
    while last and measure(last + ELLIPSIS) > width_px:
        last = last[:-1]
    return [*wrapped[: max_lines - 1], last.rstrip().rstrip("".join(NO_END)) + ELLIPSIS]


def _find_font(style):
    """(path, index) of Noto Sans CJK JP in `style`, or None: a file on a known path, else fc-match's."""
    found = [(f"/usr/share/fonts/{d}/NotoSansCJK-{FONT_STYLES[style]}.ttc", 0) for d in FONT_DIRS]
    if shutil.which("fc-match"):
        try:
            command = ["fc-match", "-f", "%{file}\n%{index}", f"Noto Sans CJK JP:{style}"]
            result = subprocess.run(command, capture_output=True, text=True, timeout=10)
            path, _, index = result.stdout.partition("\n")
            found.append((path, int(index or 0)))
        except (OSError, ValueError, subprocess.SubprocessError):
            pass
    for path, index in found:
        try:
            # Pillow would look a missing path's file name up in the font folders: say where it is.
            font = ImageFont.truetype(path, 10, index=index) if os.path.isfile(path) else None
        except OSError:
            continue
        # fc-match answers with whatever it has (DejaVu, say), which draws boxes for kanji.
        if font and font.getname() == ("Noto Sans CJK JP", FONT_STYLES[style]):
            return path, index
    return None


@lru_cache(maxsize=1)
def _fonts():
    """{"bold": (path, index), "regular": ...}, or None (warned once) when either is missing."""
    fonts = {style: _find_font(style) for style in FONT_STYLES}
    if None in fonts.values():
        logger.warning("No Noto Sans CJK JP font (apt-get install fonts-noto-cjk): no social cards")
        return None
    return fonts


@lru_cache(maxsize=32)
def _font(style, size):
    path, index = _fonts()[style]
    return ImageFont.truetype(path, size, index=index)


def _layout(title, width_px):
    """The largest size at which the title fits MAX_LINES, or the smallest with the rest cut."""
    for size in SIZES:
        font = _font("bold", size)
        wrapped = lines(title, width_px, font.getlength)
        if len(wrapped) <= MAX_LINES:
            return font, wrapped
    return font, _cut(wrapped, MAX_LINES, width_px, font.getlength)


def draw(title, site_name):
    """The card as PNG bytes."""
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    pen = ImageDraw.Draw(image)
    text_width = WIDTH - 2 * MARGIN
    # The footer: an accent bar above the site name, whose baseline sits on the bottom margin.
    name_font = _font("regular", SITE_NAME_SIZE)
    name = _cut(lines(site_name, text_width, name_font.getlength), 1, text_width, name_font.getlength)
    pen.text((MARGIN, HEIGHT - MARGIN), "".join(name), font=name_font, fill=MUTED, anchor="ls")
    bar_top = HEIGHT - MARGIN - SITE_NAME_SIZE - 36
    pen.rectangle((MARGIN, bar_top, MARGIN + 72, bar_top + 5), fill=ACCENT)
    # The title, centred in the height above the footer.
    font, wrapped = _layout(title, text_width)
    step = round(font.size * LINE_HEIGHT)
    top = MARGIN + max(0, (bar_top - 40 - MARGIN - step * len(wrapped)) // 2)
    for i, line in enumerate(wrapped):
        pen.text((MARGIN, top + i * step + step // 2), line, font=font, fill=INK, anchor="lm")
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def social_card(title: str, *, site_name: str) -> Card | None:
    """The stored card for `title`, drawn first if need be; None when this machine has no CJK font
    (unless the cache already knows the card is stored)."""
    key = hashlib.sha256("\0".join((DESIGN, site_name, title)).encode()).hexdigest()[:24]
    name = f"images/cards/{key}.png"
    card = Card(url=default_storage.url(name), width=WIDTH, height=HEIGHT, name=name)
    if cache.get(f"social-card:{name}"):
        return card
    # Without a font this machine could not draw it; asking the storage first would cost a request
    # to S3 on every page, since nothing is remembered.
    if _fonts() is None:
        return None
    if not default_storage.exists(name):
        png = draw(title, site_name)
        # Another request may have stored the same card meanwhile; save() would keep both, the
        # second under a new name, so that one is deleted.
        if not default_storage.exists(name):
            saved = default_storage.save(name, ContentFile(png))
            if saved != name:
                default_storage.delete(saved)
    cache.set(f"social-card:{name}", True, None)
    return card
