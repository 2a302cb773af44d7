"""Previews: for editors and the writer in the public design, and by signed, expiring, revocable link."""

import re
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from articles.models import PreviewLink
from tests.factories import make_article, make_draft, tomorrow
from tests.staff import admin_form_data, make_editor, make_writer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def assert_private(response):
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    cache = response["Cache-Control"]
    assert all(word in cache for word in ["no-cache", "no-store", "must-revalidate", "private"])
    assert re.search(r'<meta name="robots" content="noindex', response.content.decode())


@pytest.fixture
def draft(writer):
    return make_draft(title="未公開の下書き", body="## 見出し\n\n本文。", created_by=writer, tags=["AI"])


def test_editor_previews_a_draft_in_the_public_design(client, draft):
    client.force_login(make_editor())
    response = client.get(reverse("preview:article", args=[draft.pk]))
    assert response.status_code == 200
    assert "articles/article_detail.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert "未公開の下書き" in html and '<h2 id="md-見出し">' in html and "preview-banner" in html
    assert_private(response)


def test_the_writer_previews_their_own_article_and_no_one_elses(client, writer, draft):
    client.force_login(writer)
    assert client.get(reverse("preview:article", args=[draft.pk])).status_code == 200
    client.force_login(make_writer("other"))
    assert client.get(reverse("preview:article", args=[draft.pk])).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, draft):
    response = client.get(reverse("preview:article", args=[draft.pk]))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_any_revision_can_be_previewed(client, draft):
    editor = make_editor()
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[draft.pk])
    client.post(url, admin_form_data(client.get(url), title="第一版", tags="経済"))
    client.post(url, admin_form_data(client.get(url), title="第二版", tags="政治"))
    # Revision 1 keeps the draft as it was made (outside the admin); 2 is the first save.
    response = client.get(reverse("preview:revision", args=[draft.pk, 2]))
    html = response.content.decode()
    assert "第一版" in html and "政治" not in html and "第二版" not in html
    assert 'rel="tag">経済</a>' in html  # the revision's tags as tags, not in the byline's place
    assert 'rel="author">' not in html  # the draft has no byline
    assert_private(response)
    assert client.get(reverse("preview:revision", args=[draft.pk, 9])).status_code == 404


def test_shared_link_works_without_an_account(client, draft):
    link = PreviewLink.objects.create(article=draft)
    response = client.get(link.get_absolute_url())
    assert response.status_code == 200
    assert "未公開の下書き" in response.content.decode()
    assert_private(response)


def test_shared_links_expire_after_seven_days_by_default(client, draft):
    link = PreviewLink.objects.create(article=draft)
    assert timedelta(days=7) - (link.expires_at - timezone.now()) < timedelta(minutes=1)
    link.expires_at = timezone.now() - timedelta(seconds=1)
    link.save()
    response = client.get(link.get_absolute_url())
    assert response.status_code == 410
    assert "expired" in response.content.decode() and "未公開の下書き" not in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_revoked_link_stops_working(client, draft):
    link = PreviewLink.objects.create(article=draft, revoked_at=timezone.now())
    response = client.get(link.get_absolute_url())
    assert response.status_code == 410 and "revoked" in response.content.decode()


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        signing.Signer(salt="another-salt").sign_object(1),
        signing.Signer(salt=PreviewLink.SALT).sign_object("1"),
        signing.Signer(salt=PreviewLink.SALT).sign_object(999),
    ],
)
def test_forged_or_unknown_tokens_are_not_found(client, draft, token):
    PreviewLink.objects.create(article=draft)
    assert client.get(reverse("preview:shared", args=[token])).status_code == 404


def test_a_link_keeps_one_address(draft):
    # A token with a timestamp would change every second: the address shown to the editor, the one
    # they sent and the one checked here would all differ.
    link = PreviewLink.objects.create(article=draft)
    with mock.patch("time.time", return_value=time.time() + 3600):
        later = link.get_absolute_url()
    assert later == link.get_absolute_url()


def test_token_cannot_be_altered_to_reach_another_link(client, draft):
    link = PreviewLink.objects.create(article=draft)
    other = PreviewLink.objects.create(article=make_draft())
    _value, signature = link.token.rsplit(":", 1)
    forged = signing.Signer(salt=PreviewLink.SALT).sign_object(other.pk).rsplit(":", 1)[0] + ":" + signature
    assert client.get(reverse("preview:shared", args=[forged])).status_code == 404


def test_editor_creates_and_revokes_links_in_the_admin(client, draft):
    client.force_login(make_editor())
    change = reverse("admin:articles_article_change", args=[draft.pk])
    response = client.post(reverse("admin:articles_article_share", args=[draft.pk]), follow=True)
    link = PreviewLink.objects.get()
    assert link.get_absolute_url() in response.content.decode()
    assert response.redirect_chain[-1][0] == change
    client.post(reverse("admin:articles_article_revoke", args=[draft.pk, link.pk]))
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert client.get(link.get_absolute_url()).status_code == 410
    assert "revoked" in client.get(change).content.decode()


def test_writers_cannot_create_or_revoke_links(client, writer, draft):
    link = PreviewLink.objects.create(article=draft)
    client.force_login(writer)
    assert client.post(reverse("admin:articles_article_share", args=[draft.pk])).status_code == 403
    assert client.post(reverse("admin:articles_article_revoke", args=[draft.pk, link.pk])).status_code == 403
    assert PreviewLink.objects.count() == 1 and PreviewLink.objects.get().revoked_at is None
    assert (
        "Shareable preview links"
        not in client.get(reverse("admin:articles_article_change", args=[draft.pk])).content.decode()
    )


def test_preview_addresses_are_never_linked_publicly(client, draft):
    published = make_article("公開記事", tags=["AI"])
    make_article("予約記事", published_at=tomorrow())
    links = [PreviewLink.objects.create(article=a) for a in (draft, published)]
    pages = [
        reverse("articles:home"),
        published.get_absolute_url(),
        reverse("articles:tags"),
        reverse("articles:tag", args=["ai"]),
        reverse("articles:feed"),
        reverse("articles:feed-atom"),
        "/sitemap.xml",
        "/robots.txt",
    ]
    index = client.get("/sitemap.xml").content.decode()
    pages += [re.sub(r"^https?://[^/]+", "", loc) for loc in re.findall(r"<loc>([^<]+)</loc>", index)]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "/preview/" not in body, url
        assert all(link.token not in body for link in links), url
