"""What search engines and link previews read: titles, descriptions, canonical URLs, JSON-LD."""

import json
from dataclasses import dataclass, field

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from . import links
from .images import pictures
from .images.social import CARD_SIZE, card_available, card_digest
from .text import truncate

DESCRIPTION_LENGTH = 120
OG_LOCALES = {"ja": "ja_JP", "en": "en_US"}


def absolute(url):
    """An absolute URL on this site (settings.SITE_URL); URLs that already have a scheme pass."""
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.SITE_URL + (url if url.startswith("/") else f"/{url}")


def describe(text):
    """A meta description: ~120 characters, cut by character for Japanese, by word otherwise."""
    return truncate(text or "", DESCRIPTION_LENGTH)


def json_ld_script(data):
    """A <script type="application/ld+json"> element that no string in the data can break out of."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    # The same escapes as Django's json_script: "</script>" in a title cannot end the element.
    # replace(), not translate(): a third of the page's JSON-LD time went to translate().
    payload = payload.replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026")
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')


@dataclass
class PageMeta:
    """The head of one page: <title>, description, canonical URL, Open Graph and JSON-LD."""

    title: str
    url: str
    description: str = ""
    type: str = "website"
    image: str = ""
    image_width: int | None = None
    image_height: int | None = None
    image_alt: str = ""
    language: str = field(default_factory=lambda: settings.LANGUAGE_CODE)
    noindex: bool = False
    published_time: str = ""  # an article's, for article:published_time
    json_ld: list = field(default_factory=list)

    @property
    def full_title(self):
        return f"{self.title} | {settings.SITE_NAME}" if self.title else settings.SITE_NAME

    @property
    def locale(self):
        return OG_LOCALES.get(self.language, "ja_JP")

    @property
    def json_ld_scripts(self):
        return mark_safe("".join(json_ld_script(data) for data in self.json_ld))


def listing_meta(request, title, description=""):
    """A list page's head: its own path as canonical, with the page number after page 1."""
    url = request.path
    page = request.GET.get("page", "")
    if page.isdigit() and int(page) > 1:
        url += f"?page={int(page)}"
    return PageMeta(title=title, url=absolute(url), description=describe(description))


def _front_matter(article, key):
    front_matter = article.front_matter
    return front_matter.get(key) if isinstance(front_matter, dict) else None


def _canonical(article):
    canonical = _front_matter(article, "canonical_url")
    if isinstance(canonical, str) and canonical.startswith(("http://", "https://")):
        return canonical
    return absolute(article.get_absolute_url())


def _wants_noindex(article):
    robots = _front_matter(article, "robots") or ""
    if isinstance(robots, list | tuple):
        robots = ",".join(map(str, robots))
    return "noindex" in str(robots).lower()


def article_meta(article, *, preview=False):
    """An article page's head (its card loaded); staff previews of unpublished articles are never indexed."""
    url = _canonical(article)
    image = sharing_image(article)
    description = describe(article.description or article.summary)
    return PageMeta(
        title=article.title,
        url=url,
        description=description,
        type="article",
        **image,
        language=article.language,
        noindex=preview or _wants_noindex(article),
        published_time=_local_iso(article.published_at) or "",
        json_ld=[news_article(article, url, image["image"], description), breadcrumbs(article)],
    )


def sharing_image(article):
    """What a share preview shows: the lead image's 1200x630 crop, an external lead image, or the
    article's generated card (its title on the site's colours)."""
    lead = article.lead_image
    if lead is not None:
        width, height = pictures.size(lead, pictures.SHARE)
        return {
            "image": absolute(pictures.url(lead, pictures.SHARE)),
            "image_width": width,
            "image_height": height,
            "image_alt": lead.alt_text,
        }
    # Only a full address: a path of the site it was imported from is not one this site serves.
    if article.image.startswith(("http://", "https://")):
        return {"image": article.image, "image_alt": article.image_alt}
    if article.pk is None or not card_available():
        return {"image": ""}
    # Drawn by the first request for it (images/views.py), like a rendition: no page waits on it.
    return {
        "image": absolute(links.reverse("articles:share-card", article.pk, card_digest(article.title))),
        "image_width": CARD_SIZE[0],
        "image_height": CARD_SIZE[1],
        "image_alt": article.title,
    }


def _local_iso(moment):
    # The same ISO 8601 form, in the site's time zone, as the page's <time datetime>.
    return timezone.localtime(moment).isoformat() if moment else None


def _person(author):
    return {"@type": "Person", "name": author.name, "url": absolute(author.url)}


def news_article(article, url, image, description):
    """schema.org NewsArticle for one article."""
    published = article.published_at
    modified = max(filter(None, [published, article.updated_at]), default=None)
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": description,
        "inLanguage": article.language,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "datePublished": _local_iso(published),
        "dateModified": _local_iso(modified),
        "author": [_person(author) for author in article.card.authors]
        or [{"@type": "Organization", "name": settings.SITE_NAME, "url": absolute("/")}],
        "publisher": {"@type": "Organization", "name": settings.SITE_NAME, "url": absolute("/")},
    }
    if image:
        data["image"] = [image]
    keywords = [tag.name for tag in article.card.tags]
    if keywords:
        data["keywords"] = keywords
    return data


def breadcrumbs(article):
    """schema.org BreadcrumbList: Home > first category > article."""
    trail = [(settings.SITE_NAME, absolute(reverse("articles:home")))]
    if article.card.categories:
        first = article.card.categories[0]
        trail.append((first.name, absolute(first.url)))
    trail.append((article.title, absolute(article.get_absolute_url())))
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": i, "name": name, "item": item}
            for i, (name, item) in enumerate(trail, start=1)
        ],
    }
