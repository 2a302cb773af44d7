"""Whole public pages, kept in the default cache and in Varnish in front, dropped exactly when they change.

A view names what its page shows with surrogate keys (``article-12``, ``tag-5``, ``list-home``...), sent
as the ``xkey`` header. Only a response carrying keys is ever kept, and only for a reader without a
session: staff, previews, the admin and searches are never kept (they carry no keys, or their
requests are passed by).

Keeping a page records the generation of each of its keys; invalidating a key gives it a new
generation (the moment of the invalidation), so every page that showed it is stale at once, in each
process and in Redis alike, and a page whose making overlapped an invalidation is not kept. When an
article changes (``editing.article_changed``, after commit), every key it touched before and after is
invalidated here and purged from Varnish (``purge.py``).

Scheduled changes need no job: no page is kept past the next scheduled publication or withdrawal of
any article, so at that moment the cache lets go of every page that may change.
"""

import functools
import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Min, Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from taggit.models import Tag

from . import editing, purge
from .models import Article, ArticleAuthor, Author, Category, Image, TaggedArticle

HEADER = "xkey"
EVERYTHING = "all"  # on every kept page: what a change outside the write path invalidates
NEXT_CHANGE = "page-cache:next-change"
# Paths a reader's cache never holds, whatever they answer.
PRIVATE_PATHS = ("/admin/", "/preview/", "/markdownx/", "/drafts/")


def seconds():
    """How long a page is kept at most: related-article lists follow new articles within this."""
    return getattr(settings, "PAGE_CACHE_SECONDS", 600)


def mark(response, keys):
    """Say what a response shows: it may then be kept, and is dropped when any of these change."""
    response[HEADER] = " ".join(sorted({*keys, EVERYTHING}))
    return response


def keyed(*keys):
    """A view decorator: the view's responses show these keys (for views the site does not own)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            return mark(response, keys)

        return wrapped

    return decorator


def article_keys(articles):
    """The keys of these articles, and of the lead images they show."""
    keys = [f"article-{article.pk}" for article in articles]
    keys += [f"image-{article.lead_image_id}" for article in articles if article.lead_image_id]
    return keys


def kept_here():
    """Whether pages are kept in Django's default cache, not only by Varnish in front.

    Redis is every process's; local memory is one process's, which a change made in another (a
    command-line import, another gunicorn worker) would never invalidate: it keeps pages only when
    the settings say one process serves the site and makes every change.
    """
    return settings.PAGE_CACHE_SHARED


def next_change(now):
    """The next moment any article is scheduled to be published or withdrawn, or None."""
    kept = cache.get(NEXT_CHANGE) if kept_here() else None
    if kept is not None:
        return kept or None
    upcoming = Article.objects.filter(status=Article.Status.PUBLISHED).aggregate(
        publication=Min("published_at", filter=Q(published_at__gt=now)),
        withdrawal=Min("unpublish_at", filter=Q(unpublish_at__gt=now)),
    )
    moment = min(filter(None, upcoming.values()), default=None)
    if kept_here():
        # Kept until it passes, or a minute (a change made outside the write path is seen that soon).
        timeout = min(60, (moment - now).total_seconds()) if moment else 60
        cache.set(NEXT_CHANGE, moment or "", max(1, int(timeout)))
    return moment


def _generation_keys(keys):
    return {f"page-cache:gen:{key}": key for key in keys}


def _cache_key(request):
    # The language is part of the page: the chrome follows the reader's Accept-Language.
    address = f"{request.get_host()}{request.get_full_path()}|{request.LANGUAGE_CODE}"
    return "page-cache:page:" + hashlib.sha256(address.encode()).hexdigest()


def _may_keep_request(request):
    if request.method not in ("GET", "HEAD") or request.path.startswith(PRIVATE_PATHS):
        return False
    # A session means a person logged in (or logging in): their pages are theirs alone.
    return (
        settings.SESSION_COOKIE_NAME not in request.COOKIES
        and settings.CSRF_COOKIE_NAME not in request.COOKIES
    )


def _may_keep_response(response):
    if HEADER not in response or response.status_code not in (200, 301) or response.streaming:
        return False
    if response.cookies or "Cookie" in response.get("Vary", ""):
        return False
    control = response.get("Cache-Control", "")
    return not any(word in control for word in ("private", "no-store", "no-cache"))


def _headers(response, lifetime, capped):
    """Cache-Control for the CDN or Varnish (s-maxage) and for browsers (short: they cannot be purged)."""
    browser = min(getattr(settings, "PAGE_BROWSER_SECONDS", 60), lifetime)
    stale = 0 if capped else getattr(settings, "PAGE_STALE_SECONDS", 30)
    # Set whole, not patched: a kept response gets its remaining lifetime on every answer.
    response["Cache-Control"] = (
        f"public, max-age={browser}, s-maxage={lifetime}, stale-while-revalidate={stale}"
    )


class PageCacheMiddleware:
    """Answers a reader from the kept page when every key it shows is still current."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not (seconds() and _may_keep_request(request)):
            return self.get_response(request)
        key = _cache_key(request)
        entry = cache.get(key) if kept_here() else None
        now = time.time()
        current = entry is not None and entry["expires"] > now
        if current and cache.get_many(list(entry["generations"])) == entry["generations"]:
            response = entry["response"]
            _headers(response, int(entry["expires"] - now), entry["capped"])
            return response
        started = timezone.now()
        upcoming = next_change(started)
        response = self.get_response(request)
        if not _may_keep_response(response):
            return response
        lifetime, capped = seconds(), False
        if upcoming is not None and (upcoming - started).total_seconds() < lifetime:
            lifetime, capped = max(0, int((upcoming - started).total_seconds())), True
        generations = _generations_since(response[HEADER].split(), started.timestamp()) if kept_here() else {}
        if generations is None:
            # A change committed while this page was made: it may show the state before it, and its
            # purge may already have reached Varnish, so no cache keeps it.
            lifetime, capped = 0, True
        _headers(response, lifetime, capped)
        if lifetime > 0 and kept_here():
            self._keep(key, response, generations, lifetime, capped)
        return response

    def _keep(self, key, response, generations, lifetime, capped):
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        entry = {"response": response, "generations": generations, "expires": time.time() + lifetime}
        cache.set(key, {**entry, "capped": capped}, lifetime)


