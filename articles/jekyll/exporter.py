"""Articles to Jekyll post files that Jekyll, and this site's importer, read back as the same articles."""

import zoneinfo
from pathlib import Path

import yaml
from django.conf import settings

from ..models import Article
from . import media_export

# Front matter keys the export writes from the article's fields; the other kept keys follow them.
OWNED_KEYS = {
    "title", "date", "slug", "published", "categories", "category", "tags", "tag",
    "author", "authors", "excerpt", "description", "image", "image_alt", "last_modified_at",
    "state", "unpublish_at",
}  # fmt: skip
# A new _config.yml makes Jekyll serve the posts at this site's addresses, in this site's time zone.
CONFIG = "# Written by Newsroom's export_jekyll.\ntimezone: {tz}\npermalink: /:year/:month/:day/:title/\n"


def export_articles(directory, articles=None, images=None):
    """Write every article (drafts too) under ``directory``; returns the paths written.

    The library images they show are copied beside them; ``images``, a media_export.Export, tells which.
    """
    directory = Path(directory)
    images = media_export.Export(directory) if images is None else images
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    (directory / "_posts").mkdir(parents=True, exist_ok=True)
    config = directory / "_config.yml"
    if not config.exists():
        config.write_text(CONFIG.format(tz=settings.TIME_ZONE), encoding="utf-8")
    if articles is None:
        articles = Article.objects.with_relations().order_by("pk").iterator(chunk_size=200)
    written, names = [], set()
    for article in articles:
        path = directory / file_name(article)
        if path in names:  # two undated drafts with one slug
            path = path.with_stem(f"{path.stem}-{article.pk}")
        names.add(path)
        path.parent.mkdir(exist_ok=True)
        path.write_text(post_text(article, tz, images.of(article)), encoding="utf-8")
        written.append(path)
    return written


def file_name(article):
    if article.pub_date is None:
        return f"_drafts/{article.slug}.md"
    return f"_posts/{article.pub_date:%Y-%m-%d}-{article.slug}.md"


def post_text(article, tz, images=None):
    """The file: YAML front matter, then the body as stored, its library images as ``images`` has them."""
    body = media_export.exported_body(article.body, images or {})
    if ("{%" in body or "{{" in body) and "{% endraw %}" not in body:
        # Jekyll would run this text as Liquid; the importer unwraps it again, unchanged.
        body = "{% raw %}" + body + "{% endraw %}"
    dump = yaml.safe_dump(front_matter(article, tz, images), allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{dump}---\n\n{body}\n"


def front_matter(article, tz, images=None):
    kept = article.front_matter or {}
    data = {"title": article.title}
    if article.published_at is not None:
        data["date"] = article.published_at.astimezone(tz)
    data["slug"] = article.slug
    if article.status != Article.Status.PUBLISHED:
        # Jekyll itself leaves the post out; the importer reads the state back.
        data["published"] = False
        data["state"] = article.status
    if article.unpublish_at is not None:
        data["unpublish_at"] = article.unpublish_at.astimezone(tz)
    data["categories"] = [category.name for category in article.categories.all()]
    data["tags"] = sorted((tag.name for tag in article.tags.all()), key=str.lower)
    authors = [author.name for author in article.ordered_authors]
    if authors:
        data["author"] = authors[0] if len(authors) == 1 else authors
    if article.excerpt:
        data["excerpt"] = article.excerpt
    if article.description:
        data["description"] = article.description
    image = media_export.lead_front_matter(article, kept, images or {})
    if image:
        data["image"] = image
    if article.updated_at and article.updated_at != article.published_at:
        data["last_modified_at"] = article.updated_at.astimezone(tz)
    data.update((key, value) for key, value in kept.items() if key not in OWNED_KEYS)
    return data
