"""Django settings for Keten, read from the environment; secure unless KETEN_DEV=1 says otherwise.

Environment:
- KETEN_DEV=1            development mode (`make run`): DEBUG on, plain-http cookies, demo logins allowed.
- DJANGO_SECRET_KEY      required outside development; in development one is generated into var/.
- DATABASE_URL           selects the database (PostgreSQL in production); default SQLite under var/.
- KETEN_ALLOWED_HOSTS    comma-separated host names (production).
- KETEN_VAR_DIR          where the SQLite database, the generated secret and test artefacts live.
- KETEN_LINKING_KEY      the platform's key for the hit/no-hit index (keyed HMAC tokens of identifiers, see
                         keten.linking.encoded), at least 16 characters. When unset it is derived from
                         DJANGO_SECRET_KEY (HMAC-SHA256 with a fixed label), so development and tests work; set it
                         in production so the two can be rotated apart. Changing it needs `manage.py hit_index
                         --rebuild`, and makes earlier questions' tokens incomparable.
"""

import hashlib
import hmac
import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("KETEN_VAR_DIR", PROJECT_DIR / "var"))


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


KETEN_DEV = env_flag("KETEN_DEV")
DEBUG = KETEN_DEV


def _secret_key() -> str:
    """The secret comes from the environment; only development may generate one (into var/, never git)."""
    if key := os.environ.get("DJANGO_SECRET_KEY"):
        return key
    if not KETEN_DEV:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Keten refuses to start without it outside development (KETEN_DEV=1)."
        )
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()


def _linking_key() -> bytes:
    """The key of the hit/no-hit tokens: its own variable, else derived from the secret key under a fixed label."""
    if key := os.environ.get("KETEN_LINKING_KEY"):
        if len(key.encode()) < 16:
            raise ImproperlyConfigured("KETEN_LINKING_KEY must be at least 16 characters long.")
        return key.encode()
    return hmac.new(SECRET_KEY.encode(), b"keten-linking-key", hashlib.sha256).digest()


KETEN_LINKING_KEY = _linking_key()

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("KETEN_ALLOWED_HOSTS", "").split(",") if h.strip()]
if KETEN_DEV:
    ALLOWED_HOSTS += ["127.0.0.1", "localhost", "[::1]"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "keten.core",
    "keten.regions",
    "keten.accounts",
    "keten.audit",
    "keten.policy",
    "keten.notifications",
    "keten.identity",
    "keten.socialmap",
    "keten.intake",
    "keten.referrals",
    "keten.trajectories",
    "keten.knowledge",
    "keten.signaltable",
    "keten.monitor",
    "keten.web",
    "keten.demo",
]

MIDDLEWARE = [
    # First: counts and times every answer, the other middlewares' redirects and refusals included (/metrics).
    "keten.web.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "keten.audit.middleware.RequestContextMiddleware",
    # Before anything reads the body: an oversized or non-UTF-8 body is refused with a Dutch 413/400.
    "keten.web.limits.RequestBodyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication, so it knows who asked: a logged-in person's answers are marked no-store.
    "keten.web.caching.PrivateAnswersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "keten.accounts.middleware.SessionLifetimeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "keten.accounts.middleware.MfaRequiredMiddleware",
    "keten.accounts.middleware.ActiveMembershipMiddleware",
    # Last, so that a lockout answers before any view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "keten.urls"
WSGI_APPLICATION = "keten.wsgi.application"
ASGI_APPLICATION = "keten.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "web" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "keten.web.context_processors.navigation",
            ],
        },
    },
]

