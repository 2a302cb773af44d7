"""The markdownx endpoints behind the editor: article editors only, real images only, same renderer."""

import io
import struct
import zlib

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from articles.images.models import Image as LibraryImage

pytestmark = pytest.mark.django_db

UPLOAD = "/markdownx/upload/"
PREVIEW = "/markdownx/markdownify/"
AJAX = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


def huge_png(width, height):
    """A black 1-bit PNG of any size in a few kilobytes, written without Pillow holding its pixels."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\0" * (1 + (width + 7) // 8)  # filter byte, then the row's bits
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


@pytest.fixture
def staff_client(writer, writer_client):
    """A writer who may add images: staff who may add and change articles (tests/test_editor_permissions.py:
    others). The image permission is granted here, so these tests do not depend on the groups' rights."""
    writer.user_permissions.add(Permission.objects.get(codename="add_image"))
    return writer_client


@pytest.fixture
def media(settings):
    return settings.MEDIA_ROOT


def test_anonymous_cannot_preview_or_upload(client, media):
    assert client.post(PREVIEW, {"content": "# hi"}).status_code == 302
    response = client.post(UPLOAD, {"image": SimpleUploadedFile("a.png", png_bytes(), "image/png")})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not media.exists() or not any(media.rglob("*.*"))


def test_non_staff_user_cannot_preview(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("reader", password="pw"))
    assert client.post(PREVIEW, {"content": "# hi"}).status_code == 302


def test_preview_uses_the_sanitising_renderer(staff_client):
    response = staff_client.post(PREVIEW, {"content": "## 概要\n\n<script>alert(1)</script>"})
    assert response.status_code == 200
    assert '<h2 id="md-概要">概要</h2>' in response.content.decode()
    assert b"<script" not in response.content


def test_preview_without_content_is_a_clear_400(staff_client):
    response = staff_client.post(PREVIEW, {})
    assert response.status_code == 400


def test_image_upload_gets_a_safe_name(staff_client, media):
    # The picture joins the image library: the uploaded name gives the title, never a path.
    upload = SimpleUploadedFile("../../evil name.html", png_bytes(), "image/png")
    response = staff_client.post(UPLOAD, {"image": upload}, **AJAX)
    assert response.status_code == 200
    image = LibraryImage.objects.get()
    assert response.json()["image_code"] == f"![](image:{image.pk})"
    assert image.title == "evil name"
    saved = list(media.rglob("*.*"))
    assert len(saved) == 1 and saved[0].suffix == ".png"
    assert saved[0].parent == media / "images" / "originals"


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "image/svg+xml",
        ),
        ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "image/png"),
        ("page.gif", b"<html><script>alert(1)</script></html>", "image/gif"),
        ("notes.txt", b"hello", "text/plain"),
    ],
)
def test_svg_and_non_images_are_refused(staff_client, media, name, content, content_type):
    upload = SimpleUploadedFile(name, content, content_type)
    response = staff_client.post(UPLOAD, {"image": upload}, **AJAX)
    assert response.status_code == 400
    assert not media.exists() or not any(media.rglob("*.*"))


def test_upload_without_a_file_is_a_400(staff_client):
    assert staff_client.post(UPLOAD, {}).status_code == 400


@pytest.mark.parametrize(
    ("width", "height", "message"),
    [
        # Past Pillow's own bomb limit.
        (
            20000,
            20000,
            "The file claims a picture larger than any photograph; "
            "images may have at most 50 million pixels.",
        ),
        # Only past the library's 50 megapixels (settings.IMAGE_MAX_PIXELS).
        (8000, 6251, "The picture is 8000×6251 pixels; images may have at most 50 million."),
    ],
)
def test_an_image_over_the_librarys_pixel_limit_is_refused_before_it_is_decoded(
    staff_client, media, english, monkeypatch, settings, width, height, message
):
    from PIL import ImageFile

    settings.IMAGE_MAX_PIXELS = 50_000_000  # the default, whatever the environment says

    bomb = huge_png(width, height)
    assert len(bomb) < 200_000  # a few kilobytes on the wire, gigabytes once decoded

    def decode(self):
        raise AssertionError("the image was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", decode)
    upload = SimpleUploadedFile("bomb.png", bomb, "image/png")
    response = staff_client.post(UPLOAD, {"image": upload}, **AJAX)
    assert response.status_code == 400
    assert response.json() == {"image": [message]}
    assert not LibraryImage.objects.exists()
    assert not media.exists() or not any(media.rglob("*.*"))


def test_an_image_of_40_megapixels_is_accepted(staff_client, media):
    upload = SimpleUploadedFile("wide.png", huge_png(8000, 5000), "image/png")
    response = staff_client.post(UPLOAD, {"image": upload}, **AJAX)
    assert response.status_code == 200
    saved = list(media.rglob("*.png"))
    assert len(saved) == 1
    with Image.open(saved[0]) as image:
        # The library keeps the original; the sizes readers download are renditions made from it.
        assert image.size == (8000, 5000)
