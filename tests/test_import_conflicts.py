"""A later import never overwrites an editor's work: changed files are conflicts, states stay the editors'."""

import pytest

from articles.editing import apply_action, save_article
from articles.models import Article

from .factories import tomorrow
from .jekyll_files import post, run

pytestmark = pytest.mark.django_db

NAME = "site/_posts/2020-01-01-a.md"


def article():
    return Article.objects.get(source_path=NAME)


def edit_on_site(editor, **values):
    current = article()
    for name, value in values.items():
        setattr(current, name, value)
    save_article(current, by=editor)
    return current


def test_a_changed_file_updates_an_article_nobody_touched(tmp_path):
    post(tmp_path, NAME, "title: A", body="First.")
    run(tmp_path / "site")
    post(tmp_path, NAME, "title: A", body="Second.")
    assert "1 updated" in run(tmp_path / "site")
    assert article().body == "Second."


def test_an_unchanged_file_leaves_the_editors_change_alone(tmp_path, editor):
    post(tmp_path, NAME, "title: A")
    run(tmp_path / "site")
    edit_on_site(editor, title="Edited on the site")
    output = run(tmp_path / "site")
    assert "1 unchanged, 0 conflicts" in output and article().title == "Edited on the site"


def test_a_changed_file_of_an_edited_article_is_a_conflict(tmp_path, editor):
    path = post(tmp_path, NAME, "title: A", body="First.")
    run(tmp_path / "site")
    edit_on_site(editor, title="Edited on the site")
    post(tmp_path, NAME, "title: A", body="Second.")
    for options in ({"dry_run": True}, {}):
        output = run(tmp_path / "site", **options)
        assert (
            f"conflict: {path}: edited on the site since the last import; kept the site's version" in output
        )
        assert "0 updated, 0 unchanged, 1 conflicts" in output
    assert (article().title, article().body) == ("Edited on the site", "First.")


def test_overwrite_takes_the_file_and_keeps_the_sites_version_as_a_revision(tmp_path, editor):
    post(tmp_path, NAME, "title: A", body="First.")
    run(tmp_path / "site")
    edit_on_site(editor, title="Edited on the site")
    post(tmp_path, NAME, "title: A", body="Second.")
    assert "1 updated" in run(tmp_path / "site", overwrite=True)
    current = article()
    assert (current.title, current.body) == ("A", "Second.")
    latest, sites, *_ = current.revisions.all()
    assert latest.made_by == f"import from {tmp_path / NAME}"
    assert (sites.user, sites.data["title"]) == (editor, "Edited on the site")


def test_a_shell_edit_is_an_edit_too(tmp_path):
    post(tmp_path, NAME, "title: A\ntags: [x]", body="First.")
    run(tmp_path / "site")
    article().tags.add("added in a shell")
    post(tmp_path, NAME, "title: A\ntags: [x]", body="Second.")
    assert "1 conflicts" in run(tmp_path / "site")


@pytest.mark.parametrize(
    ("first", "actions", "status"),
    [
        ("published: true", ["unpublish"], "unpublished"),
        ("published: false", ["submit", "send_back"], "draft"),
        ("published: false", ["schedule"], "published"),
    ],
)
def test_an_import_never_publishes_what_an_editor_withdrew_sent_back_or_scheduled(
    tmp_path, editor, first, actions, status
):
    post(tmp_path, NAME, f"title: A\n{first}", body="One.")
    run(tmp_path / "site")
    for name in actions:
        apply_action(
            article(), name, by=editor, note="直してください", when=tomorrow() if name == "schedule" else None
        )
    state = article().state
    post(tmp_path, NAME, "title: A\npublished: true", body="Two.")
    run(tmp_path / "site", overwrite=True)
    current = article()
    assert current.body == "Two."  # the file's text was taken...
    assert (current.status, current.state) == (status, state)  # ...and the editor's decision kept
    assert not current.is_published()


def test_the_files_own_state_change_is_taken_when_the_site_kept_the_imported_state(tmp_path):
    post(tmp_path, NAME, "title: A\npublished: false")
    run(tmp_path / "site")
    post(tmp_path, NAME, "title: A\npublished: true")
    run(tmp_path / "site")
    current = article()
    assert current.is_published()
    transition = current.transitions.first()
    assert (transition.name, transition.from_state, transition.to_state) == ("import", "draft", "published")


def test_a_file_that_did_not_change_its_state_does_not_move_the_article(tmp_path, editor):
    post(tmp_path, NAME, "title: A", body="One.")
    run(tmp_path / "site")
    apply_action(article(), "unpublish", by=editor)
    post(tmp_path, NAME, "title: A", body="Two.")
    run(tmp_path / "site", overwrite=True)
    assert article().status == Article.Status.UNPUBLISHED
