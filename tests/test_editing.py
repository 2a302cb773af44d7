"""The one write path: every writer keeps a revision, records state changes and signals once on commit."""

import pytest
from django.db import transaction
from django.urls import reverse
from taggit.models import Tag

from articles import editing
from articles.jekyll.importer import import_posts
from articles.models import Article, ArticleRedirect, Revision, Transition
from articles.search import find, parse_query, update_search_index
from tests.factories import make_article, make_category, make_draft, tomorrow
from tests.staff import admin_form_data

# Real commits: the signal and the index follow a committed transaction, never a test's savepoint.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def changes():
    """Every article_changed sent during the test, in order."""
    seen = []

    def receive(sender, change, **kwargs):
        seen.append(change)

    editing.article_changed.connect(receive, dispatch_uid="test-changes")
    yield seen
    editing.article_changed.disconnect(dispatch_uid="test-changes")


def found(text):
    return find(Article.objects.all(), parse_query(text)).ids


def test_a_new_article_is_one_revision_one_signal_and_signed_by_its_writer(changes, writer):
    article = editing.save_article(Article(title="新しい記事", body="本文。"), by=writer, tags=["経済"])
    [change] = changes
    assert (change.article_id, change.what, change.by) == (article.pk, {"created"}, writer)
    assert (change.was_public, change.is_public) == (False, False)
    revision = article.revisions.get()
    assert (revision.number, revision.user, revision.data["tags"]) == (1, writer, ["経済"])
    assert article.created_by == writer and article.ordered_authors == [writer.author]
    assert not article.transitions.exists()  # created as a draft: no state moved


def test_an_edit_says_what_changed_and_where_the_article_was(changes, editor):
    old_tag_article = make_article(slug="old", tags=["旧"])
    article = Article.objects.get(pk=old_tag_article.pk)
    article.slug, article.body = "new", "書き直した本文。"
    editing.save_article(article, by=editor, tags=["新"])
    change = changes[-1]
    assert change.what == {"content", "url", "relations"}
    assert change.before.url.endswith("/old/") and change.after.url.endswith("/new/")
    assert change.before.tags == {Tag.objects.get(name="旧").pk}
    assert change.after.tags == {Tag.objects.get(name="新").pk}
    assert ArticleRedirect.objects.get(article=article).old_path == change.before.url


def test_a_save_that_changes_nothing_sends_nothing(changes, editor):
    article = make_article()
    editing.save_article(Article.objects.get(pk=article.pk), by=editor)
    assert changes == []


def test_a_workflow_action_is_a_transition_a_revision_and_one_signal(changes, editor):
    article = make_draft(published_at=None)
    record = editing.apply_action(article, "publish", by=editor)
    [change] = changes
    assert (record.from_state, record.to_state, record.user) == ("draft", "published", editor)
    assert change.what == {"state", "url"} and (change.was_public, change.is_public) == (False, True)
    # The publication time the action set is part of the kept content.
    assert article.revisions.first().data["published_at"] == article.published_at.isoformat()


def test_saving_with_an_action_is_one_change(changes, editor):
    article = make_draft()
    article.title = "直してから公開"
    editing.save_article(article, by=editor, action="publish")
    [change] = changes
    assert change.what == {"content", "state"} and change.is_public
    assert list(article.transitions.values_list("name", flat=True)) == ["publish"]


def test_a_refused_action_saves_nothing_and_sends_nothing(changes, writer):
    article = make_draft(title="元の題")
    article.title = "書き換え"
    with pytest.raises(editing.workflow.TransitionRefused):
        editing.save_article(article, by=writer, action="publish")
    assert Article.objects.get(pk=article.pk).title == "元の題"
    assert changes == [] and not Revision.objects.exists()


def test_a_rolled_back_change_sends_nothing(changes, editor):
    article = make_article()
    with pytest.raises(RuntimeError), transaction.atomic():
        editing.apply_action(article, "unpublish", by=editor)
        raise RuntimeError("the caller's transaction fails after the change")
    assert changes == [] and not Transition.objects.exists()
    assert Article.objects.get(pk=article.pk).is_published()


