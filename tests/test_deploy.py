"""Hardening: `check --deploy` is clean in production, every page has a CSP, logins are throttled."""

import base64
import hashlib
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client, RequestFactory
from django.urls import path

from newsroom.settings import client_ip_address
from tests.factories import make_article
from tests.staff import PASSWORD, change_url, make_editor, make_writer

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
# Whatever the shell running the tests says (HTTPS=0 for the suite), each case sets its own.
ENVIRONMENT = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "HTTPS",
    "SECURE_SSL_REDIRECT",
    "SECURE_COOKIES",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "TRUSTED_PROXIES",
    "AXES_FAILURE_LIMIT",
    "AXES_COOLOFF_MINUTES",
}
SHOW = (
    "import json; import django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({name: getattr(s, name, None) for name in ["
    "'SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_HSTS_SECONDS',"
    " 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_HSTS_PRELOAD', 'SECURE_PROXY_SSL_HEADER', 'X_FRAME_OPTIONS',"
    " 'TRUSTED_PROXIES', 'AXES_FAILURE_LIMIT']}))"
)


def run(args, **env):
    clean = {k: v for k, v in os.environ.items() if k not in ENVIRONMENT and k != "DATABASE_URL"}
    clean.update(env, DJANGO_SETTINGS_MODULE="newsroom.settings")
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True)


