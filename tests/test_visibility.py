"""One rule for who sees an article that is not public, on every surface that can show it."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType

from articles.models import Article
from articles.workflow import can_view, visible_articles
from tests.factories import make_article, make_draft
from tests.staff import make_editor, make_writer

pytestmark = pytest.mark.django_db


def view_on_site(article):
    return f"/admin/r/{ContentType.objects.get_for_model(Article).pk}/{article.pk}/"


def staff_with(django_user_model, *codenames):
    user = django_user_model.objects.create_user("-".join(codenames), is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


def test_view_on_site_shows_an_unpublished_address_only_to_who_may_see_it(client, django_user_model):
    draft = make_draft("秘密の下書き", slug="secret")
    own = make_writer("author")
    mine = make_draft("自分の下書き", slug="mine", created_by=own)
    for user, article, status in [
        (make_editor(), draft, 302),
        (own, mine, 302),
        (own, draft, 404),
        (staff_with(django_user_model, "add_tag"), draft, 404),
    ]:
        client.force_login(user)
        response = client.get(view_on_site(article))
        assert response.status_code == status, user
        if status == 404:
            assert "secret" not in response.content.decode()


def test_view_on_site_still_works_for_public_articles_and_other_models(client, writer):
    article = make_article(slug="public")
    client.force_login(writer)
    assert client.get(view_on_site(article))["Location"].endswith(article.get_absolute_url())
    assert client.get(view_on_site(article).replace(str(article.pk), "nonsense")).status_code == 404


def test_edit_any_article_alone_shows_no_drafts(client, django_user_model):
    draft = make_draft("下書き")
    user = staff_with(django_user_model, "edit_any_article")
    client.force_login(user)
    assert client.get(f"/drafts/{draft.pk}/").status_code == 404
    assert client.get(f"/preview/{draft.pk}/").status_code == 403  # the preview says who may
    assert not can_view(user, draft) and not visible_articles(user).exists()


def test_can_view_and_visible_articles_agree_for_every_role(django_user_model):
    own = make_writer("author")
    articles = [make_draft(created_by=own), make_draft(), make_article()]
    users = [
        make_editor(),
        own,
        make_writer("other"),
        staff_with(django_user_model, "view_article"),
        staff_with(django_user_model, "edit_any_article", "view_article"),
    ]
    for user in users:
        visible = set(visible_articles(user).values_list("pk", flat=True))
        assert {a.pk for a in articles if can_view(user, a)} == visible, user
