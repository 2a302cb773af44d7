"""import_jekyll and the image library: the pictures posts show are brought in once, never fetched,
never read from outside the media folder; a lead image that cannot be brought in leaves the card."""

import hashlib
import re

import pytest
from django.core.management import CommandError
from django.db import IntegrityError

from articles.editing import save_article
from articles.jekyll.importer import ImportFailed, import_posts
from articles.jekyll.plan import Plan
from articles.models import Article, Image, Revision

from .image_files import encoded, make_image, picture
from .jekyll_files import post, run

pytestmark = pytest.mark.django_db

PNG = encoded("PNG", picture((40, 30)))
OTHER_PNG = encoded("PNG", picture((30, 40)))
SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
NAME = "_posts/2024-01-02-x.md"
CARD = "the article shares its generated card"


def site(tmp_path, body="Text.", front="title: X", files=None, name=NAME):
    """A Jekyll site folder with one post and its image files (assets/images/a.png by default)."""
    root = tmp_path / "site"
    for relative, data in (files if files is not None else {"assets/images/a.png": PNG}).items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_bytes(data)
    post(root, name, front, body)
    return root


def warnings(*args, **options):
    """The import's warning lines as the command prints them."""
    output = run(*args, verbosity=2, **options)
    return [line.removeprefix("warning: ") for line in output.splitlines() if line.startswith("warning: ")]


def one():
    return Article.objects.get()


# Bringing images in


@pytest.mark.parametrize(
    "address",
    [
        "/assets/images/a.png",
        "assets/images/a.png",
        "{{ site.baseurl }}/assets/images/a.png",
        '{{ "/assets/images/a.png" | relative_url }}',
    ],
)
def test_a_body_image_is_brought_in_and_its_reference_rewritten(tmp_path, address):
    run(site(tmp_path, body=f'Before.\n\n![A grey gradient]({address} "Its title")\n\nAfter.'))
    image = Image.objects.get()
    assert one().body == f'Before.\n\n![A grey gradient](image:{image.pk} "Its title")\n\nAfter.'
    assert (image.title, image.alt_text, image.width, image.height) == ("a", "A grey gradient", 40, 30)
    assert image.checksum == hashlib.sha256(PNG).hexdigest()
    assert list(one().image_uses.values_list("image", flat=True)) == [image.pk]


def test_the_front_matter_lead_image_becomes_the_lead_image(tmp_path):
    front = "title: X\nimage:\n  path: /assets/images/a.png\n  alt: A gradient\n  caption: Made here"
    run(site(tmp_path, front=front))
    article, image = one(), Image.objects.get()
    assert (article.lead_image, article.image, article.image_alt) == (image, "", "")
    assert (image.alt_text, image.caption) == ("A gradient", "Made here")


def test_a_lead_image_alt_may_be_a_key_of_its_own(tmp_path):
    run(site(tmp_path, front="title: X\nimage: /assets/images/a.png\nimage_alt: Described"))
    assert one().lead_image.alt_text == "Described"


def test_the_page_and_its_share_preview_show_library_pictures(tmp_path, client):
    gallery = '<div><a href="/x/"><img alt="thumb" src="/assets/images/a.png"></a></div>'
    body = f"![Grey](/assets/images/a.png)\n\n{gallery}"
    run(site(tmp_path, body=body, front="title: X\nimage: {path: /assets/images/a.png, alt: Lead}"))
    page = client.get(one().get_absolute_url()).content.decode()
    assert "/assets/images/a.png" not in page and page.count("<picture>") == 3
    assert re.search(r'og:image" content="http[^"]*/images/\d+/\w+/fill-1200x630\.jpg"', page)


def test_a_raw_html_image_is_brought_in_its_address_first(tmp_path):
    item = '<li><a href="/x/"><img alt="thumb" src="/assets/images/a.png" /></a></li>'
    body = f'<ul class="gallery">\n  {item}\n</ul>'
    run(site(tmp_path, body=body))
    pk = Image.objects.get().pk
    assert f'<img src="image:{pk}" alt="thumb" />' in one().body
    assert Image.objects.get().alt_text == "thumb"


def test_references_in_code_are_text_not_images(tmp_path):
    body = "Write `![a](/assets/images/a.png)` like this:\n\n```\n![a](/assets/images/a.png)\n```"
    run(site(tmp_path, body=body))
    assert one().body == body
    assert not Image.objects.exists()


