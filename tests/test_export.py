"""export_jekyll: articles as Jekyll posts; imported into an empty database they are the same articles."""

import datetime
import zoneinfo
from io import StringIO

import pytest
import yaml
from django.core.management import call_command
from taggit.models import Tag

from articles.jekyll.exporter import OWNED_KEYS
from articles.jekyll.importer import import_posts
from articles.models import Article, ArticleRedirect, Author, Category, Image

from .factories import make_article, make_author, make_category, make_draft
from .image_files import encoded, make_image, picture

pytestmark = pytest.mark.django_db

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")


def export(directory):
    out = StringIO()
    call_command("export_jekyll", str(directory), stdout=out)
    return out.getvalue()


def read(path):
    _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(front), body


def awkward_articles():
    """Articles an editor could make that a Jekyll file must carry without loss."""
    news = make_category("ニュース")
    ann, bob = make_author("Ann Writer"), make_author("佐藤 美咲")
    make_article(
        "日本語の記事",
        slug="日本語の記事",
        published_at=datetime.datetime(2025, 9, 7, 23, 30, 15, 123456, tzinfo=TOKYO),
        body="# 見出し\n\n本文です。[^1]\n\n[^1]: 脚注。",
        tags=["AI人材", "machine learning"],
        categories=[news],
        authors=[bob, ann],
        excerpt="抜粋。",
        description="説明文。",
        image="https://example.com/a.jpg",
        front_matter={
            "image": {"path": "https://example.com/a.jpg", "caption": "写真"},
            "sitemap": False,
            "layout": "post",
        },
    )
    make_draft(
        "Dated draft",
        slug="dated-draft",
        published_at=datetime.datetime(2026, 1, 2, 3, 4, tzinfo=TOKYO),
        authors=[ann],
        tags=["Tag With Spaces"],
    )
    make_draft("Undated idea", slug="idea", published_at=None, body="Write {{ name }} here and {% this %}.")
    make_article("Mixed_Case_Slug", slug="Mixed_Case_Slug", body="Plain.\n\n```\n{: .x}\n```")


def snapshot():
    def kept(front_matter):
        return {key: value for key, value in front_matter.items() if key not in OWNED_KEYS}

    return {
        (a.pub_date, a.slug): (
            a.title,
            a.published_at,
            a.updated_at,
            a.status,
            sorted(t.name for t in a.tags.all()),
            sorted(c.name for c in a.categories.all()),
            [author.name for author in a.ordered_authors],
            a.excerpt,
            a.description,
            a.image,
            a.image_alt,
            a.lead_image_id,
            a.body,
            kept(a.front_matter),
        )
        for a in Article.objects.with_relations()
    }


def wipe():
    Article.objects.all().delete()
    for model in (Author, Category, Tag):
        model.objects.all().delete()


def test_round_trip_of_awkward_articles(tmp_path):
    awkward_articles()
    before = snapshot()
    assert "4 articles written" in export(tmp_path / "site")
    wipe()
    report = import_posts([tmp_path / "site"])
    assert (report.created, report.failed, report.warnings) == (4, 0, [])
    assert snapshot() == before
    # The exported _config.yml makes the old Jekyll URL the article's own: no needless redirects.
    assert not ArticleRedirect.objects.exists()


def test_round_trip_keeps_every_state_and_time(tmp_path, editor):
    from articles.editing import apply_action

    from .factories import now, tomorrow

    make_draft("Draft", slug="draft")
    apply_action(make_draft("In review", slug="review"), "submit", by=editor)
    make_article("Scheduled", slug="scheduled", published_at=tomorrow())
    make_article("Published", slug="published")
    apply_action(make_article("Withdrawn", slug="withdrawn"), "unpublish", by=editor)
    withdrawing = make_article("Withdrawing", slug="withdrawing")
    apply_action(withdrawing, "unpublish", by=editor, when=now() + datetime.timedelta(days=2))

    def states():
        return {a.slug: (a.state, a.status, a.published_at, a.unpublish_at) for a in Article.objects.all()}

    before = states()
    assert {state for state, *_ in before.values()} == set(Article.State.values)
    export(tmp_path / "site")
    wipe()
    import_posts([tmp_path / "site"])
    assert states() == before


def test_round_trip_of_the_seed(tmp_path, shared):
    import_posts([shared / "seed"])
    before = snapshot()
    export(tmp_path / "out")
    wipe()
    import_posts([tmp_path / "out"])
    assert snapshot() == before


