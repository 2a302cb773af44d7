"""A large, realistic data set for the benchmark, written with bulk inserts in seconds."""

import io
import random
import time
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image as PILImage
from PIL import ImageFilter
from taggit.models import Tag

from articles.images import uploads, usage
from articles.markdown import render_markdown
from articles.models import Article, ArticleAuthor, Author, Category, TaggedArticle, site_date
from articles.text import excerpt_from_html, html_to_text, reading_minutes

BATCH = 500


def photograph(seed):
    """A 1600x1200 JPEG with a photograph's detail (noise, a little blurred), not a flat colour."""
    noise = PILImage.effect_noise((400, 300), 48 + seed).convert("RGB").resize((1600, 1200))
    out = io.BytesIO()
    noise.filter(ImageFilter.GaussianBlur(2)).save(out, "JPEG", quality=85)
    return out.getvalue()


def upload(data):
    return SimpleUploadedFile("bench.jpg", data, content_type="image/jpeg")


TEMPLATES_PER_LANGUAGE = 20

JA_WORDS = [
    "機械学習",
    "AI人材",
    "データ分析",
    "クラウド",
    "セキュリティ",
    "働き方",
    "教育",
    "医療",
    "地方創生",
    "エネルギー",
    "半導体",
    "宇宙開発",
    "金融",
    "物流",
    "農業",
    "観光",
    "防災",
    "スタートアップ",
    "オープンソース",
    "デザイン",
    "行政",
    "交通",
    "気候変動",
    "ロボット",
    "言語",
]
EN_WORDS = [
    "python",
    "django",
    "postgresql",
    "kubernetes",
    "rust",
    "security",
    "design",
    "climate",
    "startups",
    "open source",
    "education",
    "health",
    "finance",
    "energy",
    "space",
    "robotics",
    "accessibility",
    "typography",
    "privacy",
    "databases",
    "testing",
    "search",
    "mobile",
    "web",
]
JA_SENTENCES = [
    "この分野では、ここ数年で大きな変化が起きている。",
    "現場の担当者に話を聞くと、課題は技術よりも組織の側にあるという。",
    "導入した企業の多くは、最初の半年で成果を実感したと答えた。",
    "一方で、費用対効果を疑問視する声も根強い。",
    "専門家は、長期的な視点での投資が欠かせないと指摘する。",
    "国内の市場規模は二〇三〇年までに倍増すると見込まれている。",
    "人材の育成には時間がかかり、即効性のある対策は少ない。",
    "自治体の取り組みにも温度差があり、情報共有の仕組みづくりが急がれる。",
    "利用者の声を丁寧に拾い上げることが、次の改善につながる。",
    "海外の事例を参考にしつつ、日本の事情に合わせた工夫が求められる。",
]
EN_SENTENCES = [
    "The field has changed more in the last three years than in the decade before.",
    "People who run these systems say the hard problems are organisational, not technical.",
    "Most teams that adopted it reported results within the first six months.",
    "Sceptics still question whether the costs are worth it.",
    "Experts say long-term investment matters more than any single tool.",
    "The market is expected to double in size by the end of the decade.",
    "Training people takes time, and there are few shortcuts.",
    "Local governments differ widely in how far they have gone.",
    "Listening carefully to users is what drives the next round of improvements.",
    "Lessons from abroad help, but they need adapting to local conditions.",
]
CATEGORIES = [
    ("テクノロジー", "technology"), ("ビジネス", "business"), ("社会", "society"),
    ("科学", "science"), ("政治", "politics"), ("国際", "world"), ("文化", "culture"),
    ("スポーツ", "sports"), ("暮らし", "life"), ("教育", "education"), ("オピニオン", "opinion"),
    ("インタビュー", "interviews"),
]  # fmt: skip


def tag_names(count):
    """Distinct tag names, Japanese and English; the first ones are the most used."""
    names = ["Python", "AI人材", *JA_WORDS[2:], *EN_WORDS[1:]]
    suffixes = [
        "",
        " 入門",
        " 事例",
        " tips",
        " news",
        " 2025",
        " 調査",
        " guide",
        " 最前線",
        " 解説",
        " review",
    ]
    pool = [f"{word}{suffix}" for suffix in suffixes for word in names]
    if count > len(pool):
        pool += [f"topic {n}" for n in range(count - len(pool))]
    return pool[:count]


def body_templates(rng):
    """Markdown bodies of a few KB with headings, lists, links, a table and code: (language, md)."""
    templates = []
    for language, sentences in (("ja", JA_SENTENCES), ("en", EN_SENTENCES)):
        for n in range(TEMPLATES_PER_LANGUAGE):
            parts = []
            for section in range(rng.randint(3, 6)):
                parts.append(f"## {'見出し' if language == 'ja' else 'Section'} {section + 1}")
                for _ in range(rng.randint(2, 4)):
                    parts.append(" ".join(rng.choices(sentences, k=rng.randint(3, 7))))
                if section == 1:
                    parts.append("\n".join(f"- {s}" for s in rng.sample(sentences, 3)))
            parts.append(
                f"[{'関連記事' if language == 'ja' else 'Related'}](/tags/python/) and "
                f"[source](https://example.org/report/{n})."
            )
            parts.append("| a | b |\n|---|---|\n| 1 | 2 |")
            parts.append("```python\nprint('hello')\n```")
            templates.append((language, "\n\n".join(parts)))
    return templates


