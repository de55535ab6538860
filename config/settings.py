"""Settings for 责任链, read from the environment only (see the README's configuration table)."""

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Development only: DEBUG is on, so an unguessable key is not needed.
    SECRET_KEY = "dev-insecure-key-only-for-debug-mode-never-in-production-0123456789"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "axes",
    "responsibility",
    "assessment",
    "accountability",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "responsibility.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "responsibility.audit.AccessDeniedAuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "django.template.context_processors.i18n",
                "responsibility.context_processors.navigation",
                "accountability.context_processors.inbox",
            ],
        },
    },
    {
        # The row fragments of the long pages only, in each app's jinja2/ (config/jinja2.py).
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "config.jinja2.environment", "autoescape": True},
    },
]

# The embedded default is a SQLite file in the project folder; CI and production use PostgreSQL.
# Health checks: a connection the server closed (failover, restart, pg_terminate_backend) is
# replaced at the start of the next request instead of failing it.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "responsibility.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: about 5 failures per username + IP, then a cool-off that lifts by itself.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Reverse proxies in front (nginx: 1); the client's address is read as responsibility.client_ip
# says, for throttling and the audit trail.
PROXY_COUNT = env_int("PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "responsibility.client_ip.client_ip"
AXES_VERBOSE = False

# Sessions: Django's database engine, shared by every web server, so a sign-out anywhere ends the
# session everywhere. Not cached_db over Redis, measured: a session load took 0.68 ms from
# PostgreSQL against 0.07 ms on a Redis hit (in-process median, demo database on a loaded
# 2-core machine; the floor page 9.4 ms), a saving of ~6 % of the floor that does not pay for
# what the fail-soft cache costs: a sign-out during a Redis outage leaves the session in the
# cache, alive again once Redis is back; and while Redis hangs every page pays CACHE_TIMEOUT_MS
# for the read and again for the write-back (tests/production/test_hung_redis.py).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", True)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = "media/"  # never served directly: evidence goes through a permission-checked view
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env_str(
            "STATICFILES_BACKEND",
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
# Evidence, decision documents, imports and exports: the local disk (MEDIA_ROOT) by default; an
# S3-compatible object store when MEDIA_STORAGE=s3, so that several web servers share them. The
# bucket stays private: downloads go through the permission-checked views, which stream.
MEDIA_STORAGE = env_str("MEDIA_STORAGE", "local")
if MEDIA_STORAGE == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("MEDIA_S3_BUCKET"),
            "endpoint_url": env_str("MEDIA_S3_ENDPOINT") or None,
            "region_name": env_str("MEDIA_S3_REGION", "us-east-1"),
            "access_key": env_str("MEDIA_S3_ACCESS_KEY"),
            "secret_key": env_str("MEDIA_S3_SECRET_KEY"),
            "location": env_str("MEDIA_S3_PREFIX"),
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
        },
    }
    if not STORAGES["default"]["OPTIONS"]["bucket_name"]:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs MEDIA_S3_BUCKET.")
elif MEDIA_STORAGE != "local":
    raise ImproperlyConfigured(f"MEDIA_STORAGE must be local or s3, got {MEDIA_STORAGE!r}")
# Uploads larger than Django's 2.5 MB memory limit are spooled here, under the app's own folder,
# so a killed worker's leftovers are found and removed by `manage.py media_audit`.
FILE_UPLOAD_TEMP_DIR = Path(env_str("FILE_UPLOAD_TEMP_DIR", str(MEDIA_ROOT.parent / "upload-tmp")))
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_MB", 20) * 1024 * 1024
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_MB", 10) * 1024 * 1024
# Results exports covering more organisations than this run as a background task.
EXPORT_SYNC_LIMIT = env_int("EXPORT_SYNC_LIMIT", 300)
# Cadres younger than this count as young cadres (青年党员干部) in the training overview.
YOUNG_CADRE_MAX_AGE = env_int("YOUNG_CADRE_MAX_AGE", 35)
# Party members up to this age may be proposed as business backbones (业务骨干) for
# party-affairs posts; the young cadres' limit unless set apart.
BACKBONE_MAX_AGE = env_int("BACKBONE_MAX_AGE", YOUNG_CADRE_MAX_AGE)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: console by default; SMTP when EMAIL_HOST is set; a file backend when EMAIL_FILE_PATH is.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.filebased.EmailBackend"
    if EMAIL_FILE_PATH
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "zerenlian@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: without REDIS_URL tasks run in-process (the embedded default).
REDIS_URL = env_str("REDIS_URL")
# Django's cache: Redis when configured (CACHE_URL, by default REDIS_URL), shared by every web
# server; otherwise each process keeps its own. A refused or hung Redis costs a cache miss after
# CACHE_TIMEOUT_MS, never an error.
CACHE_URL = env_str("CACHE_URL", REDIS_URL)
CACHE_TIMEOUT = env_int("CACHE_TIMEOUT_MS", 250) / 1000
if CACHE_URL:
    CACHES: dict[str, dict[str, Any]] = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "zerenlian",
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": CACHE_TIMEOUT,
                "SOCKET_TIMEOUT": CACHE_TIMEOUT,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# What every page reads about the signed-in person (current posts, unread count), kept in each
