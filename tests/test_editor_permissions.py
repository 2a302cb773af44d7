"""The editor's preview and upload answer only staff who may add or change articles."""

import io

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage

from articles.models import Image

pytestmark = pytest.mark.django_db

UPLOAD = "/markdownx/upload/"
PREVIEW = "/markdownx/markdownify/"
AJAX = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


def png():
    buffer = io.BytesIO()
    PILImage.new("RGB", (4, 4), "blue").save(buffer, "PNG")
    return SimpleUploadedFile("a.png", buffer.getvalue(), "image/png")


def staff(django_user_model, *codenames, is_staff=True):
    user = django_user_model.objects.create_user("someone", password="pw", is_staff=is_staff)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="articles", codename__in=codenames)
    )
    return user


def saved_files(settings):
    return list(settings.MEDIA_ROOT.rglob("*.*")) if settings.MEDIA_ROOT.exists() else []


def test_staff_without_article_permissions_get_a_403(client, django_user_model, settings):
    # Staff for other reasons (say, the redirects): the editor's endpoints are not theirs.
    client.force_login(staff(django_user_model, "view_article", "change_articleredirect"))
    assert client.post(PREVIEW, {"content": "# hi"}).status_code == 403
    assert client.post(UPLOAD, {"image": png()}, **AJAX).status_code == 403
    assert saved_files(settings) == []


def test_a_non_staff_user_with_the_permission_is_sent_to_the_login_page(client, django_user_model):
    client.force_login(staff(django_user_model, "change_article", is_staff=False))
    response = client.post(PREVIEW, {"content": "# hi"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.parametrize("codename", ["add_article", "change_article"])
def test_either_permission_is_enough(client, django_user_model, codename):
    client.force_login(staff(django_user_model, codename))
    response = client.post(PREVIEW, {"content": "## 見出し"})
    assert response.status_code == 200 and "<h2" in response.content.decode()


@pytest.mark.parametrize("account", ["writer_client", "editor_client"])
def test_writers_and_editors_preview_and_upload(request, settings, account):
    client = request.getfixturevalue(account)
    response = client.post(PREVIEW, {"content": "**太字**"})
    assert response.status_code == 200
    assert response.content.decode().strip() == "<p><strong>太字</strong></p>"
    response = client.post(UPLOAD, {"image": png()}, **AJAX)
    # Into the library, as the writer's upload, referenced by its number.
    assert response.status_code == 200
    image = Image.objects.get()
    assert response.json()["image_code"] == f"![](image:{image.pk})"
    assert [path.parent.name for path in saved_files(settings)] == ["originals"]
