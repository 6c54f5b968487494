"""Främja settings: one file, driven by environment variables.

Every variable is documented in README.md ("Configuration"). Defaults run the app on
SQLite in ./data with DEBUG on; production sets FRAMJA_DEBUG=0, FRAMJA_SECRET_KEY and
FRAMJA_ALLOWED_HOSTS (and usually DATABASE_URL).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    """Parse 1/0, true/false, yes/no, on/off; anything else is a configuration error."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a number, got {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_secret(name: str, default: str = "") -> str:
    """Read NAME, or the file named by NAME_FILE (Docker/systemd secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={path!r} cannot be read: {exc}") from exc
    return os.environ.get(name, default)


DEBUG = env_bool("FRAMJA_DEBUG", True)
DATA_DIR = Path(env_str("FRAMJA_DATA_DIR", str(BASE_DIR / "data")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = env_secret("FRAMJA_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("FRAMJA_SECRET_KEY (or FRAMJA_SECRET_KEY_FILE) is required when FRAMJA_DEBUG=0")
    SECRET_KEY = "insecure-development-key-only-for-debug-mode-" + "x" * 20

ALLOWED_HOSTS = env_list("FRAMJA_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("FRAMJA_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("FRAMJA_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "framja.languages",
    "framja.accounts",
    "framja.places",
    "framja.audit",
    "framja.jobs",
    "framja.notifications",
    "framja.indexes",
    "framja.idempotency",
    "framja.ideas",
    "framja.catalogue",
    "framja.support",
    "framja.equality",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    # The project itself, last: its `seed_demo` runs every app's demo.py (lower layers first).
    "framja",
]

MIDDLEWARE = [
    "framja.health.ProbeMiddleware",  # /healthz, /readyz: JSON before anything touches the database
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "framja.languages.middleware.PreferredLanguageMiddleware",
    "framja.nul_bytes.RejectNulMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "framja.audit.middleware.AuditActorMiddleware",
    "framja.accounts.middleware.SessionTimeoutMiddleware",
    "framja.accounts.middleware.PrivateResponseMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "framja.urls"
WSGI_APPLICATION = "framja.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "framja" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "framja.context_processors.navigation",
            ],
        },
    },
]


def database_from_url(url: str, conn_max_age: int = 60) -> dict[str, Any]:
    """Django's DATABASES entry for a URL: postgres://user:pass@host:5432/db or sqlite:////abs/path."""
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True))
    except (ValueError, KeyError) as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a database URL Främja understands: {exc}") from exc
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            # WAL lets readers and one writer work at once; IMMEDIATE avoids "database is locked"
            # upgrades inside transactions; busy timeout waits instead of failing.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    return config


DATABASES = {
    "default": database_from_url(
        env_secret("DATABASE_URL", f"sqlite:///{DATA_DIR / 'framja.sqlite3'}"),
        conn_max_age=env_int("FRAMJA_DB_CONN_MAX_AGE", 60),
    )
}

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First: refuses every attempt of a locked-out username + address before a password is checked.
    "framja.accounts.auth.LockoutBackend",
    "framja.accounts.auth.EmailOrUsernameBackend",
]
LOGIN_URL = "accounts-login"
LOGIN_REDIRECT_URL = "workspace"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3
FRAMJA_INVITATION_DAYS = env_int("FRAMJA_INVITATION_DAYS", 14)
# Idea similarity: empty = the built-in lexical engine; else a sentence-transformers model name.
FRAMJA_EMBEDDING_MODEL = env_str("FRAMJA_EMBEDDING_MODEL", "")
# Similarity scores (0-1, see docs/similarity.md) from which submitters are shown an existing idea
# while typing, and from which two ideas become a candidate pair in the regional view.
FRAMJA_IDEAS_SUGGEST_FROM = env_float("FRAMJA_IDEAS_SUGGEST_FROM", 0.15)
FRAMJA_IDEAS_DUPLICATE_THRESHOLD = env_float("FRAMJA_IDEAS_DUPLICATE_THRESHOLD", 0.15)
# Support log: a client person with no effort, referral or change for this many months is
# anonymised by the daily retention job (framja/support/tasks.py, docs/support-log.md).
FRAMJA_SUPPORT_RETENTION_MONTHS = env_int("FRAMJA_SUPPORT_RETENTION_MONTHS", 36)

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("nb", _("Norwegian Bokmål")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "framja" / "locale"]
USE_I18N = True
# The language switcher's choice outlives the session (see framja/languages.py).
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = not DEBUG
USE_TZ = True
TIME_ZONE = env_str("FRAMJA_TIME_ZONE", "Europe/Stockholm")

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
# framja/static is found as the "framja" app's static directory (INSTALLED_APPS).
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("FRAMJA_MEDIA_ROOT", str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MANIFEST_STRICT = False

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache shared by every worker and process (rate-limit counters live in it): Redis when
# configured, else a table of the database. A per-process cache is refused when FRAMJA_DEBUG=0
# (framja.accounts.checks).
_redis_url = env_str("FRAMJA_REDIS_URL")
CACHES: dict[str, dict[str, Any]]
if _redis_url:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _redis_url,
            "KEY_PREFIX": env_str("FRAMJA_CACHE_KEY_PREFIX", "framja"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "framja.accounts.cache.DatabaseCache",
            "LOCATION": "framja_cache",
            "KEY_PREFIX": env_str("FRAMJA_CACHE_KEY_PREFIX", "framja"),
            # Django culls a third of the rows past MAX_ENTRIES (default 300): that must not throw
            # away live rate-limit counters while many clients are counted at once.
            "OPTIONS": {"MAX_ENTRIES": 50_000},
        }
    }

