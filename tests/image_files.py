"""Small pictures made in memory for the image library's tests: real encodings, a few bytes each."""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags
from PIL import Image as PILImage

from articles.images import uploads


def picture(size=(40, 30), mode="RGB"):
    """A gradient, so that resized and cropped results differ from plain colour."""
    width, height = size
    gradient = PILImage.linear_gradient("L").resize(size)
    if mode == "L":
        return gradient
    image = PILImage.merge(
        "RGB", [gradient, gradient.transpose(PILImage.Transpose.ROTATE_90).resize(size), gradient]
    )
    return image.convert(mode) if mode != "RGB" else image


def encoded(image_format, image=None, **options):
    """``image`` (a gradient by default) encoded as ``image_format``."""
    out = io.BytesIO()
    (image or picture()).save(out, image_format, **options)
    return out.getvalue()


def upload(data, name="photo.jpg"):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def halves(size=(400, 100), left="blue", right="red"):
    """A picture blue on the left half and red on the right: crops show which side they kept."""
    image = PILImage.new("RGB", size, left)
    image.paste(right, (size[0] // 2, 0, size[0], size[1]))
    return image


def exif_with_location(orientation=1):
    exif = PILImage.Exif()
    exif[ExifTags.Base.Make] = "NewsCam"
    exif[ExifTags.Base.Orientation] = orientation
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = "2024:05:01 09:30:00"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (35.0, 39.0, 29.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (139.0, 44.0, 28.0)
    return exif


def png_claiming(width, height):
    """A few dozen bytes whose PNG header claims width x height pixels, as a decompression bomb does."""
    data = bytearray(encoded("PNG", PILImage.new("1", (1, 1))))
    # The IHDR chunk: length, type, then width and height, its CRC after the 13 bytes of data.
    assert data[12:16] == b"IHDR"
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def make_image(data=None, name="photo.jpg", **fields):
    """A library image stored through the upload path; a small JPEG unless told otherwise."""
    fields.setdefault("title", name)
    return uploads.create_image(upload(data or encoded("JPEG"), name), **fields)
