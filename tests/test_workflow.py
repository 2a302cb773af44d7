"""States and transitions: the state rule against the clock, every action, the refused ones, the record."""

import datetime
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.editing import apply_action
from articles.models import Article, ArticleRedirect, Transition
from articles.workflow import ACTIONS, TransitionRefused, allowed_actions, format_moment
from tests.factories import make_article, make_draft, tomorrow, yesterday
from tests.staff import make_writer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


State = Article.State
Status = Article.Status
NOW = timezone.now().replace(microsecond=0)
SECOND = timedelta(seconds=1)


@pytest.fixture
def frozen(monkeypatch):
    """The clock stopped at NOW, for boundaries that must hold to the second."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


def own_draft(writer, **kwargs):
    return make_draft(created_by=writer, **kwargs)


@pytest.mark.parametrize(
    ("status", "published", "unpublish", "state"),
    [
        (Status.DRAFT, -60, None, State.DRAFT),
        (Status.REVIEW, -60, None, State.REVIEW),
        (Status.UNPUBLISHED, -60, None, State.UNPUBLISHED),
        (Status.PUBLISHED, None, None, State.SCHEDULED),
        (Status.PUBLISHED, 1, None, State.SCHEDULED),
        (Status.PUBLISHED, 0, None, State.PUBLISHED),  # public from the very second
        (Status.PUBLISHED, -1, None, State.PUBLISHED),
        (Status.PUBLISHED, -60, 1, State.PUBLISHED),
        (Status.PUBLISHED, -60, 0, State.UNPUBLISHED),  # withdrawn at the very second
        (Status.PUBLISHED, -60, -1, State.UNPUBLISHED),
        (Status.PUBLISHED, 60, 120, State.SCHEDULED),
    ],
)
def test_state_and_public_rule_agree_at_every_boundary(frozen, status, published, unpublish, state):
    def at(offset):
        return None if offset is None else NOW + offset * SECOND

    article = make_article(status=status, published_at=at(published), unpublish_at=at(unpublish))
    assert article.state_at(NOW) == state == article.state
    for other in State:
        assert Article.objects.in_state(other).filter(pk=article.pk).exists() is (other == state)
    public = state == State.PUBLISHED
    assert article.is_published() is public
    assert Article.objects.published().filter(pk=article.pk).exists() is public


def test_submit_records_who_when_from_to_and_note(writer):
    article = own_draft(writer)
    record = apply_action(article, "submit", by=writer, note="  初稿です。 ")
    assert Article.objects.get(pk=article.pk).status == Status.REVIEW
    assert (record.user, record.name, record.from_state, record.to_state, record.note) == (
        writer,
        "submit",
        State.DRAFT,
        State.REVIEW,
        "初稿です。",
    )
    assert abs(record.at - timezone.now()) < timedelta(seconds=5)
    assert list(article.transitions.all()) == [record]


def test_send_back_needs_a_note_and_returns_the_draft_to_its_writer(writer, editor):
    article = own_draft(writer)
    apply_action(article, "submit", by=writer)
    with pytest.raises(TransitionRefused, match="note"):
        apply_action(article, "send_back", by=editor)
    record = apply_action(article, "send_back", by=editor, note="見出しを短く")
    assert (record.from_state, record.to_state) == (State.REVIEW, State.DRAFT)
    assert ACTIONS["submit"] in allowed_actions(writer, Article.objects.get(pk=article.pk))


def test_approve_publishes_now_or_at_the_time_the_editor_set(editor):
    now_article = make_article(status=Status.REVIEW, published_at=None)
    record = apply_action(now_article, "approve", by=editor)
    assert (now_article.state, record.scheduled_for) == (State.PUBLISHED, None)
    later = tomorrow()
    scheduled = make_article(status=Status.REVIEW, published_at=later)
    record = apply_action(scheduled, "approve", by=editor)
    assert (record.to_state, record.scheduled_for) == (State.SCHEDULED, later)
    assert not Article.objects.published().filter(pk=scheduled.pk).exists()


def test_schedule_needs_a_future_time(editor):
    article = make_draft(published_at=None)
    with pytest.raises(TransitionRefused):
        apply_action(article, "schedule", by=editor)
    with pytest.raises(TransitionRefused, match="future"):
        apply_action(article, "schedule", by=editor, when=yesterday())
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT
    assert not Transition.objects.exists()
    when = tomorrow()
    record = apply_action(article, "schedule", by=editor, when=when)
    stored = Article.objects.get(pk=article.pk)
    assert (stored.status, stored.published_at, stored.state) == (Status.PUBLISHED, when, State.SCHEDULED)
    assert record.scheduled_for == when


def test_publish_now_brings_a_scheduled_article_forward(editor):
    article = make_article(published_at=tomorrow())
    apply_action(article, "publish", by=editor)
    assert Article.objects.published().get() == article
    assert article.published_at <= timezone.now()


def test_unpublish_now_and_republish_keeps_the_date_and_url(editor):
    article = make_article(slug="kept", published_at=yesterday())
    url = article.get_absolute_url()
    apply_action(article, "unpublish", by=editor, note="誤りがあったため")
    assert Article.objects.get(pk=article.pk).state == State.UNPUBLISHED
    assert not Article.objects.published().exists()
    apply_action(article, "publish", by=editor)
    assert Article.objects.get(pk=article.pk).get_absolute_url() == url
    assert not ArticleRedirect.objects.exists()


def test_scheduled_withdrawal_keeps_it_public_until_then(frozen, editor, monkeypatch):
    article = make_article(published_at=NOW - timedelta(days=1))
    withdraw = NOW + timedelta(hours=2)
    record = apply_action(article, "unpublish", by=editor, when=withdraw)
    assert (record.from_state, record.to_state, record.scheduled_for) == (
        State.PUBLISHED,
        State.PUBLISHED,
        withdraw,
    )
    assert Article.objects.published().filter(pk=article.pk).exists()
    monkeypatch.setattr(timezone, "now", lambda: withdraw)
    assert not Article.objects.published().filter(pk=article.pk).exists()
    assert Article.objects.get(pk=article.pk).state == State.UNPUBLISHED


def test_withdrawal_before_publication_is_refused(editor):
    article = make_article(published_at=tomorrow())
    with pytest.raises(TransitionRefused, match="after the publication"):
        apply_action(article, "unpublish", by=editor, when=tomorrow() - timedelta(hours=2))


def test_reopen_returns_a_withdrawn_article_to_draft(editor):
    article = make_article(status=Status.UNPUBLISHED)
    apply_action(article, "reopen", by=editor)
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT


@pytest.mark.parametrize("name", ["approve", "publish", "schedule", "unpublish", "send_back", "reopen"])
def test_writer_may_use_no_editor_action_and_nothing_changes(writer, name):
    article = own_draft(writer)
    before = Article.objects.values().get(pk=article.pk)
    with pytest.raises(TransitionRefused):
        apply_action(article, name, by=writer, note="x", when=tomorrow())
    assert Article.objects.values().get(pk=article.pk) == before
    assert not Transition.objects.exists()


def test_writer_cannot_submit_someone_elses_draft(writer):
    other = make_writer("other")
    article = own_draft(other)
    with pytest.raises(TransitionRefused):
        apply_action(article, "submit", by=writer)
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT


def test_bylined_writer_owns_the_article():
    writer = make_writer()
    article = make_draft(authors=[writer.author])
    apply_action(article, "submit", by=writer)
    assert Article.objects.get(pk=article.pk).status == Status.REVIEW


@pytest.mark.parametrize(
    ("status", "published_at", "name"),
    [
        (Status.REVIEW, None, "submit"),
        (Status.DRAFT, None, "approve"),
        (Status.DRAFT, None, "unpublish"),
        (Status.PUBLISHED, yesterday(), "schedule"),
        (Status.PUBLISHED, yesterday(), "reopen"),
        (Status.PUBLISHED, yesterday(), "send_back"),
    ],
)
def test_actions_from_the_wrong_state_are_refused(editor, status, published_at, name):
    article = make_article(status=status, published_at=published_at)
    with pytest.raises(TransitionRefused, match="not possible"):
        apply_action(article, name, by=editor, note="x", when=tomorrow())
    assert Article.objects.get(pk=article.pk).status == status


def test_unknown_action_is_refused(editor):
    with pytest.raises(TransitionRefused):
        apply_action(make_draft(), "delete_everything", by=editor)


def test_transitions_move_the_version_but_not_updated_at(editor):
    article = make_article(status=Status.REVIEW, published_at=None)
    stamp, version = article.updated_at, article.version
    apply_action(article, "approve", by=editor)
    apply_action(article, "unpublish", by=editor)
    stored = Article.objects.get(pk=article.pk)
    assert stored.updated_at == stamp
    assert stored.version == version + 2


def test_scheduled_article_is_public_from_its_minute_on_every_surface(client, editor, monkeypatch):
    nine = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=2)
    article = make_draft(title="九時の記事", slug="nine", published_at=None)
    apply_action(article, "schedule", by=editor, when=nine)
    detail = Article.objects.get(pk=article.pk).get_absolute_url()
    surfaces = [
        reverse("articles:home"),
        reverse("articles:feed"),
        reverse("articles:feed-atom"),
        "/sitemap.xml",
    ]

    def visible_everywhere():
        pages = [client.get(url) for url in surfaces]
        sitemaps = [client.get(loc) for loc in _sitemap_sections(pages[-1].content.decode())]
        listed = [("九時の記事" in p.content.decode() or detail in p.content.decode()) for p in pages[:-1]]
        in_sitemap = any(detail in s.content.decode() for s in sitemaps)
        return [*listed, in_sitemap, client.get(detail).status_code == 200]

    monkeypatch.setattr(timezone, "now", lambda: nine - SECOND)
    assert visible_everywhere() == [False] * 5
    monkeypatch.setattr(timezone, "now", lambda: nine)
    assert visible_everywhere() == [True] * 5


def _sitemap_sections(index):
    return [re.sub(r"^https?://[^/]+", "", loc) for loc in re.findall(r"<loc>([^<]+)</loc>", index)]


def test_times_read_with_their_zone(settings):
    settings.TIME_ZONE = "Asia/Tokyo"
    moment = datetime.datetime(2025, 9, 7, 0, 0, tzinfo=datetime.UTC)
    assert format_moment(moment) == "2025-09-07 09:00 JST"
