"""Uploads to the image library: judged by content, limited in bytes and pixels, stripped of location."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from PIL import ExifTags, features
from PIL import Image as PILImage

from articles.images import pictures, uploads
from articles.images.admin import THUMBNAIL
from articles.models import Image
from tests.image_files import encoded, exif_with_location, make_image, picture, png_claiming, upload

SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.fixture
def superuser_client(client, django_user_model):
    """The admin as a superuser (the Writers and Editors groups have no image permissions yet)."""
    user = django_user_model.objects.create_superuser("desk", password=None)
    client.force_login(user)
    client.user = user
    return client


def refusal(data, name="photo.jpg"):
    with pytest.raises(ValidationError) as caught:
        uploads.check_upload(upload(data, name))
    return caught.value


@pytest.mark.parametrize(
    ("image_format", "extension"),
    [("JPEG", ".jpg"), ("PNG", ".png"), ("WEBP", ".webp"), ("AVIF", ".avif"), ("GIF", ".gif")],
)
def test_each_accepted_format_is_recognised_by_its_content(image_format, extension):
    if image_format == "AVIF" and not features.check("avif"):
        pytest.skip("this Pillow has no AVIF")
    checked = uploads.check_upload(upload(encoded(image_format), "upload.bin"))
    assert (checked.format, checked.width, checked.height) == (image_format, 40, 30)
    assert checked.file.name == "upload" + extension


def test_a_png_named_jpg_is_a_png_and_is_stored_as_one():
    checked = uploads.check_upload(upload(encoded("PNG"), "holiday.jpg"))
    assert checked.format == "PNG"
    assert checked.file.name == "holiday.png"


def test_an_svg_named_png_is_refused_as_svg():
    error = refusal(SVG, "logo.png")
    assert error.code == "svg"
    assert "SVG" in error.messages[0]


@pytest.mark.parametrize("image_format", ["BMP", "TIFF"])
def test_pictures_pillow_reads_but_the_library_does_not_take_are_refused(image_format):
    assert refusal(encoded(image_format), "scan.jpg").code == "not_an_image"


def test_text_and_truncated_pictures_are_refused():
    assert refusal(b"just some text, not a picture").code == "not_an_image"
    assert refusal(encoded("PNG", picture((200, 200)))[:120], "cut.png").code == "not_an_image"


def test_a_file_over_the_byte_limit_is_refused_with_the_limit_named(settings):
    settings.IMAGE_MAX_BYTES = 1000
    data = encoded("PNG", PILImage.effect_noise((64, 64), 100))
    assert len(data) > 1000
    error = refusal(data, "big.png")
    assert error.code == "too_large"
    assert "1000" in error.messages[0]


def test_the_pixel_limit_is_read_from_the_header_before_decoding():
    # 64 megapixels claimed by a 70-byte file whose pixel data is not there: decoding it would
    # have failed as "damaged", so the refusal shows the header was judged first.
    data = png_claiming(8000, 8000)
    assert len(data) < 100
    error = refusal(data, "bomb.png")
    assert error.code == "too_many_pixels"
    assert "8000×8000" in error.messages[0]


def test_the_pixel_limit_follows_the_setting(settings):
    settings.IMAGE_MAX_PIXELS = 1000
    assert refusal(encoded("PNG", picture((40, 30))), "small.png").code == "too_many_pixels"


def test_decompression_bombs_are_refused_whatever_the_setting(settings):
    # Past twice Pillow's own limit, Pillow refuses at open; past its limit it warns, which is refused too.
    settings.IMAGE_MAX_PIXELS = 10**12
    assert refusal(png_claiming(100_000, 100_000), "bomb.png").code == "too_many_pixels"
    warned = int((PILImage.MAX_IMAGE_PIXELS * 1.5) ** 0.5)
    assert refusal(png_claiming(warned, warned), "bomb.png").code == "too_many_pixels"


def test_gps_is_stripped_from_a_jpeg_and_the_rest_is_kept_intact():
    original = encoded("JPEG", picture((64, 48)), exif=exif_with_location(), quality=90)
    checked = uploads.check_upload(upload(original, "scene.jpg"))
    assert checked.location_removed
    stored = checked.file.read()
    exif = PILImage.open(io.BytesIO(stored)).getexif()
    assert not exif.get_ifd(ExifTags.IFD.GPSInfo)
    assert exif[ExifTags.Base.Make] == "NewsCam"
    assert exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] == "2024:05:01 09:30:00"
    # Not saved again: the compressed picture is the original's, byte for byte.
    start_of_scan = b"\xff\xda"
    assert stored[stored.index(start_of_scan) :] == original[original.index(start_of_scan) :]


def test_a_gps_position_repeated_in_xmp_is_dropped_too():
    xmp = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="35,39.48N"/>'
        b"</rdf:RDF></x:xmpmeta>"
    )
    original = encoded("JPEG", xmp=xmp)
    checked = uploads.check_upload(upload(original))
    stored = checked.file.read()
    assert checked.location_removed
    assert b"GPSLatitude" not in stored
    assert PILImage.open(io.BytesIO(stored)).tobytes() == PILImage.open(io.BytesIO(original)).tobytes()


def test_a_camera_mpo_with_gps_keeps_its_first_picture_as_a_plain_jpeg():
    # Phones and 3D cameras write JPEGs with further pictures behind the first, each with its own EXIF.
    exif = exif_with_location()
    second = PILImage.new("RGB", (40, 30), "blue")
    original = encoded("MPO", save_all=True, append_images=[second], exif=exif.tobytes())
    assert PILImage.open(io.BytesIO(original)).format == "MPO"
    checked = uploads.check_upload(upload(original, "pair.mpo"))
    stored = PILImage.open(io.BytesIO(checked.file.read()))
    assert (checked.format, stored.format, checked.file.name) == ("JPEG", "JPEG", "pair.jpg")
    assert not stored.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert stored.tobytes() == PILImage.open(io.BytesIO(original)).tobytes()


def test_gps_is_stripped_from_a_png():
    original = encoded("PNG", exif=exif_with_location())
    checked = uploads.check_upload(upload(original, "chart.png"))
    stored = PILImage.open(io.BytesIO(checked.file.read()))
    assert not stored.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert stored.getexif()[ExifTags.Base.Make] == "NewsCam"
    assert stored.tobytes() == picture().tobytes()


def test_a_picture_without_location_is_stored_as_uploaded():
    original = encoded("JPEG", quality=90)
    checked = uploads.check_upload(upload(original))
    assert not checked.location_removed
    assert checked.file.read() == original


def test_a_turned_photo_is_recorded_as_readers_see_it():
    data = encoded("JPEG", picture((40, 30)), exif=exif_with_location(orientation=6))
    checked = uploads.check_upload(upload(data))
    assert (checked.width, checked.height) == (30, 40)


@pytest.mark.django_db
def test_an_uploaded_image_is_stored_under_originals_with_what_was_learnt(settings):
    image = make_image(encoded("PNG"), "Chart 1.jpg", alt_text="")
    image.refresh_from_db()
    assert image.file.name.startswith("images/originals/")
    assert image.file.name.endswith(".png")
    assert (image.format, image.width, image.height) == ("PNG", 40, 30)
    assert image.file_size == image.file.size
    assert (settings.MEDIA_ROOT / image.file.name).exists()
    assert (image.focal_x, image.focal_y) == (0.5, 0.5)


@pytest.mark.django_db
def test_missing_alt_is_true_until_the_image_has_alt_text():
    image = make_image(alt_text="  ")
    assert image.missing_alt()
    image.alt_text = "Ships in the harbour of Kobe at dawn"
    assert not image.missing_alt()


@pytest.mark.django_db
def test_replacing_the_file_removes_the_old_original_and_its_renditions(
    settings, django_capture_on_commit_callbacks
):
    from articles.images.renditions import rendition

    image = make_image()
    old = settings.MEDIA_ROOT / image.file.name
    made = settings.MEDIA_ROOT / rendition(image, "w20.jpg").file.name
    with django_capture_on_commit_callbacks(execute=True):
        uploads.save_upload(image, uploads.check_upload(upload(encoded("PNG"), "new.png")))
    assert not old.exists() and not made.exists()
    assert not image.renditions.exists()
    assert (settings.MEDIA_ROOT / image.file.name).exists()


@pytest.mark.django_db
def test_the_admin_uploads_into_the_library_with_a_thumbnail(
    superuser_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = superuser_client.post(
            reverse("admin:articles_image_add"),
            {
                "file": upload(encoded("JPEG"), "harbour.jpeg"),
                "title": "",
                "focal_x": 0.5,
                "focal_y": 0.5,
                "tags": "港, port",
            },
        )
    assert response.status_code == 302, response.context["adminform"].form.errors
    image = Image.objects.get()
    assert image.title == "harbour"  # from the file's name when left empty
    assert image.uploaded_by == superuser_client.user
    assert sorted(image.tags.names()) == ["port", "港"]
    listing = superuser_client.get(reverse("admin:articles_image_changelist"), {"q": "港"})
    thumbnail = pictures.url(image, THUMBNAIL)
    assert f'src="{thumbnail}"' in listing.content.decode()
    # Made by the browser's request for it, then kept.
    assert superuser_client.get(thumbnail).status_code == 200
    assert image.renditions.filter(spec=THUMBNAIL).exists()


@pytest.mark.django_db
def test_the_admin_refuses_an_svg_with_its_reason(superuser_client, english):
    response = superuser_client.post(
        reverse("admin:articles_image_add"),
        {"file": upload(SVG, "logo.png"), "title": "Logo", "focal_x": 0.5, "focal_y": 0.5},
    )
    assert response.status_code == 200
    assert "SVG files are not accepted" in " ".join(response.context["adminform"].form.errors["file"])
    assert not Image.objects.exists()


@pytest.mark.django_db
def test_the_admin_list_costs_the_same_queries_for_more_images(
    superuser_client, django_assert_max_num_queries
):
    for n in range(3):
        make_image(title=f"Image {n}")
    url = reverse("admin:articles_image_changelist")
    superuser_client.get(url)  # the session and permission caches
    with django_assert_max_num_queries(8) as three:
        superuser_client.get(url)
    for n in range(3, 9):
        make_image(title=f"Image {n}")
    with django_assert_max_num_queries(len(three.captured_queries)):
        assert superuser_client.get(url).content.decode().count('src="/images/') == 9


@pytest.mark.django_db
def test_moving_the_focal_point_in_the_admin_drops_the_crops_made_around_the_old_one(superuser_client):
    from articles.images.renditions import rendition

    image = make_image(title="Harbour")
    crop, width = rendition(image, "fill-20x20.jpg"), rendition(image, "w20.jpg")
    response = superuser_client.post(
        reverse("admin:articles_image_change", args=[image.pk]),
        {"title": "Harbour", "alt_text": "Boats", "focal_x": 0.2, "focal_y": 0.5, "tags": ""},
    )
    assert response.status_code == 302
    assert list(image.renditions.values_list("pk", flat=True)) == [width.pk]
    assert not Image.objects.filter(renditions=crop.pk).exists()
    assert rendition(image, "fill-20x20.jpg").pk != crop.pk
