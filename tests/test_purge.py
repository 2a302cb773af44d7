"""articles.purge: surrogate keys purged from a real varnishd, and what happens when Varnish is not there."""

import http.client
import logging
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from articles import purge
from tests.varnish import Origin, varnish


@pytest.fixture(scope="module")
def origin():
    with Origin() as origin:
        yield origin


@pytest.fixture(scope="module")
def cache(origin):
    with varnish(origin.port) as cache:
        yield cache


class Recorder:
    """Stands for Varnish: records each purge and answers with the next of ``statuses`` (then 200)."""

    def __init__(self, statuses=()):
        self.requests = []
        self.statuses = list(statuses)
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_PURGE(self):
                recorder.requests.append((self.command, self.path, self.headers["xkey-purge"]))
                self.send_response(recorder.statuses.pop(0) if recorder.statuses else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def attempts(monkeypatch):
    """Counts the connections purge() opens."""
    opened = []

    class Counting(http.client.HTTPConnection):
        def connect(self):
            opened.append(self.port)
            super().connect()

    monkeypatch.setattr(http.client, "HTTPConnection", Counting)
    return opened


def test_the_keys_are_purged_from_varnish(cache, origin, settings, caplog):
    origin.respond("/purged/1/", xkey="article-1 tag-1")
    origin.respond("/purged/2/", xkey="article-2 tag-2")
    origin.respond("/purged/3/", xkey="article-3 tag-3")
    paths = ["/purged/1/", "/purged/2/", "/purged/3/"]
    for path in paths * 2:
        cache.get(path)
    settings.VARNISH_PURGE_URLS = [cache.url]

    purge.purge(["tag-1", "article-2"])

    assert [cache.get(path)[1]["X-Cache"] for path in paths] == ["MISS", "MISS", "HIT"]
    assert not caplog.records


def test_many_keys_reach_varnish_in_several_requests(cache, origin, settings, caplog):
    origin.respond("/purged/many/", xkey="article-99999")
    cache.get("/purged/many/")
    settings.VARNISH_PURGE_URLS = [cache.url]
    keys = [f"article-{number}" for number in range(100000)]  # about 1.2 MB of keys

    purge.purge(keys)

    assert cache.get("/purged/many/")[1]["X-Cache"] == "MISS"
    assert not caplog.records  # Varnish took every batch


def test_many_keys_are_split_below_the_header_limit(settings):
    keys = [f"category-{number}" for number in range(3000)]
    with Recorder() as varnish_:
        settings.VARNISH_PURGE_URLS = [varnish_.url]
        purge.purge(keys + keys[:10])  # repeated keys are sent once

    assert len(varnish_.requests) > 3
    assert all(method == "PURGE" and path == "/" for method, path, _ in varnish_.requests)
    assert all(len(header) <= purge.MAX_HEADER for _, _, header in varnish_.requests)
    assert [key for _, _, header in varnish_.requests for key in header.split(" ")] == keys


def test_every_varnish_is_purged(settings):
    with Recorder() as first, Recorder() as second:
        settings.VARNISH_PURGE_URLS = [first.url, second.url]
        purge.purge(["article-1", "list-home"])
    assert first.requests == second.requests == [("PURGE", "/", "article-1 list-home")]


def test_a_varnish_that_refuses_connections_is_tried_three_times(settings, caplog, attempts):
    port = _closed_port()
    settings.VARNISH_PURGE_URLS = [f"http://127.0.0.1:{port}/"]
    started = time.monotonic()

    purge.purge(["article-1", "tag-5"])  # no exception

    assert time.monotonic() - started < 1.5  # 0.1 s and 0.3 s between the attempts
    assert attempts == [port] * 3
    [record] = caplog.records
    assert (record.name, record.levelno) == ("articles.purge", logging.WARNING)
    assert f"http://127.0.0.1:{port}/" in record.getMessage()
    assert "article-1 tag-5" in record.getMessage()


def test_a_varnish_that_does_not_answer_is_given_up(settings, caplog, monkeypatch):
    monkeypatch.setattr(purge, "TIMEOUT", 0.2)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # accepts, never answers
        settings.VARNISH_PURGE_URLS = [f"http://127.0.0.1:{silent.getsockname()[1]}/"]
        started = time.monotonic()
        purge.purge(["article-1"])
    assert time.monotonic() - started < 2
    assert "timed out" in caplog.records[0].getMessage()


def test_server_errors_are_retried(settings, caplog):
    with Recorder(statuses=[503, 500]) as varnish_:
        settings.VARNISH_PURGE_URLS = [varnish_.url]
        purge.purge(["article-1"])
    assert len(varnish_.requests) == 3
    assert not caplog.records


def test_a_refusal_is_not_retried(settings, caplog):
    with Recorder(statuses=[405]) as varnish_:
        settings.VARNISH_PURGE_URLS = [varnish_.url]
        purge.purge(["article-1"])
    assert len(varnish_.requests) == 1
    assert "HTTP 405" in caplog.records[0].getMessage()


def test_a_varnish_down_is_not_waited_for_batch_after_batch(settings, caplog, attempts):
    settings.VARNISH_PURGE_URLS = [f"http://127.0.0.1:{_closed_port()}/"]
    purge.purge([f"article-{number}" for number in range(3000)])
    assert len(attempts) == 3
    assert len(caplog.records) == 1


@pytest.mark.parametrize("url", ["not an address", "http://127.0.0.1:port/", "ftp://127.0.0.1/"])
def test_a_wrong_address_is_logged(settings, caplog, url):
    settings.VARNISH_PURGE_URLS = [url]
    purge.purge(["article-1"])
    assert url in caplog.records[0].getMessage()


@pytest.mark.parametrize("setting", [[], None])
def test_without_varnish_nothing_is_sent(settings, monkeypatch, setting):
    if setting is None:
        del settings.VARNISH_PURGE_URLS
    else:
        settings.VARNISH_PURGE_URLS = setting
    sent = []
    monkeypatch.setattr(purge, "_send", lambda *args: sent.append(args))
    purge.purge(["article-1"])
    assert sent == []


def test_keys_a_header_cannot_carry_are_left_out(settings):
    with Recorder() as varnish_:
        settings.VARNISH_PURGE_URLS = [varnish_.url]
        purge.purge(["article-1", "two words", "a,b", "line\r\nbreak", "", "tag-2"])
        purge.purge(["\n"])  # nothing left: no request
    assert varnish_.requests == [("PURGE", "/", "article-1 tag-2")]
