"""Library images as readers get them: ``<picture>`` markup with AVIF and WebP sources, a JPEG
fallback, widths for phones to wide screens and the size set so nothing shifts as it loads.

Every rendition is addressed through the site (``/images/42/<token>/w800.webp``, views.py), not by
its file: a page is written without asking whether its renditions exist yet, each is made by the
first browser that asks for it (only the sizes and formats browsers really choose are ever made),
and the width and height are worked out from the original's (renditions.geometry), so no page
waits on a resize and none needs a query for renditions.
"""

import html
import re

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from .. import links
from .models import Image
from .renditions import AVIF_SUPPORTED, geometry, parse_spec

WIDTHS = (400, 560, 720, 960, 1200, 1600)  # steps of about 1.3: a phone at 1x up to a wide column at 2x
SOURCES = ("avif", "webp") if AVIF_SUPPORTED else ("webp",)
# The article column (--measure in site.css, 42rem, with 1rem of margin each side on phones).
BODY_SIZES = "(min-width: 44rem) 42rem, calc(100vw - 2rem)"
CARD_BOX = (16, 9)  # cards show their lead image in this shape, around the focal point
CARD_WIDTHS = (400, 800)
CARD_SIZES = "(min-width: 44rem) 20rem, calc(100vw - 2rem)"
SHARE = "fill-1200x630.jpg"  # og:image and twitter:image
THUMBNAIL, PREVIEW = "w160.webp", "w800.webp"  # the library's list and its change form


def _spec(width, box, ext):
    if box is None:
        return f"w{width}.{ext}"
    return f"fill-{width}x{round(width * box[1] / box[0])}.{ext}"


def _served():
    specs = {SHARE, THUMBNAIL, PREVIEW}
    for ext in (*SOURCES, "jpg"):
        specs |= {_spec(width, None, ext) for width in WIDTHS}
        specs |= {_spec(width, CARD_BOX, ext) for width in CARD_WIDTHS}
    return frozenset(specs)


# The only specs the rendition view makes: anyone may ask for any address, and each new spec
# would be a resize and a file kept.
SERVED = _served()


def url(image, spec):
    return links.reverse("articles:image", image.pk, image.token, spec)


def size(image, spec):
    """The (width, height) the rendition will have, known before it is made."""
    return geometry(image, parse_spec(spec))[0]


def picture(image, *, alt, sizes=BODY_SIZES, lazy=True, box=None, widths=WIDTHS):
    """The ``<picture>`` for ``image``; ``box`` forces a shape (w, h), cropped around the focal point."""
    # Never wider than the original: renditions are never enlarged, so those would repeat one size.
    chosen = {}
    for width in widths:
        out = size(image, _spec(width, box, "jpg"))
        chosen.setdefault(out[0], width)
    largest = max(chosen)
    width, height = size(image, _spec(chosen[largest], box, "jpg"))

    def srcset(ext):
        return ", ".join(
            f"{url(image, _spec(asked, box, ext))} {out}w" for out, asked in sorted(chosen.items())
        )

    sources = format_html_join(
        "", '<source type="image/{}" srcset="{}" sizes="{}">', ((ext, srcset(ext), sizes) for ext in SOURCES)
    )
    middle = min(chosen, key=lambda out: abs(out - 800))  # the fallback src for the oldest browsers
    # Below the fold: fetched as the reader nears it. Above it (the lead image, usually the
    # largest paint): fetched at once, ahead of what else the page asks for.
    loading = 'loading="lazy"' if lazy else 'loading="eager" fetchpriority="high"'
    return format_html(
        '<picture>{}<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}" {} '
        'decoding="async"></picture>',
        sources,
        url(image, _spec(chosen[middle], box, "jpg")),
        srcset("jpg"),
        sizes,
        width,
        height,
        alt,
        mark_safe(loading),
    )


def figure(image, *, alt, lazy=True, sizes=BODY_SIZES):
    """The picture with its caption and credit line, when it has them."""
    shown = picture(image, alt=alt, lazy=lazy, sizes=sizes)
    if not (image.caption or image.credit):
        return format_html('<figure class="image">{}</figure>', shown)
    credit = format_html('<span class="credit">{}</span>', image.credit) if image.credit else ""
    return format_html(
        '<figure class="image">{}<figcaption>{} {}</figcaption></figure>', shown, image.caption, credit
    )


# What markdown.render_markdown leaves for ![alt](image:42): an <img> alone in its paragraph
# becomes a figure, one within a line of text an inline picture.
PLACEHOLDER = re.compile(
    r'(?P<open><p>)?<img(?P<before>[^>]*?) src="image:(?P<pk>\d+)"(?P<attrs>[^>]*)>(?(open)</p>)'
)
ALT = re.compile(r'\balt="(?P<alt>[^"]*)"')
# In every placeholder. Most texts show no library image: testing for this is a hundred times
# cheaper than running PLACEHOLDER over them.
REFERENCE = 'src="image:'


def _alt(match, image):
    # The text's own alt text describes the picture where it is; else the library's.
    written = ALT.search(match["before"]) or ALT.search(match["attrs"])
    return html.unescape(written["alt"]) if written and written["alt"].strip() else image.alt_text


def referenced(*htmls):
    """The ids of the library images these HTML texts show."""
    found = (text for text in htmls if text and REFERENCE in text)
    return {int(match["pk"]) for text in found for match in PLACEHOLDER.finditer(text)}


def library(ids):
    """{id: Image} for these ids, in one query."""
    return Image.objects.in_bulk(ids) if ids else {}


def expand(body_html, images):
    """The body with each library image reference as a picture; an image not in ``images`` (not in
    the library any more) is left out rather than shown broken."""
    if not images or REFERENCE not in body_html:
        return mark_safe(body_html)  # the sanitised HTML of render_markdown

    def replace(match):
        image = images.get(int(match["pk"]))
        if image is None:
            return ""
        alt = _alt(match, image)
        if match["open"]:
            return figure(image, alt=alt)
        return picture(image, alt=alt)

    return mark_safe(PLACEHOLDER.sub(replace, body_html))


def lead(article):
    """The article's lead image as its page shows it, loaded at once: it is the first thing seen."""
    image = article.lead_image
    if image is None:
        return ""
    return figure(image, alt=image.alt_text, lazy=False)


def card_picture(image):
    # The card's title beside it says what the article is: the picture is decoration there (alt="").
    return picture(image, alt="", sizes=CARD_SIZES, box=CARD_BOX, widths=CARD_WIDTHS)


FEED = "w800.jpg"  # feed readers show one JPEG at most a column wide


def plain(image, alt):
    """One JPEG <img>: feed readers show little more than that (feeds.py makes the address absolute)."""
    width, height = size(image, FEED)
    return format_html('<img src="{}" width="{}" height="{}" alt="{}">', url(image, FEED), width, height, alt)


def expand_plain(body_html, images):
    """expand() for feeds: each library image as plain(), its caption and credit as text after it."""
    if not images or REFERENCE not in body_html:
        return mark_safe(body_html)

    def replace(match):
        image = images.get(int(match["pk"]))
        if image is None:
            return ""
        shown = plain(image, _alt(match, image))
        if match["open"]:
            line = " ".join(filter(None, [image.caption, image.credit]))
            return format_html("<p>{}</p>{}", shown, format_html("<p>{}</p>", line) if line else "")
        return shown

    return mark_safe(PLACEHOLDER.sub(replace, body_html))
