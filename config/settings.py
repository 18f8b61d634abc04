"""Cashmob settings: every value comes from the environment, with safe local defaults.

Variables are documented in `.env.example`. Production mode (``CASHMOB_ENV=production``)
refuses to start without an explicit ``SECRET_KEY`` and ``ALLOWED_HOSTS`` and turns on every
hardening that ``cashmob check --deploy`` asks for.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, *, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


ENVIRONMENT = os.environ.get("CASHMOB_ENV", "development").strip().lower()
PRODUCTION = ENVIRONMENT == "production"

DATA_DIR = Path(os.environ.get("CASHMOB_DATA_DIR", BASE_DIR / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY", "")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when CASHMOB_ENV=production.")
    # A local install keeps one generated key so sessions survive restarts.
    key_file = DATA_DIR / "secret_key"
    try:
        # Created private and exclusively: never readable by others, even for a moment,
        # and two processes starting at once keep the same key.
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(64))
    for _attempt in range(50):
        key = key_file.read_text().strip()
        if key:
            return key
        time.sleep(0.01)  # another process created the file and is writing it
    raise ImproperlyConfigured(f"{key_file} is empty; delete it to generate a new key.")


SECRET_KEY = _secret_key()
CSRF_FAILURE_VIEW = "cashmob.core.views.csrf_failure"
# Production never shows debug pages, whatever DEBUG says.
DEBUG = env_bool("DEBUG", default=not PRODUCTION) and not PRODUCTION
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,[::1]")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when CASHMOB_ENV=production.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The address people reach the site at, for links in emails. Locally it follows PORT, so
# links work when `cashmob run` serves on another port.
SITE_URL = (
    os.environ.get("SITE_URL") or f"http://127.0.0.1:{os.environ.get('PORT') or '8000'}"
).rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    "django_htmx",
    "django_countries",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.facebook",
    "allauth.socialaccount.providers.twitter_oauth2",
    "cashmob.accounts.mastodon",
    "axes",
    "cashmob.core",
    "cashmob.accounts",
    "cashmob.chapters",
    "cashmob.businesses",
    "cashmob.mobs",
    "cashmob.voting",
    "cashmob.notifications",
    "cashmob.rsvps",
    "cashmob.checkin",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files are answered above, precompressed by the storage below; pages are
    # compressed here (Django's middleware pads its output against BREACH, and CSRF
    # tokens are masked per response).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "cashmob.accounts.middleware.UserLanguageMiddleware",
    # Axes must come last so it sees the outcome of authentication.
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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cashmob.core.context_processors.site",
                "cashmob.businesses.context_processors.shop_owner",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "") or f"sqlite:///{DATA_DIR / 'cashmob.sqlite3'}"
_db = dj_database_url.parse(DATABASE_URL)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue on the
        # busy timeout instead of failing with "database is locked" mid-transaction.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;"
            "PRAGMA busy_timeout=20000;"
            "PRAGMA cache_size=-20000;"
            "PRAGMA temp_store=MEMORY;"
        ),
    }
    # A file, not memory, so that tests can reach it from threads and from real server and
    # worker processes; one per test process, so that parallel runs never share one.
    _db["TEST"] = {"NAME": str(DATA_DIR / f"test-{os.getpid()}.sqlite3")}
elif _db["ENGINE"] == "django.db.backends.postgresql":
    _db["OPTIONS"] = {"pool": env_bool("DATABASE_POOL", default=False)}
    # Persistent connections avoid a ~5 ms connect per request; a pool replaces them.
    _db["CONN_MAX_AGE"] = 0 if _db["OPTIONS"]["pool"] else 60
    _db["CONN_HEALTH_CHECKS"] = True
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SITE_ID = 1
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Cashmob] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
ACCOUNT_ADAPTER = "cashmob.accounts.adapter.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "cashmob.accounts.adapter.SocialAccountAdapter"
# Tell people when their password or email address changes, so a takeover gets noticed.
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
}
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False


def _social_providers() -> dict[str, dict]:
    """Switch on a social login only when its credentials are configured."""
    providers: dict[str, dict] = {}
    for name, prefix in (
        ("facebook", "FACEBOOK"),
        ("twitter_oauth2", "TWITTER"),
        ("mastodon", "MASTODON"),
    ):
        client_id = os.environ.get(f"{prefix}_CLIENT_ID", "")
        secret = os.environ.get(f"{prefix}_CLIENT_SECRET", "")
        if client_id and secret:
            app: dict[str, object] = {"client_id": client_id, "secret": secret}
            if name == "mastodon":
                app["settings"] = {
                    "api_base_url": os.environ.get("MASTODON_INSTANCE", "https://mastodon.social")
                }
            providers[name] = {"APPS": [app]}
    return providers


SOCIALACCOUNT_PROVIDERS = _social_providers()

# Login throttling: lock an (account, address) pair after repeated failures.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "login"
# allauth authenticates with ``email=``: without this, axes would key lockouts on no account.
AXES_USERNAME_CALLABLE = "cashmob.accounts.throttling.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"
AXES_ENABLED = env_bool("AXES_ENABLED", default=True)

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "en")
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("de", _("German")),
    ("it", _("Italian")),
    ("sv", _("Swedish")),
]
LOCALE_PATHS = [BASE_DIR / "cashmob" / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True


def _leaflet_static() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("leaflet")
    if spec is None or spec.origin is None:  # pragma: no cover - a dependency
        raise ImproperlyConfigured("django-leaflet is not installed.")
    return Path(spec.origin).parent / "static" / "leaflet"


# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
# WhiteNoise indexes STATIC_ROOT at start-up and warns when it is missing (before the first
# collectstatic, e.g. in tests); an empty folder is the honest state of a fresh install.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Leaflet's files come from the django-leaflet package. The app itself is not installed:
# its admin module imports GeoDjango, which needs GDAL, and the site has no GIS fields.
STATICFILES_DIRS = [BASE_DIR / "static", ("leaflet", _leaflet_static())]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- Email ----------------------------------------------------------------------------------
# Django 6.1's MAILERS: SMTP in production, files in the data folder locally.
EMAIL_BACKEND_PATH = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.filebased.EmailBackend",
)


def _mailer_options(backend: str) -> dict[str, object]:
    if backend.endswith("smtp.EmailBackend"):
        return {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": int(os.environ.get("EMAIL_PORT", "25")),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", default=False),
            "use_ssl": env_bool("EMAIL_USE_SSL", default=False),
            "timeout": int(os.environ.get("EMAIL_TIMEOUT", "20")),
        }
    if backend.endswith("filebased.EmailBackend"):
        return {"file_path": os.environ.get("EMAIL_FILE_PATH", str(DATA_DIR / "mail"))}
    return {}


MAILERS = {
    "default": {"BACKEND": EMAIL_BACKEND_PATH, "OPTIONS": _mailer_options(EMAIL_BACKEND_PATH)}
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Cashmob <hello@cashmob.localhost>")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# --- Background tasks -----------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# --- Caching --------------------------------------------------------------------------------
# In the database, so that rate limits (allauth's) hold across web processes and
# machines and survive restarts; `cashmob run` creates the table.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "cashmob_cache",
        # Culling at the default 300 keys would forget rate-limit counters under a flood
        # of new addresses, which is exactly when they matter.
        "OPTIONS": {"MAX_ENTRIES": 200_000},
    }
}

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    # Load balancers check health over plain HTTP on the private network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "private_links": {"()": "cashmob.core.logging.RedactPrivateLinks"},
        "refusals": {"()": "cashmob.core.logging.RefusalsWithoutTraceback"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["private_links", "refusals"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "cashmob": {"level": os.environ.get("LOG_LEVEL", "INFO")},
        "django.tasks": {"level": "WARNING"},
    },
}

# --- Product limits -------------------------------------------------------------------------
CASHMOB_NOMINATIONS_PER_USER_PER_DAY = int(os.environ.get("NOMINATIONS_PER_USER_PER_DAY", "10"))
CASHMOB_NOMINATIONS_PER_CHAPTER_PER_HOUR = int(
    os.environ.get("NOMINATIONS_PER_CHAPTER_PER_HOUR", "60")
)

# --- Maps and geocoding ---------------------------------------------------------------------
# NOTE: "leaflet" must NOT be in INSTALLED_APPS (its admin imports GeoDjango → GDAL, which
# this product does not need). Its static files are served from STATICFILES_DIRS above as
# "leaflet/leaflet.js" and "leaflet/leaflet.css"; load them with {% static %} in templates.
LEAFLET_CONFIG = {
    "TILES": [
        (
            "OpenStreetMap",
            "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            {
                "attribution": '&copy; <a href="https://www.openstreetmap.org/copyright">'
                "OpenStreetMap</a> contributors",
                "maxZoom": 19,
            },
        )
    ],
    "DEFAULT_CENTER": (48.8566, 2.3522),
    "DEFAULT_ZOOM": 5,
    "MIN_ZOOM": 2,
    "MAX_ZOOM": 19,
    "RESET_VIEW": False,
}
# Address geocoding is off by default (no network); "nominatim" uses OpenStreetMap's service.
GEOCODER = os.environ.get("GEOCODER", "").strip().lower()
GEOCODER_URL = os.environ.get("GEOCODER_URL", "https://nominatim.openstreetmap.org/search")