def test_file_names_and_front_matter(tmp_path):
    awkward_articles()
    export(tmp_path)
    names = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*.md"))
    assert names == [
        "_drafts/idea.md",
        "_posts/2025-09-07-日本語の記事.md",
        "_posts/2026-01-02-dated-draft.md",
        f"_posts/{Article.objects.get(slug='Mixed_Case_Slug').pub_date:%Y-%m-%d}-Mixed_Case_Slug.md",
    ]
    front, body = read(tmp_path / "_posts/2025-09-07-日本語の記事.md")
    assert list(front)[:10] == [
        "title", "date", "slug", "categories", "tags", "author", "excerpt", "description", "image",
        "last_modified_at",
    ]  # fmt: skip
    assert set(list(front)[10:]) == {"sitemap", "layout"}  # kept keys (jsonb does not keep their order)
    assert front["date"] == datetime.datetime(2025, 9, 7, 23, 30, 15, 123456, tzinfo=TOKYO)
    assert front["author"] == ["佐藤 美咲", "Ann Writer"]
    assert front["tags"] == ["AI人材", "machine learning"]
    assert front["image"] == {"path": "https://example.com/a.jpg", "caption": "写真"}
    assert body == "\n# 見出し\n\n本文です。[^1]\n\n[^1]: 脚注。\n"
    draft, _ = read(tmp_path / "_posts/2026-01-02-dated-draft.md")
    assert draft["published"] is False and draft["author"] == "Ann Writer" and "excerpt" not in draft
    undated, undated_body = read(tmp_path / "_drafts/idea.md")
    assert "date" not in undated and undated["published"] is False
    # Jekyll would run Liquid in this body: raw keeps it text, and the importer unwraps it.
    assert undated_body == "\n{% raw %}Write {{ name }} here and {% this %}.{% endraw %}\n"


def test_last_modified_only_when_it_differs(tmp_path):
    moment = datetime.datetime(2024, 1, 1, 9, tzinfo=TOKYO)
    make_article("Same", slug="same", published_at=moment, updated_at=moment)
    export(tmp_path)
    front, _ = read(tmp_path / "_posts/2024-01-01-same.md")
    assert "last_modified_at" not in front


def test_an_existing_config_is_kept(tmp_path):
    (tmp_path / "_config.yml").write_text("title: Mine\n", encoding="utf-8")
    make_article()
    export(tmp_path)
    assert (tmp_path / "_config.yml").read_text(encoding="utf-8") == "title: Mine\n"


# Library images


def library_articles():
    """Two articles sharing two library images, and one with an external lead image."""
    lead = make_image(encoded("PNG"), name="lead.png", title="Lead picture", alt_text="What it shows")
    plain = make_image(encoded("PNG", picture((20, 10))), name="plain.png", title="写真", alt_text="Plain")
    body = f'![Here](image:{plain.pk} "T")\n\n`![code](image:{plain.pk})`'
    make_article(
        "A", slug="a", published_at=datetime.datetime(2024, 1, 2, tzinfo=TOKYO), lead_image=lead, body=body
    )
    make_article(
        "B",
        slug="b",
        published_at=datetime.datetime(2024, 1, 3, tzinfo=TOKYO),
        lead_image=plain,
        body=f"![](image:{lead.pk})",
    )
    make_article("C", slug="c", image="https://example.com/c.png", image_alt="Elsewhere")
    return lead, plain


def test_library_images_are_written_beside_the_posts_once(tmp_path):
    lead, plain = library_articles()
    plain.alt_text = ""
    plain.save()
    assert "2 library images written" in export(tmp_path)
    lead_path = f"/assets/images/library/{lead.pk}-lead-picture.png"
    plain_path = f"/assets/images/library/{plain.pk}-plain.png"  # no ASCII in the title: the file's name
    written = sorted(f"/{p.relative_to(tmp_path)}" for p in (tmp_path / "assets/images/library").iterdir())
    assert written == sorted([lead_path, plain_path])
    with plain.file.open("rb") as original:
        assert (tmp_path / plain_path.lstrip("/")).read_bytes() == original.read()
    front, body = read(tmp_path / "_posts/2024-01-02-a.md")
    assert front["image"] == {"path": lead_path, "alt": "What it shows"}
    assert body == f'\n![Here]({plain_path} "T")\n\n`![code](image:{plain.pk})`\n'
    front, body = read(tmp_path / "_posts/2024-01-03-b.md")
    assert (front["image"], body) == (plain_path, f"\n![]({lead_path})\n")
    front, _ = read(next(tmp_path.glob("_posts/*-c.md")))
    assert front["image"] == {"path": "https://example.com/c.png", "alt": "Elsewhere"}


def test_export_then_import_reuses_the_library_images(tmp_path):
    library_articles()
    before, images = snapshot(), list(Image.objects.values_list("pk", "checksum"))
    export(tmp_path / "site")
    wipe()
    report = import_posts([tmp_path / "site"])
    assert (report.created, report.warnings) == (3, [])
    assert snapshot() == before
    assert list(Image.objects.values_list("pk", "checksum")) == images


def test_an_image_whose_original_is_gone_keeps_its_number(tmp_path):
    image = make_image(encoded("PNG"), name="gone.png", alt_text="Gone")
    make_article("A", slug="a", body=f"![Gone](image:{image.pk})")
    image.file.storage.delete(image.file.name)
    output = export(tmp_path)
    assert f"warning: image #{image.pk} (gone.png), shown by a: its original cannot be read" in output
    _, body = read(next(tmp_path.glob("_posts/*-a.md")))
    assert body == f"\n![Gone](image:{image.pk})\n"
