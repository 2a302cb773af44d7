"""Search latency on the database bench/search filled: 20 queries, each timed many times.

Usage: search_latency.py DATASET (allforces or generated). Prints a Markdown section: per query the
matches, the median and p95 of the search itself (the ids and the first page's articles, as the page
reads them) and of the whole page through Django's test client; then the figures over all runs.
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

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from articles import cards, search  # noqa: E402
from articles.models import Article  # noqa: E402

RUNS = int(os.environ.get("BENCH_SEARCH_RUNS", "15"))
TARGET_MS = 50

# Two-letter Japanese words, katakana terms, English words, mixed, phrases, exclusions.
QUERIES = {
    "allforces": [
        "投資", "医療", "株", "補助金", "半導体", "データセンター", "エージェント", "クラウド",
        "セキュリティ", "AI人材", "生成AI", "AWS 投資", "NVIDIA 半導体", "investments", "python",
        '"巨額を投じ"', '"AI人材の育成"', "チップ -NVIDIA", "OpenAI -Microsoft", "機械学習",
    ],
    # bench_data's vocabulary: topics in titles and tags, ten sentences in every body.
    "generated": [
        "投資", "市場", "医療", "教育", "半導体", "機械学習", "データ分析", "クラウド", "セキュリティ",
        "スタートアップ", "AI人材", "AI人材 育成", "python", "investments", "security", '"open source"',
        '"long-term investment"', '"長期的な視点"', "クラウド -セキュリティ", "気候変動",
    ],
}  # fmt: skip


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def timed(function):
    started = time.perf_counter()
    result = function()
    return (time.perf_counter() - started) * 1000, result


def run_search(query):
    # As the search page reads them: the cards' columns and the HTML for the snippets.
    results = search.Results(cards.public_cards().only(*cards.CARD_FIELDS, "body_html"), query)
    return len(results), results.complete, cards.load(results[0:10])


def main(dataset):
    # The page renders {% static %}; the bench needs no collectstatic for it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    client = Client()
    url = reverse("articles:search")
    rows, engine_all, page_all = [], [], []
    for text in QUERIES[dataset]:
        query = search.parse_query(text)
        with CaptureQueriesContext(connection) as captured:
            run_search(query)  # once to warm the caches, counting its SQL queries
        queries = len(captured.captured_queries)  # now: a request empties the log
        response = client.get(url, {"q": text})
        assert response.status_code == 200, (text, response.status_code)
        engine, page = [], []
        for _ in range(RUNS):
            ms, (count, complete, _page) = timed(lambda query=query: run_search(query))
            engine.append(ms)
            page.append(timed(lambda text=text: client.get(url, {"q": text}))[0])
        engine_all += engine
        page_all += page
        rows.append((text, f"{count}{'' if complete else '+'}", engine, page, queries))
    articles = Article.objects.count()
    print("| Query | Matches | Search median | Search p95 | Page median | Page p95 | SQL queries |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for text, count, engine, page, n in rows:
        print(
            f"| `{text}` | {count} | {statistics.median(engine):.1f} ms | {percentile(engine, 0.95):.1f} ms "
            f"| {statistics.median(page):.1f} ms | {percentile(page, 0.95):.1f} ms | {n} |"
        )
    engine_p95 = percentile(engine_all, 0.95)
    print()
    print(
        f"All {len(engine_all)} runs ({len(rows)} queries × {RUNS}) over {articles:,} articles: "
        f"search median **{statistics.median(engine_all):.1f} ms**, p95 **{engine_p95:.1f} ms**; "
        f"page median {statistics.median(page_all):.1f} ms, p95 {percentile(page_all, 0.95):.1f} ms."
    )
    if dataset == "generated":
        verdict = "met" if engine_p95 <= TARGET_MS else "MISSED"
        print(f"Target p95 ≤ {TARGET_MS} ms for the search: **{verdict}**.")
    print(f"\n{plan_check()}")


def plan_check():
    """Whether the candidates come from the GIN index, as EXPLAIN shows under the function's settings."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT prosrc, proconfig FROM pg_proc WHERE proname = 'article_search_candidates'")
        body, config = cursor.fetchone()
        for setting in config:
            cursor.execute("SELECT set_config(%s, %s, false)", setting.split("=", 1))
        sql = body.replace("vector @@ query", "vector @@ to_tsquery('english', %s)").replace(
            "LIMIT k", "LIMIT 1001"
        )
        cursor.execute(f"EXPLAIN {sql}", ["'投資'"])
        plan = [row[0].strip() for row in cursor.fetchall()]
    used = next((line for line in plan if "Index Scan on article_search_idx" in line), None)
    return f"EXPLAIN of the candidates for `投資`: `{used or plan[0]}`."


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in QUERIES:
        sys.exit(f"usage: {sys.argv[0]} {'|'.join(QUERIES)}")
    main(sys.argv[1])