# --- Database: SQLite (WAL) under var/ unless DATABASE_URL names another --------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'keten.sqlite3'}",
        conn_max_age=int(os.environ.get("KETEN_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL lets readers and one writer work at once; IMMEDIATE avoids lock upgrades mid-transaction.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and login ----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: a locked-out attempt is refused before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "keten.accounts.backends.KetenAuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "web:home"
ACCOUNT_LOGOUT_REDIRECT_URL = "web:home"

ACCOUNT_ADAPTER = "keten.accounts.adapters.KetenAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_PREVENT_ENUMERATION = True
#: A login or password reset is answered this long after it arrived, whether the address is known or not
#: (keten.accounts.timing; measured by bench/bench_enumeration.py). Above the password hash's own time.
KETEN_ACCOUNT_ANSWER_SECONDS = float(os.environ.get("KETEN_ACCOUNT_ANSWER_SECONDS", "0.5"))
# Exports of personal data and reveals ask for the password again unless it was given this recently
# (keten.accounts.reauth).
ACCOUNT_REAUTHENTICATION_TIMEOUT = int(timedelta(minutes=5).total_seconds())
# One lockout mechanism (django-axes, below); allauth's own failed-login limit would answer differently.
ACCOUNT_RATE_LIMITS = {"login_failed": None}

MFA_ADAPTER = "keten.accounts.adapters.KetenMfaAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Keten"
MFA_RECOVERY_CODE_COUNT = 10

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
# Per attempted login name, not per IP address: care workers of one organisation often share one NAT
# address, and an IP lock would shut them all out. The front proxy rate-limits per address.
AXES_LOCKOUT_PARAMETERS = ["username"]
# W021 (HSTS preload): the preload list binds the whole registered domain and its subdomains and is hard to leave;
# that is the domain owner's decision at the front proxy, not Keten's. Everything else of `check --deploy` holds.
SILENCED_SYSTEM_CHECKS = ["axes.W006", "security.W021"]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "keten.accounts.adapters.axes_username"
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"
AXES_VERBOSE = False

# --- Sessions: 30 minutes idle, 12 hours absolute ----------------------------------------------------
SESSION_COOKIE_AGE = int(timedelta(minutes=30).total_seconds())
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
KETEN_SESSION_ABSOLUTE_LIMIT = timedelta(hours=12)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# --- Transport security: on unless developing on plain http ----------------------------------------
SECURE_COOKIES = not KETEN_DEV
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_SECURE = SECURE_COOKIES
SECURE_SSL_REDIRECT = env_flag("KETEN_SSL_REDIRECT", default=not KETEN_DEV)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_flag("KETEN_BEHIND_PROXY") else None
SECURE_HSTS_SECONDS = 0 if KETEN_DEV else int(timedelta(days=365).total_seconds())
SECURE_HSTS_INCLUDE_SUBDOMAINS = not KETEN_DEV
SECURE_HSTS_PRELOAD = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("KETEN_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# No 'unsafe-inline' anywhere: scripts and styles come only from our own static files.
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


def map_tile_source(url: str) -> str:
    """The CSP source that admits a tile URL template's host: "https://{s}.tile.example.org/{z}/{x}/{y}.png"
    → "https://*.tile.example.org"; "" for a URL on Keten's own host, which 'self' admits already."""
    parts = urlsplit(url)
    if not parts.netloc:
        return ""
    first, _dot, rest = parts.netloc.partition(".")
    if "{" in rest or ("{" in first and not rest) or parts.scheme not in ("http", "https"):
        raise ImproperlyConfigured(f"KETEN_MAP_TILE_URL {url!r}: only the first label of the host may be a "
                                   "placeholder such as {s}, and the scheme must be http or https.")
    return f"{parts.scheme}://*.{rest}" if "{" in first else f"{parts.scheme}://{parts.netloc}"


# --- Map: the shipped vector boundaries on a plain background, unless a tile server is configured --------
KETEN_MAP_TILE_URL = os.environ.get("KETEN_MAP_TILE_URL", "").strip()
KETEN_MAP_TILE_ATTRIBUTION = os.environ.get("KETEN_MAP_TILE_ATTRIBUTION", "").strip()
if tile_source := map_tile_source(KETEN_MAP_TILE_URL):
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(tile_source)

# --- Internationalisation: Dutch first, English second -----------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# --- Static files: built from npm packages at install time, served by WhiteNoise ---------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("KETEN_STATIC_ROOT", PROJECT_DIR / "staticfiles"))
NODE_MODULES = PROJECT_DIR / "node_modules"
STATICFILES_DIRS = [
    ("vendor/utrecht", NODE_MODULES / "@utrecht" / "component-library-css" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/leaflet", NODE_MODULES / "leaflet" / "dist"),
    # The committed CBS boundaries, served as they are: hashed and compressed by WhiteNoise, so browsers cache
    # them for good, and no second copy in git.
    ("boundaries", BASE_DIR / "regions" / "data"),
]
WHITENOISE_MIMETYPES = {".geojson": "application/geo+json"}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if KETEN_DEV
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_AUTOREFRESH = KETEN_DEV

# --- Private files: signal attachments live outside every served directory and are only ever sent through an
# authorised view (keten.intake.views.attachment_download). Back this directory up with the database.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("KETEN_PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
STORAGES["attachments"] = {"BACKEND": "django.core.files.storage.FileSystemStorage",
                           "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": "/niet-openbaar/"}}
KETEN_ATTACHMENT_MAX_BYTES = int(os.environ.get("KETEN_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))

# --- API -----------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "keten.accounts.api_auth.OrganisationTokenAuthentication",
        "keten.accounts.api_auth.MfaSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["keten.accounts.api_auth.HasActiveMembership"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # DRF's JSON parser with a depth guard (a deeply nested body is a 400, not a server error), then its own.
    "DEFAULT_PARSER_CLASSES": ["keten.core.parsers.KetenJSONParser", "rest_framework.parsers.FormParser",
                               "rest_framework.parsers.MultiPartParser"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Keten API",
    "DESCRIPTION": "Programmeerinterface van Keten, het platform van de keten tegen mensenhandel.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["keten.accounts.api_auth.HasActiveMembership"],
}

# --- Logging: no personal data in logs; to stderr, one JSON object a line in production ------------------
# KETEN_LOG_FORMAT: "json" (default outside development) or "text" (default in development). Each line carries the
# request id (also in the X-Request-ID header, gunicorn's access log and the audit events); an exception is logged
# by its type and stack, its message only when it cannot quote data (keten.web.logs).
KETEN_LOG_FORMAT = os.environ.get("KETEN_LOG_FORMAT", "text" if KETEN_DEV else "json")
if KETEN_LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured("KETEN_LOG_FORMAT must be json or text.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "keten.web.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "keten.web.logs.KetenJsonFormatter",
                 "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_id"],
                             "formatter": KETEN_LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("KETEN_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- Metrics: /metrics for Prometheus (keten.web.metrics), only with this bearer token; unset, it answers 404 ----
KETEN_METRICS_TOKEN = os.environ.get("KETEN_METRICS_TOKEN", "")

KETEN_DEMO_CREDENTIALS = VAR_DIR / "demo-credentials.json"

# --- Background work: django-tasks with its database backend; `manage.py worker` runs the queue ---------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Jobs `manage.py worker` enqueues periodically: (dotted path of a django-tasks task, every so many seconds).
KETEN_PERIODIC_TASKS = [("keten.intake.tasks.scan_deadlines", 60), ("keten.referrals.tasks.escalate_overdue", 60),
                        ("keten.trajectories.tasks.notify_alerts", 3600),
                        # The monitor's figures counted again in full (ADR 0014): writes without model signals.
                        # About 100 s of work at a million signals, so four times a day.
                        ("keten.monitor.tasks.rebuild_facts", 6 * 3600),
                        # A registration whose routing task was cut off (a killed worker, a database restart).
                        ("keten.intake.tasks.route_stragglers", 300)]

# A database cache: shared by every web process, so a used TOTP code cannot be replayed on another worker.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "keten_cache"}}

EMAIL_BACKEND = os.environ.get(
    "KETEN_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if KETEN_DEV else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("KETEN_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("KETEN_EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("KETEN_FROM_EMAIL", "keten@localhost")
# Where people reach Keten: links in e-mails (notifications) are made absolute with it.
KETEN_BASE_URL = os.environ.get("KETEN_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
KETEN_AUDIT_PARTITIONS = int(os.environ.get("KETEN_AUDIT_PARTITIONS", "16"))

# --- Signal intake: how soon a new signal must be triaged, per urgency (keten.intake.deadlines) ---------------
# One of working_days (Dutch working days: no weekends or public holidays), days, hours or minutes per urgency.
KETEN_INTAKE_TRIAGE_DEADLINES = {"acute": {"hours": 1}, "high": {"working_days": 1}, "normal": {"working_days": 5}}
# Days the government equates with a public holiday by decree (Algemene termijnenwet art. 3 lid 3), as
# "YYYY-MM-DD"; they do not count as working days either.
KETEN_INTAKE_EXTRA_HOLIDAYS: list[str] = []
# How long before its triage deadline the region's triage is told a signal still waits (days, hours or minutes);
# `manage.py worker` scans every minute (KETEN_PERIODIC_TASKS), and tells about a passed deadline too.
KETEN_INTAKE_DEADLINE_WARNING = {"acute": {"minutes": 15}, "high": {"hours": 2}, "normal": {"days": 1}}
# The public guide's minimal signal: at most this many per client address per window of seconds.
KETEN_GUIDE_SIGNAL_RATE = (5, 3600)

# --- The national monitor: disclosure control of every published figure (keten.monitor.disclosure, ADR 0012) ---
# Counts from 1 to below this are never published; complementary suppression protects them.
KETEN_MONITOR_MIN_CELL = int(os.environ.get("KETEN_MONITOR_MIN_CELL", "10"))
# Published counts are rounded to a multiple of this (1: not rounded), each total on its own.
KETEN_MONITOR_ROUNDING = int(os.environ.get("KETEN_MONITOR_ROUNDING", "5"))
# A dashboard's published figures are kept this many seconds in the cache (0: added up at every view).
KETEN_MONITOR_CACHE_SECONDS = int(os.environ.get("KETEN_MONITOR_CACHE_SECONDS", "300"))
