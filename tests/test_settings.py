"""Settings come from the environment; each case runs in a fresh interpreter."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHOW = (
    "import json; from django.conf import settings as s; "
    "print(json.dumps({'debug': s.DEBUG, 'db': s.DATABASES['default'], 'cache': s.CACHES['default'],"
    " 'chrome': s.CACHES['chrome']['BACKEND'],"
    " 'tz': s.TIME_ZONE, 'lang': s.LANGUAGE_CODE, 'hosts': s.ALLOWED_HOSTS,"
    " 'media': str(s.MEDIA_ROOT), 'static': str(s.STATIC_ROOT)}, default=str))"
)


def load(**env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "SECRET_KEY",
            "DEBUG",
            "REDIS_URL",
            "TIME_ZONE",
            "LANGUAGE_CODE",
            "ALLOWED_HOSTS",
            "MEDIA_ROOT",
            "STATIC_ROOT",
            "DATABASE_SERVER_SIDE_BINDING",
        }
    }
    clean.update(env, DJANGO_SETTINGS_MODULE="newsroom.settings")
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + SHOW],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
    )


def test_secret_key_required_when_debug_is_off():
    result = load()
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_development_defaults():
    result = load(DEBUG="1")
    assert result.returncode == 0, result.stderr
    conf = json.loads(result.stdout)
    assert conf["debug"] is True
    assert conf["db"]["ENGINE"] == "django.db.backends.sqlite3"
    assert conf["db"]["NAME"].endswith("db.sqlite3")
    assert conf["cache"]["BACKEND"].endswith("LocMemCache")
    assert conf["chrome"].endswith("DummyCache")  # an edited header shows on the next request
    assert (conf["tz"], conf["lang"]) == ("Asia/Tokyo", "ja")


def test_production_values_from_environment():
    result = load(
        SECRET_KEY="k",
        DATABASE_URL="postgres://u:p@db.example:5433/news",
        REDIS_URL="redis://127.0.0.1:6379/2",
        TIME_ZONE="UTC",
        LANGUAGE_CODE="en",
        ALLOWED_HOSTS="news.example, www.news.example",
        MEDIA_ROOT="/srv/media",
        STATIC_ROOT="/srv/static",
    )
    assert result.returncode == 0, result.stderr
    conf = json.loads(result.stdout)
    assert conf["debug"] is False
    assert conf["db"]["ENGINE"] == "django.db.backends.postgresql"
    assert (conf["db"]["HOST"], conf["db"]["PORT"], conf["db"]["NAME"]) == (
        "db.example",
        5433,
        "news",
    )
    assert conf["db"]["CONN_HEALTH_CHECKS"] is True
    # Parameters bound by the server and repeated queries prepared: no re-planning per page.
    assert conf["db"]["OPTIONS"] == {"server_side_binding": True, "prepare_threshold": 5}
    assert conf["cache"]["BACKEND"] == "django_redis.cache.RedisCache"
    assert conf["cache"]["LOCATION"] == "redis://127.0.0.1:6379/2"
    assert conf["cache"]["OPTIONS"]["IGNORE_EXCEPTIONS"] is True  # an outage is a miss, not a 500
    assert conf["chrome"].endswith("LocMemCache")  # kept in each process, not fetched from Redis
    assert conf["hosts"] == ["news.example", "www.news.example"]
    assert (conf["tz"], conf["lang"], conf["media"], conf["static"]) == (
        "UTC",
        "en",
        "/srv/media",
        "/srv/static",
    )


def test_server_side_binding_can_be_turned_off_for_a_transaction_pooler():
    result = load(
        SECRET_KEY="k", DATABASE_URL="postgres://u@db.example/news", DATABASE_SERVER_SIDE_BINDING="0"
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["db"]["OPTIONS"] == {}


def test_redis_cache_really_works_when_configured():
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/0").ping()
    except redis.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    from django_redis.cache import RedisCache

    cache = RedisCache("redis://127.0.0.1:6379/0", {})
    cache.set("newsroom-test", "記事", 5)
    assert cache.get("newsroom-test") == "記事"
    cache.delete("newsroom-test")


@pytest.mark.django_db(transaction=True)
def test_a_restarted_database_connection_is_replaced_between_requests(settings):
    """A PostgreSQL restart kills server connections; the next request must reconnect, not fail."""
    from django.core.signals import request_finished, request_started
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("connection health checks matter for PostgreSQL")
    connection.settings_dict["CONN_MAX_AGE"] = 60
    connection.settings_dict["CONN_HEALTH_CHECKS"] = settings.DATABASES["default"]["CONN_HEALTH_CHECKS"]
    connection.close()
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    import psycopg

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    request_finished.send(sender=None)
    request_started.send(sender=None)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid
