"""Pick the benchmark's URLs from the generated data and count each page's SQL queries.

Prints one tab-separated line per page: name, path, queries, status. Run by bench/run with the
benchmark's environment (DATABASE_URL, SECRET_KEY, ALLOWED_HOSTS=127.0.0.1).
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils.encoding import iri_to_uri  # noqa: E402
from taggit.models import Tag  # noqa: E402

from articles.models import Article  # noqa: E402

DEEP_PAGE = 20


def pages():
    article = Article.objects.published().filter(lead_image=None).first()
    illustrated = Article.objects.published().exclude(lead_image=None).first()
    public = Q(article__in=Article.objects.published())
    tag = Tag.objects.annotate(n=Count("article", filter=public)).order_by("-n").first()
    if tag.n < 300:
        sys.exit(f"The busiest tag has {tag.n} public articles; the deep page needs 300.")
    tag_url = reverse("articles:tag", kwargs={"slug": tag.slug})
    return [
        ("home", reverse("articles:home")),
        ("article", article.get_absolute_url()),
        ("article with images", illustrated.get_absolute_url()),
        ("tag page 1", tag_url),
        (f"tag page {DEEP_PAGE}", f"{tag_url}?page={DEEP_PAGE}"),
        ("RSS feed", reverse("articles:feed")),
    ]


def main():
    client = Client(HTTP_HOST="127.0.0.1")
    for name, path in pages():
        path = iri_to_uri(path)
        client.get(path)  # the first request of a process fills caches (templates, translations)
        with CaptureQueriesContext(connection) as queries:
            status = client.get(path).status_code
        print(f"{name}\t{path}\t{len(queries)}\t{status}")


if __name__ == "__main__":
    main()
