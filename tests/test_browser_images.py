"""An editor in Chromium: upload a photo, describe it, set its focal point, publish it in an article,
and the reader's page shows a <picture> whose chosen source loads."""

import pytest

from articles.models import Article, Image
from tests.image_files import encoded, picture
from tests.staff import PASSWORD, make_editor

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def test_an_uploaded_photo_reaches_the_readers_page_as_a_picture(live_server, browser, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    make_editor("taro")
    photo = tmp_path / "harbour.jpg"
    photo.write_bytes(encoded("JPEG", picture((1600, 1200))))
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "taro")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit]")

    # Upload into the library, with its alt text.
    page.goto(f"{live_server.url}/admin/articles/image/add/")
    page.set_input_files("#id_file", str(photo))
    page.fill("#id_alt_text", "夜明けの港に並ぶ漁船")
    with page.expect_navigation():
        page.click("input[name=_continue]")
    image = Image.objects.get()
    assert image.title == "harbour"

    # The focal point, by clicking on the preview: a quarter across, three quarters down.
    preview = page.locator(".field-preview img")
    preview.wait_for()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=preview.element_handle())
    box = preview.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.75)
    with page.expect_navigation():
        page.click("input[name=_continue]")
    image.refresh_from_db()
    assert abs(image.focal_x - 0.25) < 0.01 and abs(image.focal_y - 0.75) < 0.01

    # Into an article, published.
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    page.fill("#id_title", "港の朝")
    page.fill("#id_slug", "minato")
    page.fill("#id_body", f"漁船が戻ってきた。\n\n![](image:{image.pk})\n\n水揚げが始まる。")
    page.locator(".markdownx-preview picture img").wait_for(timeout=10_000)
    with page.expect_navigation():
        page.click("button[name=_transition][value=publish]")
    article = Article.objects.get(title="港の朝")
    assert Article.objects.published().filter(pk=article.pk).exists()

    # The reader's page: a picture, its chosen source loaded, with the shape known beforehand.
    reader = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    public = reader.new_page()
    public.on("pageerror", lambda error: errors.append(str(error)))
    public.goto(live_server.url + article.get_absolute_url())
    img = public.locator(".article-body picture img")
    img.scroll_into_view_if_needed()
    public.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=img.element_handle(), timeout=15_000
    )
    chosen = img.evaluate("img => img.currentSrc")
    assert f"/images/{image.pk}/" in chosen and chosen.endswith((".avif", ".webp"))
    assert img.get_attribute("alt") == "夜明けの港に並ぶ漁船"
    assert (img.get_attribute("width"), img.get_attribute("height")) == ("1600", "1200")
    assert public.locator(".article-body picture source").count() >= 1
    assert errors == []
    context.close()
    reader.close()
