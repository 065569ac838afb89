"""Django settings, all read from the environment.

REBOURS_DATA_DIR  database (SQLite default), uploaded media and the generated secret key (./var)
DATABASE_URL      any URL dj-database-url understands (default: SQLite in the data dir)
DATABASE_POOL_SIZE  PostgreSQL connections each server process keeps at most (default 20)
REDIS_URL         channel layer and cache across processes (default: in-memory, one process)
JOIN_ATTEMPTS_PER_MINUTE  joining attempts allowed per address and minute (default 60)
SECRET_KEY        generated once and kept in the data dir when absent
DEBUG             "1"/"true" to turn on; off by default
SECURE_COOKIES    "0" to send the session and CSRF cookies over plain http too (default: HTTPS
                  only unless DEBUG)
BEHIND_HTTPS_PROXY  "1" behind a proxy that terminates TLS: trust X-Forwarded-Proto, send HSTS
                  (HSTS_SECONDS, a year by default)
"""

import os
import secrets
from pathlib import Path

import dj_database_url

from rebours.core.https import hsts_seconds, secure_cookies

BASE_DIR = Path(__file__).resolve().parent


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DATA_DIR = Path(os.environ.get("REBOURS_DATA_DIR", "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    from_env = os.environ.get("SECRET_KEY")
    if from_env:
        return from_env
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        # Written with O_EXCL so that two workers starting together agree on one key.
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _flag("DEBUG")
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "*").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "ninja",  # the API's documentation page: its template and static files, served locally
    "rebours.core",
    "rebours.live",
    "rebours.workshops",
    "rebours.board",
    "rebours.facilitation",
    "rebours.proposals",
    "rebours.review",
    "rebours.selection",
    "rebours.recruitment",
    "rebours.booklet",
    "rebours.exchange",
    "rebours.api",
    "rebours.audit",
    "rebours.privacy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside the others, so that every answer carries the headers, refusals included.
    "rebours.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "rebours.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "rebours.core.middleware.WriteRateLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "rebours.urls"
ASGI_APPLICATION = "rebours.asgi.application"
WSGI_APPLICATION = "rebours.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'rebours.sqlite3'}",
        # Kept open between requests: live commands run one after another in asgiref's database
        # thread, and opening SQLite (with its pragmas) for each one took a third of that thread.
        conn_max_age=600,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Under ASGI, Django runs each request's code in a thread of its own: persistent connections
    # then meant one connection per request in flight, kept until the thread was collected, and
    # PostgreSQL refused clients beyond its max_connections under load (bench/load.py, 300
    # participants). A pool per process bounds them; requests wait for a free connection.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 2,
        "max_size": int(os.environ.get("DATABASE_POOL_SIZE", "20")),
        "timeout": 30,
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the wall read while a group writes; the timeout rides out short write bursts.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # The tests' database is a file too, as in production. Django's default for tests, an
    # in-memory database in shared-cache mode, locks whole tables and fails at once, with no busy
    # timeout, when a background thread (a booklet's rendering, a draw) writes while a test reads.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rate limits (rebours.core.ratelimit), counted in the cache: attempts to join a workshop from
# one address per minute (a room may share one address); failed sign-ins per address and per
# user name within LOGIN_FAILURE_WINDOW seconds; writes (POST, PUT, PATCH, DELETE) per session,
# API token or address per minute.
JOIN_ATTEMPTS_PER_MINUTE = int(os.environ.get("JOIN_ATTEMPTS_PER_MINUTE", "60"))
LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_FAILURES_PER_ADDRESS", "50"))
LOGIN_FAILURES_PER_USERNAME = int(os.environ.get("LOGIN_FAILURES_PER_USERNAME", "10"))
LOGIN_FAILURE_WINDOW = int(os.environ.get("LOGIN_FAILURE_WINDOW", "900"))
HTTP_WRITES_PER_MINUTE = int(os.environ.get("HTTP_WRITES_PER_MINUTE", "600"))

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py allows 100 connections per pool unless told, and fails beyond: a
                # room of screens leaving at once (each leaving its groups) went over.
                "hosts": [{"address": REDIS_URL, "max_connections": 2000}],
                "capacity": 5000,
                "expiry": 30,
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "rebours.live.layers.InMemoryChannelLayer",
            "CONFIG": {"capacity": 5000},
        }
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS: list = []  # each app keeps its catalogue in <app>/locale/
USE_I18N = True
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Paris")
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Static files are served from the apps' folders without a collectstatic step; a reverse proxy
# in front may serve STATIC_ROOT after `rebours manage collectstatic` (see docs/deployment.md).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# Behind a reverse proxy that terminates TLS: trust its X-Forwarded-Proto header (see
# docs/deployment.md). uvicorn itself trusts X-Forwarded-For only from FORWARDED_ALLOW_IPS.
if _flag("BEHIND_HTTPS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# HTTPS-only cookies unless DEBUG, or SECURE_COOKIES=0 for plain http on a local network
# (rebours/core/https.py says why localhost keeps working).
SESSION_COOKIE_SECURE = secure_cookies(os.environ, debug=DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = hsts_seconds(os.environ)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
