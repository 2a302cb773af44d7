"""The focal point in the image's admin form: number inputs that work alone, and a click on the preview."""

from urllib.parse import unquote, urlparse

import pytest
from django.contrib.staticfiles import finders

from articles.images import uploads
from articles.images.admin import ImageForm
from articles.images.widgets import FocalPointInput
from tests.image_files import encoded, picture, upload
from tests.staff import PASSWORD

SCRIPT = "admin/articles/focal-point.js"


@pytest.fixture
def focal_widgets(monkeypatch):
    """ImageForm with the focal point widgets, as admin.py is to set them.

    The admin builds its form class afresh from ImageForm.Meta (ModelAdmin.get_form), so the
    widgets go there: a widget put in ImageForm.base_fields would not reach the admin's form.
    """
    monkeypatch.setitem(ImageForm.Meta.widgets, "focal_x", FocalPointInput)
    monkeypatch.setitem(ImageForm.Meta.widgets, "focal_y", FocalPointInput)


def test_the_input_is_a_number_from_0_to_1_in_thousandths():
    html = FocalPointInput().render("focal_x", 0.25)
    assert 'type="number"' in html and 'name="focal_x"' in html and 'value="0.25"' in html
    assert 'step="0.001"' in html and 'min="0"' in html and 'max="1"' in html
    assert 'data-focal-axis="x"' in html
    assert 'data-focal-axis="y"' in FocalPointInput().render("focal_y", 0.5)


def test_the_widget_brings_its_script_and_styles():
    media = FocalPointInput().media
    assert media._js == [SCRIPT]
    assert media._css == {"all": ["admin/articles/admin.css"]}
    # Both files exist where the static files finders look.
    assert finders.find(SCRIPT) and finders.find("admin/articles/admin.css")


@pytest.mark.django_db
def test_the_change_form_loads_the_script_as_a_file(admin_client, focal_widgets):
    image = uploads.create_image(upload(encoded("PNG", picture((400, 300))), "harbour.png"), title="Harbour")
    page = admin_client.get(f"/admin/articles/image/{image.pk}/change/").content.decode()
    assert f'<script src="/static/{SCRIPT}"></script>' in page
    assert 'data-focal-axis="x"' in page and 'data-focal-axis="y"' in page
    assert (
        'class="form-row field-preview"' in page or "field-preview" in page
    )  # where the script finds the <img>


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
# WhiteNoise notes that collectstatic has not run; the live server serves static files itself.
@pytest.mark.filterwarnings("ignore:No directory at:UserWarning")
def test_a_click_on_the_preview_sets_the_focal_point(
    live_server, browser, django_user_model, settings, focal_widgets
):
    django_user_model.objects.create_superuser("boss", password=PASSWORD)
    image = uploads.create_image(upload(encoded("PNG", picture((400, 300))), "harbour.png"), title="Harbour")

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))

    # The live server serves static files, not media (DEBUG is off): the preview comes from MEDIA_ROOT here.
    def serve_media(route):
        path = settings.MEDIA_ROOT / unquote(urlparse(route.request.url).path).removeprefix("/media/")
        route.fulfill(path=path) if path.is_file() else route.fulfill(status=404)

    page.route("**/media/**", serve_media)
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    page.goto(f"{live_server.url}/admin/articles/image/{image.pk}/change/")
    page.wait_for_load_state("load")

    preview = page.locator(".field-preview img")
    marker = page.locator(".focal-point-marker")
    assert marker.evaluate("m => [m.style.left, m.style.top]") == ["50%", "50%"]  # the model's default
    # Typing in an input moves the marker.
    page.fill("#id_focal_x", "0.6")
    assert marker.evaluate("m => m.style.left") == "60%"

    box = preview.bounding_box()
    assert box["width"] > 100 and box["height"] > 100
    preview.click(position={"x": box["width"] * 0.25, "y": box["height"] * 0.75})
    assert float(page.input_value("#id_focal_x")) == pytest.approx(0.25, abs=0.01)
    assert float(page.input_value("#id_focal_y")) == pytest.approx(0.75, abs=0.01)
    left, top = marker.evaluate("m => [parseFloat(m.style.left), parseFloat(m.style.top)]")
    assert left == pytest.approx(25, abs=1) and top == pytest.approx(75, abs=1)

    with page.expect_navigation():
        page.click("input[name=_save]")
    assert "was changed successfully" in page.content()
    image.refresh_from_db()
    assert image.focal_x == pytest.approx(0.25, abs=0.01)
    assert image.focal_y == pytest.approx(0.75, abs=0.01)
    assert problems == []  # no script error, no Content-Security-Policy refusal
    context.close()
