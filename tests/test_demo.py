"""load_demo: the demo articles through the importer, and the admin account, once."""

import datetime
import re
import zoneinfo
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from taggit.models import Tag

from articles.editing import apply_action, save_article
from articles.jekyll.importer import import_posts
from articles.management.commands.load_demo import DEMO
from articles.models import Article, ArticleAuthor, Author, Category, Revision, Transition

pytestmark = pytest.mark.django_db


def load_demo():
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def counts():
    models = (Article, Author, Category, Tag, ArticleAuthor, get_user_model())
    return {model.__name__: model.objects.count() for model in models}


def test_running_twice_duplicates_nothing(monkeypatch):
    monkeypatch.delenv("NEWSROOM_ADMIN_PASSWORD", raising=False)
    first = load_demo()
    after_first = counts()
    second = load_demo()
    assert counts() == after_first
    assert after_first["Article"] == 8 and after_first["User"] == 1
    assert "8 created" in first and "0 created, 8 already there" in second
    assert "The account 'admin' exists" in second
    assert "python manage.py changepassword admin" in second


def test_an_editors_change_to_a_demo_article_survives_load_demo(monkeypatch, editor):
    monkeypatch.delenv("NEWSROOM_ADMIN_PASSWORD", raising=False)
    load_demo()
    article = Article.objects.published().first()
    article.title = "編集部が直した見出し"
    save_article(article, by=editor)
    apply_action(article, "unpublish", by=editor)
    load_demo()
    article.refresh_from_db()
    assert (article.title, article.status) == ("編集部が直した見出し", Article.Status.UNPUBLISHED)
    assert article.revisions.first().user == editor  # the latest revision is still the editor's


def test_demo_articles_say_they_are_demo_content(monkeypatch):
    monkeypatch.delenv("NEWSROOM_ADMIN_PASSWORD", raising=False)
    load_demo()
    assert set(Revision.objects.values_list("made_by", flat=True)) == {"demo content"}
    published = Transition.objects.filter(to_state=Article.State.PUBLISHED)
    assert published.count() == 6 and {t.made_by for t in published} == {"demo content"}


def test_the_login_address_names_the_port_make_run_serves(monkeypatch, settings):
    monkeypatch.delenv("NEWSROOM_ADMIN_PASSWORD", raising=False)
    settings.SITE_URL = "http://127.0.0.1:8123"  # what `PORT=8123 make run` sets
    assert "Log in at: http://127.0.0.1:8123/admin/" in load_demo()


def test_random_password_is_printed_once_and_works(monkeypatch):
    monkeypatch.delenv("NEWSROOM_ADMIN_PASSWORD", raising=False)
    output = load_demo()
    assert "http://127.0.0.1:8000/admin/" in output and "Username:  admin" in output
    password = re.search(r"Password:  (\S+)", output).group(1)
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff and admin.check_password(password)
    assert password not in load_demo()


def test_password_from_the_environment(monkeypatch):
    monkeypatch.setenv("NEWSROOM_ADMIN_PASSWORD", "correct horse battery staple")
    output = load_demo()
    assert "correct horse" not in output and "NEWSROOM_ADMIN_PASSWORD" in output
    assert get_user_model().objects.get(username="admin").check_password("correct horse battery staple")


def test_demo_posts_cover_what_the_site_shows():
    report = import_posts([DEMO])
    assert (report.created, report.warnings, report.failed) == (8, [], 0)
    articles = Article.objects.with_relations()
    assert {a.language for a in articles} == {"ja", "en"}
    assert Article.objects.filter(status=Article.Status.DRAFT).count() == 1
    scheduled = Article.objects.get(published_at__year=2030)
    assert scheduled not in Article.objects.published()
    assert Article.objects.published().count() == 6
    bodies = [a.body_html for a in articles]
    assert any("<table>" in b for b in bodies)
    assert any('<code class="language-python">' in b for b in bodies)
    assert any('class="footnotes"' in b for b in bodies)
    assert max(a.reading_time for a in articles if a.language == "ja") >= 5
    assert {"AI人材", "AI倫理"} <= set(Tag.objects.values_list("name", flat=True))
    assert Author.objects.filter(name="Newsroom編集部").exists()
    assert any(len(a.ordered_authors) > 1 for a in articles)
    assert all(a.excerpt for a in articles)
    # Dates are written with +0900: 07:30 in Tokyo.
    survey = Article.objects.get(slug="regional-ai-talent-survey")
    assert survey.published_at == datetime.datetime(
        2025, 5, 12, 7, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Tokyo")
    )
