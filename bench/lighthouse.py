"""Lighthouse on an article with images, and what a first visit to its pictures costs.

Usage: bench/lighthouse.py [LIGHTHOUSE]  (LIGHTHOUSE: the lighthouse command, default `npx lighthouse`;
Lighthouse 12.2.3 runs on this machine's Node 20: `npm i -E lighthouse@12.2.3` in a folder of its
own). A fresh SQLite database and media folder under a temporary directory get one article with a
lead image and two photographs in its text, each a 4000x3000 JPEG as a camera makes it; gunicorn
serves it with DEBUG off, and Lighthouse runs the mobile profile (throttled, as its default) in
Debian's Chromium. Prints Markdown: the scores, the image audits, the upload-to-first-render time
of each rendition a phone asks for, and the size of each rendition of one photograph.
"""

import io
import json
import os
import shlex
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMP = Path(tempfile.mkdtemp(prefix="newsroom-lighthouse-"))
os.environ.update(
    DJANGO_SETTINGS_MODULE="newsroom.settings",
    DATABASE_URL=f"sqlite:///{TEMP / 'db.sqlite3'}",
    MEDIA_ROOT=str(TEMP / "media"),
    SECRET_KEY="lighthouse-only",
    DEBUG="0",
    HTTPS="0",
)
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from PIL import Image as PILImage  # noqa: E402
from PIL import ImageFilter  # noqa: E402

from articles.editing import apply_action, save_article  # noqa: E402
from articles.images import pictures, renditions, uploads  # noqa: E402
from articles.models import Article  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
FLAGS = " ".join(
    ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
    + ["--disable-component-update", "--disable-sync"]
)
AUDITS = ["image-size-responsive", "uses-responsive-images", "modern-image-formats", "unsized-images",
          "image-alt", "offscreen-images", "largest-contentful-paint", "cumulative-layout-shift"]  # fmt: skip


def photograph(seed):
    """A 4000x3000 JPEG with the detail of a photograph (noise, blurred a little), not a flat colour."""
    noise = PILImage.effect_noise((1000, 750), 64 + seed).convert("RGB").resize((4000, 3000))
    gradient = PILImage.linear_gradient("L").resize((4000, 3000)).convert("RGB")
    picture = PILImage.blend(noise.filter(ImageFilter.GaussianBlur(2)), gradient, 0.5)
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=90)
    return out.getvalue()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def audit(lighthouse, url):
    report = TEMP / "report.json"
    categories = "--only-categories=performance,accessibility,best-practices,seo"
    command = [*shlex.split(lighthouse), url, "--output=json", f"--output-path={report}", "--quiet"]
    command += [categories, f"--chrome-flags={FLAGS}"]
    subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": CHROMIUM})
    return json.loads(report.read_text())


def main(lighthouse):
    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model

    editor = get_user_model().objects.create_superuser("lighthouse", password=None)
    images = []
    for n, alt in enumerate(["夜明けの港に並ぶ漁船", "市場に並ぶ鮮魚", "岸壁で網を直す漁師"]):
        started = time.perf_counter()
        image = uploads.create_image(
            SimpleUploadedFile(f"photo{n}.jpg", photograph(n)), title=f"港 {n}", alt_text=alt
        )
        images.append((image, time.perf_counter() - started))
    lead, first, second = (image for image, _ in images)
    paragraph = "漁船が港に戻り、朝の市場が動き始める。" * 8
    body = "\n\n".join(
        [
            paragraph,
            f"![](image:{first.pk})",
            paragraph,
            "## 市場",
            paragraph,
            f"![](image:{second.pk})",
            paragraph,
        ]
    )
    article = save_article(Article(title="港の朝、市場の一日", body=body, lead_image=lead), by=editor)
    apply_action(article, "publish", by=editor)
    # The same text without its pictures: what the pictures themselves cost.
    plain_body = body.replace(f"![](image:{first.pk})", "").replace(f"![](image:{second.pk})", "")
    text_only = save_article(Article(title="港の朝(写真なし)", slug="text-only", body=plain_body), by=editor)
    apply_action(text_only, "publish", by=editor)

    port = free_port()
    env = {**os.environ, "SITE_URL": f"http://127.0.0.1:{port}", "ALLOWED_HOSTS": "127.0.0.1"}
    call_command("collectstatic", "--no-input", verbosity=0)
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "newsroom.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}{article.get_absolute_url()}"
        for _ in range(100):
            try:
                urllib.request.urlopen(url, timeout=2).read()
                break
            except OSError:
                time.sleep(0.1)
        # The first request of each size a phone at 2x asks for: made now, from the original.
        first_render = []
        for image, upload_s in images:
            for spec in ("w800.avif", "w800.webp"):
                started = time.perf_counter()
                urllib.request.urlopen(
                    f"http://127.0.0.1:{port}{pictures.url(image, spec)}", timeout=60
                ).read()
                first_render.append((image.title, upload_s, spec, time.perf_counter() - started))
        result = audit(lighthouse, url)
        without = audit(lighthouse, f"http://127.0.0.1:{port}{text_only.get_absolute_url()}")
    finally:
        server.terminate()
        server.wait()

    print(f"Lighthouse {result['lighthouseVersion']}, mobile profile (simulated throttling)\n")
    print("| category | with images | same text, no images |\n|---|---|---|")
    for name, category in result["categories"].items():
        other = without["categories"][name]["score"]
        print(f"| {name} | {round(category['score'] * 100)} | {round(other * 100)} |")
    print("\n| audit | score | value |\n|---|---|---|")
    for name in [*AUDITS, "total-blocking-time"]:
        found = result["audits"][name]
        score = "n/a" if found["score"] is None else round(found["score"] * 100)
        print(f"| {name} | {score} | {found.get('displayValue', '')} |")
    print("\n| image | upload | rendition | first request |\n|---|---|---|---|")
    for title, upload_s, spec, render_s in first_render:
        print(f"| {title} | {upload_s * 1000:.0f} ms | {spec} | {render_s * 1000:.0f} ms |")
    print("\nRenditions of one 4000x3000 photograph:\n\n| width | AVIF | WebP | JPEG |\n|---|---|---|---|")
    for width in pictures.WIDTHS:
        sizes = []
        for ext in ("avif", "webp", "jpg"):
            data, _size = renditions.render(lead, renditions.parse_spec(f"w{width}.{ext}"))
            sizes.append(f"{len(data) / 1024:.0f} KB")
        print(f"| {width} | {' | '.join(sizes)} |")
    print(f"\nThe original: {lead.file_size / 1024:.0f} KB.")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "npx lighthouse")
