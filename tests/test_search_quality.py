"""Search quality on real posts: the seed, 30 ALLFORCES posts and 8 made-mistakes posts from ../shared.

Each expected set was checked against the posts' visible text (grep over the file, less what readers
never see: link targets, code blocks). Every query must find exactly its set, on SQLite and PostgreSQL.
"""

from pathlib import Path

import pytest
from django.core.management import call_command
from taggit.models import Tag

from articles.models import Article, Author, Category
from articles.search import find, parse_query

from .conftest import SHARED

pytestmark = [pytest.mark.corpus, pytest.mark.django_db]

ALLFORCES = {
    "googlemkt": "2025-09-08-3-googleaimarketてmarket牽引2030年への戦略",
    "education": "2026-03-27-10-education-ai-guide",
    "nextmodels": "2025-09-03-2-主要ai企業次世代モデル発表",
    "automotive": "2026-03-27-11-automotive-ai-guide",
    "chipdev": "2025-09-07-2-openaiaiチッフ開発へ巨額market戦略と未来",
    "clipline": "2025-09-09-3-cliplineai",
    "novaact": "2025-12-06-2-awsnova-actwebui",
    "realestate": "2026-03-27-9-real-estate-ai-guide",
    "smecost": "2026-04-12-sme-ai-cost-guide",
    "nvinfra": "2025-08-31-3-nvidiaのaiインフラと物理世界aiの進化",
    "gpt5": "2025-12-05-2-gpt-5",
    "telum": "2025-12-10-2-ibmaitelum-2",
    "oligopoly": "2025-09-05-3-aiモデル市場の寡占化が進行",
    "carai": "2025-09-03-2-車載用人工知市場の顕著な成長予測",
    "deepthink": "2025-12-06-1-google-gemini-3-deep-think",
    "siri": "2025-08-31-2-google-geminiエコアーキテクチャの拡大とapple-siriへの採用検討",
    "gpt5release": "2025-09-04-1-openai-gpt-5の正式リリースとagiへの進展",
    "broadcom": "2025-09-06-1-broadcomopenaiから100億",
    "update": "2025-12-07-3-ai-article-update",
    "euact": "2025-11-09-3-eu-ai-act",
    "multimodal": "2025-08-31-2-マルチモーダルai技術が急進展",
    "nvshare": "2025-08-31-3-nvidia-gpu92シェア維持",
    "clinic": "2026-04-12-medical-clinic-ai-adoption-guide",
    "logistics": "2026-04-12-logistics-ai-dispatch-optimization",
    "cambricon": "2025-09-06-2-中国aiチップ大手cambriconが急成長",
    "customchip": "2025-09-07-2-openai-custom-chip",
    "claudecode": "2025-12-06-2-anthropic-claude-code10",
    "construction": "2026-04-12-construction-dx-guide-daily-report",
    "restaurant": "2026-04-12-restaurant-ai-demand-forecast-food-loss",
    "property": "2026-04-12-real-estate-ai-property-description",
}
MADE_MISTAKES = {
    "netlify": "notes/2019-02-26-faster-netlify-builds",
    "ghpages": "notes/2016-11-04-github-pages-publishing-source",
    "codeblocks": "notes/2017-05-16-styling-language-specific-code-blocks",
    "rasterbator": "notes/2008-04-06-using-rasterbator",
    "iphone": "notes/2010-06-16-soldout-iphone-4",
    "aboutme": "notes/2011-05-10-free-aboutme-business-cards",
    "tools": "mastering-paper/2016-05-16-switching-tools",
    "brush": "mastering-paper/2014-09-16-watercolor-brush-update",
}
SEED = "seed/2025-09-07-ms-aws-cloud-ai-investment.md"

