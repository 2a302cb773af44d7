"""The addresses of renditions and of generated sharing cards: each made on its first request,
then served from storage."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control

from .models import Image
from .pictures import SERVED
from .renditions import rendition
from .social import card_digest, social_card

CONTENT_TYPES = {"avif": "image/avif", "webp": "image/webp", "jpg": "image/jpeg"}
YEAR = 365 * 24 * 3600


def rendition_view(request, pk, token, spec):
    if spec not in SERVED:
        raise Http404("No such size of image.")
    image = get_object_or_404(Image, pk=pk)
    try:
        made = rendition(image, spec)
    except OSError as exc:  # the original is missing or unreadable: the page shows no picture
        raise Http404("The image cannot be read.") from exc
    storage = made.file.storage
    if isinstance(storage, FileSystemStorage):
        # One machine's disk: served here (behind Varnish), so a plain deployment needs no web
        # server of its own for the media folder.
        content_type = CONTENT_TYPES[spec.rsplit(".", 1)[-1]]
        response = FileResponse(storage.open(made.file.name, "rb"), content_type=content_type)
    else:
        # Object storage, or the CDN in front of it, serves the bytes; this address leads there.
        response = HttpResponseRedirect(made.file.url)
    if token == image.token:
        # The token changes with the file and the focal point: this address always means these bytes.
        patch_cache_control(response, public=True, max_age=YEAR, immutable=True)
    else:
        patch_cache_control(response, public=True, max_age=300)  # asked for by a page made before a change
    return response


def share_card_view(request, pk, digest):
    """The generated sharing card of a public article (seo.sharing_image), drawn once and kept."""
    from .. import page_cache
    from ..models import Article

    article = get_object_or_404(Article.objects.published().only("title"), pk=pk)
    if digest != card_digest(article.title):
        raise Http404("The article's title has changed since.")
    card = social_card(article.title, site_name=settings.SITE_NAME)
    if card is None:
        raise Http404("There is no font to draw the card with.")
    with default_storage.open(card.name, "rb") as file:
        response = HttpResponse(file.read(), content_type="image/png")
    # Kept like the article's page and dropped with it: a withdrawn article's card goes too.
    return page_cache.mark(response, [f"article-{pk}"])