def test_the_signal_waits_for_the_outer_commit(changes, editor):
    article = make_article()
    with transaction.atomic():
        editing.apply_action(article, "unpublish", by=editor)
        assert changes == []
    assert [c.what for c in changes] == [{"state"}]


def test_restoring_keeps_the_state_and_times_and_signals_once(changes, editor, settings):
    settings.LANGUAGE_CODE = "en"
    article = make_article(title="初版")
    first = editing.save_article(Article.objects.get(pk=article.pk), by=editor).revisions.last()
    article = Article.objects.get(pk=article.pk)
    article.title = "第二版"
    editing.save_article(article, by=editor)
    editing.apply_action(article, "unpublish", by=editor)
    changes.clear()
    editing.restore_revision(article, first, by=editor)
    [change] = changes
    article.refresh_from_db()
    assert change.what == {"content"} and article.title == "初版"
    assert article.status == Article.Status.UNPUBLISHED  # a restore never undoes a withdrawal
    assert article.revisions.first().comment == f"Restored from revision {first.number}"


def test_deleting_says_where_the_article_was(changes, editor):
    article = make_article(tags=["消える"])
    editing.delete_article(article, by=editor)
    [change] = changes
    assert change.what == {"deleted"} and change.was_public and change.after is None


def test_an_import_is_revisions_and_transitions_by_the_import(changes, tmp_path):
    post = tmp_path / "2025-09-07-imported.md"
    post.write_text("---\ntitle: 取り込み\ntags: [量子]\n---\n本文。\n", encoding="utf-8")
    import_posts([post])
    article = Article.objects.get()
    assert [c.what for c in changes] == [{"created"}] and changes[0].is_public
    revision = article.revisions.get()
    assert (revision.user, revision.made_by) == (None, f"import from {post}")
    transition = article.transitions.get()
    assert (transition.name, transition.from_state, transition.to_state) == ("import", "draft", "published")
    assert transition.made_by == f"import from {post}"


def test_the_admin_save_goes_through_the_write_path(changes, client, editor):
    article = make_draft(title="題")
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = client.post(url, admin_form_data(client.get(url), title="新しい題", tags="政治"))
    assert response.status_code == 302
    [change] = changes
    assert change.what == {"content", "relations"} and change.by == editor
    assert found("政治") == [article.pk]


def test_a_bulk_action_is_one_change_per_article(changes, client, editor):
    first, second = make_article(), make_article()
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "transition_unpublish", "_selected_action": [first.pk, second.pk], "confirm": "1"},
    )
    assert response.status_code == 302
    assert sorted(c.article_id for c in changes) == [first.pk, second.pk]
    assert Transition.objects.filter(name="unpublish").count() == 2


def test_a_plain_save_in_a_shell_reaches_search(changes):
    article = make_article(title="古い", body="本文。")
    update_search_index([article.pk])
    article.body = "半導体の話。"
    article.save()
    assert found("半導体") == [article.pk]
    article.tags.add("量子")
    assert found("量子") == [article.pk]
    category = make_category("経済")
    category.articles.add(article)
    assert found("経済") == [article.pk]
    assert changes == []  # only the write path announces a change


def test_renaming_a_tag_or_category_reaches_search(tmp_path):
    category = make_category("旧分類")
    article = make_article(tags=["旧タグ"], categories=[category])
    update_search_index([article.pk])
    tag = Tag.objects.get(name="旧タグ")
    tag.name = "新タグ"
    tag.save()
    category.name = "新分類"
    category.save()
    assert found("新タグ") == found("新分類") == [article.pk]
    assert found("旧タグ") == found("旧分類") == []


def test_scheduling_records_the_time_and_keeps_it_private(changes, editor):
    article = make_draft()
    when = tomorrow()
    record = editing.apply_action(article, "schedule", by=editor, when=when)
    assert record.scheduled_for == when and record.to_state == "scheduled"
    assert changes[-1].what >= {"state"} and not changes[-1].is_public