# process's own memory: its keys carry versions read from the person's row, which every request
# loads anyway, so a change made through any worker misses everywhere at once, and a hung Redis
# costs nothing here. PERSON_CACHE_SECONDS bounds how long a change made outside the services
# can go unseen (a raw SQL fix; a whole-row save of the person, such as a password change, that
# races a post change and writes the old version back); 0 reads the database on every page.
PERSON_CACHE_SECONDS = env_int("PERSON_CACHE_SECONDS", 60)
CACHES["person"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "person",
    "TIMEOUT": PERSON_CACHE_SECONDS,
    "OPTIONS": {"MAX_ENTRIES": 20_000},
}
# Each person's work queue (我的待办) is kept in that same process memory under the versions of
# the models it reads (responsibility/work_versions.py); this bounds how long a change made
# outside the services can go unseen. 0 computes the queue on every view.
WORK_QUEUE_CACHE_SECONDS = env_int("WORK_QUEUE_CACHE_SECONDS", 60)
# In-process tasks never reach the broker; naming its host spares kombu's start-up warning.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
# No task needs its return value, and a hung result backend blocks apply_async (measured 41 s).
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A hung or absent Redis must not hold a web request: fail fast, keep the work in the outbox.
CELERY_BROKER_CONNECTION_TIMEOUT = 1.0
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": 1.0,
    "socket_connect_timeout": 1.0,
    "max_retries": 1,
    # Retry a refused connection at once: kombu's default 2 s pause would hold the page.
    "interval_start": 0,
}
CELERY_REDIS_SOCKET_TIMEOUT = 1.0
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 1.0
# The committee dashboard's aggregates are reused this long (0: computed on every view).
DASHBOARD_CACHE_SECONDS = env_int("DASHBOARD_CACHE_SECONDS", 300)
REMINDER_HOUR = env_int("REMINDER_HOUR", 8)
REMINDER_MINUTE = env_int("REMINDER_MINUTE", 30)
# Background work (responsibility/queue.py, accountability/reminders.py):
# - REMINDER_EVERY_SECONDS: fire the sweep every N seconds instead of daily (integration tests,
#   demos); the sweep is idempotent per person and day, so extra runs send nothing twice.
# - OUTBOX_FLUSH_SECONDS: how often queued emails whose enqueue failed are retried.
# - BROKER_PUBLISH_TIMEOUT_MS: milliseconds a page's enqueue may wait on the broker (connect, send).
# - BROKER_COOLDOWN_SECONDS: after a failed enqueue, pages skip the broker this long.
# - REMINDER_EMAIL: send digests by email as well as to the inbox.
# - SITE_URL: the address used in links inside emails.
# - EMAIL_TIMEOUT: seconds an SMTP connection may block a sender (a hung mail server must not
#   hold a worker, or a page when tasks run in-process).
REMINDER_EVERY_SECONDS = env_int("REMINDER_EVERY_SECONDS", 0)
# Beat's heartbeat through the worker; /healthz/full fails after three missed beats.
HEARTBEAT_SECONDS = env_int("HEARTBEAT_SECONDS", 60)
OUTBOX_FLUSH_SECONDS = env_int("OUTBOX_FLUSH_SECONDS", 300)
BROKER_PUBLISH_TIMEOUT = env_int("BROKER_PUBLISH_TIMEOUT_MS", 500) / 1000
BROKER_COOLDOWN_SECONDS = env_int("BROKER_COOLDOWN_SECONDS", 30)
REMINDER_EMAIL = env_bool("REMINDER_EMAIL", True)
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
CELERY_TASK_PUBLISH_RETRY = False  # a publish retry multiplies the time a page may wait
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "send-reminders": {
        "task": "accountability.tasks.send_reminders",
        "schedule": timedelta(seconds=REMINDER_EVERY_SECONDS)
        if REMINDER_EVERY_SECONDS
        else crontab(hour=REMINDER_HOUR, minute=REMINDER_MINUTE),
    },
    "flush-outbox": {
        "task": "accountability.tasks.flush_outbox",
        "schedule": timedelta(seconds=OUTBOX_FLUSH_SECONDS),
    },
    # Exports whose enqueue failed (broker down) wait as PENDING and are sent again from here.
    "resume-exports": {
        "task": "assessment.tasks.resume_exports",
        "schedule": timedelta(seconds=OUTBOX_FLUSH_SECONDS),
    },
    "heartbeat": {
        "task": "responsibility.tasks.heartbeat",
        "schedule": timedelta(seconds=HEARTBEAT_SECONDS),
    },
    # Quality flags (质量提示) over the running years, nightly at 02:30 (issue #20.3).
    "quality-flags": {
        "task": "responsibility.tasks.compute_quality_flags",
        "schedule": crontab(hour=2, minute=30),
    },
    # Files without rows (a worker killed mid-upload), stale upload temp files: Sunday 03:15.
    "media-audit": {
        "task": "responsibility.tasks.media_audit",
        "schedule": crontab(hour=3, minute=15, day_of_week=0),
    },
}

# Security: secure by default; SECURE_SSL_REDIRECT=false behind a TLS-terminating proxy.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Load balancers and monitors ask the web servers directly, over plain HTTP on the private side.
SECURE_REDIRECT_EXEMPT = [r"^healthz(/|$)"]
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
if env_bool("USE_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"expected_refusals": {"()": "responsibility.logs.ExpectedRefusalFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # An expected 403 / scope 404 is logged once by responsibility.logs, without a traceback.
        "django.request": {"filters": ["expected_refusals"]},
    },
}