def production(**env):
    return {"SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "news.example", **env}


def security_settings(**env):
    result = run(["-c", SHOW], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


# --- Deployment settings ---------------------------------------------------------------------------


def test_check_deploy_is_clean_with_production_settings():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **production())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_is_https_only_by_default():
    conf = security_settings(**production())
    assert conf["SECURE_SSL_REDIRECT"] is conf["SESSION_COOKIE_SECURE"] is conf["CSRF_COOKIE_SECURE"] is True
    assert conf["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert conf["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is conf["SECURE_HSTS_PRELOAD"] is True
    # One TLS-terminating proxy in front, whose X-Forwarded-Proto says the request was HTTPS.
    assert conf["TRUSTED_PROXIES"] == 1
    assert conf["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert conf["X_FRAME_OPTIONS"] == "DENY"
    assert conf["AXES_FAILURE_LIMIT"] == 5


@pytest.mark.parametrize("env", [{"DEBUG": "1"}, production(HTTPS="0")], ids=["make run", "make test"])
def test_development_and_the_test_suite_speak_plain_http(env):
    conf = security_settings(**env)
    assert conf["SECURE_SSL_REDIRECT"] is conf["SESSION_COOKIE_SECURE"] is conf["CSRF_COOKIE_SECURE"] is False
    assert conf["SECURE_HSTS_SECONDS"] == 0


def test_each_security_setting_can_be_changed_alone():
    conf = security_settings(
        **production(
            SECURE_COOKIES="0",
            SECURE_HSTS_SECONDS="3600",
            SECURE_HSTS_INCLUDE_SUBDOMAINS="0",
            SECURE_HSTS_PRELOAD="0",
            TRUSTED_PROXIES="0",
        )
    )
    assert conf["SECURE_SSL_REDIRECT"] is True
    assert conf["SESSION_COOKIE_SECURE"] is conf["CSRF_COOKIE_SECURE"] is False
    assert conf["SECURE_HSTS_SECONDS"] == 3600
    assert conf["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is conf["SECURE_HSTS_PRELOAD"] is False
    assert conf["SECURE_PROXY_SSL_HEADER"] is None  # reached directly: the header could be forged
    assert security_settings(**production(SECURE_SSL_REDIRECT="0"))["SECURE_SSL_REDIRECT"] is False


@pytest.mark.django_db
def test_behind_the_proxy_http_is_redirected_and_https_gets_hsts(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 365 * 24 * 3600
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = settings.SECURE_HSTS_PRELOAD = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLOWED_HOSTS = ["news.example"]
    response = client.get("/tags/", HTTP_HOST="news.example")
    assert response.status_code == 301 and response["Location"] == "https://news.example/tags/"
    response = client.get("/tags/", HTTP_HOST="news.example", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Frame-Options"] == "DENY"


# --- Content Security Policy -----------------------------------------------------------------------


def policy(response):
    header = response["Content-Security-Policy"]
    return {name: rest.split() for name, _, rest in (d.strip().partition(" ") for d in header.split(";"))}


def boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", boom)]


@pytest.fixture
def pages(writer):
    article = make_article(
        "表と画像の記事",
        slug="hyo",
        body="| a | b |\n|--:|:-:|\n| 1 | 2 |\n\n```python\nprint(1)\n```\n\n![図](https://img.example/a.png)",
        tags=["AI人材"],
    )
    return {
        "home": "/",
        "article": article.get_absolute_url(),
        "tags": "/tags/",
        "tag": "/tags/ai%E4%BA%BA%E6%9D%90/",
        "search": "/search/?q=%E8%A1%A8",
        "not found": "/no-such-page/",
        "admin login": "/admin/login/",
        "feed": "/feed/",
    }


@pytest.mark.django_db
def test_every_response_carries_the_policy(pages, editor_client):
    anonymous = Client()
    responses = {name: anonymous.get(url) for name, url in pages.items()}
    article = make_article(slug="admin-form")
    responses["change form"] = editor_client.get(change_url(article))
    responses["preview"] = editor_client.post("/markdownx/markdownify/", {"content": "| a |\n|--:|\n| 1 |"})
    for name, response in responses.items():
        assert response.status_code == (404 if name == "not found" else 200), name
        directives = policy(response)
        assert directives["default-src"] == ["'self'"], name
        assert directives["script-src"] == ["'self'"], name  # no 'unsafe-inline', 'unsafe-eval', hosts
        assert "'unsafe-inline'" not in directives["style-src"], name
        assert directives["style-src-attr"] == ["'unsafe-inline'"], name  # Markdown's table alignment
        assert directives["img-src"] == ["'self'", "https:"], name
        assert directives["object-src"] == directives["frame-ancestors"] == ["'none'"], name


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_the_500_page_has_the_policy_and_its_style_is_allowed_by_hash():
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    style = re.search(r"<style>(.*?)</style>", response.content.decode(), re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    # A changed 500.html <style> needs the new hash in settings.CONTENT_SECURITY_POLICY.
    assert f"'sha256-{digest}'" in policy(response)["style-src"]


def test_no_template_has_inline_script_style_or_event_handlers():
    for template in TEMPLATES.rglob("*.html"):
        source = template.read_text()
        name = str(template.relative_to(ROOT))
        for script in re.findall(r"<script\b[^>]*>", source):
            assert "src=" in script or "application/ld+json" in script, (name, script)
        assert not re.search(r"\son[a-z]+\s*=", source), name
        assert not re.search(r"javascript:", source, re.I), name
        if template.name != "500.html":  # allowed by its hash (the test above)
            assert "<style" not in source, name


# --- Login throttling -----------------------------------------------------------------------------

LOGIN = "/admin/login/"


def log_in(client, username, password, address):
    """A login through the site's proxy, which appends the client's address to X-Forwarded-For."""
    data = {"username": username, "password": password, "next": "/admin/"}
    return client.post(LOGIN, data, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=address)


@pytest.fixture
def accounts(db):
    return make_editor("taro"), make_writer("hanako")


def test_failed_logins_lock_the_account_with_a_clear_message(client, accounts, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = log_in(client, "taro", "wrong", "203.0.113.5")
        assert response.status_code == 200 and response.context["form"].errors
    response = log_in(client, "taro", "wrong", "203.0.113.5")
    assert response.status_code == 429
    page = response.content.decode()
    assert "ログインを一時停止しています" in page and "15分たってから" in page
    assert "Too many failed login attempts" in page and "try again in 15 minutes" in page
    assert "Content-Security-Policy" in response

    # The right password changes nothing during the lock-out, from this address or another.
    for address in ("203.0.113.5", "198.51.100.7"):
        response = log_in(client, "taro", PASSWORD, address)
        assert response.status_code == 429 and SESSION_KEY not in client.session


def test_another_account_from_another_address_is_unaffected(client, accounts, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "taro", "wrong", "203.0.113.5")
    # Behind the same proxy (REMOTE_ADDR), so the proxy's own address must not be what is locked.
    response = log_in(Client(), "hanako", PASSWORD, "198.51.100.7")
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_failures_from_one_address_lock_that_address(client, accounts, settings):
    # Guessing many accounts' passwords, a forged X-Forwarded-For entry prepended to each.
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            LOGIN,
            {"username": f"guess{n}", "password": "wrong"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.5",
        )
    assert log_in(client, "hanako", PASSWORD, "203.0.113.5").status_code == 429
    assert log_in(Client(), "hanako", PASSWORD, "198.51.100.7").status_code == 302


def test_force_login_and_a_correct_login_are_not_counted(client, accounts):
    from axes.models import AccessAttempt

    client.force_login(accounts[0])
    assert client.get("/admin/").status_code == 200
    assert log_in(Client(), "hanako", PASSWORD, "198.51.100.7").status_code == 302
    assert not AccessAttempt.objects.exists()


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "client"),
    [
        (1, "10.0.0.2", "203.0.113.5", "203.0.113.5"),
        (1, "10.0.0.2", "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # the client's own entry is ignored
        (2, "10.0.0.3", "6.6.6.6, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (1, "127.0.0.1", None, "127.0.0.1"),  # the test client, or a request not through the proxy
        (1, "10.0.0.2", "not-an-address", "10.0.0.2"),
        (0, "203.0.113.5", "6.6.6.6", "203.0.113.5"),  # no proxy: the header is the client's
    ],
)
def test_the_client_address_is_read_from_the_trusted_proxies(settings, proxies, remote, forwarded, client):
    settings.TRUSTED_PROXIES = proxies
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    assert client_ip_address(RequestFactory().get("/", REMOTE_ADDR=remote, **extra)) == client
