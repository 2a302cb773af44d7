"""The markdownx endpoints behind the editor: staff only, real images only, same renderer."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

pytestmark = pytest.mark.django_db

UPLOAD = "/markdownx/upload/"
PREVIEW = "/markdownx/markdownify/"
AJAX = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_user("editor", password="pw", is_staff=True)
    client.force_login(user)
    return client


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
    assert '<h2 id="概要">概要</h2>' in response.content.decode()
    assert b"<script" not in response.content


def test_preview_without_content_is_a_clear_400(staff_client):
    response = staff_client.post(PREVIEW, {})
    assert response.status_code == 400


def test_image_upload_gets_a_safe_name(staff_client, media):
    upload = SimpleUploadedFile("../../evil name.html", png_bytes(), "image/png")
    response = staff_client.post(UPLOAD, {"image": upload}, **AJAX)
    assert response.status_code == 200
    code = response.json()["image_code"]
    assert code.startswith("![](/media/uploads/") and code.endswith(".png)")
    saved = list(media.rglob("*.*"))
    assert len(saved) == 1 and saved[0].suffix == ".png" and "evil" not in saved[0].name


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