class Command(BaseCommand):
    help = "Fill an empty database with generated articles, tags, categories and authors."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=10_000)
        parser.add_argument("--tags", type=int, default=500)
        parser.add_argument("--authors", type=int, default=60)
        parser.add_argument("--seed", type=int, default=42)

    def handle(self, *args, articles, tags, authors, seed, **options):
        if articles < 1 or tags < 6 or authors < 2:
            raise CommandError("Need at least 1 article, 6 tags and 2 authors.")
        if Article.objects.exists():
            raise CommandError("The database already has articles; bench_data fills an empty one.")
        started = time.monotonic()
        rng = random.Random(seed)
        with transaction.atomic():
            self.fill(rng, articles, tags, authors)
            self.illustrate()
        self.stdout.write(
            f"{articles} articles, {tags} tags, {authors} authors in {time.monotonic() - started:.1f}s"
        )

    def fill(self, rng, article_count, tag_count, author_count):
        tags = Tag.objects.bulk_create(
            Tag(name=name, slug=slugify(name, allow_unicode=True)) for name in tag_names(tag_count)
        )
        authors = Author.objects.bulk_create(
            Author(name=f"Writer {n:03d}", slug=f"writer-{n:03d}") for n in range(author_count)
        )
        categories = Category.objects.bulk_create(Category(name=name, slug=slug) for name, slug in CATEGORIES)
        # Markdown is rendered once per distinct body, not once per article.
        rendered = []
        for language, body in body_templates(rng):
            html = render_markdown(body)
            summary = excerpt_from_html(html)
            rendered.append((language, body, html, summary, reading_minutes(html_to_text(html))))

        # Popular tags first: the weights make the first tags carry thousands of articles.
        tag_weights = [1 / (rank + 1) ** 0.9 for rank in range(len(tags))]
        now = timezone.now()
        for start in range(0, article_count, BATCH):
            batch = []
            for n in range(start, min(start + BATCH, article_count)):
                batch.append(self.article(rng, n, now, rng.choice(rendered)))
            batch = Article.objects.bulk_create(batch)
            bylines, categorised, tagged = [], [], []
            for article in batch:
                for position, author in enumerate(rng.sample(authors, rng.randint(1, 2))):
                    bylines.append(
                        ArticleAuthor(
                            article=article, author=author, position=position, **ArticleAuthor.copied(article)
                        )
                    )
                categorised.append(
                    Article.categories.through(article=article, category=rng.choice(categories))
                )
                chosen = set()
                wanted = rng.randint(3, 6)
                while len(chosen) < wanted:
                    chosen.add(rng.choices(range(len(tags)), weights=tag_weights)[0])
                tagged += [
                    TaggedArticle(content_object=article, tag=tags[i], **TaggedArticle.copied(article))
                    for i in chosen
                ]
            ArticleAuthor.objects.bulk_create(bylines)
            Article.categories.through.objects.bulk_create(categorised)
            TaggedArticle.objects.bulk_create(tagged)

    def illustrate(self):
        """One public article with a lead image and two photographs in its text, as a news page has:
        the benchmark's "article with images" (bench/probe.py). The other pages stay as the peer's."""
        # Past the home page's first page and the feed's 20 items, so that the pages measured
        # beside the peer's stay like the peer's: text alone.
        public = Article.objects.published().order_by("-published_at")
        article = public[50:51].first() or public.last()
        if article is None:
            return
        photos = [
            uploads.create_image(upload(photograph(n)), title=f"Bench photo {n}", alt_text=f"Photograph {n}")
            for n in range(3)
        ]
        article.lead_image = photos[0]
        article.body = (
            f"{article.body}\n\n![](image:{photos[1].pk})\n\nMore text.\n\n![](image:{photos[2].pk})\n"
        )
        article.body_html = render_markdown(article.body)
        article.save(update_fields=["lead_image", "body", "body_html"])
        usage.record(article)

    def article(self, rng, n, now, template):
        language, body, html, summary, minutes = template
        roll = rng.random()
        if roll < 0.02:
            status, published_at = Article.Status.DRAFT, None
        elif roll < 0.03:
            status, published_at = Article.Status.PUBLISHED, now + timedelta(days=rng.randint(1, 30))
        else:
            status = Article.Status.PUBLISHED
            published_at = now - timedelta(seconds=rng.randint(3600, 5 * 365 * 86400))
        updated_at = (
            now
            if published_at is None or published_at > now
            else min(now, published_at + timedelta(hours=rng.choice([0, 0, 0, 2, 48, 24 * 30])))
        )
        topic = rng.choice(JA_WORDS if language == "ja" else EN_WORDS)
        title = f"{topic}の現在地 第{n}回" if language == "ja" else f"Notes on {topic}, part {n}"
        front_matter = {"layout": "post"}
        if rng.random() < 0.01:
            front_matter["sitemap"] = False
        return Article(
            title=title,
            slug=slugify(title, allow_unicode=True),
            language=language,
            body=body,
            body_html=html,
            summary=summary,
            reading_time=minutes,
            status=status,
            published_at=published_at,
            pub_date=site_date(published_at) if published_at else None,
            updated_at=updated_at,
            front_matter=front_matter,
        )
