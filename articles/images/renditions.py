"""Renditions: the sizes and formats readers download, each made from the original once and kept.

A spec names one: ``w800.webp`` is 800 pixels wide (never wider than the original, the height
following the picture), ``fill-1200x630.jpg`` fills a 1200x630 box, cropped around the image's focal
point (smaller, in the same shape, when the original is too small: nothing is ever enlarged). The
formats are AVIF, WebP and JPEG (the fallback every browser reads).

When renditions are made: by the first request that needs one, then never again. The row and its
file are kept in the default storage beside the originals, so every later page, on every machine,
reads the row and prints the file's URL. Making them at upload instead would make every size of
every format for every image, most of which no page ever shows, keep the editor waiting for all of
them, and need a backfill whenever a template asks for a new size; this project runs no task queue
to do it in the background. The cost is paid once per rendition, by one page, and the page cache in
front means readers rarely see even that. The admin's thumbnail is the exception: it is made right
after an upload, since the library's list shows it at once.

Two first requests at the same moment may both resize, but only one rendition is kept: the unique
(image, spec) constraint lets one insert win, and the other deletes the file it wrote and returns
the winner's row. Each file's name carries a random part, so the loser's file is never the winner's.
Locking the image instead would hold a transaction open for the whole resize and make requests for
the image's other sizes queue behind it.
"""

import io
import math
import os
import re
import secrets
from dataclasses import dataclass

from django.core.files.base import ContentFile
from PIL import ExifTags, ImageOps, features
from PIL import Image as PILImage

from .models import Rendition
from .uploads import QUARTER_TURNS

MAX_SIZE = 4000
SPEC = re.compile(
    r"^(?:w(?P<width>[1-9]\d{0,3})|fill-(?P<box_w>[1-9]\d{0,3})x(?P<box_h>[1-9]\d{0,3}))"
    r"\.(?P<ext>avif|webp|jpg)$"
)
FORMATS = {"avif": "AVIF", "webp": "WEBP", "jpg": "JPEG"}
# Qualities at which the three look alike on photographs; AVIF and WebP then weigh about half a JPEG.
SAVE_OPTIONS = {
    "AVIF": {"quality": 55, "speed": 7},
    "WEBP": {"quality": 78, "method": 4},
    "JPEG": {"quality": 80, "optimize": True, "progressive": True},
}
AVIF_SUPPORTED = features.check("avif")


@dataclass(frozen=True)
class Spec:
    width: int
    height: int | None  # None: only the width is given
    format: str


def parse_spec(spec):
    """The Spec that ``spec`` names, or ValueError."""
    match = SPEC.match(spec)
    if not match:
        raise ValueError(f"not a rendition spec: {spec!r} (w800.webp, fill-1200x630.jpg)")
    image_format = FORMATS[match["ext"]]
    if image_format == "AVIF" and not AVIF_SUPPORTED:
        raise ValueError("this Pillow cannot write AVIF")
    if match["width"]:
        width, height = int(match["width"]), None
    else:
        width, height = int(match["box_w"]), int(match["box_h"])
    if max(width, height or 0) > MAX_SIZE:
        raise ValueError(f"renditions are at most {MAX_SIZE} pixels a side")
    return Spec(width, height, image_format)


def rendition(image, spec):
    """The stored rendition of ``image`` for ``spec``, made now if it is the first time it is asked for."""
    parsed = parse_spec(spec)
    found = Rendition.objects.filter(image=image, spec=spec).first()
    if found:
        return found
    data, (width, height) = render(image, parsed)
    storage = Rendition._meta.get_field("file").storage
    name = storage.save(file_name(image, spec), ContentFile(data))
    try:
        # get_or_create inserts in a savepoint; when another request's insert won, it reads that row.
        made, created = Rendition.objects.get_or_create(
            image=image, spec=spec, defaults={"file": name, "width": width, "height": height}
        )
    except BaseException:
        storage.delete(name)
        raise
    if not created:
        storage.delete(name)
    return made


def file_name(image, spec):
    stem = os.path.splitext(os.path.basename(image.file.name))[0][:80]
    base, ext = spec.rsplit(".", 1)
    # The random part: a rendition made again (after a new focal point or file) gets a new URL,
    # so no CDN or browser shows the old one, and two requests racing never write one name.
    return f"images/renditions/{stem}.{base}.{secrets.token_hex(4)}.{ext}"


def geometry(image, spec):
    """The output size and the part of the original it shows, as (left, top, right, bottom)."""
    full_w, full_h = image.width, image.height
    if spec.height is None:
        out_w = min(spec.width, full_w)
        return (out_w, max(1, round(full_h * out_w / full_w))), (0.0, 0.0, float(full_w), float(full_h))
    shape = spec.width / spec.height
    crop_w = min(float(full_w), full_h * shape)
    crop_h = crop_w / shape
    left = min(max(image.focal_x * full_w - crop_w / 2, 0.0), full_w - crop_w)
    top = min(max(image.focal_y * full_h - crop_h / 2, 0.0), full_h - crop_h)
    out_w = min(spec.width, max(1, math.floor(crop_w)))
    out_h = spec.height if out_w == spec.width else max(1, round(out_w / shape))
    return (out_w, out_h), (left, top, left + crop_w, top + crop_h)


def render(image, spec):
    """The rendition's encoded bytes and its (width, height)."""
    size, box = geometry(image, spec)
    storage = image.file.storage
    with storage.open(image.file.name, "rb") as original:
        picture = PILImage.open(original)
        if picture.format in ("JPEG", "MPO"):
            # A JPEG can be decoded at 1/2, 1/4 or 1/8 of its size at once: far faster than decoding
            # it whole to throw most of it away. draft() keeps at least the pixels asked for.
            scale = size[0] / (box[2] - box[0])
            need = (math.ceil(image.width * scale), math.ceil(image.height * scale))
            if picture.getexif().get(ExifTags.Base.Orientation) in QUARTER_TURNS:
                need = need[::-1]
            picture.draft(None, need)
        picture.load()
    ImageOps.exif_transpose(picture, in_place=True)
    source_mode, icc = picture.mode, picture.info.get("icc_profile")
    picture = for_format(picture, spec.format)
    # Coordinates were worked out on the whole original; a draft decode is smaller.
    sx, sy = picture.width / image.width, picture.height / image.height
    box = (box[0] * sx, box[1] * sy, box[2] * sx, box[3] * sy)
    picture = picture.resize(size, PILImage.Resampling.LANCZOS, box=box, reducing_gap=3.0)
    if spec.format == "JPEG" and picture.mode == "RGBA":
        flat = PILImage.new("RGB", picture.size, "white")
        flat.paste(picture, mask=picture.getchannel("A"))
        picture = flat
    options = dict(SAVE_OPTIONS[spec.format])
    # A colour profile describes the source's colour space: it is kept only when that did not change.
    if icc and source_mode in ("RGB", "RGBA", "L") and picture.mode[:1] == source_mode[:1]:
        options["icc_profile"] = icc
    out = io.BytesIO()
    picture.save(out, spec.format, **options)
    return out.getvalue(), picture.size


def for_format(picture, image_format):
    """The picture in a mode the format writes; palette pictures converted before resizing."""
    transparent = picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info
    if image_format == "JPEG" and picture.mode in ("RGB", "L"):
        return picture
    target = "RGBA" if transparent else "RGB"
    return picture if picture.mode == target else picture.convert(target)
