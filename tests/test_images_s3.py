"""Images in S3-compatible storage: uploaded, rendered, served and deleted through a real S3 server.

The server is moto's standalone one, started here on 127.0.0.1 on a free port; boto3 and
django-storages speak the S3 protocol to it over HTTP as they would to AWS or MinIO.
"""

import io
import json
import urllib.request

import pytest
from django.core.exceptions import ImproperlyConfigured
from PIL import Image as PILImage

from articles.images import pictures
from articles.images.renditions import rendition
from newsroom.settings import media_storage
from tests.image_files import encoded, make_image, picture

moto_server = pytest.importorskip(
    "moto.server",
    reason="moto[server] is not installed (pip install -e '.[dev]'): no S3 server to test against",
)
boto3 = pytest.importorskip("boto3")

BUCKET = "newsroom-media"


@pytest.fixture(scope="module")
def s3_endpoint():
    """The address of an S3 server of the test's own, for this module's tests."""
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch):
    """An empty bucket as the default storage, configured the way production is: MEDIA_STORAGE_URL."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    # Readers fetch the files themselves: the bucket lets anyone read, as a media bucket behind a CDN does.
    public_read = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{BUCKET}/*",
            }
        ],
    }
    client.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(public_read))
    url = f"s3://{BUCKET}?endpoint_url={s3_endpoint}&region_name=us-east-1&addressing_style=path"
    settings.STORAGES = {**settings.STORAGES, "default": media_storage(url)}
    yield client
    for key in keys(client):
        client.delete_object(Bucket=BUCKET, Key=key)
    client.delete_bucket(Bucket=BUCKET)


def keys(client):
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


@pytest.mark.django_db
def test_upload_render_serve_and_delete_through_s3(bucket, s3_endpoint, django_capture_on_commit_callbacks):
    image = make_image(encoded("JPEG", picture((400, 300))), "harbour.jpg", alt_text="Harbour")
    assert keys(bucket) == [image.file.name]
    assert image.file.name.startswith("images/originals/harbour")

    made = rendition(image, "w200.webp")
    assert made.file.name.startswith("images/renditions/")
    assert keys(bucket) == sorted([image.file.name, made.file.name])
    # A plain public URL on the service (no signature), which a reader's browser can fetch.
    assert made.file.url.startswith(f"{s3_endpoint}/{BUCKET}/images/renditions/")
    assert "Signature" not in made.file.url
    with urllib.request.urlopen(made.file.url, timeout=5) as response:
        served = PILImage.open(io.BytesIO(response.read()))
    assert (served.format, served.size) == ("WEBP", (200, 150))

    assert rendition(image, "w200.webp").pk == made.pk  # made once: no second object
    assert len(keys(bucket)) == 2

    with django_capture_on_commit_callbacks(execute=True):
        image.delete()
    assert keys(bucket) == []


@pytest.mark.django_db
def test_a_pages_picture_address_leads_to_the_rendition_in_the_bucket(bucket, s3_endpoint, client):
    image = make_image(encoded("JPEG", picture((400, 300))), "harbour.jpg", alt_text="Harbour")
    response = client.get(pictures.url(image, "w400.webp"))
    # Object storage serves the bytes: the site's address only leads there, for a year.
    assert response.status_code == 302
    assert response["Location"] == image.renditions.get(spec="w400.webp").file.url
    assert response["Location"].startswith(f"{s3_endpoint}/{BUCKET}/images/renditions/")
    assert "immutable" in response["Cache-Control"]
    with urllib.request.urlopen(response["Location"], timeout=5) as served:
        assert PILImage.open(io.BytesIO(served.read())).size == (400, 300)


@pytest.mark.django_db
def test_a_second_upload_of_the_same_name_never_overwrites_the_first(bucket):
    first = make_image(encoded("JPEG"), "photo.jpg")
    second = make_image(encoded("PNG"), "photo.png.jpg")
    third = make_image(encoded("JPEG"), "photo.jpg")
    assert len({first.file.name, second.file.name, third.file.name}) == 3
    assert len(keys(bucket)) == 3


def test_an_empty_media_storage_url_is_the_local_disk():
    assert media_storage("") == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_a_cdn_domain_and_signed_urls_are_options_of_the_url():
    storage = media_storage("s3://media?custom_domain=img.example.net&location=news&querystring_auth=1")
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"] == {
        "bucket_name": "media",
        "custom_domain": "img.example.net",
        "location": "news",
        "querystring_auth": True,
        "file_overwrite": False,
    }


def test_a_cdn_domain_is_where_urls_point(settings):
    from django.core.files.storage import default_storage

    settings.STORAGES = {
        **settings.STORAGES,
        "default": media_storage("s3://media?custom_domain=img.example.net"),
    }
    assert default_storage.url("images/renditions/a.w800.1234abcd.webp") == (
        "https://img.example.net/images/renditions/a.w800.1234abcd.webp"
    )


@pytest.mark.parametrize("url", ["https://bucket.example/", "s3://", "s3://media?endpoint=https://x"])
def test_a_media_storage_url_that_cannot_be_meant_stops_the_start(url):
    with pytest.raises(ImproperlyConfigured):
        media_storage(url)
