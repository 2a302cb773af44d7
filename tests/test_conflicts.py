"""Two people editing one article: a stale save is refused with its text kept; one person is never warned."""

import pytest
from django.test import Client

from articles.editing import apply_action
from articles.models import Article
from tests.factories import make_draft
from tests.staff import admin_form_data, change_url, make_editor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def first():
    client = Client()
    client.force_login(make_editor("hanako"))
    return client


@pytest.fixture
def second():
    client = Client()
    client.force_login(make_editor("taro"))
    return client


def test_stale_save_is_refused_and_the_typed_text_is_shown_back(first, second):
    article = make_draft(body="元の本文")
    first_form, second_form = first.get(change_url(article)), second.get(change_url(article))
    assert first.post(change_url(article), admin_form_data(first_form, body="花子の本文")).status_code == 302
    response = second.post(change_url(article), admin_form_data(second_form, body="太郎が書いた長い本文"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert errors.as_data()[0].code == "conflict"
    html = response.content.decode()
    assert "hanako saved this article at" in html and "JST" in html
    assert "太郎が書いた長い本文</textarea>" in html  # the text is kept
    assert Article.objects.get(pk=article.pk).body == "花子の本文"


def test_saving_again_after_the_warning_is_a_deliberate_overwrite(first, second):
    article = make_draft(body="元の本文")
    first_form, second_form = first.get(change_url(article)), second.get(change_url(article))
    first.post(change_url(article), admin_form_data(first_form, body="花子の本文"))
    refused = second.post(change_url(article), admin_form_data(second_form, body="太郎の本文"))
    # The re-shown form carries the version it was refused against.
    response = second.post(change_url(article), admin_form_data(refused))
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).body == "太郎の本文"


def test_one_person_saving_again_and_again_is_never_warned(first):
    article = make_draft(body="v0")
    for n in range(1, 4):
        form = first.get(change_url(article))
        response = first.post(change_url(article), admin_form_data(form, body=f"v{n}", _continue="1"))
        assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).body == "v3"


def test_a_workflow_action_by_someone_else_makes_the_form_stale():
    editor = make_editor("chief")
    client = Client()
    client.force_login(make_editor("desk"))
    article = make_draft(published_at=None)
    form = client.get(change_url(article))
    apply_action(article, "publish", by=editor)
    response = client.post(change_url(article), admin_form_data(form, title="古い画面からの保存"))
    assert response.status_code == 200
    stored = Article.objects.get(pk=article.pk)
    assert stored.is_published() and stored.title != "古い画面からの保存"


def test_a_post_without_the_version_is_refused(first):
    article = make_draft(body="元の本文")
    data = admin_form_data(first.get(change_url(article)), body="新しい本文")
    del data["loaded_version"]
    assert first.post(change_url(article), data).status_code == 200
    assert Article.objects.get(pk=article.pk).body == "元の本文"
