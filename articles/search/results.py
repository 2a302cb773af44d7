"""A page of results: the matches as Django's paginator reads them, each article highlighted."""

from collections.abc import Sequence
from functools import cached_property

from .engines import find
from .highlighting import highlight, snippet


class Results(Sequence):
    """The matches of a query as a paginator reads them: how many, then the articles of one page.

    Two queries, whatever the page: the matching ids (find), then the page's articles from
    ``queryset``, each with a highlighted ``snippet`` and ``marked_title``.
    """

    def __init__(self, queryset, query):
        self.queryset, self.query = queryset, query

    @cached_property
    def matches(self):
        return find(self.queryset, self.query)

    @property
    def complete(self):
        return self.matches.complete

    def __len__(self):
        return len(self.matches.ids)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1 or None][0]
        ids = self.matches.ids[index]
        if not ids:
            return []
        found = self.queryset.in_bulk(ids)
        page = [found[pk] for pk in ids if pk in found]
        for article in page:
            article.snippet = snippet(article, self.query)
            article.marked_title = highlight(article.title, self.query, length=None) or article.title
        return page
