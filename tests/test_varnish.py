"""deploy/varnish/default.vcl in a real varnishd, in front of a tiny origin that counts its requests.

Skipped without Varnish 7 and varnish-modules (make services). Each test uses paths of its own: the
cache and the origin are shared by the module.
"""

import http.client
import socket
import time

import pytest

from tests.varnish import Origin, varnish


@pytest.fixture(scope="module")
def origin():
    with Origin() as origin:
        yield origin


@pytest.fixture(scope="module")
def cache(origin):
    with varnish(origin.port) as cache:
        yield cache


def test_a_second_request_is_answered_from_the_cache(cache, origin):
    status, headers, body = cache.get("/hit/")
    assert (status, headers["X-Cache"], body) == (200, "MISS", "/hit/ #1\n")
    status, headers, body = cache.get("/hit/")
    assert (status, headers["X-Cache"], body) == (200, "HIT", "/hit/ #1\n")
    assert origin.hits["/hit/"] == 1


def test_head_is_answered_from_the_cached_get(cache, origin):
    cache.get("/head/")
    status, headers, _ = cache.request("HEAD", "/head/")
    assert (status, headers["X-Cache"], origin.hits["/head/"]) == (200, "HIT", 1)


def test_internal_headers_stay_in_the_cache(cache, origin):
    origin.respond("/internal/", xkey="article-1 tag-1 list-home")
    for _ in range(2):  # the miss and the hit alike
        _, headers, _ = cache.get("/internal/")
        assert "xkey" not in headers
        assert "X-Varnish" not in headers and "Via" not in headers


def test_s_maxage_is_not_shown_downstream(cache, origin):
    origin.respond("/control/", Cache_Control="public, max-age=60, s-maxage=600, stale-while-revalidate=30")
    origin.respond("/control-first/", Cache_Control="s-maxage=600, public, max-age=60")
    for _ in range(2):
        assert cache.get("/control/")[1]["Cache-Control"] == "public, max-age=60, stale-while-revalidate=30"
        assert cache.get("/control-first/")[1]["Cache-Control"] == "public, max-age=60"
    # Nor on what is not stored: a staff request passed to the app, a response that sets a cookie.
    origin.respond("/control-staff/", Cache_Control="public, max-age=60, s-maxage=600")
    origin.respond("/control-cookie/", Cache_Control="public, max-age=60, s-maxage=600", Set_Cookie="a=b")
    assert (
        cache.get("/control-staff/", {"Cookie": "sessionid=abc"})[1]["Cache-Control"] == "public, max-age=60"
    )
    for _ in range(2):
        _, headers, _ = cache.get("/control-cookie/")
        assert (headers["X-Cache"], headers["Cache-Control"]) == ("MISS", "public, max-age=60")


def test_a_purge_drops_every_object_with_the_key_and_only_those(cache, origin):
    origin.respond("/purge/1/", xkey="article-1 tag-5 list-home")
    origin.respond("/purge/2/", xkey="article-2 tag-5")
    origin.respond("/purge/3/", xkey="article-3 tag-6")
    paths = ["/purge/1/", "/purge/2/", "/purge/3/"]
    for path in paths * 2:
        cache.get(path)
    assert [cache.get(path)[1]["X-Cache"] for path in paths] == ["HIT"] * 3

    status, _, body = cache.request("PURGE", "/", {"xkey-purge": "tag-5"})
    assert (status, body) == (200, "2\n")

    assert [cache.get(path)[1]["X-Cache"] for path in paths] == ["MISS", "MISS", "HIT"]
    assert [origin.hits[path] for path in paths] == [2, 2, 1]


def test_a_purge_takes_several_keys_and_every_language(cache, origin):
    origin.respond("/purge/many/", xkey="article-7")
    origin.respond("/purge/other/", xkey="tag-7")
    for language in ("ja", "en-US,en;q=0.9"):
        cache.get("/purge/many/", {"Accept-Language": language})
    cache.get("/purge/other/")
    status, _, body = cache.request("PURGE", "/", {"xkey-purge": "article-7 tag-7 unknown-1"})
    assert (status, body) == (200, "3\n")


