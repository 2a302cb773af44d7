"""Two people acting on one article at once: the row lock orders them, and nobody's decision is lost.

PostgreSQL only: SQLite has one writer at a time, so these interleavings cannot happen there.
"""

import threading
import time

import pytest
from django.db import connection, transaction

from articles import editing
from articles.models import Article
from articles.workflow import TransitionRefused
from tests.factories import make_article, make_draft
from tests.staff import make_editor

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def in_thread(work, started):
    """Run ``work`` in a thread with its own connection; ``started`` is set once it holds the lock."""
    errors = []

    def run():
        try:
            work(started)
        except Exception as exc:  # the main thread reports it
            errors.append(exc)
        finally:
            started.set()
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


def withdraw_slowly(article_id, editor):
    """Withdraw the article, holding the row lock a moment before committing."""

    def work(started):
        with transaction.atomic():
            editing.apply_action(Article.objects.get(pk=article_id), "unpublish", by=editor)
            started.set()
            time.sleep(0.5)

    return work


def test_a_restore_loaded_before_a_withdrawal_does_not_undo_it():
    editor = make_editor()
    article = make_article(title="初版")
    first = editing.save_article(Article.objects.get(pk=article.pk), by=editor).revisions.first()
    article.title = "第二版"
    editing.save_article(article, by=editor)
    stale = Article.objects.get(pk=article.pk)  # the restoring editor's copy: still public
    started = threading.Event()
    thread, errors = in_thread(withdraw_slowly(article.pk, editor), started)
    started.wait(5)
    editing.restore_revision(stale, first, by=editor)  # waits for the withdrawal's commit
    thread.join(5)
    assert errors == []
    current = Article.objects.get(pk=article.pk)
    assert (current.title, current.status) == ("初版", Article.Status.UNPUBLISHED)
    assert [t.name for t in current.transitions.all()] == ["unpublish"]  # history and state agree


def test_a_save_of_a_copy_loaded_before_a_withdrawal_keeps_the_withdrawal():
    editor = make_editor()
    article = make_article(title="元の題")
    stale = Article.objects.get(pk=article.pk)
    started = threading.Event()
    thread, errors = in_thread(withdraw_slowly(article.pk, editor), started)
    started.wait(5)
    stale.title = "直した題"
    editing.save_article(stale, by=editor)
    thread.join(5)
    assert errors == []
    current = Article.objects.get(pk=article.pk)
    assert (current.title, current.status) == ("直した題", Article.Status.UNPUBLISHED)


def test_the_same_action_twice_at_once_is_applied_once():
    editor = make_editor()
    article = make_draft(published_at=None)
    started = threading.Event()

    def publish(started):
        with transaction.atomic():
            editing.apply_action(Article.objects.get(pk=article.pk), "publish", by=editor)
            started.set()
            time.sleep(0.5)

    thread, errors = in_thread(publish, started)
    started.wait(5)
    with pytest.raises(TransitionRefused):
        editing.apply_action(Article.objects.get(pk=article.pk), "publish", by=editor)
    thread.join(5)
    assert errors == []
    assert Article.objects.get(pk=article.pk).transitions.count() == 1
