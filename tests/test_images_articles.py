"""Library images in articles: references, pictures, the alt-text rule, uses, sharing, feeds."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.apps import apps
from django.urls import reverse
from PIL import Image as PILImage

from articles import editing, workflow
from articles.images import pictures, usage
from articles.images.social import card_available, card_digest
from articles.models import Article, Image, ImageUse
from tests.factories import make_article, make_draft
from tests.image_files import encoded, make_image, picture
from tests.staff import admin_form_data, change_url

pytestmark = pytest.mark.django_db

MIGRATION = __import__("articles.migrations.0013_image_uses", fromlist=["lead_images_from_addresses"])


@pytest.fixture
def photo():
    return make_image(
        encoded("JPEG", picture((1600, 1000))),
        "harbour.jpg",
        title="Harbour",
        alt_text="朝の港に並ぶ漁船",
        caption="夜明けの港",
        credit="写真: 山田",
    )


def page(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_a_referenced_image_is_a_picture_with_modern_formats_sizes_and_a_fallback(client, photo):
    article = make_article("港", body=f"前置き。\n\n![](image:{photo.pk})\n\n本文。")
    html = page(client, article)
    figure = re.search(r'<figure class="image">.*?</figure>', html, re.S)[0]
    assert '<source type="image/webp" srcset="' in figure
    assert f"/images/{photo.pk}/{photo.token}/w400.webp 400w" in figure
    assert f"/images/{photo.pk}/{photo.token}/w1600.webp 1600w" in figure
    assert 'width="1600" height="1000"' in figure  # the shape known before any rendition exists
    assert 'loading="lazy"' in figure and 'sizes="(min-width: 44rem) 42rem' in figure
    assert 'alt="朝の港に並ぶ漁船"' in figure  # the library's, as the text gave none
    assert '<figcaption>夜明けの港 <span class="credit">写真: 山田</span></figcaption>' in figure
    assert 'src="image:' not in html


def test_the_alt_text_written_in_the_text_describes_the_picture_there(client, photo):
    article = make_article("港", body=f"![港の全景](image:{photo.pk})")
    assert 'alt="港の全景"' in page(client, article)


def test_a_small_original_is_never_offered_wider_than_it_is(client):
    small = make_image(encoded("JPEG", picture((500, 300))), title="Small", alt_text="小さな図")
    html = page(client, make_article("小", body=f"![](image:{small.pk})"))
    assert "/w1200." not in html and "/w1600." not in html
    assert f"/images/{small.pk}/{small.token}/w400.jpg 400w" in html  # 400, then the original's 500
    assert f"/images/{small.pk}/{small.token}/w560.jpg 500w" in html


def test_the_lead_image_comes_first_eager_and_is_shared_at_1200_by_630(client, photo):
    article = make_article("港の朝", lead_image=photo)
    html = page(client, article)
    lead = html[html.index('<figure class="image">') : html.index('<div class="article-body">')]
    assert 'loading="eager" fetchpriority="high"' in lead
    share = f"https://news.example.jp/images/{photo.pk}/{photo.token}/fill-1200x630.jpg"
    assert f'<meta property="og:image" content="{share}">' in html.replace("http://testserver", "")
    assert '<meta property="og:image:width" content="1200">' in html
    assert '<meta property="og:image:height" content="630">' in html
    assert '<meta property="og:image:alt" content="朝の港に並ぶ漁船">' in html


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = "https://news.example.jp"


def test_a_rendition_is_made_on_its_first_request_and_kept(client, photo):
    url = pictures.url(photo, "w400.webp")
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/webp"
    assert "immutable" in response["Cache-Control"] and "max-age=31536000" in response["Cache-Control"]
    made = PILImage.open(__import__("io").BytesIO(b"".join(response.streaming_content)))
    assert made.size == (400, 250)
    client.get(url)
    assert photo.renditions.filter(spec="w400.webp").count() == 1


def test_the_rendition_address_makes_only_the_sizes_pages_use(client, photo):
    assert client.get(f"/images/{photo.pk}/{photo.token}/w401.webp").status_code == 404
    assert client.get(f"/images/{photo.pk + 1}/{photo.token}/w400.webp").status_code == 404
    assert not photo.renditions.exists()


def test_an_old_token_still_gets_the_picture_but_only_briefly(client, photo):
    response = client.get(f"/images/{photo.pk}/0123456789abcdef/w400.webp")
    assert response.status_code == 200 and response["Cache-Control"] == "public, max-age=300"


def test_moving_the_focal_point_changes_the_address(photo):
    before = pictures.url(photo, "fill-400x225.jpg")
    photo.focal_x = 0.2
    assert pictures.url(photo, "fill-400x225.jpg") != before


# --- the alt-text rule -----------------------------------------------------------------------------


def test_publishing_with_an_undescribed_image_is_refused_naming_it(editor, english):
    bare = make_image(title="Crowd", alt_text="")
    article = editing.save_article(make_draft("群衆", body=f"![](image:{bare.pk})"), by=editor)
    with pytest.raises(workflow.TransitionRefused) as refused:
        editing.apply_action(article, "publish", by=editor)
    assert f"“Crowd” (#{bare.pk})" in str(refused.value) and "alt text" in str(refused.value)
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_an_undescribed_lead_image_is_refused_too(editor):
    bare = make_image(title="Crowd", alt_text="")
    article = editing.save_article(make_draft("群衆", lead_image=bare), by=editor)
    with pytest.raises(workflow.TransitionRefused):
        editing.apply_action(
            article, "schedule", by=editor, when=__import__("tests.factories").factories.tomorrow()
        )


def test_alt_text_written_in_the_text_is_enough_to_publish(editor):
    bare = make_image(title="Crowd", alt_text="")
    article = editing.save_article(make_draft("群衆", body=f"![駅前の人だかり](image:{bare.pk})"), by=editor)
    editing.apply_action(article, "publish", by=editor)
    assert Article.objects.published().filter(pk=article.pk).exists()


def test_an_undescribed_image_cannot_be_added_to_a_public_article(editor):
    article = editing.save_article(make_article("公開中", body="本文"), by=editor)
    bare = make_image(title="Crowd", alt_text="")
    article.body = f"本文\n\n![](image:{bare.pk})"
    with pytest.raises(workflow.TransitionRefused):
        editing.save_article(article, by=editor)
    assert Article.objects.get(pk=article.pk).body == "本文"


def test_the_admin_form_says_which_image_needs_alt_text_and_keeps_the_text(editor_client, editor, english):
    bare = make_image(title="Crowd", alt_text="")
    article = editing.save_article(make_draft("群衆"), by=editor)
    form = editor_client.get(change_url(article))
    body = f"新しい段落\n\n![](image:{bare.pk})"
    response = editor_client.post(
        change_url(article), admin_form_data(form, body=body, _transition="publish")
    )
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.non_field_errors())
    assert f"“Crowd” (#{bare.pk}) has no alt text" in errors
    assert response.context["adminform"].form["body"].value() == body
    assert Article.objects.get(pk=article.pk).status == Article.Status.DRAFT


def test_the_admin_form_refuses_an_image_that_is_not_in_the_library(editor_client, editor, english):
    article = editing.save_article(make_draft("無い画像"), by=editor)
    form = editor_client.get(change_url(article))
    response = editor_client.post(change_url(article), admin_form_data(form, body="![](image:999999)"))
    assert response.status_code == 200
    assert "There is no image #999999 in the library." in response.context["adminform"].form.errors["body"]


def test_a_pasted_address_of_a_library_image_becomes_its_reference(editor_client, editor, photo):
    article = editing.save_article(make_draft("貼り付け"), by=editor)
    form = editor_client.get(change_url(article))
    pasted = (
        f"![港](https://news.example.jp{pictures.url(photo, 'w800.webp')})\n\n"
        f"![原本]({photo.file.url})\n\n![外部](https://example.com/images/x.png)"
    )
    response = editor_client.post(change_url(article), admin_form_data(form, body=pasted))
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).body == (
        f"![港](image:{photo.pk})\n\n![原本](image:{photo.pk})\n\n![外部](https://example.com/images/x.png)"
    )


def test_an_external_lead_image_must_be_a_full_address(editor_client, editor, english):
    article = editing.save_article(make_draft("外部画像"), by=editor)
    form = editor_client.get(change_url(article))
    response = editor_client.post(change_url(article), admin_form_data(form, image="/assets/a.png"))
    assert response.status_code == 200
    assert "Give the full address" in response.context["adminform"].form.errors["image"][0]


# --- uses ----------------------------------------------------------------------------------------


def test_the_write_path_records_which_images_an_article_uses(editor, photo):
    other = make_image(title="Other", alt_text="別の写真")
    article = editing.save_article(
        make_draft("使用", body=f"![](image:{photo.pk})", lead_image=other), by=editor
    )
    assert set(ImageUse.objects.filter(article=article).values_list("image_id", flat=True)) == {
        photo.pk,
        other.pk,
    }
    article.body, article.lead_image = "画像なし", None
    editing.save_article(article, by=editor)
    assert not ImageUse.objects.filter(article=article).exists()


def test_deleting_a_used_image_is_refused_naming_the_articles(client, django_user_model, editor, photo):
    editing.save_article(make_article("港の記事", body=f"![](image:{photo.pk})"), by=editor)
    client.force_login(django_user_model.objects.create_superuser("boss", password=None))
    delete = reverse("admin:articles_image_delete", args=[photo.pk])
    assert "港の記事" in client.get(delete).content.decode()
    client.post(delete, {"post": "yes"})
    assert Image.objects.filter(pk=photo.pk).exists()


def test_the_library_filters_by_use(client, django_user_model, editor, photo):
    unused = make_image(title="Unused", alt_text="使われない")
    draft_only = make_image(title="DraftOnly", alt_text="下書きだけ")
    editing.save_article(make_article("公開", body=f"![](image:{photo.pk})"), by=editor)
    editing.save_article(make_draft("下書き", body=f"![](image:{draft_only.pk})"), by=editor)
    client.force_login(django_user_model.objects.create_superuser("boss", password=None))
    listing = reverse("admin:articles_image_changelist")

    def titles(use):
        return {image.title for image in client.get(listing, {"use": use}).context["cl"].result_list}

    assert titles("none") == {unused.title}
    assert titles("any") == {photo.title, draft_only.title}
    assert titles("published") == {photo.title}


def test_a_new_alt_text_shows_at_once_on_cached_pages(client, page_cache, photo, transactional_db):
    article = make_article("キャッシュ", body=f"![](image:{photo.pk})")
    assert 'alt="朝の港に並ぶ漁船"' in page(client, article)
    photo.alt_text = "雨の港"
    photo.save()
    assert 'alt="雨の港"' in page(client, article)


def test_cards_show_the_lead_image_in_their_shape_at_no_extra_query(client, photo, django_assert_num_queries):
    for n in range(3):
        make_article(f"記事{n}")
    client.get("/")
    with django_assert_num_queries(2) as plain:
        client.get("/")
    for n in range(3):
        make_article(f"写真{n}", lead_image=photo)
    with django_assert_num_queries(len(plain.captured_queries)):
        html = client.get("/").content.decode()
    assert html.count(f"/images/{photo.pk}/{photo.token}/fill-400x225.webp 400w") == 3
    assert 'alt=""' in html  # the card's title says what it is


def test_the_migration_turns_an_address_of_a_library_file_into_the_lead_image(photo):
    article = make_article("古い", image=photo.file.url)
    outside = make_article("外部", image="https://cdn.example.com/a.jpg")
    MIGRATION.lead_images_from_addresses(apps, None)
    article.refresh_from_db()
    outside.refresh_from_db()
    assert (article.lead_image_id, article.image) == (photo.pk, "")
    assert (outside.lead_image_id, outside.image) == (None, "https://cdn.example.com/a.jpg")


# --- feeds and sharing ---------------------------------------------------------------------------


def test_feeds_carry_the_lead_image_and_plain_absolute_pictures(client, photo):
    make_article("フィード", body=f"![](image:{photo.pk})", lead_image=photo)
    rss = ET.fromstring(client.get("/feed/").content)
    media = rss.find(".//item/{http://search.yahoo.com/mrss/}content")
    assert media.get("url") == f"http://testserver{pictures.url(photo, 'w800.jpg')}"
    assert (media.get("width"), media.get("height"), media.get("medium")) == ("800", "500", "image")
    content = rss.find(".//item/{http://purl.org/rss/1.0/modules/content/}encoded").text
    assert (
        f'<img src="http://testserver{pictures.url(photo, "w800.jpg")}" width="800" height="500"' in content
    )
    atom = ET.fromstring(client.get("/feed/atom/").content)
    enclosure = atom.find(
        ".//{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}link[@rel='enclosure']"
    )
    assert enclosure.get("href") == media.get("url")


@pytest.mark.skipif(not card_available(), reason="fonts-noto-cjk is not installed: no cards to share")
def test_the_generated_card_is_served_for_public_articles_only(client):
    article = make_article("生成AIと地方の仕事")
    url = reverse("articles:share-card", args=[article.pk, card_digest(article.title)])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert PILImage.open(__import__("io").BytesIO(response.content)).size == (1200, 630)
    draft = make_draft("未公開の見出し")
    assert (
        client.get(reverse("articles:share-card", args=[draft.pk, card_digest(draft.title)])).status_code
        == 404
    )
    assert (
        client.get(reverse("articles:share-card", args=[article.pk, card_digest("old")])).status_code == 404
    )


def test_the_live_preview_shows_library_images_as_pictures(editor_client, photo):
    response = editor_client.post("/markdownx/markdownify/", {"content": f"![](image:{photo.pk})"})
    assert "<picture>" in response.content.decode() and "image:" not in response.content.decode()


def test_usage_reads_references_with_titles_and_alt_text():
    assert usage.references('![a](image:3 "t") ![](image:4) ![b](image:4)') == {3: "a", 4: "b"}


def test_usage_reads_raw_html_references_as_imported_galleries_have_them():
    body = '<figure><img src="image:5" alt="網"><img class="x" src=\'image:6\'></figure>'
    assert usage.references(body) == {5: "網", 6: ""}
