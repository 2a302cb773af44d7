"""What an uploaded file must be to enter the library, judged by its content, never its name.

check_upload() refuses what is not a JPEG, PNG, WebP, AVIF or GIF picture within the size and pixel
limits, and returns what to store: the file as uploaded, or a copy without its location data.
"""

import hashlib
import io
import os
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import ExifTags
from PIL import Image as PILImage

# Pillow's format name -> the extension the stored original gets, whatever the upload was called,
# so the storage and browsers are told the right type. Camera JPEGs with a second picture (a depth
# map, a preview) open as MPO: they are JPEG files.
EXTENSIONS = {"JPEG": ".jpg", "MPO": ".jpg", "PNG": ".png", "WEBP": ".webp", "AVIF": ".avif", "GIF": ".gif"}
ACCEPTED = ["JPEG", "PNG", "WEBP", "AVIF", "GIF"]  # what Pillow may try: none of its other parsers
# Orientations that turn the picture a quarter: readers see it with width and height swapped.
QUARTER_TURNS = {5, 6, 7, 8}
XMP_HEADER = b"http://ns.adobe.com/xap/1.0/\x00"
TOO_MANY_PIXELS = _("The picture is %(width)d×%(height)d pixels; images may have at most %(limit)s million.")
BOMB = _(
    "The file claims a picture larger than any photograph; images may have at most %(limit)s million pixels."
)
TOO_LARGE = _("The file is %(size)s; images may be at most %(limit)s.")
SVG = _("SVG files are not accepted, as they can carry scripts: upload a PNG or a JPEG instead.")
NOT_AN_IMAGE = _("This file is not a JPEG, PNG, WebP, AVIF or GIF picture, or it is damaged.")


@dataclass(frozen=True)
class CheckedUpload:
    """An accepted upload: the file to store and what is known of the picture."""

    file: File
    format: str
    width: int
    height: int
    size: int
    location_removed: bool


def million(pixels):
    return f"{pixels / 1e6:g}"


def check_upload(upload):
    """The accepted form of ``upload`` (a Django File), or ValidationError saying what is wrong with it."""
    if upload.size > settings.IMAGE_MAX_BYTES:
        raise ValidationError(
            TOO_LARGE,
            code="too_large",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(settings.IMAGE_MAX_BYTES)},
        )
    upload.seek(0)
    try:
        # A bomb's header claims more pixels than Pillow will decode: Pillow warns past
        # MAX_IMAGE_PIXELS and refuses past twice that; the warning is made a refusal too.
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            picture = PILImage.open(upload, formats=ACCEPTED)
            width, height = picture.size
            if width * height > settings.IMAGE_MAX_PIXELS:  # from the header, before decoding
                raise ValidationError(
                    TOO_MANY_PIXELS,
                    code="too_many_pixels",
                    params={"width": width, "height": height, "limit": million(settings.IMAGE_MAX_PIXELS)},
                )
            # Decoding the first frame proves the file is a whole picture, not just a header.
            picture.load()
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
        raise ValidationError(
            BOMB, code="too_many_pixels", params={"limit": million(settings.IMAGE_MAX_PIXELS)}
        ) from None
    except (OSError, EOFError, SyntaxError, ValueError):  # Pillow's: unknown, truncated, broken
        upload.seek(0)
        head = upload.read(1024).lstrip().lower()
        if head.startswith(b"<?xml") or b"<svg" in head:
            raise ValidationError(SVG, code="svg") from None
        raise ValidationError(NOT_AN_IMAGE, code="not_an_image") from None

    exif = picture.getexif()
    if exif.get(ExifTags.Base.Orientation) in QUARTER_TURNS:
        width, height = height, width
    image_format = "JPEG" if picture.format == "MPO" else picture.format
    name = os.path.splitext(os.path.basename(upload.name or "image"))[0] + EXTENSIONS[picture.format]

    located = has_location(picture, exif)
    if located:
        upload.seek(0)
        data = without_location(upload.read(), picture, exif)
        stored = ContentFile(data, name=name)
        size = len(data)
    else:
        upload.seek(0)
        stored = File(upload, name=name)
        size = upload.size
    return CheckedUpload(stored, image_format, width, height, size, located)