def _generations_since(keys, started):
    """The current generations of keys, for an entry made since `started` (a timestamp); None when
    a change was committed meanwhile, so the entry may show the state before it."""
    names = _generation_keys(keys)
    generations = cache.get_many(list(names))
    if any(float(generation) >= started for generation in generations.values()):
        return None
    missing = {name: "0" for name in names if name not in generations}  # never invalidated
    if missing:
        cache.set_many(missing, None)
        generations.update(missing)
    return generations


def remembered(name, keys, make):
    """A value read from public articles, kept like a page: until any of the keys it depends on
    is invalidated, or the next scheduled publication or withdrawal, whichever comes first.

    For what every reader's page needs and is costly to read afresh (an archive's count of public
    articles, the tag index's counts). Made afresh each time when pages are not kept here.
    """
    if not kept_here():
        return make()
    keys = {*keys, EVERYTHING}
    entry = cache.get(f"page-cache:value:{name}")
    current = entry is not None and entry["expires"] > time.time()
    if current and cache.get_many(list(entry["generations"])) == entry["generations"]:
        return entry["value"]
    started = timezone.now()
    upcoming = next_change(started)
    value = make()
    generations = _generations_since(keys, started.timestamp())
    if generations is None:
        return value
    lifetime = 24 * 60 * 60
    if upcoming is not None:
        lifetime = min(lifetime, (upcoming - started).total_seconds())
    if lifetime >= 1:
        entry = {"value": value, "generations": generations, "expires": time.time() + lifetime}
        cache.set(f"page-cache:value:{name}", entry, int(lifetime))
    return value


def invalidate(keys):
    """Drop every kept page showing any of these keys, here and in Varnish."""
    keys = set(keys)
    # A generation is the moment of its last invalidation: a page made since may be kept.
    now = repr(time.time())
    cache.set_many({name: now for name in _generation_keys(keys)}, None)
    cache.delete(NEXT_CHANGE)
    purge.purge(sorted(keys))


def keys_of(change):
    """Every page an article's change may show on: where it was before, and where it is after."""
    keys = {f"article-{change.article_id}", "list-home", "list-tags", "feeds", "sitemap", "search"}
    for footprint in (change.before, change.after):
        if footprint is None:
            continue
        keys |= {f"tag-{pk}" for pk in footprint.tags}
        keys |= {f"category-{pk}" for pk in footprint.categories}
        keys |= {f"author-{pk}" for pk in footprint.authors}
        if footprint.day is not None:
            keys |= {f"archive-{footprint.day:%Y}", f"archive-{footprint.day:%Y-%m}"}
    if change.after is not None and change.after.public:
        # The pages of its new neighbours now link to it.
        keys |= {f"article-{pk}" for pk in change.after.neighbours}
    return keys


@receiver(editing.article_changed, dispatch_uid="articles.page_cache")
def _article_changed(sender, change, **kwargs):
    invalidate(keys_of(change))


def _outside_write_path(*args, **kwargs):
    """A change the write path did not describe (a shell, a renamed tag): every page may show it."""
    if not editing.writing() and not kwargs.get("raw"):
        transaction.on_commit(lambda: invalidate({EVERYTHING}))


@receiver(post_save, sender=Image, dispatch_uid="page-cache-image-save")
@receiver(post_delete, sender=Image, dispatch_uid="page-cache-image-delete")
def _image_changed(sender, instance, **kwargs):
    """A library image's alt text, caption, focal point or file: every page showing it changes."""
    if not kwargs.get("raw"):
        key = f"image-{instance.pk}"
        transaction.on_commit(lambda: invalidate({key}))


for _model in (Article, ArticleAuthor, Tag, Category, Author):
    post_save.connect(_outside_write_path, sender=_model, dispatch_uid=f"page-cache-save-{_model.__name__}")
    post_delete.connect(_outside_write_path, sender=_model, dispatch_uid=f"page-cache-del-{_model.__name__}")
for _through in (TaggedArticle, Article.categories.through):
    m2m_changed.connect(
        _outside_write_path, sender=_through, dispatch_uid=f"page-cache-m2m-{_through.__name__}"
    )
