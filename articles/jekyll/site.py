"""A Jekyll site's settings that decide an imported post's dates and old URLs."""

import re
import zoneinfo
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings

from . import frontmatter
from .frontmatter import jekyll_slugify

# Jekyll's named permalink styles (jekyll/utils.rb and the docs).
STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}
_PLACEHOLDER = re.compile(r":(\w+)")


@dataclass(frozen=True)
class Site:
    """What one _config.yml says (or the defaults when there is none)."""

    timezone: zoneinfo.ZoneInfo
    permalink: str
    author: str = ""
    config_path: Path | None = None


def time_zone(name):
    """A ZoneInfo, or ValueError naming the unknown zone."""
    try:
        return zoneinfo.ZoneInfo(str(name))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


class SiteFinder:
    """Finds the _config.yml that governs a post (its folder or a parent), reading each one once."""

    def __init__(self, *, timezone=None, permalink=None):
        self.timezone = time_zone(timezone) if timezone else None
        self.permalink = permalink_pattern(permalink) if permalink else None
        self._by_folder = {}

    def for_file(self, path):
        folder = path.parent.resolve()
        if folder not in self._by_folder:
            config = next(
                (p / "_config.yml" for p in (folder, *folder.parents) if (p / "_config.yml").is_file()), None
            )
            self._by_folder[folder] = self._site(config)
        return self._by_folder[folder]

    def _site(self, config_path):
        config = read_config(config_path) if config_path else {}
        collections = config.get("collections")
        posts = collections.get("posts") if isinstance(collections, dict) else None
        # Jekyll lets the posts collection's permalink override the site's.
        posts_permalink = posts.get("permalink") if isinstance(posts, dict) else None
        permalink = self.permalink or permalink_pattern(posts_permalink or config.get("permalink") or "date")
        timezone = self.timezone or (
            time_zone(config["timezone"]) if config.get("timezone") else time_zone(settings.TIME_ZONE)
        )
        author = config.get("author")
        return Site(
            timezone=timezone,
            permalink=permalink,
            author=author.strip() if isinstance(author, str) else "",
            config_path=config_path,
        )


def permalink_pattern(value):
    """A permalink pattern from a style name (date, pretty, ordinal, none) or a pattern itself."""
    value = str(value).strip()
    if value in STYLES:
        return STYLES[value]
    if "/" not in value:
        raise ValueError(
            f"unknown permalink style {value!r}: "
            "use date, pretty, ordinal, none or a pattern like /:year/:title/"
        )
    return value


def read_config(path):
    try:
        # Read as front matter is, with its bounds: a _config.yml can hold a billion laughs too.
        return frontmatter.load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ValueError(f"{path}: cannot read the site configuration ({exc})") from exc


def jekyll_url(pattern, *, moment, slug, categories):
    """The path Jekyll served a post at, unescaped, for a permalink pattern with placeholders.

    ``moment`` is the post's date in the site's time zone; ``slug`` its slug as Jekyll saw it.
    """
    values = {
        "year": f"{moment.year:04d}",
        "short_year": f"{moment.year % 100:02d}",
        "month": f"{moment.month:02d}",
        "i_month": str(moment.month),
        "day": f"{moment.day:02d}",
        "i_day": str(moment.day),
        "y_day": f"{moment.timetuple().tm_yday:03d}",
        "hour": f"{moment.hour:02d}",
        "minute": f"{moment.minute:02d}",
        "second": f"{moment.second:02d}",
        "title": jekyll_slugify(slug, pretty=True, cased=True),
        "slug": jekyll_slugify(slug),
        "categories": "/".join(dict.fromkeys(c.lower() for c in categories)),
        "output_ext": ".html",
    }
    url = _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), pattern)
    return _one_slash(unquote(url))


def clean_path(url):
    """A path from front matter (redirect_from) as stored: no scheme or host, unescaped."""
    return _one_slash(unquote(urlsplit(url.strip()).path))


def _one_slash(path):
    # Empty :categories leave // behind; Jekyll collapses them too.
    return "/" + re.sub(r"/{2,}", "/", path).lstrip("/")
