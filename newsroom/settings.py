"""Newsroom settings: everything that differs between machines comes from the environment."""

import ipaddress
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=1 for local development).")
    # A fixed key is acceptable only on a developer's machine.
    SECRET_KEY = "django-insecure-newsroom-development-only"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "taggit",
    "markdownx",
    "csp",
    "axes",
    "articles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the rest, so that every page gets the header: error pages and the lockout page too.
    "csp.middleware.CSPMiddleware",
    # ETag and Last-Modified on every page, kept or not: an unchanged page answers 304.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # After the language is known (it is part of the page), before anything a logged-in reader needs.
    "articles.page_cache.PageCacheMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # After the others, so it sees the final 404 and can answer an article's old path with a 301.
    "articles.middleware.ArticleRedirectMiddleware",
    # Last, as django-axes asks: it turns a login refused during a lock-out into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite in the project folder unless DATABASE_URL says otherwise (PostgreSQL in production).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        # A restarted PostgreSQL must not leave workers holding dead connections.
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and (
    os.environ.get("DATABASE_SERVER_SIDE_BINDING", "1") != "0"
):
    # Parameters sent apart from the SQL, and a query run five times on a connection prepared
    # (psycopg's default threshold): Python no longer quotes values into the text, and PostgreSQL
    # stops planning each page's queries afresh, most of its time per page (bench/README.md).
    # Off behind a pooler in transaction mode (PgBouncer before 1.21): it cannot keep them.
    DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The indexes' INCLUDE columns serve PostgreSQL; SQLite builds the same indexes without them.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]


def redis_cache(url):
    """Redis as the default cache: one that is down or slow is a miss, never an error page.

    Every use of the cache can compute its answer instead; django_redis.cache logs the failure.
    """
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.25, "SOCKET_TIMEOUT": 0.25},
    }


REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": redis_cache(REDIS_URL)}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
# Whole public pages for readers without a session (articles/page_cache.py): kept this long at most
# (0: never), in the default cache and in Varnish when VARNISH_PURGE_URLS names it.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))
# Kept in the default cache as well when it is Redis, shared by every process. Local memory is
# one process's: set PAGE_CACHE_ONE_PROCESS=1 only when one process serves the site and makes
# every change (no command-line imports meanwhile); otherwise only Varnish keeps pages.
PAGE_CACHE_SHARED = bool(REDIS_URL) or env_bool("PAGE_CACHE_ONE_PROCESS")
VARNISH_PURGE_URLS = env_list("VARNISH_PURGE_URLS")
# The pages' chrome (base.html's {% cache %} blocks) changes only with a deploy: each process
# keeps its own, since fetching it from Redis would cost about what rendering it does. Not kept
# under DEBUG, where an edited template must show on the next request.
CACHES["chrome"] = {
    "BACKEND": "django.core.cache.backends.dummy.DummyCache"
    if DEBUG
    else "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "chrome",
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "ja")
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Tokyo")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))


def media_storage(url):
    """The STORAGES entry for uploaded files and renditions that MEDIA_STORAGE_URL names.

    Empty: the local disk under MEDIA_ROOT. ``s3://BUCKET?option=value&...``: a bucket of S3 or an
    S3-compatible service through django-storages, the options being endpoint_url (the service, for
    anything but AWS), region_name, custom_domain (a CDN in front: URLs become https://DOMAIN/KEY),
    location (a prefix for every key), addressing_style (``path`` for services without bucket
    subdomains) and querystring_auth (``1`` for a private bucket: signed URLs that expire; by default
    the URLs are plain, for a bucket readers may read). Keys come from AWS_ACCESS_KEY_ID and
    AWS_SECRET_ACCESS_KEY (or boto3's other sources), never from the URL.
    """
    if not url:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc:
        raise ImproperlyConfigured("MEDIA_STORAGE_URL must be empty or s3://BUCKET?option=value")
    # Never overwrite: a name in use gets a new one, as on the local disk, so one upload or
    # rendition never replaces another's file.
    options = {"bucket_name": parts.netloc, "querystring_auth": False, "file_overwrite": False}
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key in {"endpoint_url", "region_name", "custom_domain", "location", "addressing_style"}:
            options[key] = value
        elif key == "querystring_auth":
            options[key] = value.strip().lower() in {"1", "true", "yes", "on"}
        else:
            raise ImproperlyConfigured(f"MEDIA_STORAGE_URL has an unknown option: {key}")
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


