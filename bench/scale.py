"""Server time at the benchmark's scale, one request at a time: the public pages and the editors' admin.

Run by bench/run on its database after the data is generated (and the search index with it). Each
page is asked RUNS times in a row through Django's WSGI handler (the test client), after two
warm-up requests; the figure is the time Django takes to answer, p50 and p95. Prints a Markdown
section (bench/run writes it to bench/SCALE.md) and exits 3 when a target is missed.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils.encoding import iri_to_uri  # noqa: E402
from taggit.models import Tag  # noqa: E402

from articles.models import Article  # noqa: E402
from articles.sitemaps import ArticleSitemap  # noqa: E402

RUNS = int(os.environ.get("BENCH_SCALE_RUNS", "30"))
DEEP_TAG_PAGE = 200
PAGE_MS, SITEMAP_MS, ADMIN_MS = 50, 100, 300


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def public_pages():
    article = Article.objects.published().order_by("-published_at")[500]
    public = Q(article__in=Article.objects.published())
    tag = Tag.objects.annotate(n=Count("article", filter=public)).order_by("-n").first()
    tag_url = reverse("articles:tag", kwargs={"slug": tag.slug})
    deep = min(DEEP_TAG_PAGE, -(-tag.n // 10))  # the tag's last page when it has fewer
    size = ArticleSitemap.limit
    sections = -(-Article.objects.published().count() // size)
    return [
        ("home", reverse("articles:home"), PAGE_MS),
        ("article", article.get_absolute_url(), PAGE_MS),
        (
            "article with images",
            Article.objects.published().exclude(lead_image=None).first().get_absolute_url(),
            PAGE_MS,
        ),
        (f"tag page 1 ({tag.n:,} articles)", tag_url, PAGE_MS),
        (f"tag page {deep}", f"{tag_url}?page={deep}", PAGE_MS),
        (f"tag index ({Tag.objects.count():,} tags)", reverse("articles:tags"), PAGE_MS),
        ("site feed", reverse("articles:feed"), PAGE_MS),
        # A topic word (in a twentieth of the generated articles), then the two commonest words:
        # `python` is also the busiest tag (two articles in five), 投資 is in every other body.
        ("search: 半導体", reverse("articles:search") + "?q=半導体", PAGE_MS),
        ("search: python", reverse("articles:search") + "?q=python", PAGE_MS),
        ("search: 投資", reverse("articles:search") + "?q=投資", PAGE_MS),
        # The last full section: the last one may hold only a few URLs.
        (
            f"sitemap section ({size:,} URLs)",
            reverse("sitemap-section", kwargs={"section": "articles"}) + f"?p={max(1, sections - 1)}",
            SITEMAP_MS,
        ),
        ("sitemap index", reverse("sitemap"), SITEMAP_MS),
    ]


def admin_pages():
    changelist = reverse("admin:articles_article_changelist")
    deep = min(500, -(-Article.objects.count() // 50))  # 50 a page (ArticleAdmin.list_per_page)
    return [
        ("admin: article list", changelist, ADMIN_MS),
        (f"admin: list page {deep}", f"{changelist}?p={deep}", ADMIN_MS),
        ("admin: filter published", f"{changelist}?state=published", ADMIN_MS),
        ("admin: filter language", f"{changelist}?language__exact=en", ADMIN_MS),
        ("admin: search python", f"{changelist}?q=python", ADMIN_MS),
        ("admin: search 投資", f"{changelist}?q=投資", ADMIN_MS),
    ]


def measure(client, path):
    path = iri_to_uri(path)
    for _ in range(2):
        response = client.get(path)
    if response.status_code != 200:
        sys.exit(f"{path} answered {response.status_code}")
    connection.force_debug_cursor = True
    connection.queries_log.clear()
    client.get(path)
    queries = list(connection.queries)
    connection.force_debug_cursor = False
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        client.get(path)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), percentile(times, 0.95), len(queries)


def main():
    public = Client(HTTP_HOST="127.0.0.1")
    staff = Client(HTTP_HOST="127.0.0.1")
    editor, _ = get_user_model().objects.get_or_create(
        username="bench-editor", defaults={"is_staff": True, "is_superuser": True}
    )
    staff.force_login(editor)
    total = Article.objects.count()
    print(f"## Server time at {total:,} articles, one request at a time\n")
    print(
        f"Each page {RUNS} times in a row through Django's WSGI handler (the test client, in one "
        "process, against PostgreSQL, with the default cache in Redis as in production and the page "
        "cache off: every page is made afresh; what is kept is the counts and dates of "
        "`page_cache.remembered` and the related-article rankings), after two warm-up requests. "
        "Editors' pages as a logged-in superuser; searches with the search index built.\n"
    )
    print("| Page | Path | p50 ms | p95 ms | target p95 | SQL queries | |")
    print("|---|---|---:|---:|---:|---:|---|")
    missed = False
    for client, pages in ((public, public_pages()), (staff, admin_pages())):
        for name, path, target in pages:
            p50, p95, queries = measure(client, path)
            verdict = "met" if p95 <= target else "MISSED"
            missed = missed or p95 > target
            print(f"| {name} | `{path}` | {p50:.1f} | {p95:.1f} | {target} | {queries} | {verdict} |")
    return 3 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