def test_a_purge_needs_the_header(cache):
    assert cache.request("PURGE", "/")[0] == 400


def test_a_purge_relayed_by_a_proxy_is_refused(cache, origin):
    # nginx in front connects from 127.0.0.1 too, but says whom it relays.
    origin.respond("/purge/relayed/", xkey="relayed-1")
    cache.get("/purge/relayed/")
    headers = {"xkey-purge": "relayed-1", "X-Forwarded-For": "203.0.113.9"}
    assert cache.request("PURGE", "/", headers)[0] == 405
    assert cache.get("/purge/relayed/")[1]["X-Cache"] == "HIT"


def test_a_purge_from_outside_the_acl_is_refused(cache):
    # The PROXY protocol listener takes the client's address from the first line.
    with socket.create_connection(("127.0.0.1", cache.proxy_port), timeout=5) as sock:
        sock.sendall(
            b"PROXY TCP4 203.0.113.9 127.0.0.1 40000 80\r\n"
            b"PURGE / HTTP/1.1\r\nHost: x\r\nxkey-purge: all\r\nConnection: close\r\n\r\n"
        )
        assert sock.recv(100).startswith(b"HTTP/1.1 405 ")


@pytest.mark.parametrize(
    "headers",
    [
        {"Set-Cookie": "sessionid=abc; HttpOnly"},
        {"Cache-Control": "private, no-cache, no-store"},
        {"Cache-Control": "private, max-age=60"},
        {"Cache-Control": "no-cache, max-age=60"},
        {"Cache-Control": "public, s-maxage=0"},
        {"Cache-Control": None},  # the app did not say: a redirect or an error page
    ],
    ids=["set-cookie", "private-no-store", "private", "no-cache", "zero", "no-cache-control"],
)
def test_responses_the_app_keeps_private_are_not_cached(cache, origin, headers, request):
    path = f"/private/{request.node.callspec.id}/"
    origin.respond(path, xkey="article-9", **{name.replace("-", "_"): v for name, v in headers.items()})
    for _ in range(3):
        assert cache.get(path)[1]["X-Cache"] == "MISS"
    assert origin.hits[path] == 3


@pytest.mark.parametrize("cookie", ["sessionid=abc", "_ga=GA1.2.3; csrftoken=xyz"], ids=["session", "csrf"])
def test_staff_requests_reach_the_app_and_are_not_kept_for_readers(cache, origin, cookie, request):
    path = f"/staff/{request.node.callspec.id}/"
    # Readers have a copy cached; staff do not get it: their request passes, cookies and all.
    cache.get(path)
    for _ in range(2):
        _, headers, body = cache.get(path, {"Cookie": cookie})
        assert headers["X-Cache"] == "MISS"
    assert origin.hits[path] == 3
    assert origin.requests[path]["Cookie"] == cookie
    # What the app answered them was not stored: readers still get their own copy.
    _, headers, body = cache.get(path)
    assert (headers["X-Cache"], body) == ("HIT", f"{path} #1\n")


def test_a_staff_page_is_not_shown_to_readers(cache, origin):
    path = "/staff/first/"
    cache.get(path, {"Cookie": "sessionid=abc"})
    _, headers, body = cache.get(path)
    assert (headers["X-Cache"], body) == ("MISS", f"{path} #2\n")


def test_other_cookies_are_dropped_and_do_not_prevent_a_hit(cache, origin):
    cache.get("/analytics/", {"Cookie": "_ga=GA1.2.3; consent=yes"})
    assert "Cookie" not in origin.requests["/analytics/"]
    _, headers, _ = cache.get("/analytics/", {"Cookie": "_ga=GA9.9.9"})
    assert headers["X-Cache"] == "HIT"
    assert origin.hits["/analytics/"] == 1


