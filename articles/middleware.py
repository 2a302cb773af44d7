"""Old addresses of articles (imported Jekyll URLs, changed slugs or dates) answered with a 301."""

import re

from django.http import HttpResponsePermanentRedirect
from django.utils.encoding import escape_uri_path

from . import page_cache
from .models import Article, ArticleRedirect

# Paths with control characters are no old address (and PostgreSQL refuses a NUL byte).
_PRINTABLE = re.compile(r"[^\x00-\x1f\x7f]*")


def candidate_paths(path):
    """The forms an old path may have been stored in: with or without the slash, raw or encoded."""
    stripped = path.rstrip("/") or "/"
    forms = {path, stripped, stripped if stripped.endswith("/") else f"{stripped}/"}
    return forms | {escape_uri_path(form) for form in forms}


class ArticleRedirectMiddleware:
    """Like django.contrib.redirects' fallback: it looks only at responses that are 404s.

    Only public articles are redirected to; an old path of a draft stays a 404, so it reveals nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or not _PRINTABLE.fullmatch(request.path_info):
            return response
        redirect = (
            ArticleRedirect.objects.filter(
                old_path__in=candidate_paths(request.path_info),
                article__in=Article.objects.published(),
            )
            .select_related("article")
            .first()
        )
        if redirect is None:
            return response
        target = redirect.article.get_absolute_url()
        query = request.META.get("QUERY_STRING", "")
        response = HttpResponsePermanentRedirect(f"{target}?{query}" if query else target)
        return page_cache.mark(response, [f"article-{redirect.article_id}"])
