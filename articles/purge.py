"""Purging surrogate keys from Varnish (deploy/varnish/README.md).

Each Varnish in ``settings.VARNISH_PURGE_URLS`` gets ``PURGE /`` with ``xkey-purge: <keys>``, and drops
every object whose ``xkey`` header names any of them. Only the standard library: nothing to install,
nothing to configure beyond the list of addresses.
"""

import http.client
import logging
import time
import urllib.parse

from django.conf import settings

logger = logging.getLogger("articles.purge")

TIMEOUT = 1  # seconds per attempt: Varnish answers a purge in microseconds, or is not there
BACKOFF = (0.1, 0.3)  # the pauses before the second and the third attempt
# Varnish refuses a request header line over http_req_hdr_len (8 KB by default, name included).
MAX_HEADER = 8000


def purge(keys):
    """Drop every cached page showing any of ``keys`` from each Varnish. Never raises.

    Called after commit by the cache's receiver of ``editing.article_changed`` (``page_cache.py``), so
    the next reader of any of those pages reaches the app. A Varnish that cannot be reached after a few
    attempts is logged (``articles.purge``, warning) and left: its pages expire at their s-maxage.
    With no ``VARNISH_PURGE_URLS`` (no Varnish in front) this does nothing.
    """
    urls = getattr(settings, "VARNISH_PURGE_URLS", [])
    urls = urls.split() if isinstance(urls, str) else urls  # a single address, or several in one string
    keys = keys.split() if isinstance(keys, str) else keys
    keys = [key for key in dict.fromkeys(map(str, keys)) if _valid(key)]
    if not urls or not keys:
        return
    batches = list(_batches(keys))
    for url in urls:
        for number, batch in enumerate(batches):
            error = _send(url, " ".join(batch))
            if error:
                # The rest are not sent to this Varnish: it is down, and each batch would wait as long.
                left = " ".join(key for later in batches[number:] for key in later)
                logger.warning("Varnish purge failed: %s (%s), keys %s", url, error, left)
                break


def _valid(key):
    # Xkey splits on spaces and commas, and a header holds printable ASCII only.
    return bool(key) and key.isascii() and key.isprintable() and not any(c in key for c in " ,")


def _batches(keys):
    batch, size = [], 0
    for key in keys:
        if batch and size + 1 + len(key) > MAX_HEADER:
            yield batch
            batch, size = [], 0
        size += len(key) + (1 if batch else 0)
        batch.append(key)
    if batch:
        yield batch


def _send(url, header):
    """None once Varnish has purged, else what went wrong. Retried on connection errors and 5xx."""
    try:
        parts = urllib.parse.urlsplit(url)
        address = parts.hostname, parts.port
    except ValueError as exc:  # a port that is not a number
        return repr(exc)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "not an http:// or https:// address"
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    error = None
    for pause in (0, *BACKOFF):
        time.sleep(pause)
        connection = connection_class(*address, timeout=TIMEOUT)
        try:
            connection.request("PURGE", parts.path or "/", headers={"xkey-purge": header})
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException) as exc:
            error = repr(exc)
            continue
        finally:
            connection.close()
        if response.status == 200:
            return None
        error = f"HTTP {response.status}"
        if response.status < 500:
            return error  # a refusal (405: not in the purgers ACL) that no retry would change
    return error
