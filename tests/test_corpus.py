"""The real posts in ../shared (seed, ALLFORCES, made-mistakes) imported once for the whole module."""

import datetime
import re

import pytest
import yaml
from taggit.models import Tag

from articles.jekyll.importer import import_posts
from articles.models import Article, ArticleRedirect, Author, Category

from .conftest import SHARED

pytestmark = [pytest.mark.corpus, pytest.mark.django_db]

SEED_KEY = "2025-09-07-ms-aws-cloud-ai-investment.md"


@pytest.fixture(scope="module")
def corpus(django_db_setup, django_db_blocker):
    """The import report; the articles stay in the test database until the module ends."""
    if not SHARED.is_dir():
        pytest.skip("../shared is absent (it is beside the project in CI, not in a user's clone)")
    with django_db_blocker.unblock():
        report = import_posts([SHARED / "seed", SHARED / "corpus"])
        yield report
        Article.objects.all().delete()
        for model in (Author, Category, Tag):
            model.objects.all().delete()


def test_every_post_is_imported(corpus, shared):
    assert (corpus.failed, corpus.created, corpus.updated, corpus.unchanged) == (0, 3519, 0, 0)
    keys = list(Article.objects.values_list("source_path", flat=True))
    assert sum(k.startswith("allforces/_posts/") for k in keys) == 2513
    assert sum(k.startswith("made-mistakes/_posts/") for k in keys) == 1005
    assert SEED_KEY in keys


def test_drafts_are_the_published_false_posts(corpus, shared):
    unpublished = 0
    for path in (shared / "corpus").glob("*/_posts/**/*.md"):
        front = path.read_text(encoding="utf-8").split("\n---", 1)[0]
        if yaml.load(front, Loader=yaml.CSafeLoader).get("published", True) is False:
            unpublished += 1
    assert Article.objects.filter(status=Article.Status.DRAFT).count() == unpublished


def test_late_utc_posts_live_on_the_tokyo_day_and_the_file_date_redirects(corpus, shared):
    article = Article.objects.get(source_path="allforces/_posts/2025-08-29-08-aiエーシェント本格普及.md")
    assert article.published_at == datetime.datetime(2025, 8, 29, 17, 25, 3, tzinfo=datetime.UTC)
    assert article.pub_date == datetime.date(2025, 8, 30)
    assert article.front_matter["canonical_url"].endswith("/2025/08/30/08-aiエーシェント本格普及/")
    assert ArticleRedirect.objects.get(old_path="/2025/08/29/08-aiエーシェント本格普及/").article == article


def test_the_seed_article_field_by_field(corpus, shared):
    article = Article.objects.get(source_path=SEED_KEY)
    assert article.title == "MSとAWS、クラウドAI投資競争の最前線"
    assert article.slug == "ms-aws-cloud-ai-investment"
    assert article.published_at == datetime.datetime(2025, 9, 7, 8, 26, 39, tzinfo=datetime.UTC)
    assert article.status == Article.Status.PUBLISHED and article.is_published()
    assert [c.name for c in article.categories.all()] == ["業界別AI活用"]
    assert set(article.tags.names()) == {"OpenAI", "Microsoft", "Amazon", "Anthropic", "AI人材", "AI倫理"}
    slugs = dict(Tag.objects.filter(name__in=["AI人材", "AI倫理"]).values_list("name", "slug"))
    assert slugs == {"AI人材": "ai人材", "AI倫理": "ai倫理"}
    assert [a.name for a in article.ordered_authors] == ["ALLFORCES編集部"]
    assert article.excerpt.startswith("マイクロソフトとアマゾンは、クラウドAI分野で熾烈な投資競争")
    assert abs(article.reading_time - 6) <= 1
    assert article.front_matter["reading_time"] == 6
    assert article.language == "ja"
    assert article.get_absolute_url() == "/2025/09/07/ms-aws-cloud-ai-investment/"


def test_no_liquid_or_kramdown_is_left_outside_code(corpus, shared):
    code = re.compile(r"<(pre|code)\b.*?</\1>", re.DOTALL)
    leftovers = []
    for source_path, body_html in Article.objects.values_list("source_path", "body_html").iterator():
        text = code.sub("", body_html)
        leftovers += [(source_path, junk) for junk in ("{%", "{{ site", "{{", "{:") if junk in text]
    assert leftovers == []


def test_repeated_slugs_get_numbers_and_every_post_url_resolves(corpus, shared):
    assert len([w for w in corpus.warnings if "is taken by" in w]) == 44
    assert [w for w in corpus.warnings if "post_url" in w] == []
    article = Article.objects.get(source_path="made-mistakes/_posts/articles/2016-02-17-using-jekyll-2016.md")
    assert "[blogged about the process](/2012/03/19/going-static/)" in article.body


def test_importing_again_changes_nothing(corpus, shared):
    again = import_posts([SHARED / "seed", SHARED / "corpus"], dry_run=True)
    assert (again.created, again.updated, again.unchanged, again.failed) == (0, 0, 3519, 0)


def test_no_printed_liquid_left_and_no_highlight_tags_outside_code(corpus, shared):
    import html

    code = re.compile(r"<(pre|code)\b.*?</\1>", re.DOTALL)
    leftovers = []
    for source_path, body_html in Article.objects.values_list("source_path", "body_html").iterator():
        shown, outside_code = html.unescape(body_html), html.unescape(code.sub("", body_html))
        leftovers += [(source_path, '{{ "')] if '{{ "' in shown else []
        leftovers += [
            (source_path, tag) for tag in ("{% highlight", "{% endhighlight") if tag in outside_code
        ]
    assert leftovers == []
