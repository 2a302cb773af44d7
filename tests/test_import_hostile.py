"""The importer on hostile input: each bad file is a named error for that file, with nothing written."""

import pytest
from django.core.management import CommandError

from articles.jekyll.reader import MAX_POST_BYTES
from articles.models import Article, ArticleRedirect

from .factories import make_article
from .jekyll_files import post, run, write

pytestmark = pytest.mark.django_db


def refused(tmp_path, *paths):
    with pytest.raises(CommandError) as error:
        run(*paths)
    assert not Article.objects.exists()
    return str(error.value)


def test_a_link_to_a_file_outside_the_folder_is_refused_unless_asked(tmp_path):
    secret = write(tmp_path, "outside/secret.md", "---\ntitle: Secret\n---\nThe server's secrets.\n")
    site = tmp_path / "site" / "_posts"
    site.mkdir(parents=True)
    (site / "2020-01-01-link.md").symlink_to(secret)
    message = refused(tmp_path, tmp_path / "site")
    assert f"2020-01-01-link.md: a link to {secret}, outside the folders given" in message
    assert "1 created" in run(tmp_path / "site", follow_links=True)


def test_a_link_inside_the_folders_given_is_read(tmp_path):
    real = post(tmp_path, "site/_posts/2020-01-01-real.md", "title: Real")
    (tmp_path / "site" / "_posts" / "2020-01-02-alias.md").symlink_to(real)
    run(tmp_path / "site")
    assert Article.objects.count() == 1  # one file, read once, whichever name it is found by


def test_a_nul_character_is_a_named_error(tmp_path):
    path = post(tmp_path, "2020-01-01-nul.md", 'title: "A\\0B"')
    assert f"{path}: holds a NUL character" in refused(tmp_path, path)
    body = post(tmp_path, "2020-01-02-body.md", "title: B", body="text\x00more")
    assert f"{body}: holds a NUL character" in refused(tmp_path, body)


@pytest.mark.parametrize("date", ["9999-12-31 23:00:00 -12:00", "0001-01-01 00:00:00 +14:00"])
def test_a_date_that_leaves_the_calendar_in_utc_is_a_named_error(tmp_path, date):
    path = post(tmp_path, "2020-01-01-far.md", f"title: Far\ndate: {date}")
    assert f"{path}: " in refused(tmp_path, path)


def test_a_huge_post_is_refused_before_it_is_read(tmp_path):
    path = post(tmp_path, "2020-01-01-huge.md", "title: Huge", body="語" * MAX_POST_BYTES)
    assert f"{path}: " in refused(tmp_path, path) and "MB is more than a post may be" in refused(
        tmp_path, path
    )


def test_redirects_that_would_take_another_address_are_refused_and_reported(tmp_path):
    other = make_article(slug="taken")
    taken = other.get_absolute_url()
    front = (
        "title: Grabby\nredirect_from:\n"
        f"  - {taken.rstrip('/')}\n"  # another article's address without its slash
        "  - /drafts/12/\n"  # a page of this site
        "  - /tags/\n"
        "  - https://elsewhere.example/path/\n"  # another host
        "  - /fine/old/path/\n"
    )
    post(tmp_path, "2020-01-01-grabby.md", front)
    output = run(tmp_path, verbosity=2)
    kept = set(ArticleRedirect.objects.values_list("old_path", flat=True))
    assert kept == {"/fine/old/path/", "/2020/01/01/grabby.html"}  # and its own Jekyll address
    assert f"old URL {taken.rstrip('/')} is now the address of" in output
    assert "old URL /drafts/12/ is a page of this site (articles:draft)" in output
    assert "old URL /tags/ is a page of this site (articles:tags)" in output
    assert "'https://elsewhere.example/path/' names another host" in output
    assert client_reaches(taken) == other.pk


def client_reaches(path):
    from django.test import Client

    response = Client().get(path)
    return response.context["article"].pk if response.status_code == 200 else None


def test_nothing_is_written_when_one_file_of_many_is_hostile(tmp_path):
    post(tmp_path, "2020-01-01-good.md", "title: Good")
    post(tmp_path, "2020-01-02-bad.md", 'title: "x\\0"')
    assert "2020-01-02-bad.md: holds a NUL character" in refused(tmp_path, tmp_path)