@pytest.mark.parametrize(
    "path",
    ["/admin/", "/admin/articles/article/1/change/", "/preview/1/", "/markdownx/markdownify/", "/drafts/1/"]
    + ["/search/?q=x", "/search/?q=y&utm_source=feed"],
)
def test_staff_paths_and_searches_always_reach_the_app(cache, origin, path):
    for _ in range(2):
        assert cache.get(path)[1]["X-Cache"] == "MISS"
    assert origin.hits[path.replace("&utm_source=feed", "")] == 2


def test_the_empty_search_page_is_cached(cache, origin):
    cache.get("/search/")
    assert cache.get("/search/")[1]["X-Cache"] == "HIT"


def test_posts_reach_the_app(cache, origin):
    for _ in range(2):
        assert cache.request("POST", "/post/")[1]["X-Cache"] == "MISS"
    assert origin.hits["/post/"] == 2


def test_tracking_parameters_share_the_object(cache, origin):
    cache.get("/share/?page=2")
    _, headers, _ = cache.get("/share/?utm_source=x&page=2&fbclid=abc")
    assert headers["X-Cache"] == "HIT"
    cache.get("/share/?utm_medium=social")
    assert (origin.hits["/share/?page=2"], origin.hits["/share/"]) == (1, 1)


def test_one_object_per_language(cache, origin):
    for language in ("en-US,en;q=0.9,ja;q=0.8", "en", "EN-gb", "fr-FR,fr;q=0.9,en;q=0.5"):
        cache.get("/language/", {"Accept-Language": language})
    assert origin.hits["/language/"] == 1
    assert origin.requests["/language/"]["Accept-Language"] == "en"
    for language in ("ja-JP,ja;q=0.9,en;q=0.8", "ja"):
        cache.get("/language/", {"Accept-Language": language})
    assert origin.hits["/language/"] == 2
    assert origin.requests["/language/"]["Accept-Language"] == "ja"
    cache.get("/language/", {"Accept-Language": "fr"})  # none of the site's: the app's default
    assert "Accept-Language" not in origin.requests["/language/"]


def test_pages_are_stored_and_served_as_the_app_sent_them(cache, origin):
    # Compression is the TLS proxy's: a hit costs Varnish no gzip or gunzip, whoever asks.
    connection = http.client.HTTPConnection("127.0.0.1", cache.port, timeout=5)
    connection.request("GET", "/gzip/", headers={"Accept-Encoding": "gzip"})
    response = connection.getresponse()
    assert ("Content-Encoding" in response.headers, response.read()) == (False, b"/gzip/ #1\n")
    connection.close()
    _, headers, body = cache.get("/gzip/")
    assert (headers["X-Cache"], "Content-Encoding" in headers, body) == ("HIT", False, "/gzip/ #1\n")


def test_s_maxage_expires_on_time_without_grace(cache, origin):
    # The app caps s-maxage at the next scheduled publication and then sends no grace: the page
    # must be fetched again as soon as it expires.
    origin.respond("/capped/", Cache_Control="public, max-age=1, s-maxage=1, stale-while-revalidate=0")
    cache.get("/capped/")
    assert cache.get("/capped/")[1]["X-Cache"] == "HIT"
    time.sleep(1.2)
    _, headers, body = cache.get("/capped/")
    assert (headers["X-Cache"], body) == ("MISS", "/capped/ #2\n")


def test_stale_while_revalidate_is_varnish_grace(cache, origin):
    # Varnish 7.1 reads stale-while-revalidate as the grace: the expired copy is served while it
    # fetches a fresh one in the background.
    origin.respond("/grace/", Cache_Control="public, max-age=1, s-maxage=1, stale-while-revalidate=30")
    cache.get("/grace/")
    time.sleep(1.2)
    _, headers, body = cache.get("/grace/")
    assert (headers["X-Cache"], body) == ("HIT", "/grace/ #1\n")
    deadline = time.monotonic() + 5
    while cache.get("/grace/")[2] != "/grace/ #2\n":
        assert time.monotonic() < deadline, "the background fetch did not replace the stale copy"
        time.sleep(0.05)
    assert origin.hits["/grace/"] == 2
