"""One Jekyll post file to the values of one article (no database access here)."""

import datetime
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError

from ..markdown import check_body
from ..text import truncate
from . import frontmatter, liquid
from .frontmatter import FrontMatterError, jekyll_list, parse_date, ruby_str, unique_casefold
from .site import clean_path, jekyll_url

POST_SUFFIXES = (".md", ".markdown")
POST_FOLDERS = ("_posts", "_drafts")
# Far beyond any real post (the longest in the corpus is a few hundred KB), and read whole.
MAX_POST_BYTES = 2 * 2**20
_DATE_PLACEHOLDER = re.compile(r":(?:year|short_year|month|i_month|day|i_day|y_day|hour|minute|second)\b")


@dataclass
class Post:
    """What a post file says, mapped to Article fields; ``body`` may hold post_url and image markers."""

    path: Path
    key: str
    title: str
    slug: str
    published_at: datetime.datetime | None
    status: str  # an Article.Status value
    unpublish_at: datetime.datetime | None
    body: str
    excerpt: str
    description: str
    image: str
    updated_at: datetime.datetime | None
    front_matter: dict
    categories: list
    tags: list
    authors: list
    old_paths: list
    digest: str = ""  # of the file's text: a later import knows whether the source changed
    warnings: list = field(default_factory=list)
    # Set by media.Library, which also turns ``image`` and ``body`` paths into library images.
    lead_image_id: int | str | None = None  # a marker (str) until a new image is saved
    image_alt: str = ""  # of an external lead image


def source_key(path):
    """The identity of a post across imports: ``site/_posts/sub/name.md``, or the bare file name.

    The path starts at the folder that holds ``_posts`` (or ``_drafts``), so two sites imported
    together keep apart and a site can move on disk without its articles being imported twice.
    """
    parts = path.resolve().parts
    for index in range(len(parts) - 2, -1, -1):
        if parts[index] in POST_FOLDERS:
            start = max(index - 1, 0)
            return unicodedata.normalize("NFC", "/".join(parts[start:]))
    return unicodedata.normalize("NFC", path.name)


def in_drafts_folder(path):
    return "_drafts" in path.parts[:-1]


# The states export_jekyll writes beside ``published: false``; a published post needs none.
_STATES = {"draft": "draft", "review": "review", "unpublished": "unpublished"}


def source_status(data, path):
    """The Article.Status a post's front matter (as read by ``frontmatter.load``) asks for."""
    state = data.get("state")
    if isinstance(state, str) and state.strip().lower() in _STATES:
        return _STATES[state.strip().lower()]
    if in_drafts_folder(path) or data.get("published") is False:
        return "draft"
    return "published"


