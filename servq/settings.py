"""servq settings: everything that differs between machines comes from environment variables.

docs/operators.md lists every variable. SERVQ_ENV=production refuses to start without
SECRET_KEY and ALLOWED_HOSTS.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from servq.config import env_bool, env_choice, env_int, env_list, env_networks, env_str
from servq.core import fonts

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("SERVQ_VAR_DIR", str(BASE_DIR / "var")))

SERVQ_ENV = env_choice("SERVQ_ENV", "development", ("development", "production", "test"))
PRODUCTION = SERVQ_ENV == "production"

if PRODUCTION:
    SECRET_KEY = env_str("SECRET_KEY", required=True)
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", required=True)
    DEBUG = env_bool("DEBUG", False)
else:
    SECRET_KEY = env_str("SECRET_KEY", "servq-development-key-not-for-production")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
    # Off unless asked for: `make run` serves as a product does (localized error pages, no URLconf
    # listings); DEBUG=true is for a developer who wants Django's debug pages.
    DEBUG = env_bool("DEBUG", False)

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",
    "rules",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "servq.core",
    "servq.agencies",
    "servq.plans",
    "servq.search",
    "servq.reporting",
    "servq.webcheck",
    "servq.cases",
    "servq.services",
    "servq.inspections",
    "servq.awards",
    "servq.surveys",
    "servq.faq",
    "servq.activities",
    "servq.opendata",
    "servq.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "servq.core.inputs.InputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "servq.portal.second_factor.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "servq.agencies.access.AccessMiddleware",
    "servq.core.refusals.RefusalMiddleware",
]

ROOT_URLCONF = "servq.urls"
WSGI_APPLICATION = "servq.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "servq" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "servq.portal.context.menu",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'servq.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the task worker writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# SQLite cannot make the roll-ups' NULLS NOT DISTINCT constraints; the case services know it (they
# update-then-create there, and every reader sums the rows), so the warning is only noise.
# The search's covering indexes INCLUDE columns so PostgreSQL answers from the index alone; SQLite
# makes the same indexes without them, which only costs it speed.
SILENCED_SYSTEM_CHECKS = ["models.W047", "models.W040"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Object permissions (who may handle this case, review this plan) come from django-rules: the
# predicates of each app's rules.py, registered in its permissions.py.
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# A second factor (TOTP, with recovery codes) for staff: asked of whoever set one up, and required of
# supervisors and coordinators where their body says so (servq.portal.second_factor).
OTP_TOTP_ISSUER = "servq"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"

# Sign-in with the government's accounts (OpenID Connect, authorization code flow with PKCE): on
# when an issuer is given; its endpoints are read from the issuer's discovery document
# (servq.portal.oidc). Staff are matched by a verified e-mail or an open invitation, never created
# with a role (docs/operators.md, "Single sign-on").
SERVQ_OIDC_ISSUER = env_str("SERVQ_OIDC_ISSUER", "").rstrip("/")
OIDC_RP_CLIENT_ID = env_str("SERVQ_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env_str("SERVQ_OIDC_CLIENT_SECRET", "")
if SERVQ_OIDC_ISSUER and not (OIDC_RP_CLIENT_ID and OIDC_RP_CLIENT_SECRET):
    raise ImproperlyConfigured(
        "SERVQ_OIDC_ISSUER is set: SERVQ_OIDC_CLIENT_ID and SERVQ_OIDC_CLIENT_SECRET are needed too"
    )
OIDC_RP_SIGN_ALGO = env_str("SERVQ_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_CREATE_USER = False
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/"
if SERVQ_OIDC_ISSUER:
    AUTHENTICATION_BACKENDS.append("servq.portal.oidc.GovernmentAccountBackend")

LANGUAGE_CODE = "zh-hant"
LANGUAGES = [("zh-hant", _("繁體中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "servq" / "locale"]
TIME_ZONE = "Asia/Taipei"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# WhiteNoise serves static files from the web process; outside production straight from the apps'
# static folders, so `make run` needs no collectstatic and a changed file shows on reload.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "servq" / "static"]


def _scratch_directory(prefix: str) -> str:
    """A directory of a test run's own, removed when the run ends (each run made three, and /tmp
    filled with them)."""
    path = tempfile.mkdtemp(prefix=prefix)
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


# Uploaded evidence of a test run goes to a directory of its own.
EVIDENCE_DIR = (
    _scratch_directory("servq-test-evidence-")
    if SERVQ_ENV == "test"
    else env_str("SERVQ_EVIDENCE_DIR", str(VAR_DIR / "evidence"))
)
# Citizens' photos and files on cases: like evidence, outside the web root, served through a view.
ATTACHMENTS_DIR = (
    _scratch_directory("servq-test-attachments-")
    if SERVQ_ENV == "test"
    else env_str("SERVQ_ATTACHMENTS_DIR", str(VAR_DIR / "attachments"))
)
# Open-data files (and the Big5 originals of converted CSVs): served through a view that checks the
# dataset is published or the reader keeps it.
OPENDATA_DIR = (
    _scratch_directory("servq-test-opendata-")
    if SERVQ_ENV == "test"
    else env_str("SERVQ_OPENDATA_DIR", str(VAR_DIR / "opendata"))
)
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Evidence files: outside the web root, served only through a view that checks who may see the plan.
    "evidence": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": EVIDENCE_DIR, "base_url": None},
    },
    "attachments": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": ATTACHMENTS_DIR, "base_url": None},
    },
    "opendata": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": OPENDATA_DIR, "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "servq@localhost")
# With EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend: mail written to files here.
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))

TASKS_BACKEND = env_choice("TASKS_BACKEND", "database", ("database", "rq", "immediate"))
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "rq": "django_tasks_rq.RQBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }[TASKS_BACKEND]
    }
}

REDIS_URL = env_str("REDIS_URL")
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # Each process's own memory: room for a body's kept indicator values (300 agencies × 46 measures),
    # which the default 300 entries would cull as they are written. Shared across processes (so the
    # worker's warming run serves the web) only with Redis.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": env_int("SERVQ_LOCAL_CACHE_ENTRIES", 50_000)},
        }
    }
if TASKS_BACKEND == "rq":
    if not REDIS_URL:
        raise ImproperlyConfigured("TASKS_BACKEND=rq needs REDIS_URL (the Redis that holds the task queues).")
    # Workers: `manage.py run_worker` runs django-rq's worker on these queues, as many as needed.
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    # Behind a TLS-terminating proxy that passes X-Forwarded-Proto, the redirect is decided by
    # that header; set SECURE_SSL_REDIRECT=false where the proxy redirects plain HTTP itself.
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # A load balancer probes the health endpoints over plain HTTP on the private side.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# Content-Security-Policy on every page: servq's own scripts and styles only, no inline script
# or style, no framing. Evidence downloads set a stricter policy of their own, which stays.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# A map on the citizen's form (Leaflet) where the operator names a tile server it may use, e.g.
# https://tile.openstreetmap.org/{z}/{x}/{y}.png (mind the server's usage policy); without one the
# form takes a plain address. The tiles' origin is added to the Content-Security-Policy's img-src.
SERVQ_MAP_TILES = env_str("SERVQ_MAP_TILES", "")
SERVQ_MAP_ATTRIBUTION = env_str("SERVQ_MAP_ATTRIBUTION", "© OpenStreetMap contributors")
SERVQ_MAP_CENTER = env_str("SERVQ_MAP_CENTER", "23.97,120.97,8")
if SERVQ_MAP_TILES:
    _tiles = urlsplit(SERVQ_MAP_TILES.replace("{s}", "x"))
    if _tiles.scheme != "https" or not _tiles.netloc:
        raise ImproperlyConfigured(f"SERVQ_MAP_TILES must be an https URL template, not {SERVQ_MAP_TILES!r}")
    # 「{s}.tile.example.org」 spreads tiles over subdomains: allow them all.
    _tile_host = "*." + _tiles.netloc.split(".", 1)[1] if "{s}" in SERVQ_MAP_TILES else _tiles.netloc
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(f"https://{_tile_host}")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# Where the importer and the demo look for the seed plans shipped beside the repository.
SERVQ_SEEDS_DIR = Path(env_str("SERVQ_SEEDS_DIR", str(BASE_DIR.parent / "shared" / "seeds")))
# Largest plan file the importer reads, in bytes.
SERVQ_IMPORT_MAX_BYTES = env_int("SERVQ_IMPORT_MAX_BYTES", 20 * 1024 * 1024)
# How long an indicator's measured value is kept before it is computed again (a periodic task warms
# them); the page that explains a value always reads it fresh.
SERVQ_MEASURE_CACHE_SECONDS = env_int("SERVQ_MEASURE_CACHE_SECONDS", 15 * 60)

if SERVQ_ENV == "test":
    # Hashing passwords properly costs ~100 ms each; the suite creates thousands of users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Evidence uploads: the largest file accepted, in bytes.
SERVQ_EVIDENCE_MAX_BYTES = env_int("SERVQ_EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
SERVQ_ATTACHMENT_MAX_BYTES = env_int("SERVQ_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024)
SERVQ_ATTACHMENTS_PER_CASE = env_int("SERVQ_ATTACHMENTS_PER_CASE", 3)
# Open-data uploads: the largest file accepted (a larger one is linked instead).
SERVQ_OPENDATA_MAX_BYTES = env_int("SERVQ_OPENDATA_MAX_BYTES", 500 * 1024 * 1024)
# Reminders go out this many working days before a report is due; escalation this many after it.
SERVQ_REMIND_DAYS = env_int("SERVQ_REMIND_DAYS", 5)
SERVQ_ESCALATE_DAYS = env_int("SERVQ_ESCALATE_DAYS", 5)

# Outgoing fetches of user-supplied URLs (website checks, the accessibility browser) never reach
# private, loopback or link-local addresses, except in the networks the operator names here (CIDR,
# comma-separated). A development machine allows its own loopback, for the demo site.
SERVQ_OUTBOUND_ALLOWED_NETWORKS = env_networks(
    "SERVQ_OUTBOUND_ALLOWED_NETWORKS", ["127.0.0.1/32"] if SERVQ_ENV == "development" else []
)
if "SERVQ_WEBCHECK_ALLOW_PRIVATE" in os.environ:
    raise ImproperlyConfigured(
        "SERVQ_WEBCHECK_ALLOW_PRIVATE was replaced by SERVQ_OUTBOUND_ALLOWED_NETWORKS (a list of CIDR ranges)."
    )
SERVQ_WEBCHECK_CONCURRENCY = env_int("SERVQ_WEBCHECK_CONCURRENCY", 32)
# Certificate authorities the link checker trusts beside the system's (a PEM file; an internal CA).
SERVQ_WEBCHECK_CA_FILE = env_str("SERVQ_WEBCHECK_CA_FILE", "")
SERVQ_WEBCHECK_MAX_SECONDS = env_int("SERVQ_WEBCHECK_MAX_SECONDS", 1800)
# The night's scheduled checks run in tasks of this many sites, spread over the workers.
SERVQ_WEBCHECK_SITES_PER_RUN = max(1, env_int("SERVQ_WEBCHECK_SITES_PER_RUN", 10))
# Pages of each run audited with axe-core in headless Chromium (0 turns the audit off).
SERVQ_WEBCHECK_A11Y_PAGES = env_int("SERVQ_WEBCHECK_A11Y_PAGES", 10)
SERVQ_CHROMIUM = env_str("SERVQ_CHROMIUM", "/usr/bin/chromium")

# PDF exports embed this CJK font (Debian's fonts-noto-cjk); the directory is searched recursively.
# Debian's Noto Sans CJK where installed, else the copy `make setup` fetched into var/fonts (core/fonts.py).
_FONT_DIR, _FONT_FAMILY = fonts.choose(VAR_DIR)
SERVQ_PDF_FONT_DIR = env_str("SERVQ_PDF_FONT_DIR", str(_FONT_DIR))
SERVQ_PDF_FONT = env_str("SERVQ_PDF_FONT", _FONT_FAMILY)
SERVQ_OUTBOX_MAX_ATTEMPTS = env_int("SERVQ_OUTBOX_MAX_ATTEMPTS", 8)
# The address people reach servq at, for the links in e-mails and tasks (which have no request);
# every page builds its links from the request. Production refuses to start without it.
SERVQ_SITE_URL = env_str(
    "SERVQ_SITE_URL", None if PRODUCTION else "http://127.0.0.1:8000", required=PRODUCTION
)
if not re.fullmatch(r"https?://[^/\s]+/?", SERVQ_SITE_URL):
    raise ImproperlyConfigured(
        f"SERVQ_SITE_URL must be the site's root URL, such as https://servq.example.gov.tw, not {SERVQ_SITE_URL!r}"
    )
# /readyz fails when the oldest waiting task or unsent message has waited longer than these.
SERVQ_READY_QUEUE_LAG_SECONDS = env_int("SERVQ_READY_QUEUE_LAG_SECONDS", 600)
SERVQ_READY_MAIL_AGE_SECONDS = env_int("SERVQ_READY_MAIL_AGE_SECONDS", 3600)
SERVQ_LEASE_SECONDS = env_int("SERVQ_LEASE_SECONDS", 60)
# Memory for each index a full search rebuild builds (PostgreSQL's maintenance_work_mem, for it alone).
SERVQ_SEARCH_REBUILD_MEMORY = env_str("SERVQ_SEARCH_REBUILD_MEMORY", "512MB")
if not re.fullmatch(r"[1-9][0-9]*(kB|MB|GB)", SERVQ_SEARCH_REBUILD_MEMORY):
    raise ImproperlyConfigured(
        f"SERVQ_SEARCH_REBUILD_MEMORY must be a size such as 512MB or 2GB, not {SERVQ_SEARCH_REBUILD_MEMORY!r}"
    )

# The client's address behind proxies (rate limits, logs): see servq/core/clientip.py and
# docs/operators.md. Without either, X-Forwarded-For is ignored.
SERVQ_TRUSTED_PROXY_HOPS = env_int("SERVQ_TRUSTED_PROXY_HOPS", 0)
SERVQ_TRUSTED_PROXIES = env_networks("SERVQ_TRUSTED_PROXIES", [])
RATELIMIT_IP_META_KEY = "servq.core.clientip.client_ip"
