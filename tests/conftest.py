from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


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


@pytest.fixture
def shared():
    """The ../shared folder beside the project; tests that need it skip without it."""
    if not SHARED.is_dir():
        pytest.skip("../shared is absent (it is beside the project in CI, not in a user's clone)")
    return SHARED