STORAGES = {
    "default": media_storage(os.environ.get("MEDIA_STORAGE_URL", "")),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# The image library refuses larger uploads (articles/images/uploads.py); the pixel limit is read
# from the file's header, before decoding, so a small file claiming a huge picture costs nothing.
IMAGE_MAX_BYTES = int(os.environ.get("IMAGE_MAX_BYTES", 20 * 1024 * 1024))
IMAGE_MAX_PIXELS = int(os.environ.get("IMAGE_MAX_PIXELS", 50_000_000))

SITE_NAME = os.environ.get("SITE_NAME", "Newsroom")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Japanese tags keep readable slugs (AI人材 -> ai人材); DSL and dsl are one tag.
TAGGIT_CASE_INSENSITIVE = True

# The editor's live preview uses the same renderer as the public pages.
MARKDOWNX_MARKDOWNIFY_FUNCTION = "articles.markdown.render_markdown"
# A file dropped into the editor goes to the image library (articles/editor.py), whose limits
# are IMAGE_MAX_BYTES and IMAGE_MAX_PIXELS: markdownx's own upload settings are not read.

LOGIN_URL = "admin:login"

# Security (README, "Deployment"). Production serves HTTPS behind a TLS-terminating proxy, so
# HTTPS is on unless DEBUG is; the test suite's client and live server speak plain HTTP (HTTPS=0).
HTTPS = env_bool("HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", HTTPS)
# Browsers keep HSTS for this long, subdomains included: a new domain starts with a short
# SECURE_HSTS_SECONDS, and submitting it to the preload list is a separate, deliberate step.
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if HTTPS else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
# Nothing here is framed: the admin's pop-ups are windows and markdownx's preview is a <div>.
X_FRAME_OPTIONS = "DENY"

# How many reverse proxies stand in front of Django, each appending the address it was sent the
# request from to X-Forwarded-For (nginx: $proxy_add_x_forwarded_for), the one nearest the client
# also setting X-Forwarded-Proto. 0 when Django is reached directly: then neither header is trusted.
TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0" if DEBUG else "1"))
if TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


def client_ip_address(request):
    """The client's address: the X-Forwarded-For entry the outermost trusted proxy wrote.

    Entries left of it were sent by the client and may be forged, so they are never read.
    """
    from django.conf import settings  # read when called, as tests change it

    proxies = settings.TRUSTED_PROXIES
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    forwarded = [entry.strip() for entry in header.split(",") if entry.strip()]
    if proxies and len(forwarded) >= proxies:
        try:
            return str(ipaddress.ip_address(forwarded[-proxies]))
        except ValueError:
            pass  # not from a proxy of ours: the request did not come through them
    return request.META.get("REMOTE_ADDR")


# Content Security Policy (django-csp): no inline script or style element anywhere; the JSON-LD
# and autosave <script> elements are data, which script-src does not govern.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # The hash is 500.html's <style>: that page loads nothing, as the failure may be static files.
        "style-src": [SELF, "'sha256-d/DKoGOvexSnL7jO/z/7zI+G8ypz0ne8NI2iF+rKTqs='"],
        # Style attributes only: Markdown's table alignment (style="text-align:right", the one
        # property the sanitiser keeps). <style> elements stay refused.
        "style-src-attr": [UNSAFE_INLINE],
        # Article bodies may show images from any HTTPS host; uploads are the site's own media.
        "img-src": [SELF, "https:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Login throttling (django-axes): after AXES_FAILURE_LIMIT failures for one username, or from one
# address, logins for it are refused (429, templates/axes/lockout.html) until AXES_COOLOFF_TIME has
# passed since the last failure. Only failures count: no test's force_login or good password locks.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each counted on its own
AXES_LOCKOUT_TEMPLATE = "axes/lockout.html"
AXES_CLIENT_IP_CALLABLE = client_ip_address
# Axes' backend first: it refuses a locked-out login before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"once_a_minute": {"()": "newsroom.log_filters.OncePerInterval", "seconds": 60}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    # With Redis down every request would log a traceback: one a minute says it as well.
    "loggers": {"django_redis.cache": {"filters": ["once_a_minute"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
