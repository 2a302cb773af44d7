from pathlib import Path

import pytest
from django.db import connections

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(autouse=True)
def _plain_static_storage(settings, tmp_path):
    # Tests need no collectstatic: hashed names are whitenoise's job in production.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STATIC_ROOT = tmp_path
    settings.WHITENOISE_USE_FINDERS = True


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    # Each test sees what its own request renders; the page cache is tested on its own
    # (test_page_cache.py, with the `page_cache` fixture), where changes are committed for real.
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def page_cache(settings):
    """Whole pages kept for readers, as in production (local memory standing for Redis)."""
    settings.PAGE_CACHE_SECONDS = 600
    settings.PAGE_CACHE_SHARED = True


@pytest.fixture(autouse=True)
def _empty_caches():
    # Local memory outlives a test: one test's related articles or page chrome (rendered with
    # its settings) must not reach the next.
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture
def writer(db):
    """A staff account in the Writers group, with its own byline."""
    from tests.staff import make_writer

    return make_writer()


@pytest.fixture
def editor(db):
    """A staff account in the Editors group, with its own byline."""
    from tests.staff import make_editor

    return make_editor()


@pytest.fixture
def shared():
    """The ../shared folder beside the project; tests that need it skip without it."""
    if not SHARED.is_dir():
        pytest.skip("../shared is absent (it is beside the project in CI, not in a user's clone)")
    return SHARED


@pytest.fixture
def browser(monkeypatch):
    """Debian's Chromium driven by Playwright (never a downloaded browser); skips without it."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's Chromium is not installed at /usr/bin/chromium (make browser)")
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the ORM calls around it are safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        # The test's own queries ran beside Playwright's event loop on a connection of their own;
        # left open, PostgreSQL could not drop the test database.
        connections.close_all()
        browser.close()


@pytest.fixture
def english(settings):
    """The site in English: the assertions read the English source strings, not the translations."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def editor_client(client, editor):
    """The test client logged in as the editor."""
    client.force_login(editor)
    return client


@pytest.fixture
def writer_client(client, writer):
    """The test client logged in as the writer."""
    client.force_login(writer)
    return client