EXPECTED = {
    # Japanese words of two and three letters, found inside longer runs of Japanese
    "投資": "seed googlemkt nextmodels chipdev clipline novaact smecost nvinfra gpt5 telum deepthink "
    "gpt5release broadcom update euact nvshare cambricon customchip claudecode restaurant",
    "資競": "seed googlemkt",  # the middle of 投資競争
    "投資競争": "seed googlemkt",
    "医療": "smecost nvinfra gpt5release nvshare clinic",
    "補助金": "education nextmodels automotive realestate smecost clinic logistics construction restaurant",
    "量子": "googlemkt",
    "株": "seed education automotive clipline realestate carai broadcom nvshare cambricon claudecode",
    # katakana terms
    "データセンター": "seed googlemkt nextmodels chipdev nvshare customchip",
    "エージェント": "googlemkt clipline novaact nvinfra gpt5 gpt5release",
    "クラウド": "seed nextmodels gpt5 telum deepthink broadcom claudecode construction",
    # Latin and Japanese in one term, in one query
    "AI人材": "seed chipdev clipline nvinfra gpt5 carai nvshare cambricon",
    "生成AI": "seed googlemkt education nextmodels oligopoly siri broadcom update euact multimodal "
    "claudecode",
    "AWS 投資": "seed novaact telum deepthink",
    "NVIDIA 半導体": "customchip broadcom nvshare telum googlemkt chipdev nvinfra",
    "GPU": "broadcom nvshare telum googlemkt chipdev customchip cambricon nextmodels nvinfra",
    # quoted phrases
    '"巨額を投じ"': "seed",
    '"AI人材の育成"': "seed",
    '"GitHub Pages"': "ghpages",
    # exclusions
    "チップ -NVIDIA": "seed carai",
    "補助金 -医療": "education nextmodels automotive realestate logistics construction restaurant",
    "Jekyll -Netlify": "codeblocks ghpages",
    # English words by their stem
    "publishes": "ghpages",
    "published": "ghpages",
    "brushes": "brush tools",
    "Watercolors": "brush tools",
    "building": "netlify ghpages aboutme",  # the fourth "build" is inside a code block
    "languages": "codeblocks",
    "iPhone": "googlemkt siri tools iphone",
    # nothing to find
    "量子暗号": "",
    "xyzzy": "",
}


@pytest.fixture(scope="module")
def posts(django_db_setup, django_db_blocker):
    """Article id -> alias, imported once through `manage.py import_jekyll` for the whole module."""
    if not SHARED.is_dir():
        pytest.skip("../shared is absent (it is beside the project in CI, not in a user's clone)")
    files = {"seed": SHARED / SEED}
    files |= {alias: SHARED / "corpus/allforces/_posts" / f"{stem}.md" for alias, stem in ALLFORCES.items()}
    files |= {
        alias: SHARED / "corpus/made-mistakes/_posts" / f"{stem}.md" for alias, stem in MADE_MISTAKES.items()
    }
    with django_db_blocker.unblock():
        call_command("import_jekyll", *map(str, files.values()), verbosity=0)
        by_stem = {Path(path).stem: pk for pk, path in Article.objects.values_list("pk", "source_path")}
        yield {by_stem[path.stem]: alias for alias, path in files.items()}
        Article.objects.all().delete()
        for model in (Author, Category, Tag):
            model.objects.all().delete()


def aliases(posts, text):
    return [posts[pk] for pk in find(Article.objects.published(), parse_query(text)).ids]


def test_the_selection_is_imported_and_public(posts):
    assert len(posts) == 39 == Article.objects.published().count()


@pytest.mark.parametrize("text", EXPECTED)
def test_each_query_finds_exactly_its_articles(posts, text):
    assert sorted(aliases(posts, text)) == sorted(EXPECTED[text].split())


def test_there_are_at_least_twenty_queries_that_find_something():
    assert sum(1 for expected in EXPECTED.values() if expected) >= 20


def test_articles_with_the_word_in_their_title_come_first(posts):
    titles = {pk: title for pk, title in Article.objects.values_list("pk", "title")}
    ids = find(Article.objects.published(), parse_query("投資")).ids
    in_title = ["投資" in titles[pk] for pk in ids]
    assert in_title[0] and in_title == sorted(in_title, reverse=True)


def test_the_seed_page_highlights_the_phrase(client, posts):
    response = client.get("/search/", {"q": "巨額を投じ"})
    html = response.content.decode()
    assert "MSとAWS、クラウドAI投資競争の最前線" in html
    assert "<mark>巨額を投じ</mark>" in html
