"""Settings for Samarbeidsportalen.

Everything that differs between a laptop and a county-wide installation comes
from the environment (12-factor, via django-environ). Each secret can also be
given as NAME_FILE, pointing at a file (Docker secrets). With nothing set, the
portal runs on SQLite with eager background jobs, "so one can just check out
the code and it works"; production must set SECRET_KEY and turn DEBUG on only
on purpose.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def secret(name: str, default: str | None = None) -> str | None:
    """Read NAME from the environment, or the file that NAME_FILE points at."""
    path = env.str(f"{name}_FILE", default="")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return env.str(name, default=default)


DEBUG = env.bool("DEBUG", default=False)
# DEMO marks a development installation: demo users may be created, and a
# built-in secret key is acceptable. Never set it in production.
DEMO = env.bool("DEMO", default=False)
# TESTING is set by the test suite (tests/conftest.py); settings code and the
# demo loader read it as settings.TESTING so tests can override it.
TESTING = env.bool("TESTING", default=False)

# Without SECRET_KEY outside development the key stays empty: management
# commands that sign nothing (migrate, makemigrations, check) still run, but
# Django refuses anything that needs the key (sessions, logins, password
# reset) with "The SECRET_KEY setting must not be empty", so a production
# server never runs on a guessable key.
SECRET_KEY = secret("SECRET_KEY", default=None) or (
    "insecure-development-key-not-for-production" if DEBUG or DEMO or env.bool("TESTING", default=False) else ""
)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "guardian",
    "simple_history",
    "django_filters",
    "django_htmx",
    "axes",
    "csp",
    "collaborations",
    "reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "portal.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "collaborations.common.middleware.NorwegianByDefaultMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "collaborations.common.middleware.RefuseControlCharactersMiddleware",
    "collaborations.access.policy.PolicyMemoMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "collaborations.access.middleware.FriendlyPermissionDeniedMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
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

WSGI_APPLICATION = "portal.wsgi.application"

DATABASES = {
    # DATABASE_URL may carry a password, so it can come from DATABASE_URL_FILE too.
    "default": env.db_url_config(secret("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the dev server and an eager job share the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    # A kept connection the database has dropped (a restart, a failover) is
    # checked before the request uses it and replaced, instead of one 500.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out user name before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# Guardian's anonymous user is not used: anonymous visitors are handled by the
# permission policy (published items only).
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    # Tests create many users; a slow hash only costs time there.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Login throttling (django-axes; the portal's login and the admin's). After
# LOGIN_FAILURE_LIMIT failed attempts within LOGIN_COOLOFF_MINUTES a user name
# is locked for that long, from every address, whatever the spelling: the
# lock is keyed on the name as authentication reads it (surrounding spaces
# stripped, NFKC, and case-folded on top), so " admin" or a fullwidth "ａｄｍｉｎ"
# count against "admin". The address is not a key of its own: another user
# behind the same municipal firewall still logs in. A successful login clears
# the count; so does choosing a new password through "Glemt passordet?".
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 asks for the address among the keys, lest an attacker escape a
# lock keyed on the user agent or a cookie by rotating them. This lock is on
# the user name alone, summed over every address and user agent, so there is
# nothing to rotate; a username+address key would only ever lock later than it.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_USERNAME_CALLABLE = "collaborations.access.forms.lockout_username"
AXES_LOCKOUT_CALLABLE = "collaborations.access.views.locked_out"
AXES_RESET_ON_SUCCESS = True
# A try while locked (even with the right password) does not push the end of
# the lock further out: the lock ends LOGIN_COOLOFF_MINUTES after the last
# counted failure, as the page says.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Failed attempts only; successful logins are not logged by IP address.
AXES_DISABLE_ACCESS_LOG = True

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"  # each role lands where its work is (access.views.start)
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norwegian Bokmål")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["portal.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))

# Files (report PDFs, attachments) go through Django's storage API. Local
# files by default; an S3-compatible store is a matter of STORAGES only.
STORAGES = {
    "default": {"BACKEND": env.str("FILE_STORAGE", default="django.core.files.storage.FileSystemStorage")},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and not DEMO and not env.bool("TESTING", default=False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# `make run` serves the demo without DEBUG (the portal's own 404 and 500
# pages); WhiteNoise then serves static files straight from the source folders.
WHITENOISE_USE_FINDERS = DEBUG or DEMO
WHITENOISE_AUTOREFRESH = DEBUG or DEMO

# Uploaded documents: allowed types and size.
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_BYTES", default=20 * 1024 * 1024)
DOCUMENT_EXTENSIONS = ["pdf", "docx", "xlsx", "pptx", "odt", "ods", "txt", "png", "jpg", "jpeg"]

# Django 6.1 mailers. A development installation prints e-mails (password
# reset, reminders) to the terminal; production sends them by SMTP
# (EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD[_FILE]).
_DEV_INSTALLATION = DEBUG or DEMO or env.bool("TESTING", default=False)
_EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend" if _DEV_INSTALLATION
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS = {"default": {"BACKEND": _EMAIL_BACKEND}}
if _EMAIL_BACKEND.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": env.str("EMAIL_HOST", default="localhost"),
        "port": env.int("EMAIL_PORT", default=587),
        "username": env.str("EMAIL_HOST_USER", default="") or None,
        "password": secret("EMAIL_HOST_PASSWORD", default="") or None,
        "use_tls": env.bool("EMAIL_USE_TLS", default=True),
    }
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Samarbeidsportalen <post@samarbeidsportalen.no>")

# The accessibility statement (/tilgjengelighet/, portal/accessibility.py):
# who answers for this installation, where users send feedback, and the
# statement published in Uutilsynet's uustatus.no once it is made there.
ACCESSIBILITY_OWNER = env.str("ACCESSIBILITY_OWNER", default="Sekretariatet for samarbeidet")
ACCESSIBILITY_CONTACT = env.str("ACCESSIBILITY_CONTACT", default="post@samarbeidsportalen.no")
ACCESSIBILITY_UUSTATUS_URL = env.str("ACCESSIBILITY_UUSTATUS_URL", default="")

# Background jobs. No REDIS_URL: tasks run eagerly in-process (embedded
# default). With REDIS_URL: Redis broker and result backend, separate workers.
REDIS_URL = secret("REDIS_URL", default="") or ""
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The broker redelivers an unacknowledged task after this long; every task's
# hard time limit must stay well under it, so it is capped at half of it
# (CELERY_VISIBILITY_TIMEOUT=20 gives a 10 s limit: the worker tests use that).
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
# Workers sweep for abandoned (unacknowledged) messages every tenth of the
# timeout, so a task of a killed worker is redelivered soon after it expires.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    "unacked_restore_interval": max(1, min(60, CELERY_VISIBILITY_TIMEOUT // 10)),
    "unacked_restore_throttle": 1,
}
CELERY_TASK_TIME_LIMIT = min(env.int("CELERY_TASK_TIME_LIMIT", default=900), CELERY_VISIBILITY_TIMEOUT // 2)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - max(1, min(60, CELERY_TASK_TIME_LIMIT // 5))
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {
    # Memberships that begin today or ended yesterday give or take access (daily 00:05).
    "sync-membership-permissions": {"task": "collaborations.sync_membership_permissions",
                                    "schedule": crontab(hour=0, minute=5)},
    # Reporting-round reminders, N days before each deadline and the day after (daily 06:00).
    "send-round-reminders": {"task": "collaborations.send_round_reminders",
                             "schedule": crontab(hour=6, minute=0)},
    # Reminders to whoever answers for a follow-up from a meeting: a week before its deadline and after it (06:05).
    "send-follow-up-reminders": {"task": "collaborations.send_follow_up_reminders",
                                 "schedule": crontab(hour=6, minute=5)},
    # Report jobs whose worker died (kill -9, a lost machine) are taken over within minutes (every minute).
    "take-over-stalled-reports": {"task": "reporting.tasks.take_over_stalled_reports",
                                  "schedule": 60.0},
    # Last year's annual reports to every member council and regional council (15 January, 03:00).
    "yearly-reports": {"task": "reporting.tasks.generate_yearly_reports",
                       "schedule": crontab(month_of_year=1, day_of_month=15, hour=3, minute=0)},
}

# The cache (rate limits, dashboards) shares Redis with the broker in
# production. Tests keep it in local memory: they clear it before every test,
# which must never flush a broker queue a worker is reading.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL and not TESTING
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
RATELIMIT_USE_CACHE = "default"

# Dashboards: a measure with no status update for this many days is
# flagged as stale; computed dashboard data is cached this long at most (the
# cache key also carries a fingerprint of the collaboration's history, so
# writes show up at once; the timeout is only a backstop for edits that leave
# no history, such as a strategy's text).
DASHBOARD_STALE_DAYS = env.int("DASHBOARD_STALE_DAYS", default=180)
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=0 if env.bool("TESTING", default=False) else 300)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG and not DEMO)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
# HTTPS in production: redirect and HSTS are on unless this is a development
# installation; a TLS-terminating proxy in front needs BEHIND_PROXY=1.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG and not DEMO and not env.bool("TESTING", default=False))
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG or DEMO else 31536000)
# includeSubDomains and preload are on by default in production (check
# --deploy passes); an installation on a domain whose other hosts cannot all
# speak HTTPS turns them off with SECURE_HSTS_INCLUDE_SUBDOMAINS=0 and
# SECURE_HSTS_PRELOAD=0. The preload directive only permits submitting the
# domain to the browsers' preload list; nobody is submitted automatically.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG and not DEMO)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG and not DEMO)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_PROXY", default=False) else None

# Content-Security-Policy (django-csp): everything from the portal itself.
# Scripts only from the portal's own files (base.html's tags also carry the
# response's nonce); no inline script, no eval, and no inline style either
# (style attributes and <style> blocks are refused: the pages use classes in
# static/css). No plugins, no framing, no <base> elsewhere, forms post to the
# portal only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Browser features the portal never uses are switched off for it and for
# anything it might embed (portal.middleware.PermissionsPolicyMiddleware).
PERMISSIONS_POLICY = {
    "accelerometer": [], "camera": [], "geolocation": [], "gyroscope": [], "magnetometer": [],
    "microphone": [], "payment": [], "usb": [],
}

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Django's own console handler would print every line twice.
    "loggers": {"django": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO"), "propagate": False}},
}