# Sign-in lockout (django-axes): 5 wrong passwords for one account from one address lock that
# pair for 15 minutes (not the account everywhere, so one attacker cannot lock everybody out).
# A successful sign-in resets the count; staff unlock in the admin (Axes: access attempts).
AXES_FAILURE_LIMIT = env_int("FRAMJA_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("FRAMJA_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "framja.accounts.auth.lockout_username"
AXES_CLIENT_IP_CALLABLE = "framja.accounts.ratelimit.client_address"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False

# Sessions end after FRAMJA_SESSION_IDLE_MINUTES without a request and FRAMJA_SESSION_MAX_HOURS
# after signing in (framja.accounts.middleware.SessionTimeoutMiddleware, which also tells the person
# why). The cookie lives at most the whole session; activity is noted at most once a minute.
FRAMJA_SESSION_IDLE_MINUTES = env_int("FRAMJA_SESSION_IDLE_MINUTES", 30)
FRAMJA_SESSION_MAX_HOURS = env_int("FRAMJA_SESSION_MAX_HOURS", 12)
if FRAMJA_SESSION_IDLE_MINUTES < 1 or FRAMJA_SESSION_MAX_HOURS < 1:
    raise ImproperlyConfigured("FRAMJA_SESSION_IDLE_MINUTES and FRAMJA_SESSION_MAX_HOURS must be at least 1")
SESSION_COOKIE_AGE = FRAMJA_SESSION_MAX_HOURS * 3600
SESSION_SAVE_EVERY_REQUEST = False

# Content-Security-Policy (django-csp 4): scripts and styles only from our own static files, no
# inline code, no eval (htmx is configured in base.html not to need it).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

EMAIL_BACKEND = env_str(
    "FRAMJA_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("FRAMJA_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("FRAMJA_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("FRAMJA_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_secret("FRAMJA_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("FRAMJA_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("FRAMJA_DEFAULT_FROM_EMAIL", "Främja <noreply@framja.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Outgoing mail is queued (notifications.OutboundEmail) and retried this many times before giving up.
FRAMJA_MAIL_MAX_ATTEMPTS = env_int("FRAMJA_MAIL_MAX_ATTEMPTS", 6)
ADMINS = [("Admin", a) for a in env_list("FRAMJA_ADMINS", [])]

# Security: strict when not in debug mode. Behind a TLS-terminating proxy, set
# FRAMJA_BEHIND_PROXY=1 so Django trusts X-Forwarded-Proto.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if env_bool("FRAMJA_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("FRAMJA_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("FRAMJA_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("FRAMJA_HSTS_PRELOAD", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("FRAMJA_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Background jobs (django-tasks, the API Django 6 ships as django.tasks; see framja/jobs/).
# "db" (default): the task rows live in the database, so SQLite and PostgreSQL both work with no
# extra service; `framja worker` runs jobs and the schedule. "rq": Redis queues at
# FRAMJA_REDIS_URL for several hosts; `framja rqworker --job-class django_tasks_rq.backend.Job
# default` runs the jobs and `framja worker --schedule-only` the schedule.
FRAMJA_TASKS_BACKEND = env_str("FRAMJA_TASKS_BACKEND", "db")
if FRAMJA_TASKS_BACKEND == "rq":
    if not _redis_url:
        raise ImproperlyConfigured("FRAMJA_TASKS_BACKEND=rq needs FRAMJA_REDIS_URL")
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": _redis_url, "DEFAULT_TIMEOUT": 900}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif FRAMJA_TASKS_BACKEND == "db":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
else:
    raise ImproperlyConfigured("FRAMJA_TASKS_BACKEND must be db or rq")
# A running job whose worker has not finished it after this long counts as lost and is re-queued.
FRAMJA_JOBS_LEASE_SECONDS = env_int("FRAMJA_JOBS_LEASE_SECONDS", 900)
# Workbooks (XLSX) of more rows than this are built by a background job and offered for download
# on their own page; smaller ones, and every CSV (streamed), are sent at once.
FRAMJA_EXPORT_JOB_ROWS = env_int("FRAMJA_EXPORT_JOB_ROWS", 2_000)
# How long a finished export can be downloaded before a scheduled job deletes its file.
FRAMJA_EXPORT_KEEP_HOURS = env_int("FRAMJA_EXPORT_KEEP_HOURS", 24)

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500
