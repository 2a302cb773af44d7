"""From an editor's publish to the article on the cached home page, through the shipped Varnish.

Usage: publish_visible.py VARNISH_URL. Run by bench/run with the cached side's settings (the same
database, VARNISH_PURGE_URLS naming that Varnish). Each round writes a draft, warms the home page
in Varnish (a hit that does not show it), publishes the draft through the editing API as an
editor would (the commit's signal purges Varnish), and asks the home page through Varnish every
10 ms until it shows the title. Prints one Markdown line of figures; exits 3 over the target.
"""

import os
import statistics
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402

from articles.editing import apply_action, save_article  # noqa: E402
from articles.models import Article  # noqa: E402

ROUNDS = 5
TARGET_S = 1.0
GIVE_UP_S = 30


def home(base):
    with urllib.request.urlopen(base, timeout=5) as response:
        return response.read().decode(), response.headers.get("X-Cache", "")


def main(base):
    editor, _ = get_user_model().objects.get_or_create(
        username="bench-editor", defaults={"is_staff": True, "is_superuser": True}
    )
    seconds = []
    for number in range(ROUNDS):
        title = f"Publish-to-visible probe {time.time_ns()}"
        article = Article(title=title, body="A probe of the benchmark.", language="en")
        save_article(article, by=editor)
        for _ in range(3):
            page, hit = home(base)
        if title in page or "HIT" not in hit:
            sys.exit(f"the home page through {base} is not a cached page without the draft ({hit!r})")
        started = time.perf_counter()
        apply_action(article, "publish", by=editor)
        while title not in home(base)[0]:
            if time.perf_counter() - started > GIVE_UP_S:
                sys.exit(f"round {number + 1}: the published article did not show in {GIVE_UP_S} s")
            time.sleep(0.01)
        seconds.append(time.perf_counter() - started)
    worst = max(seconds)
    print(
        f"| publish to visible on the cached home page (Varnish) | {ROUNDS} rounds | "
        f"median {statistics.median(seconds) * 1000:.0f} ms, worst {worst * 1000:.0f} ms | "
        f"< {TARGET_S:g} s | {'met' if worst < TARGET_S else 'MISSED'} |"
    )
    return 3 if worst >= TARGET_S else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
