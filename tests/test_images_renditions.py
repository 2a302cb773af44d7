"""Renditions: the right size, cropped around the focal point, in the asked format, made once."""

import io
import re
import threading

import pytest
from django.db import connection
from PIL import ExifTags, features
from PIL import Image as PILImage

from articles.images import renditions
from articles.images.renditions import parse_spec, rendition
from articles.models import Image, Rendition
from tests.image_files import encoded, exif_with_location, halves, make_image, picture

pytestmark = pytest.mark.django_db


def opened(made):
    with made.file.open("rb") as f:
        result = PILImage.open(io.BytesIO(f.read()))
        result.load()
    return result


def stored_renditions(settings):
    folder = settings.MEDIA_ROOT / "images" / "renditions"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.mark.parametrize(
    ("spec", "size"),
    [
        ("w100.jpg", (100, 75)),
        ("w400.jpg", (400, 300)),
        ("w800.jpg", (400, 300)),  # never enlarged
        ("fill-200x100.jpg", (200, 100)),
        ("fill-100x100.jpg", (100, 100)),
        ("fill-1200x630.jpg", (400, 210)),  # too small to fill: the same shape, smaller
    ],
)
def test_rendition_sizes(spec, size):
    made = rendition(make_image(encoded("JPEG", picture((400, 300)))), spec)
    assert (made.width, made.height) == size
    assert opened(made).size == size


def test_a_large_jpeg_decoded_in_draft_still_gets_its_exact_size():
    made = rendition(make_image(encoded("JPEG", picture((1600, 1200)))), "w123.jpg")
    assert opened(made).size == (123, 92)


@pytest.mark.parametrize(("focal_x", "colour"), [(0.9, "red"), (0.1, "blue")])
def test_a_fill_crops_around_the_focal_point(focal_x, colour):
    image = make_image(encoded("PNG", halves((400, 100))), "halves.png", focal_x=focal_x)
    result = opened(rendition(image, "fill-100x100.webp")).convert("RGB")
    red, _green, blue = result.getpixel((50, 50))
    assert (red > blue) == (colour == "red")
    # The box is pushed inside the picture rather than past its edge: all of it is one colour.
    corners = [result.getpixel(xy) for xy in [(0, 0), (99, 0), (0, 99), (99, 99)]]
    assert all((r > b) == (colour == "red") for r, _g, b in corners)


def test_the_focal_point_in_the_middle_keeps_both_halves():
    image = make_image(encoded("PNG", halves((400, 100))), "halves.png")
    result = opened(rendition(image, "fill-100x100.jpg"))
    assert result.getpixel((5, 50))[2] > 200 and result.getpixel((95, 50))[0] > 200


@pytest.mark.parametrize(
    ("spec", "image_format"), [("w20.avif", "AVIF"), ("w20.webp", "WEBP"), ("w20.jpg", "JPEG")]
)
def test_renditions_are_in_the_format_their_spec_names(spec, image_format):
    if image_format == "AVIF" and not features.check("avif"):
        pytest.skip("this Pillow has no AVIF")
    made = rendition(make_image(encoded("PNG"), "chart.png"), spec)
    assert opened(made).format == image_format
    assert re.match(r"images/renditions/chart\.\w+\.w20\.\w+\.", made.file.name)
    assert made.file.name.endswith("." + spec.rsplit(".", 1)[1])


def test_a_turned_photo_is_rendered_upright_and_without_its_exif():
    data = encoded("JPEG", picture((40, 30)), exif=exif_with_location(orientation=6))
    result = opened(rendition(make_image(data), "w15.jpg"))
    assert result.size == (15, 20)
    assert not result.getexif().get(ExifTags.Base.Make)


def test_transparency_is_kept_in_webp_and_flattened_on_white_in_jpeg():
    clear = PILImage.new("RGBA", (20, 20), (0, 0, 0, 0))
    image = make_image(encoded("PNG", clear), "clear.png")
    assert opened(rendition(image, "w10.webp")).getpixel((5, 5))[3] == 0
    assert min(opened(rendition(image, "w10.jpg")).getpixel((5, 5))) > 245


@pytest.mark.parametrize("spec", ["w0.jpg", "w5000.jpg", "w800.png", "fill-10.jpg", "../w800.jpg", "w800"])
def test_malformed_or_oversized_specs_are_refused(spec):
    with pytest.raises(ValueError):
        parse_spec(spec)


def test_a_second_request_reads_the_stored_rendition_and_makes_nothing(settings, django_assert_num_queries):
    image = make_image()
    first = rendition(image, "w20.webp")
    with django_assert_num_queries(1):
        second = rendition(image, "w20.webp")
    assert second.pk == first.pk
    assert stored_renditions(settings) == [first.file.name.rsplit("/", 1)[1]]


def test_the_loser_of_a_race_returns_the_winners_rendition_and_removes_its_own_file(settings, monkeypatch):
    image = make_image()
    render = renditions.render
    winner = []

    def render_while_another_request_finishes_first(image, spec):
        if not winner:  # the other request, started at the same moment, stores its rendition meanwhile
            winner.append(True)
            winner.append(rendition(Image.objects.get(pk=image.pk), "w20.jpg"))
        return render(image, spec)

    monkeypatch.setattr(renditions, "render", render_while_another_request_finishes_first)
    made = rendition(image, "w20.jpg")
    assert made.pk == winner[1].pk
    assert Rendition.objects.filter(image=image).count() == 1
    assert stored_renditions(settings) == [made.file.name.rsplit("/", 1)[1]]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="SQLite's shared in-memory test database locks across threads"
)
def test_two_threads_asking_at_once_keep_one_rendition(settings, monkeypatch):
    image = make_image()
    both_rendering = threading.Barrier(2, timeout=10)
    render = renditions.render

    def render_together(image, spec):
        both_rendering.wait()  # neither has stored anything when both have started
        return render(image, spec)

    monkeypatch.setattr(renditions, "render", render_together)
    results, errors = [], []

    def ask():
        try:
            results.append(rendition(Image.objects.get(pk=image.pk), "w20.jpg").pk)
        except Exception as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(set(results)) == 1 and len(results) == 2
    assert Rendition.objects.count() == 1
    assert len(stored_renditions(settings)) == 1


def test_deleting_an_image_removes_its_original_and_renditions(settings, django_capture_on_commit_callbacks):
    image = make_image()
    files = [
        settings.MEDIA_ROOT / image.file.name,
        settings.MEDIA_ROOT / rendition(image, "w20.jpg").file.name,
    ]
    assert all(f.exists() for f in files)
    with django_capture_on_commit_callbacks(execute=True):
        image.delete()
    assert not any(f.exists() for f in files)
    assert not Rendition.objects.exists()