def test_media_option_names_the_folder_images_are_read_from(tmp_path):
    root = site(tmp_path, body="![A](/assets/images/b.png)", files={})
    (tmp_path / "elsewhere/assets/images").mkdir(parents=True)
    (tmp_path / "elsewhere/assets/images/b.png").write_bytes(PNG)
    run(root, media=tmp_path / "elsewhere")
    assert one().body == f"![A](image:{Image.objects.get().pk})"
    with pytest.raises(CommandError, match="does not exist or is not a folder"):
        run(root, media=tmp_path / "missing")


def test_full_addresses_are_never_fetched(tmp_path):
    front = "title: X\nimage: {url: https://example.com/i.png, alt: From elsewhere}"
    run(site(tmp_path, front=front, body="![B](https://example.com/b.png)"))
    article = one()
    assert (article.image, article.image_alt, article.lead_image) == (
        "https://example.com/i.png",
        "From elsewhere",
        None,
    )
    assert article.body == "![B](https://example.com/b.png)"
    assert not Image.objects.exists()


# What cannot be brought in


def test_a_missing_file_is_a_warning_naming_the_post_and_the_path(tmp_path):
    root = site(tmp_path, body="![Gone](/assets/images/gone.png)")
    assert warnings(root) == [
        f"{root / NAME}: image /assets/images/gone.png not found in {root}: left as it is"
    ]
    assert one().body == "![Gone](/assets/images/gone.png)"


def test_a_missing_lead_image_leaves_the_generated_card(tmp_path):
    root = site(tmp_path, front="title: X\nimage: /assets/images/posts/x-ogp.png", files={})
    assert warnings(root) == [
        f"{root / NAME}: lead image /assets/images/posts/x-ogp.png not found in {root}: {CARD}"
    ]
    assert (one().image, one().lead_image) == ("", None)


def test_a_post_outside_a_site_has_no_media_folder(tmp_path):
    path = post(tmp_path, "2024-01-02-x.md", "title: X\nimage: /assets/a.png", "![A](/assets/a.png)")
    assert warnings(path) == [
        f"{path}: lead image /assets/a.png cannot be brought in without a media folder (--media): {CARD}"
    ]
    assert (one().image, one().body) == ("", "![A](/assets/a.png)")


def test_nothing_outside_the_media_folder_is_read(tmp_path):
    (tmp_path / "secret.png").write_bytes(PNG)
    root = site(tmp_path, body="![S](../secret.png)\n\n![L](/assets/images/link.png)", files={})
    (root / "assets/images").mkdir(parents=True)
    (root / "assets/images/link.png").symlink_to(tmp_path / "secret.png")
    assert warnings(root) == [
        f"{root / NAME}: image ../secret.png is outside {root}: left as it is",
        f"{root / NAME}: image /assets/images/link.png is outside {root}: left as it is",
    ]
    assert not Image.objects.exists()
    assert one().body == "![S](../secret.png)\n\n![L](/assets/images/link.png)"


def test_hostile_addresses_are_warnings_never_a_failed_import(tmp_path):
    body = "![a](/%00.png) ![b](//[x) ![c](/" + "n" * 300 + ".png) ![d](/assets/images) ![e](/assets/)"
    root = site(tmp_path, body=body, front="title: X\nimage: data:image/png;base64,AAAA")
    lines = warnings(root)
    assert len(lines) == 5 and not Image.objects.exists() and one().body == body
    assert (
        lines[0] == f"{root / NAME}: lead image data:image/png;base64,AAAA is not an http(s) address: {CARD}"
    )


def test_an_svg_is_refused_with_the_reason(tmp_path):
    root = site(tmp_path, body="![Logo](/assets/logo.svg)", files={"assets/logo.svg": SVG})
    [line] = warnings(root)
    assert line.startswith(f"{root / NAME}: image /assets/logo.svg refused (") and "SVG" in line
    assert one().body == "![Logo](/assets/logo.svg)" and not Image.objects.exists()


def test_a_published_post_showing_an_undescribed_image_is_imported_with_a_warning(tmp_path):
    root = site(tmp_path, body="![](/assets/images/a.png)")
    assert warnings(root) == [
        f"{root / NAME}: image /assets/images/a.png has no alt text, and the post is published: "
        "describe it in the image library"
    ]
    assert one().is_published() and Image.objects.get().alt_text == ""
    draft = site(tmp_path / "drafts", body="![](/assets/images/a.png)", front="title: D\npublished: false")
    assert warnings(draft) == []


# One image per picture


