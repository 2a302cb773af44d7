"""Which library images an article shows, and the rule that each has alt text before it is public.

A Markdown body names a library image as ``![alt](image:42)``: the number stays right when the file
is replaced or the storage moves, where a file's address would not. The alt text written there is
the one readers get on that page; without it, the library's alt text is used.
"""

import re

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Image, ImageUse, Rendition

# ![alt](image:42) and ![alt](image:42 "title"); the alt may not hold "]" (Markdown's own rule
# for a simple image is looser, but an editor writes or pastes these plain).
REFERENCE = re.compile(r"!\[(?P<alt>[^\]]*)\]\(\s*image:(?P<pk>\d{1,10})(?:\s+\"[^\"]*\")?\s*\)")
# The same in raw HTML, as imported galleries have it: <img src="image:42" alt="...">.
HTML_REFERENCE = re.compile(r"""<img\b[^>]*?\ssrc\s*=\s*["']image:(?P<pk>\d{1,10})["'][^>]*>""", re.I)
HTML_ALT = re.compile(r"""\salt\s*=\s*(?:"(?P<d>[^"]*)"|'(?P<s>[^']*)')""", re.I)


def references(body):
    """{image id: the alt text written for it} for every library image the body shows."""
    found = {}
    for match in REFERENCE.finditer(body or ""):
        pk, alt = int(match["pk"]), match["alt"].strip()
        found[pk] = found.get(pk) or alt  # one use with alt text is enough to describe the picture
    for match in HTML_REFERENCE.finditer(body or ""):
        alt = HTML_ALT.search(match[0])
        pk, alt = int(match["pk"]), ((alt["d"] or alt["s"] or "") if alt else "").strip()
        found[pk] = found.get(pk) or alt
    return found


def used_ids(body, lead_image_id):
    ids = set(references(body))
    if lead_image_id:
        ids.add(lead_image_id)
    return ids


def unknown(body):
    """The ids the body names that are not in the library, in order."""
    named = references(body)
    known = set(Image.objects.filter(pk__in=named).values_list("pk", flat=True))
    return [pk for pk in named if pk not in known]


def without_alt(body, lead_image_id):
    """The library images that would reach readers without alt text: the lead image, or a body
    image for which neither the text nor the library gives one."""
    written = references(body)
    ids = used_ids(body, lead_image_id)
    images = Image.objects.filter(pk__in=ids).only("pk", "title", "alt_text").order_by("pk")
    return [
        image
        for image in images
        if image.missing_alt() and (image.pk == lead_image_id or not written.get(image.pk))
    ]


def alt_problem(body, lead_image_id):
    """Why these images may not be published yet, naming them; None when every one is described."""
    missing = without_alt(body, lead_image_id)
    if not missing:
        return None
    names = ", ".join(f"“{image.title}” (#{image.pk})" for image in missing)
    return ngettext(
        "The image %(names)s has no alt text: describe it in the image library before publishing.",
        "The images %(names)s have no alt text: describe them in the image library before publishing.",
        len(missing),
    ) % {"names": names}


def unknown_problem(body):
    missing = unknown(body)
    if not missing:
        return None
    return _("There is no image %(ids)s in the library.") % {"ids": ", ".join(f"#{pk}" for pk in missing)}


def record(article):
    """Keep the article's ImageUse rows to what it shows now (the write path calls this)."""
    wanted = set(
        Image.objects.filter(pk__in=used_ids(article.body, article.lead_image_id)).values_list(
            "pk", flat=True
        )
    )
    kept = set(ImageUse.objects.filter(article=article).values_list("image_id", flat=True))
    if kept - wanted:
        ImageUse.objects.filter(article=article, image_id__in=kept - wanted).delete()
    ImageUse.objects.bulk_create(ImageUse(article=article, image_id=pk) for pk in wanted - kept)


# A library image's address pasted into the text: the site's rendition address, the admin page
# of the image, or the stored original's or a rendition's file (relative or with any host).
PASTED = re.compile(
    r"(?P<open>!\[[^\]]*\]\(\s*)(?P<url>(?:https?://[^/\s)]+)?/(?P<path>[^\s)\"]+))(?P<close>(?:\s+\"[^\"]*\")?\s*\))"
)
SITE_PATHS = (
    re.compile(r"^images/(?P<pk>\d{1,10})/[\w-]+/[\w.-]+$"),
    re.compile(r"^admin/articles/image/(?P<pk>\d{1,10})/change/?$"),
)


def from_pasted_urls(body):
    """The body with each pasted address of a library image turned into its ``image:N`` reference,
    which stays right when the file is replaced or the storage moves."""
    matches = list(PASTED.finditer(body or ""))
    if not matches:
        return body
    files = {}
    for match in matches:
        path = match["path"].split("?")[0]
        marker = path.find("images/")
        if marker >= 0 and not any(p.match(path) for p in SITE_PATHS):
            files[path[marker:]] = None  # images/originals/... or images/renditions/...
    if files:
        files.update(Image.objects.filter(file__in=files).values_list("file", "pk"))
        renditions = Rendition.objects.filter(file__in=[f for f, pk in files.items() if pk is None])
        files.update(renditions.values_list("file", "image_id"))

    def replace(match):
        path = match["path"].split("?")[0]
        for site_path in SITE_PATHS:
            found = site_path.match(path)
            if found:
                return f"{match['open']}image:{int(found['pk'])}{match['close']}"
        marker = path.find("images/")
        pk = files.get(path[marker:]) if marker >= 0 else None
        return f"{match['open']}image:{pk}{match['close']}" if pk else match[0]

    return PASTED.sub(replace, body)
