"""The dates an article page and a card print: when it was published, and updated if that is worth saying."""

import functools
from datetime import timedelta
from typing import NamedTuple

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, ngettext, override

from .models import site_date

# An edit within this time of publication is the launch itself, not an update worth showing.
UPDATE_GRACE = timedelta(hours=1)


def was_updated(article):
    """True when the last update is worth telling: another day, or materially later."""
    if article.published_at is None or article.updated_at is None:
        return False
    return (
        site_date(article.updated_at) != site_date(article.published_at)
        or article.updated_at - article.published_at >= UPDATE_GRACE
    )


class Moment(NamedTuple):
    """A time as the page prints it, formatted once in Python rather than by two template filters."""

    iso: str  # as |date:"c" prints it
    text: str  # as |date:"DATE_FORMAT" prints it


def moment(value):
    if value is None:
        return None
    local = timezone.localtime(value)
    return Moment(local.isoformat(), date_text(local.date(), get_language()))


@functools.lru_cache(maxsize=4096)
def date_text(day, language):
    """|date:"DATE_FORMAT" for a day in the active language, remembered: a list page prints a
    dozen dates, mostly the same few."""
    return date_format(day)


class Dateline(NamedTuple):
    published: Moment | None
    updated: Moment | None  # only when the update is worth telling (was_updated)
    reading_time: str  # "6分で読めます" or "6 min read"


def dateline(article):
    """The line under an article's title, in the article's own language, not the visitor's."""
    with override(article.language):
        return Dateline(
            moment(article.published_at),
            moment(article.updated_at) if was_updated(article) else None,
            ngettext("%(minutes)d min read", "%(minutes)d min read", article.reading_time)
            % {"minutes": article.reading_time},
        )
