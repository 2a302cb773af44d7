"""reverse(), remembered: the one way get_absolute_url() and card links build a path.

A path depends only on the URL map, the script prefix and the arguments, so remembering it needs
no invalidation: a changed slug or date is simply another key. What it saves is in bench/README.md.
"""

from functools import lru_cache

from django.urls import get_script_prefix, get_urlconf
from django.urls import reverse as django_reverse

# Bounded: a crawler walking every article must not grow a worker without limit (~2 MB at most).
CACHE_SIZE = 16384


@lru_cache(maxsize=CACHE_SIZE)
def _reverse(prefix, urlconf, name, args):
    return django_reverse(name, args=args)


def reverse(name, *args):
    """django.urls.reverse(name, args=args), remembered per URL map and script prefix."""
    return _reverse(get_script_prefix(), get_urlconf(), name, args)


def reverser():
    """reverse() for many links at once: the URL map and the script prefix, which live in
    context-local storage, are looked up once rather than for each link."""
    prefix, urlconf = get_script_prefix(), get_urlconf()
    return lambda name, *args: _reverse(prefix, urlconf, name, args)
