"""What every public list, the article page and its previews show of an article beside its own
columns: its address, date, byline, tags and categories, with their links.

One loader for all of them: `load(articles)` gives each article a `card`, with the byline, tags
and categories of all the articles read in one query.
"""

from dataclasses import KW_ONLY, dataclass, field
from datetime import datetime
from functools import cached_property
from typing import NamedTuple

from django.db import connection
from taggit.models import Tag

from . import links
from .dates import moment
from .images import pictures
from .images.models import Image
from .models import Article, ArticleAuthor, Author, Category, TaggedArticle

# The columns a card shows; the heavy text (body, its HTML, the front matter) stays in the database.
CARD_FIELDS = ("title", "slug", "language", "summary", "published_at", "pub_date", "updated_at")
# Its lead image's, read in the same query (select_related): what pictures.card_picture() needs.
LEAD_FIELDS = (
    "lead_image",
    *(f"lead_image__{name}" for name in ("file", "width", "height", "focal_x", "focal_y")),
)


class Link(NamedTuple):
    """A name and where it leads: an author, tag or category."""

    name: str
    url: str


@dataclass
class Card:
    url: str
    published_at: datetime | None
    _: KW_ONLY
    authors: list[Link] = field(default_factory=list)  # the byline, in its order
    tags: list[Link] = field(default_factory=list)  # by name
    categories: list[Link] = field(default_factory=list)  # by name
    lead_image: Image | None = None

    @cached_property
    def published(self):
        """The date as the page prints it; made only where the page shows it (a feed does not)."""
        return moment(self.published_at)

    @cached_property
    def image(self):
        """The lead image's <picture> in the cards' shape; made only where a list shows it."""
        return pictures.card_picture(self.lead_image) if self.lead_image else ""


def public_cards():
    """The public articles, with the columns a card shows."""
    return Article.objects.published().select_related("lead_image").only(*CARD_FIELDS, *LEAD_FIELDS)


def card_of(article, authors=(), tags=(), categories=()):
    """An article's card from its byline (Authors, in order), tags and categories."""
    return Card(
        article.get_absolute_url(),
        article.published_at,
        authors=[Link(author.name, author.get_absolute_url()) for author in authors],
        tags=[Link(tag.name, links.reverse("articles:tag", tag.slug)) for tag in tags],
        categories=[Link(category.name, category.get_absolute_url()) for category in categories],
    )


def load(articles, names=True):
    """Give each article its `card`; returns them as a list. One query, whatever their number;
    none with `names=False`, for links that show a title and a date alone (related articles)."""
    articles = list(articles)
    by_pk = {article.pk: article for article in articles}
    for article in articles:
        # The lead image comes with the card's columns (LEAD_FIELDS); links without names show none.
        lead_image = article.lead_image if names and article.lead_image_id else None
        article.card = Card(article.get_absolute_url(), article.published_at, lead_image=lead_image)
    if not names:
        return articles
    # Bylines by position, then categories and tags by name.
    rows = sorted(_relations(by_pk), key=lambda row: (row[1], row[2], row[3]))
    reverse = links.reverser()
    for pk, kind, _position, name, slug in rows:
        card = by_pk[pk].card
        if kind == "a":
            card.authors.append(Link(name, reverse("articles:author", slug)))
        elif kind == "c":
            card.categories.append(Link(name, reverse("articles:category", slug)))
        else:
            card.tags.append(Link(name, reverse("articles:tag", slug)))
    return articles


def _relations(article_ids):
    """(article id, kind, position, name, slug) of the articles' bylines ("a"), categories ("c")
    and tags ("t"), in one query of plain values: a small SQL function of its own, because the
    ORM's union of the three took ten times as long to build as to run (bench/README.md)."""
    if not article_ids:
        return []
    # Placeholders, not the ids themselves: the query's text then depends only on how many articles
    # a page shows, so the database prepares it once (settings: server-side binding). Each id is
    # sent once, in `shown`: psycopg keeps its parsing of a query of up to 50 parameters.
    ids = list(article_ids)
    shown = ", ".join(["(%s)"] * len(ids))
    byline, author = ArticleAuthor._meta.db_table, Author._meta.db_table
    categorised, category = Article.categories.through._meta.db_table, Category._meta.db_table
    tagged, tag = TaggedArticle._meta.db_table, Tag._meta.db_table
    sql = (
        f"WITH shown (id) AS (VALUES {shown}) "
        f"SELECT link.article_id, 'a', link.position, author.name, author.slug FROM {byline} link "
        f"JOIN {author} author ON author.id = link.author_id WHERE link.article_id IN (SELECT id FROM shown) "
        f"UNION ALL SELECT link.article_id, 'c', 0, category.name, category.slug FROM {categorised} link "
        f"JOIN {category} category ON category.id = link.category_id "
        f"WHERE link.article_id IN (SELECT id FROM shown) "
        f"UNION ALL SELECT link.content_object_id, 't', 0, tag.name, tag.slug FROM {tagged} link "
        f"JOIN {tag} tag ON tag.id = link.tag_id WHERE link.content_object_id IN (SELECT id FROM shown)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, ids)
        return cursor.fetchall()
