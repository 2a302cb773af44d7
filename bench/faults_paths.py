"""Pick one URL of every public page type from the generated data, for bench/faults.

Prints one tab-separated line per page: name, path, status, and a note (e.g. how many search
results). Every page is fetched once with the Django test client; bench/faults stops unless all
answer 200 and the search finds something. Run with the benchmark's environment (DATABASE_URL,
SECRET_KEY, ALLOWED_HOSTS=127.0.0.1), as bench/probe.py is.
"""

import math
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django  # noqa: E402

django.setup()

from django.db.models import Count, Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils.encoding import iri_to_uri  # noqa: E402
from taggit.models import Tag  # noqa: E402

from articles.models import Article, Author, Category  # noqa: E402

DEEP_PAGE = 20  # as bench/probe.py; less when the busiest tag has fewer pages
PER_PAGE = 10
SEARCH_WORD = "python"  # a topic of the English titles bench_data writes


def busiest(model, lookup):
    public = Q(**{f"{lookup}__in": Article.objects.published()})
    return model.objects.annotate(n=Count(lookup, filter=public)).order_by("-n", "pk").first()


def pages():
    article = Article.objects.published().order_by("-published_at").first()
    tag = busiest(Tag, "article")
    category = busiest(Category, "articles")
    author = busiest(Author, "articles")
    deep = max(2, min(DEEP_PAGE, math.ceil(tag.n / PER_PAGE)))
    tag_slug = {"slug": tag.slug}
    day = article.pub_date
    return [
        ("home", reverse("articles:home")),
        ("home page 2", reverse("articles:home") + "?page=2"),
        ("article", article.get_absolute_url()),
        ("tag index", reverse("articles:tags")),
        ("tag page", reverse("articles:tag", kwargs=tag_slug)),
        (f"tag page {deep}", reverse("articles:tag", kwargs=tag_slug) + f"?page={deep}"),
        ("category page", reverse("articles:category", kwargs={"slug": category.slug})),
        ("author page", reverse("articles:author", kwargs={"slug": author.slug})),
        ("year archive", reverse("articles:year", kwargs={"year": day.year})),
        ("month archive", reverse("articles:month", kwargs={"year": day.year, "month": day.month})),
        ("RSS feed", reverse("articles:feed")),
        ("Atom feed", reverse("articles:feed-atom")),
        ("tag RSS feed", reverse("articles:tag-feed", kwargs=tag_slug)),
        ("tag Atom feed", reverse("articles:tag-feed-atom", kwargs=tag_slug)),
        ("sitemap index", reverse("sitemap")),
        ("sitemap section", reverse("sitemap-section", kwargs={"section": "articles"})),
        ("robots.txt", reverse("robots")),
        ("search", reverse("articles:search") + f"?q={SEARCH_WORD}"),
    ]


def main():
    setup_test_environment()  # responses carry their template context (the search's results)
    client = Client(HTTP_HOST="127.0.0.1")
    for name, path in pages():
        path = iri_to_uri(path)
        response = client.get(path)
        note = ""
        if name == "search":
            found = len(response.context["page_obj"].object_list) if response.status_code == 200 else 0
            note = f"{found} results on the first page"
            if not found:
                sys.exit(f"The search {path} finds nothing; is the search index built?")
        print(f"{name}\t{path}\t{response.status_code}\t{note}")


if __name__ == "__main__":
    main()
