"""What every public list, the article page and its previews show of an article beside its own
columns: its address, date, byline, tags and categories, with their links.

One loader for all of them: `load(articles)` gives each article a `card`, with the byline, tags
and categories of all the articles read in one query.
"""

from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import IntegerField, Value

from . import links
from .dates import Moment, moment
from .models import Article, ArticleAuthor, TaggedArticle

# The columns a card shows; the heavy text (body, its HTML, the front matter) stays in the database.
CARD_FIELDS = ("title", "slug", "language", "summary", "published_at", "pub_date", "updated_at")


class Link(NamedTuple):
    """A name and where it leads: an author, tag or category."""

    name: str
    url: str


@dataclass
class Card:
    url: str
    published: Moment | None
    authors: list[Link] = field(default_factory=list)  # the byline, in its order
    tags: list[Link] = field(default_factory=list)  # by name
    categories: list[Link] = field(default_factory=list)  # by name


def public_cards():
    """The public articles, with the columns a card shows."""
    return Article.objects.published().only(*CARD_FIELDS)


def card_of(article, authors=(), tags=(), categories=()):
    """An article's card from its byline (Authors, in order), tags and categories."""
    return Card(
        article.get_absolute_url(),
        moment(article.published_at),
        [Link(author.name, author.get_absolute_url()) for author in authors],
        [Link(tag.name, links.reverse("articles:tag", tag.slug)) for tag in tags],
        [Link(category.name, category.get_absolute_url()) for category in categories],
    )


def load(articles):
    """Give each article its `card`; returns them as a list. One query, whatever their number."""
    articles = list(articles)
    by_pk = {article.pk: article for article in articles}
    for article in articles:
        article.card = Card(article.get_absolute_url(), moment(article.published_at))
    # Bylines by position, then categories and tags by name.
    rows = sorted(_relations(by_pk), key=lambda row: (row[1], row[2], row[3]))
    for pk, kind, _position, name, slug in rows:
        card = by_pk[pk].card
        if kind == "a":
            card.authors.append(Link(name, links.reverse("articles:author", slug)))
        elif kind == "c":
            card.categories.append(Link(name, links.reverse("articles:category", slug)))
        else:
            card.tags.append(Link(name, links.reverse("articles:tag", slug)))
    return articles


def _relations(article_ids):
    """(article id, kind, position, name, slug) of the articles' bylines ("a"), categories ("c")
    and tags ("t"): one UNION of three plain values queries, where prefetch_related() would make
    three queries and a model instance per name (see bench/README.md)."""
    if not article_ids:
        return []
    ids = list(article_ids)
    zero = Value(0, output_field=IntegerField())
    bylines = ArticleAuthor.objects.filter(article_id__in=ids).values_list(
        "article_id", Value("a"), "position", "author__name", "author__slug"
    )
    categories = Article.categories.through.objects.filter(article_id__in=ids).values_list(
        "article_id", Value("c"), zero, "category__name", "category__slug"
    )
    tags = TaggedArticle.objects.filter(content_object_id__in=ids).values_list(
        "content_object_id", Value("t"), zero, "tag__name", "tag__slug"
    )
    return bylines.order_by().union(categories.order_by(), tags.order_by(), all=True)
