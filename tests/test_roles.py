"""Roles: the groups' exact permissions, what each role may do in the admin, and what it is refused."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse

from articles.models import Article, Transition
from tests.factories import make_article, make_author, make_category, make_draft, tomorrow
from tests.staff import PASSWORD, admin_form_data, change_url, make_writer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


Status = Article.Status


def snapshot(article):
    return Article.objects.values().get(pk=article.pk)


def new_article_data(**changes):
    return {
        "title": "新しい記事",
        "slug": "new-article",
        "body": "本文。",
        "tags": "AI",
        "language": "ja",
        "bylines-TOTAL_FORMS": "0",
        "bylines-INITIAL_FORMS": "0",
        "redirects-TOTAL_FORMS": "0",
        "redirects-INITIAL_FORMS": "0",
        **changes,
    }


def test_groups_carry_exactly_the_permissions_their_work_needs():
    def codenames(name):
        group = Group.objects.get(name=name)
        return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}

    assert codenames("Writers") == {
        "articles.add_article",
        "articles.change_article",
        "articles.view_article",
        "articles.submit_article",
        "articles.add_articleauthor",
        "articles.change_articleauthor",
        "articles.delete_articleauthor",
        "articles.view_articleauthor",
        "articles.view_articleredirect",
        "articles.view_author",
        "articles.view_category",
        "taggit.view_tag",
        # The image library: upload, describe and choose; deleting is the editors'.
        "articles.add_image",
        "articles.change_image",
        "articles.view_image",
    }
    editors = codenames("Editors")
    for model in ["article", "articleauthor", "articleredirect", "author", "category", "image"]:
        assert {f"articles.{verb}_{model}" for verb in ["add", "change", "delete", "view"]} <= editors
    assert {"taggit.add_tag", "taggit.change_tag", "taggit.delete_tag", "taggit.view_tag"} <= editors
    assert {
        "articles.submit_article",
        "articles.review_article",
        "articles.publish_article",
        "articles.edit_any_article",
    } <= editors
    assert len(editors) == 35  # the above plus add/change/view preview links, nothing more


def test_writer_creates_a_draft_and_cannot_set_status_or_times(writer_client, writer):
    response = writer_client.post(
        reverse("admin:articles_article_add"),
        new_article_data(
            status="published",
            published_at_0="2025-01-01",
            published_at_1="09:00:00",
            unpublish_at_0="2030-01-01",
            unpublish_at_1="09:00:00",
        ),
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert (article.status, article.published_at, article.unpublish_at) == (Status.DRAFT, None, None)
    assert article.created_by == writer
    assert article.ordered_authors == [writer.author]  # signed by its writer by default


def test_writer_edits_and_submits_own_draft(writer_client, writer):
    article = make_draft(created_by=writer, published_at=None)
    form = writer_client.get(change_url(article))
    html = form.content.decode()
    assert 'value="submit"' in html
    for hidden in ["publish", "schedule", "approve", "unpublish", "send_back"]:
        assert f'value="{hidden}"' not in html
    assert 'name="published_at_0"' not in html and 'name="status"' not in html
    response = writer_client.post(
        change_url(article), admin_form_data(form, body="書き直した本文。", _transition="submit")
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.body, article.status) == ("書き直した本文。", Status.REVIEW)
    assert Transition.objects.get().user == writer


def test_writer_crafting_a_publish_post_is_refused_and_nothing_changes(writer_client, writer):
    article = make_draft(created_by=writer, published_at=None)
    form = writer_client.get(change_url(article))
    before = snapshot(article)
    for name in ["publish", "approve", "schedule"]:
        data = admin_form_data(form, body="changed", _transition=name, transition_when="2030-01-01T09:00")
        response = writer_client.post(change_url(article), data)
        assert response.status_code == 200
        assert response.context["adminform"].form.errors
    assert snapshot(article) == before
    assert not Transition.objects.exists()


def test_writer_crafting_a_bulk_publish_is_refused(writer_client, writer):
    article = make_draft(created_by=writer, published_at=None)
    changelist = writer_client.get(reverse("admin:articles_article_changelist"))
    assert "transition_submit" in changelist.content.decode()
    assert "transition_publish" not in changelist.content.decode()
    before = snapshot(article)
    writer_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "transition_publish", "_selected_action": [article.pk], "confirm": "yes", "index": 0},
    )
    assert snapshot(article) == before


def test_writer_cannot_see_or_edit_someone_elses_article(writer_client):
    other = make_draft(created_by=make_writer("other"))
    before = snapshot(other)
    # The admin answers as for an article that does not exist: back to its index, nothing shown.
    assert writer_client.get(change_url(other))["Location"] == reverse("admin:index")
    response = writer_client.post(change_url(other), new_article_data(body="hijacked"))
    assert (response.status_code, response["Location"]) == (302, reverse("admin:index"))
    assert snapshot(other) == before
    changelist = writer_client.get(reverse("admin:articles_article_changelist"))
    assert other.title not in changelist.content.decode()


@pytest.mark.parametrize("status", [Status.REVIEW, Status.PUBLISHED, Status.UNPUBLISHED])
def test_writer_cannot_change_own_article_once_submitted_or_published(writer_client, writer, status):
    article = make_article(created_by=writer, status=status)
    page = writer_client.get(change_url(article))
    assert page.status_code == 200  # read-only view
    assert 'name="_save"' not in page.content.decode()
    before = snapshot(article)
    response = writer_client.post(change_url(article), new_article_data(title="changed"))
    assert response.status_code == 403
    assert snapshot(article) == before


def test_writer_gets_no_tag_category_or_author_management(writer_client):
    for model in ["author", "category"]:
        assert writer_client.get(reverse(f"admin:articles_{model}_add")).status_code == 403
    assert writer_client.get(reverse("admin:taggit_tag_add")).status_code == 403
    assert (
        writer_client.post(reverse("admin:articles_category_add"), {"name": "X", "slug": "x"}).status_code
        == 403
    )


def test_writer_picks_authors_and_categories_by_autocomplete(writer_client):
    make_author("記者A")
    make_category("テクノロジー")
    common = {"app_label": "articles", "model_name": "article", "field_name": "categories", "term": "テク"}
    assert writer_client.get(reverse("admin:autocomplete"), common).json()["results"]
    byline = {"app_label": "articles", "model_name": "articleauthor", "field_name": "author", "term": "記者"}
    assert writer_client.get(reverse("admin:autocomplete"), byline).json()["results"]


def test_editor_edits_any_article_in_any_state_and_sees_every_action(editor_client):
    article = make_article(created_by=make_writer("someone"), status=Status.REVIEW, published_at=None)
    form = editor_client.get(change_url(article))
    html = form.content.decode()
    for name in ["send_back", "approve", "publish", "schedule"]:
        assert f'value="{name}"' in html
    assert 'name="published_at_0"' in html
    response = editor_client.post(change_url(article), admin_form_data(form, title="編集長の直し"))
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).title == "編集長の直し"


def test_editor_publishes_from_the_form_and_the_state_shows(editor_client, editor):
    article = make_article(status=Status.REVIEW, published_at=None)
    form = editor_client.get(change_url(article))
    response = editor_client.post(change_url(article), admin_form_data(form, _transition="publish"))
    assert response.status_code == 302
    assert Article.objects.published().get() == article
    page = editor_client.get(change_url(article)).content.decode()
    assert "JST" in page  # times are shown with their zone


def test_admin_saves_move_updated_at_only_when_the_content_changes(editor_client):
    article = make_article()
    stamps = (article.published_at, article.updated_at)
    editor_client.post(change_url(article), admin_form_data(editor_client.get(change_url(article))))
    stored = Article.objects.get(pk=article.pk)
    assert (stored.published_at, stored.updated_at) == stamps  # to the microsecond
    editor_client.post(
        change_url(article), admin_form_data(editor_client.get(change_url(article)), body="直した")
    )
    assert Article.objects.get(pk=article.pk).updated_at > stamps[1]


def test_changing_the_date_of_a_published_article_keeps_its_old_url(client, editor_client):
    article = make_article(slug="moved")
    old_url = article.get_absolute_url()
    earlier = (article.published_at - timedelta(days=3)).astimezone()
    form = editor_client.get(change_url(article))
    data = admin_form_data(
        form, published_at_0=earlier.strftime("%Y-%m-%d"), published_at_1=earlier.strftime("%H:%M:%S")
    )
    assert editor_client.post(change_url(article), data).status_code == 302
    new_url = Article.objects.get(pk=article.pk).get_absolute_url()
    assert new_url != old_url
    client.logout()
    response = client.get(old_url)
    assert (response.status_code, response["Location"]) == (301, new_url)


def test_editor_manages_tags_categories_and_authors(editor_client):
    for url in ["admin:articles_author_add", "admin:articles_category_add", "admin:taggit_tag_add"]:
        assert editor_client.get(reverse(url)).status_code == 200
    response = editor_client.post(reverse("admin:articles_category_add"), {"name": "経済", "slug": "keizai"})
    assert response.status_code == 302


def test_editor_times_cannot_silently_change_the_state(editor_client):
    article = make_article()  # public since yesterday
    form = editor_client.get(change_url(article))
    moved = tomorrow().astimezone()
    data = admin_form_data(
        form, published_at_0=moved.strftime("%Y-%m-%d"), published_at_1=moved.strftime("%H:%M:%S")
    )
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 200
    assert "Schedule" in response.content.decode()
    assert Article.objects.published().get() == article


def test_bulk_actions_refuse_per_article_with_a_message(editor_client):
    in_review = make_article("審査中", status=Status.REVIEW, published_at=None)
    draft = make_draft("下書き", published_at=None)
    url = reverse("admin:articles_article_changelist")
    selection = {"action": "transition_approve", "_selected_action": [in_review.pk, draft.pk], "index": 0}
    confirm = editor_client.post(url, selection)
    assert confirm.status_code == 200 and "Will be refused" in confirm.content.decode()
    done = editor_client.post(url, {**selection, "confirm": "yes"}, follow=True)
    messages = [str(m) for m in done.context["messages"]]
    assert any("下書き" in m for m in messages) and any("審査中" in m for m in messages)
    assert Article.objects.published().get() == in_review
    assert Article.objects.get(pk=draft.pk).status == Status.DRAFT


def test_bulk_schedule_asks_for_the_time(editor_client):
    article = make_draft(published_at=None)
    url = reverse("admin:articles_article_changelist")
    data = {"action": "transition_schedule", "_selected_action": [article.pk], "confirm": "yes", "index": 0}
    response = editor_client.post(url, data)
    assert response.status_code == 200 and response.context["form"].errors
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT
    editor_client.post(url, {**data, "transition_when": "2031-04-01T09:00"})
    assert Article.objects.get(pk=article.pk).state == Article.State.SCHEDULED


def test_changelist_shows_state_and_scheduled_time_with_zone(editor_client):
    make_article("予約記事", published_at=tomorrow())
    html = editor_client.get(
        reverse("admin:articles_article_changelist"), {"state": "scheduled"}
    ).content.decode()
    assert "予約記事" in html and "workflow-scheduled" in html and "JST" in html


def test_superuser_can_do_everything(admin_client):
    article = make_article(status=Status.REVIEW, published_at=None)
    form = admin_client.get(change_url(article))
    html = form.content.decode()
    assert all(f'value="{n}"' in html for n in ["send_back", "approve", "publish", "schedule"])
    admin_client.post(change_url(article), admin_form_data(form, _transition="approve"))
    assert Article.objects.published().get() == article


def test_createwriter_and_createeditor_make_accounts(capsys):
    call_command(
        "createwriter", "hanako", "--email", "h@example.com", "--password", PASSWORD, "--name", "山田 花子"
    )
    call_command("createeditor", "taro", "--password", PASSWORD)
    User = get_user_model()
    hanako, taro = User.objects.get(username="hanako"), User.objects.get(username="taro")
    assert hanako.is_staff and not hanako.is_superuser and hanako.check_password(PASSWORD)
    assert [g.name for g in hanako.groups.all()] == ["Writers"]
    assert [g.name for g in taro.groups.all()] == ["Editors"]
    assert hanako.author.name == "山田 花子"
    assert hanako.has_perm("articles.submit_article") and not hanako.has_perm("articles.publish_article")
    assert taro.has_perm("articles.publish_article")
    assert "Created writer 'hanako'" in capsys.readouterr().out


def test_staff_commands_refuse_duplicates_and_weak_passwords(monkeypatch):
    call_command("createwriter", "hanako", "--password", PASSWORD)
    with pytest.raises(CommandError, match="already exists"):
        call_command("createeditor", "hanako", "--password", PASSWORD)
    with pytest.raises(CommandError, match="Password refused"):
        call_command("createwriter", "jiro", "--password", "123")
    monkeypatch.delenv("NEWSROOM_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="No password"):
        call_command("createwriter", "jiro", "--no-input")
    assert not get_user_model().objects.filter(username="jiro").exists()
    monkeypatch.setenv("NEWSROOM_PASSWORD", PASSWORD)
    call_command("createwriter", "jiro", "--no-input")
    assert get_user_model().objects.get(username="jiro").check_password(PASSWORD)


def test_commands_repair_missing_groups():
    Group.objects.all().delete()
    call_command("createeditor", "chief", "--password", PASSWORD, "--no-byline")
    assert Group.objects.get(name="Writers").permissions.count() == 15
    assert get_user_model().objects.get(username="chief").has_perm("articles.edit_any_article")
