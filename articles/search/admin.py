"""The admin's search box on the readers' engine."""

from .engines import search
from .query import parse_query


class SearchAdminMixin:
    """The admin's search box on the readers' engine, over what the editor may see (drafts too)."""

    def get_search_results(self, request, queryset, search_term):
        default, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        query = parse_query(search_term)
        if not query:
            return default, may_have_duplicates  # nothing the index holds: Django's own search
        # Every change reaches the index when it commits (search_signals.py): no fallback to
        # Django's own search over every body is needed.
        # The index names each article once: no DISTINCT over the list's wide rows.
        return search(queryset, query), False
