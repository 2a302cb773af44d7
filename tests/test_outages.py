"""An outage of the cache or of a database connection takes no page down.

Real parts only: a Redis server this test starts and stops, a port nothing listens on, and a TCP
proxy in front of PostgreSQL that forgets its connections without closing them.
"""

import logging
import shutil
import socket
import subprocess
import threading
import time

import pytest
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import connection

from newsroom import settings as settings_module

from .factories import make_article, make_author, make_category

pytestmark = pytest.mark.django_db


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_cache(port):
    return settings_module.redis_cache(f"redis://127.0.0.1:{port}/0")


def public_pages():
    author, category = make_author("記者"), make_category("経済")
    article = make_article("記事", tags=["AI"], authors=[author], categories=[category])
    make_article("関連記事", tags=["AI"])
    return [
        "/",
        article.get_absolute_url(),
        "/tags/",
        "/tags/ai/",
        category.get_absolute_url(),
        author.get_absolute_url(),
        f"/{article.pub_date.year}/",
        "/feed/",
        "/feed/atom/",
        "/sitemap.xml",
        "/search/?q=記事",
        "/robots.txt",
    ]


def assert_all_served(client, paths):
    for path in paths:
        assert client.get(path).status_code == 200, path


def test_every_page_serves_with_the_cache_at_a_port_that_refuses(client, settings, caplog):
    for once_a_minute in logging.getLogger("django_redis.cache").filters:
        once_a_minute.last = 0  # an earlier test's outage was logged within the minute
    settings.CACHES = {**settings.CACHES, "default": redis_cache(free_port())}
    assert_all_served(client, public_pages())
    assert "django_redis" in caplog.text  # the failure is logged, not shown


@pytest.fixture
def redis_server():
    """A Redis server of this test's own on a free port; ``stop()`` and ``start()`` it at will."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed: make services")
    port = free_port()

    class Server:
        process = None

        def start(self):
            self.process = subprocess.Popen(
                [
                    "redis-server",
                    "--port",
                    str(port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ],
                stdout=subprocess.DEVNULL,
            )
            for _ in range(100):
                with socket.socket() as probe:
                    if probe.connect_ex(("127.0.0.1", port)) == 0:
                        return
                time.sleep(0.05)
            raise RuntimeError("redis-server did not start")

        def stop(self):
            self.process.terminate()
            self.process.wait(5)

    server = Server()
    server.port = port
    server.start()
    yield server
    if server.process.poll() is None:
        server.stop()


def test_pages_serve_while_redis_is_down_and_use_it_again_when_it_returns(client, settings, redis_server):
    settings.CACHES = {**settings.CACHES, "default": redis_cache(redis_server.port)}
    paths = public_pages()
    cache.set("probe", "up")
    assert cache.get("probe") == "up"
    assert_all_served(client, paths)
    redis_server.stop()
    assert cache.get("probe") is None  # a miss, not an error
    assert_all_served(client, paths)
    redis_server.start()
    cache.set("probe", "back")
    assert cache.get("probe") == "back"
    assert_all_served(client, paths)


class ForgetfulProxy:
    """A TCP proxy to PostgreSQL that can forget every connection it carries, as a NAT or a
    firewall does when it drops idle flows: the client's socket stays open and looks idle, and the
    next bytes it sends are answered by closing it."""

    def __init__(self, target):
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.forgotten = set()
        self.pairs = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.pairs.append((client, upstream))
            threading.Thread(target=self._pipe, args=(client, upstream, client), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, client), daemon=True).start()

    def _pipe(self, source, sink, client):
        while True:
            try:
                data = source.recv(65536)
            except OSError:
                return
            if client in self.forgotten:
                if source is client:
                    client.close()  # the client spoke on a forgotten flow: that is when it learns
                return
            if not data:
                for end in (source, sink):
                    end.close()
                return
            try:
                sink.sendall(data)
            except OSError:
                return

    def forget_all(self):
        """Drop every flow silently: the server side goes, nothing reaches the client until it speaks."""
        for client, upstream in self.pairs:
            if client in self.forgotten:
                continue
            self.forgotten.add(client)
            upstream.shutdown(socket.SHUT_RDWR)
            upstream.close()

    def close(self):
        self.listener.close()


@pytest.mark.django_db(transaction=True)
def test_a_connection_dropped_without_a_close_is_replaced_and_requests_keep_succeeding(client):
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL connection's health check")
    paths = public_pages()
    settings_dict = connection.settings_dict
    proxy = ForgetfulProxy((settings_dict["HOST"] or "127.0.0.1", int(settings_dict["PORT"] or 5432)))
    saved = {key: settings_dict[key] for key in ("HOST", "PORT", "CONN_MAX_AGE", "CONN_HEALTH_CHECKS")}
    try:
        connection.close()
        settings_dict.update(HOST="127.0.0.1", PORT=proxy.port, CONN_MAX_AGE=60, CONN_HEALTH_CHECKS=True)
        for _ in range(3):
            # As between two requests of a worker: the persistent connection is kept...
            request_finished.send(sender=None)
            request_started.send(sender=None)
            assert_all_served(client, paths)
            # ...and then silently lost.
            proxy.forget_all()
    finally:
        connection.close()
        settings_dict.update(saved)
        proxy.close()


def test_an_outage_is_logged_once_a_minute_not_once_a_request():
    from newsroom.log_filters import OncePerInterval

    once = OncePerInterval(seconds=60)
    records = [
        logging.LogRecord("django_redis.cache", logging.ERROR, "", 0, "down", None, None) for _ in range(5)
    ]
    assert [once.filter(record) for record in records] == [True, False, False, False, False]
    once.last -= 61
    later = logging.LogRecord("django_redis.cache", logging.ERROR, "", 0, "down", None, None)
    assert once.filter(later) and "4 more like it" in later.getMessage()
