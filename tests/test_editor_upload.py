"""Drag and drop in the editor: the picture joins the image library, the body gets ![](image:<pk>)."""

import pytest
from django.contrib.auth.models import Permission

from articles.images.models import Image, Rendition
from articles.images.uploads import SVG
from tests.image_files import encoded, picture, upload

pytestmark = pytest.mark.django_db

UPLOAD = "/markdownx/upload/"
AJAX = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}  # as markdownx's JS sends it


@pytest.fixture
def uploader(writer):
    """A writer who may add images (granted here: the test must not depend on the groups' rights)."""
    writer.user_permissions.add(Permission.objects.get(codename="add_image"))
    return writer


@pytest.fixture
def uploader_client(client, uploader):
    client.force_login(uploader)
    return client


def stored_files(settings):
    return (
        [path for path in settings.MEDIA_ROOT.rglob("*") if path.is_file()]
        if settings.MEDIA_ROOT.exists()
        else []
    )


def test_a_dropped_png_becomes_a_library_image(uploader_client, uploader, django_capture_on_commit_callbacks):
    data = encoded("PNG", picture((64, 48)))
    with django_capture_on_commit_callbacks(execute=True):
        response = uploader_client.post(UPLOAD, {"image": upload(data, "harbour at dawn.png")}, **AJAX)
    assert response.status_code == 200
    image = Image.objects.get()
    assert response.json() == {"image_code": f"![](image:{image.pk})"}
    assert image.uploaded_by == uploader
    assert image.title == "harbour at dawn"
    assert image.alt_text == ""
    assert (image.format, image.width, image.height) == ("PNG", 64, 48)
    assert image.file.name.startswith("images/originals/")
    # Its sizes are made when a page first asks for them, not here.
    assert not Rendition.objects.filter(image=image).exists()


def test_an_svg_is_refused_with_the_librarys_message(uploader_client, settings, english):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    response = uploader_client.post(UPLOAD, {"image": upload(svg, "logo.svg")}, **AJAX)
    assert response.status_code == 400
    # A form's errors, as markdownx's own view answers a refusal.
    assert response.json() == {"image": [str(SVG)]}
    assert not Image.objects.exists()
    assert stored_files(settings) == []


def test_staff_without_the_image_permission_get_a_403(client, django_user_model, settings):
    user = django_user_model.objects.create_user("columnist", password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=["add_article", "change_article"]))
    client.force_login(user)
    response = client.post(UPLOAD, {"image": upload(encoded("PNG"), "a.png")}, **AJAX)
    assert response.status_code == 403
    assert not Image.objects.exists()
    assert stored_files(settings) == []


def test_the_image_permission_alone_is_not_enough(client, django_user_model):
    # Staff who may add images but not articles: the editor's endpoints are still not theirs.
    user = django_user_model.objects.create_user("librarian", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="add_image"))
    client.force_login(user)
    assert client.post(UPLOAD, {"image": upload(encoded("PNG"), "a.png")}, **AJAX).status_code == 403
    assert not Image.objects.exists()


def test_anonymous_is_sent_to_the_login_page(client, settings):
    response = client.post(UPLOAD, {"image": upload(encoded("PNG"), "a.png")}, **AJAX)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not Image.objects.exists()
    assert stored_files(settings) == []


def test_get_is_not_allowed(uploader_client):
    # Only POST means anything here; a GET must not reach a form view without a template (a 500).
    assert uploader_client.get(UPLOAD).status_code == 405