def test_one_picture_in_two_posts_is_one_image(tmp_path):
    root = site(tmp_path, body="![First](/assets/images/a.png)", files={"assets/images/a.png": PNG})
    post(root, "_posts/2024-01-03-y.md", "title: Y", "![Copy](/assets/images/copy.png)")
    (root / "assets/images/copy.png").write_bytes(PNG)
    run(root)
    image = Image.objects.get()
    assert {a.body for a in Article.objects.all()} == {
        f"![First](image:{image.pk})",
        f"![Copy](image:{image.pk})",
    }


def test_an_existing_image_is_used_and_only_an_empty_alt_text_is_filled(tmp_path):
    described = make_image(PNG, name="mine.png", alt_text="The editors' words")
    undescribed = make_image(OTHER_PNG, name="other.png")
    files = {"assets/a.png": PNG, "assets/b.png": OTHER_PNG}
    run(site(tmp_path, body="![From the post](/assets/a.png)\n\n![Post alt](/assets/b.png)", files=files))
    assert one().body == f"![From the post](image:{described.pk})\n\n![Post alt](image:{undescribed.pk})"
    assert Image.objects.count() == 2
    described.refresh_from_db()
    undescribed.refresh_from_db()
    assert (described.alt_text, undescribed.alt_text) == ("The editors' words", "Post alt")


# Again: nothing new, and editors' changes stay


def test_importing_unchanged_files_again_changes_nothing(tmp_path):
    front = "title: X\nimage: {path: /assets/images/a.png, alt: Lead}"
    root = site(tmp_path, front=front, body="![Body](/assets/images/b.png)", files={
        "assets/images/a.png": PNG, "assets/images/b.png": OTHER_PNG,
    })  # fmt: skip
    run(root)
    images, revisions = list(Image.objects.values_list("pk", flat=True)), Revision.objects.count()
    assert "0 updated, 1 unchanged" in run(root)
    assert list(Image.objects.values_list("pk", flat=True)) == images and len(images) == 2
    assert Revision.objects.count() == revisions


def test_a_changed_picture_is_a_changed_post(tmp_path):
    root = site(tmp_path, body="![Body](/assets/images/a.png)")
    run(root)
    (root / "assets/images/a.png").write_bytes(OTHER_PNG)
    assert "1 updated" in run(root)
    assert one().body == f"![Body](image:{Image.objects.latest('pk').pk})" and Image.objects.count() == 2


def test_an_editors_lead_image_is_kept_and_the_files_new_picture_not_brought_in(tmp_path, editor):
    root = site(tmp_path, front="title: X\nimage: {path: /assets/images/a.png, alt: Lead}")
    run(root)
    chosen = make_image(OTHER_PNG, name="chosen.png", alt_text="Chosen on the site")
    article = one()
    article.lead_image = chosen
    save_article(article, by=editor)
    post(root, NAME, "title: X\nimage: {path: /assets/images/c.png, alt: New}", "Changed.")
    (root / "assets/images/c.png").write_bytes(encoded("PNG", picture((20, 20))))
    assert "1 conflicts" in run(root)
    assert one().lead_image == chosen and Image.objects.count() == 2


def test_a_dry_run_saves_no_image(tmp_path):
    report = import_posts([site(tmp_path, body="![A](/assets/images/a.png)")], dry_run=True)
    assert report.created == 1 and not Image.objects.exists() and not Article.objects.exists()


def test_a_failed_import_leaves_no_image_file(tmp_path, settings, monkeypatch):
    def refuse(*args, **kwargs):
        raise IntegrityError("refused")

    monkeypatch.setattr(Plan, "write", refuse)
    with pytest.raises(ImportFailed):
        import_posts([site(tmp_path, body="![A](/assets/images/a.png)")])
    assert not Image.objects.exists()
    assert not [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]


# A real post


def test_a_made_mistakes_post_with_figures_and_a_gallery(tmp_path, shared):
    source = shared / "corpus/made-mistakes/_posts/mastering-paper/2013-09-29-drawing-water.md"
    text = source.read_text(encoding="utf-8")
    addresses = set(re.findall(r'(?:\]\(|src="|&image )(/assets/images/[^)"\s]+)', text))
    for n, address in enumerate(sorted(addresses)):
        path = tmp_path / "site-media" / address.lstrip("/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(encoded("PNG", picture((10 + n, 10))))
    import_posts([source], media=tmp_path / "site-media")
    article = one()
    assert article.lead_image is not None and article.image == ""
    assert not re.search(r'!\[[^\]]*\]\(/assets|<img src="/assets', article.body)
    assert '<img src="image:' in article.body