def read_post(path, site):
    """A Post from a file, or FrontMatterError saying why the file cannot be imported."""
    size = path.stat().st_size
    if size > MAX_POST_BYTES:
        raise FrontMatterError(
            f"{size / 2**20:.1f} MB is more than a post may be ({MAX_POST_BYTES // 2**20} MB)"
        )
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FrontMatterError(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    if "\x00" in text:
        raise FrontMatterError("holds a NUL character (U+0000), which no article may contain")
    yaml_text, body = frontmatter.split(text.replace("\r\n", "\n"))
    data = frontmatter.load(yaml_text)
    warnings = []

    title = ruby_str(data.get("title")).strip()
    if not title:
        raise FrontMatterError("no title in the front matter")
    stem = unicodedata.normalize("NFC", path.stem)
    file_date, name_slug = frontmatter.dated_name(stem)
    published_at = _in_range(parse_date(data.get("date"), site.timezone), site)
    if published_at is None and file_date is not None:
        published_at = datetime.datetime.combine(file_date, datetime.time(), tzinfo=site.timezone)

    status = source_status(data, path)
    if published_at is None and status != "draft":
        status = "draft"
        warnings.append("no date in the front matter or the file name: imported as an undated draft")
    try:
        unpublish_at = parse_date(data.get("unpublish_at"), site.timezone)
    except FrontMatterError as exc:
        warnings.append(f"unpublish_at ignored: {exc}")
        unpublish_at = None

    source_slug = ruby_str(data["slug"]).strip() if data.get("slug") not in (None, "") else name_slug
    slug = frontmatter.field_slug(source_slug) or frontmatter.field_slug(title.lower()) or "post"
    if slug != source_slug:
        warnings.append(f"slug {source_slug!r} is not a valid URL part here: using {slug!r}")

    converted = liquid.convert(body)
    warnings += converted.warnings
    try:
        check_body(converted.body)
    except ValidationError as refused:
        raise FrontMatterError(refused.messages[0]) from refused
    if "\ufffd" in title or "\ufffd" in converted.body:
        warnings.append("contains U+FFFD replacement characters (text damaged in the source)")
    if len(title) > 255:
        warnings.append("title longer than 255 characters: cut")
        title = truncate(title, 254)

    categories = jekyll_list(data, "category", "categories")
    try:
        updated_at = parse_date(data.get("last_modified_at"), site.timezone)
    except FrontMatterError as exc:
        warnings.append(f"last_modified_at ignored: {exc}")
        updated_at = None

    front_matter = frontmatter.json_safe(data)
    if "\\u0000" in json.dumps(front_matter):
        raise FrontMatterError(
            "holds a NUL character (U+0000) in its front matter, which no article may contain"
        )

    return Post(
        path=path,
        key=source_key(path),
        title=title,
        slug=slug,
        published_at=published_at,
        status=status,
        unpublish_at=unpublish_at,
        body=converted.body,
        excerpt=_text(data.get("excerpt")),
        description=_description(data.get("description"), warnings),
        image=_image(data.get("image"), warnings),
        updated_at=updated_at or published_at,
        front_matter=front_matter,
        categories=unique_casefold(name[:100] for name in categories),
        tags=unique_casefold(name[:100] for name in jekyll_list(data, "tag", "tags")),
        authors=_authors(data, site.author),
        old_paths=_old_paths(data, site, published_at, file_date, source_slug, categories, warnings),
        # The site's settings change what the same text means.
        digest=hashlib.sha256(f"{site.timezone}|{site.permalink}|{site.author}|{text}".encode()).hexdigest(),
        warnings=warnings,
    )


def _in_range(moment, site):
    """The moment, if the database and the site's calendar can hold it in every time zone used."""
    if moment is None:
        return None
    try:
        moment.astimezone(datetime.UTC)
        moment.astimezone(site.timezone)
    except OverflowError as exc:
        raise FrontMatterError(f"date {moment.isoformat()} is outside the calendar once in UTC") from exc
    return moment


def _text(value):
    if isinstance(value, dict | list):
        return ""
    return ruby_str(value).strip()


def _description(value, warnings):
    text = _text(value)
    if len(text) > 300:
        warnings.append("description longer than 300 characters: cut")
        text = truncate(text, 299)
    return text


def image_of(value):
    """The lead image of an ``image:`` value: a string, or a dict's path (or url, or feature)."""
    if isinstance(value, dict):
        value = next((value[k] for k in ("path", "url", "feature") if isinstance(value.get(k), str)), "")
    return value.strip() if isinstance(value, str) else ""


def _image(value, warnings):
    image = image_of(value)
    if len(image) > 500:
        warnings.append("image address longer than 500 characters: left out")
        return ""
    return image


def _authors(data, default):
    value = data.get("author")
    if value in (None, "", []):
        value = data.get("authors")
    if value in (None, "", []):
        value = default
    values = value if isinstance(value, list) else [value]
    names = []
    for item in values:
        name = item.get("name") if isinstance(item, dict) else item
        name = ruby_str(name).strip()[:100] if not isinstance(name, dict | list) else ""
        if name:
            names.append(name)
    return unique_casefold(names)


def _old_paths(data, site, published_at, file_date, slug, categories, warnings):
    """Every address Jekyll may have served the post at: its permalink, the file-name date, redirect_from."""
    permalink = data.get("permalink")
    given = permalink.strip() if isinstance(permalink, str) else ""
    pattern = given or site.permalink
    paths = []
    if published_at is not None:
        moment = published_at.astimezone(site.timezone)
        paths.append(jekyll_url(pattern, moment=moment, slug=slug, categories=categories))
        if file_date is not None and file_date != moment.date():
            # Links inside the old site often used the date in the file name (README quirk 2).
            named = datetime.datetime.combine(file_date, moment.timetz())
            paths.append(jekyll_url(pattern, moment=named, slug=slug, categories=categories))
    elif given and not _DATE_PLACEHOLDER.search(given):
        paths.append(jekyll_url(pattern, moment=datetime.datetime.min, slug=slug, categories=categories))
    redirect_from = data.get("redirect_from")
    for item in redirect_from if isinstance(redirect_from, list) else [redirect_from]:
        if not (isinstance(item, str) and item.strip()):
            continue
        if urlsplit(item.strip()).netloc:
            warnings.append(f"redirect_from {item.strip()!r} names another host: not redirected")
            continue
        paths.append(clean_path(item))
    return [path for path in dict.fromkeys(paths) if len(path) <= 500]