def has_location(picture, exif):
    """Whether the file says where it was taken (EXIF GPS, or GPS in its XMP packet)."""
    xmp = picture.info.get("xmp") or b""
    if isinstance(xmp, str):
        xmp = xmp.encode()
    return bool(exif.get_ifd(ExifTags.IFD.GPSInfo)) or b"GPSL" in xmp


def without_location(data, picture, exif):
    """The file's bytes with its location data removed, and as little else changed as can be."""
    # The GPS entries go; the rest of the EXIF (orientation, date, camera, copyright) stays. The
    # EXIF thumbnail goes too: Pillow does not write it back, and it can show what a crop removed.
    exif.pop(ExifTags.IFD.GPSInfo, None)
    if picture.format in ("JPEG", "MPO"):
        return _jpeg_with_exif(data, exif, first_picture_only=picture.format == "MPO")
    # Other formats keep EXIF in containers Pillow cannot edit in place, so the picture is saved
    # again (PNG without loss; WebP and AVIF at a quality where a second generation does not show).
    # Only files with location data pay for that, which from cameras and phones are JPEGs.
    out = io.BytesIO()
    picture.seek(0)
    picture.save(
        out,
        picture.format,
        save_all=getattr(picture, "n_frames", 1) > 1,
        exif=exif,
        icc_profile=picture.info.get("icc_profile"),
        quality=92,
    )
    return out.getvalue()


def _jpeg_with_exif(data, exif, first_picture_only):
    """The JPEG with its EXIF segment rewritten and any XMP with GPS dropped; the scans are untouched."""
    # Rewriting the header segments and copying the compressed picture as it is avoids saving a
    # JPEG again, which would lose quality: every byte from the start of scan on is the original's.
    payload = exif.tobytes()
    if len(payload) > 65533:  # one segment's limit: keep the orientation, which readers need
        small = PILImage.Exif()
        small[ExifTags.Base.Orientation] = exif.get(ExifTags.Base.Orientation, 1)
        payload = small.tobytes()
    parts, pos = [data[:2]], 2
    while pos + 4 <= len(data) and data[pos] == 0xFF:
        marker = data[pos + 1]
        if marker == 0xDA:  # start of scan: the picture itself follows
            break
        end = pos + 2 + int.from_bytes(data[pos + 2 : pos + 4], "big")
        segment, body = data[pos:end], data[pos + 4 : end]
        if marker == 0xE1 and body.startswith(b"Exif\x00\x00"):
            segment = b"\xff\xe1" + (len(payload) + 2).to_bytes(2, "big") + payload
        elif marker == 0xE1 and body.startswith(XMP_HEADER) and b"GPSL" in body:
            segment = b""  # XMP repeats the GPS position in text
        elif marker == 0xE2 and body.startswith(b"MPF\x00") and first_picture_only:
            segment = b""  # the index of the further pictures, which are dropped
        parts.append(segment)
        pos = end
    scans = data[pos:]
    if first_picture_only:
        # An MPO's further pictures (previews, depth maps) carry their own EXIF, GPS included;
        # the library keeps the first. Inside scans 0xFF is always followed by 0x00 or a marker,
        # so the first end-of-image marker ends the first picture.
        end = scans.find(b"\xff\xd9")
        scans = scans[: end + 2] if end >= 0 else scans
    parts.append(scans)
    return b"".join(parts)


def save_upload(image, checked, **fields):
    """Save ``image`` with the checked upload as its file; a replaced original and its renditions go."""
    with transaction.atomic():
        previous = None
        if image.pk:
            previous = type(image).objects.filter(pk=image.pk).values_list("file", flat=True).first()
        image.file = checked.file
        image.width, image.height = checked.width, checked.height
        image.format, image.file_size = checked.format, checked.size
        image.checksum = checksum(checked.file)
        for field, value in fields.items():
            setattr(image, field, value)
        image.save()
        if previous and previous != image.file.name:
            image.renditions.all().delete()  # their files go after the commit (models.remove_file)
            storage = image.file.storage
            transaction.on_commit(lambda: storage.delete(previous))
    return image


def checksum(file):
    """The SHA-256 of a file's bytes, read from the start; the file is left at its start."""
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def create_image(upload, **fields):
    """A new library image from an uploaded file; ValidationError if the file is refused."""
    from .models import Image

    return save_upload(Image(**fields), check_upload(upload))
