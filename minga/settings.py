"""Minga settings: read from the environment only, with safe development defaults.

Every variable is listed in the README's configuration table. Production (DEBUG off)
refuses to start without a real SECRET_KEY.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from exc


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return float(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
VAR_DIR = Path(env_str("MINGA_VAR_DIR", str(BASE_DIR / "var")))

_DEV_SECRET = "minga-development-only-secret-key-never-use-in-production"
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET if DEBUG else "")
if not DEBUG and (SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters when DEBUG is off "
        "(for a development server set DEBUG=1)."
    )

MINGA_PUBLIC_URL = env_str("MINGA_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Minga's apps come first so their translations and templates win over Django's own
# for the same strings ("Change", "Save"...).
INSTALLED_APPS = [
    "minga.core",
    "minga.accounts",
    "minga.coops",
    "minga.identity",
    "minga.audit",
    "minga.channels",
    "minga.challenges",
    "minga.events",
    "minga.judging",
    "minga.decisions",
    "minga.credentials",
    "minga.trainings",
    "minga.treasury",
    "minga.agents",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_countries",
    "django_tasks_db",
]

# What `minga demo` loads, in this order: each module's `load(*, people, coops, stdout)` adds
# to the demo world (see minga/core/management/commands/demo.py); a missing app is skipped.
MINGA_DEMO_MODULES = [
    "minga.accounts.demo",
    "minga.coops.demo",
    "minga.challenges.demo",
    "minga.events.demo",
    "minga.judging.demo",
    "minga.decisions.demo",
    "minga.credentials.demo",
    "minga.trainings.demo",
    "minga.identity.demo",
    "minga.treasury.demo",
    "minga.agents.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Providers' money callbacks go straight to their views from here (core.fast.callbacks).
    "minga.core.fast.callbacks.CallbackMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "minga.core.middleware.LocaleMiddleware",
    # Before anything reads the body (the NUL check, CSRF, forms): oversized ones are refused.
    "minga.core.middleware.RequestSizeLimitMiddleware",
    "minga.core.middleware.RejectNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "minga.core.middleware.PreferencesMiddleware",
    "minga.core.middleware.MessageMiddleware",
    "minga.core.access.SignInMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "minga.urls"
WSGI_APPLICATION = "minga.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "minga" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "minga.core.context_processors.site",
            ],
            "builtins": [
                "django.templatetags.i18n",
                "django.templatetags.static",
                "minga.core.templatetags.minga",
            ],
        },
    }
]

# Databases: SQLite (WAL, busy timeout, IMMEDIATE writes so writers queue instead of
# failing) by default; PostgreSQL through DATABASE_URL. A DATABASE_URL naming an SQLite file
# (sqlite:///path) gets exactly the default's settings: Django's plain SQLite engine would
# drop WAL, the writers queue and IMMEDIATE transactions, and concurrent ballots would fail
# with "database is locked".


def sqlite_database(name: str | Path) -> dict:
    """Minga's SQLite settings for the database file `name`."""
    return {
        "ENGINE": "minga.core.fast.sqlite",  # Django's, with a writers queue (see its module)
        "NAME": name,
        # Keep connections: opening one re-reads the schema and re-runs the PRAGMAs.
        "CONN_MAX_AGE": 600,
        "CONN_HEALTH_CHECKS": True,
        # Tests in memory, as Django does for its own SQLite engine (named here because
        # test runners recognise only that engine's name).
        "TEST": {"NAME": ":memory:"},
        "OPTIONS": {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
            ),
        },
    }


DATABASE_URL = env_str("DATABASE_URL", "")
if DATABASE_URL:
    _database = dj_database_url.parse(DATABASE_URL, conn_max_age=600, conn_health_checks=True)
    if _database["ENGINE"] == "django.db.backends.sqlite3":
        _database = sqlite_database(_database["NAME"])
    DATABASES = {"default": _database}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {"default": sqlite_database(VAR_DIR / "minga.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "minga",
    }
}
# "shared": what every web process and worker must see alike (sign-in and SMS throttles): the
# database by default (its table is made by `minga migrate`), Redis when REDIS_URL is set.
CACHES["shared"] = {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": "minga_cache",
}
if env_str("REDIS_URL"):
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env_str("REDIS_URL"),
    }
    CACHES["shared"] = CACHES["default"]

# Reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated):
# client addresses for throttles and callback allow-lists are read through them.
MINGA_TRUSTED_PROXIES = env_list("MINGA_TRUSTED_PROXIES", [])

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["minga.accounts.backends.EmailOrPhoneBackend"]
# Django's database sessions (server-side, revocable), loaded with one plain query.
SESSION_ENGINE = "minga.core.fast.sessions"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:profile"
LOGOUT_REDIRECT_URL = "core:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Failed sign-ins allowed per identifier and per address before a pause.
LOGIN_THROTTLE_ATTEMPTS = env_int("LOGIN_THROTTLE_ATTEMPTS", 5)
LOGIN_THROTTLE_SECONDS = env_int("LOGIN_THROTTLE_SECONDS", 300)
# Password-reset messages and phone codes asked for per number (or address) and per client
# address within the window; beyond, nothing is sent and the answer stays the same.
SMS_THROTTLE_PER_NUMBER = env_int("SMS_THROTTLE_PER_NUMBER", 3)
SMS_THROTTLE_PER_ADDRESS = env_int("SMS_THROTTLE_PER_ADDRESS", 20)
SMS_THROTTLE_SECONDS = env_int("SMS_THROTTLE_SECONDS", 3600)

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("es", "Español"),
    ("fr", "Français"),
    # Minga's Portuguese is Brazil's. A browser, cookie or profile asking for plain "pt" (or
    # "pt-PT") gets it too: Django falls back from a generic code to its first listed variant.
    ("pt-br", "Português"),
]
LOCALE_PATHS = [BASE_DIR / "minga" / "locale"]
LANGUAGE_COOKIE_NAME = "minga_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "minga" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}


def object_storages() -> dict[str, dict[str, object]]:
    """The S3-compatible object storage for uploads and published log tiles, from MINGA_S3_*.

    Empty when none is set (uploads stay under MINGA_VAR_DIR, tiles only in the database);
    refuses to start when some are set but not the bucket and both keys.
    """
    names = ("BUCKET", "ENDPOINT_URL", "REGION", "ACCESS_KEY_ID", "SECRET_ACCESS_KEY")
    names += ("TILES_PREFIX", "PUBLIC_DOMAIN")
    values = {name: env_str(f"MINGA_S3_{name}") for name in names}
    if not any(values.values()):
        return {}
    missing = [
        f"MINGA_S3_{n}" for n in ("BUCKET", "ACCESS_KEY_ID", "SECRET_ACCESS_KEY") if not values[n]
    ]
    if missing:
        raise ImproperlyConfigured(
            f"Object storage is half configured: set {', '.join(missing)} "
            "(or no MINGA_S3_* at all)."
        )
    common = {
        "bucket_name": values["BUCKET"],
        "endpoint_url": values["ENDPOINT_URL"] or None,
        "region_name": values["REGION"] or None,
        "access_key": values["ACCESS_KEY_ID"],
        "secret_key": values["SECRET_ACCESS_KEY"],
    }
    backend = "storages.backends.s3.S3Storage"
    # Uploads keep the bucket's own (private) access, read through signed expiring URLs, and
    # never overwrite each other, as on disk.
    uploads = {**common, "location": "media", "file_overwrite": False}
    # Full tiles are immutable: public, cached for good, rewritten identically if published twice.
    tiles = {
        **common,
        "location": values["TILES_PREFIX"].strip("/") or "log",
        "querystring_auth": False,
        "custom_domain": values["PUBLIC_DOMAIN"] or None,
        "object_parameters": {
            "CacheControl": "public, max-age=31536000, immutable",
            "ContentType": "application/octet-stream",
        },
    }
    return {
        "default": {"BACKEND": backend, "OPTIONS": uploads},
        "tiles": {"BACKEND": backend, "OPTIONS": tiles},
    }


# With object storage, full log tiles are also published to STORAGES["tiles"] (audit.publish).
STORAGES.update(object_storages())
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = VAR_DIR / "media"
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Request bodies larger than this are refused with 413 before they are read. The largest
# legitimate one is a proposal with its ten attachments of 10 MB each (core.uploads):
# 128 MiB leaves room for its text and the form's envelope.
MINGA_MAX_REQUEST_BYTES = env_int("MINGA_MAX_REQUEST_BYTES", 128 * 1024 * 1024)
# The body limit the reverse proxy in front enforces (nginx `client_max_body_size`, Caddy
# `request_body max_size`), in bytes, stated once the proxy does: `check --deploy` warns
# while it is unset or larger than MINGA_MAX_REQUEST_BYTES (docs/deploy.md).
MINGA_PROXY_MAX_REQUEST_BYTES = env_int("MINGA_PROXY_MAX_REQUEST_BYTES", 0)

# E-mail: console by default, SMTP when EMAIL_HOST is set.
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Minga <minga@localhost>")
if env_str("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env_str("EMAIL_HOST"),
                "port": env_int("EMAIL_PORT", 587),
                "username": env_str("EMAIL_HOST_USER"),
                "password": env_str("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

# SMS / USSD provider: "console" logs messages; "africastalking" needs both settings.
SMS_PROVIDER = env_str("SMS_PROVIDER", "console")
AFRICASTALKING_USERNAME = env_str("AFRICASTALKING_USERNAME")
AFRICASTALKING_API_KEY = env_str("AFRICASTALKING_API_KEY")
if SMS_PROVIDER == "africastalking" and not (AFRICASTALKING_USERNAME and AFRICASTALKING_API_KEY):
    raise ImproperlyConfigured(
        "SMS_PROVIDER=africastalking needs AFRICASTALKING_USERNAME and AFRICASTALKING_API_KEY."
    )
if SMS_PROVIDER not in {"console", "africastalking"}:
    raise ImproperlyConfigured("SMS_PROVIDER must be 'console' or 'africastalking'.")
# Inbound callbacks (USSD, SMS): optionally a shared secret the callback URLs carry as
# ?token=..., and/or the only addresses they may come from.
AFRICASTALKING_CALLBACK_TOKEN = env_str("AFRICASTALKING_CALLBACK_TOKEN")
AFRICASTALKING_CALLBACK_IPS = env_list("AFRICASTALKING_CALLBACK_IPS", [])
# Mobile money (minga.channels.payments). A base URL of "standin" (the default) talks to the
# providers' stand-in; production sets the real hosts and credentials. Callbacks carry a
# shared secret (?token=, required outside DEBUG) and may be limited to the providers' addresses.
MPESA_BASE_URL = env_str("MPESA_BASE_URL", "standin")  # e.g. https://api.safaricom.co.ke
MPESA_CONSUMER_KEY = env_str("MPESA_CONSUMER_KEY")
MPESA_CONSUMER_SECRET = env_str("MPESA_CONSUMER_SECRET")
MPESA_PASSKEY = env_str("MPESA_PASSKEY")
MPESA_INITIATOR_NAME = env_str("MPESA_INITIATOR_NAME")
MPESA_SECURITY_CREDENTIAL = env_str("MPESA_SECURITY_CREDENTIAL")
MPESA_CALLBACK_TOKEN = env_str("MPESA_CALLBACK_TOKEN")
MPESA_CALLBACK_IPS = env_list("MPESA_CALLBACK_IPS", [])
MOMO_BASE_URL = env_str("MOMO_BASE_URL", "standin")  # e.g. https://proxy.momoapi.mtn.com
MOMO_TARGET_ENVIRONMENT = env_str("MOMO_TARGET_ENVIRONMENT", "sandbox")
# Ocp-Apim-Subscription-Key per product, and each API user's key: "name=value,name=value".
MOMO_SUBSCRIPTION_KEYS = dict(
    item.partition("=")[::2] for item in env_list("MOMO_SUBSCRIPTION_KEYS", [])
)
MOMO_API_KEYS = dict(item.partition("=")[::2] for item in env_list("MOMO_API_KEYS", []))
MOMO_CALLBACK_TOKEN = env_str("MOMO_CALLBACK_TOKEN")
MOMO_CALLBACK_IPS = env_list("MOMO_CALLBACK_IPS", [])
_MPESA_NEEDS = ("CONSUMER_KEY", "CONSUMER_SECRET", "PASSKEY", "INITIATOR_NAME")
_MPESA_NEEDS += ("SECURITY_CREDENTIAL", "CALLBACK_TOKEN")
if MPESA_BASE_URL != "standin" and not all(globals()[f"MPESA_{n}"] for n in _MPESA_NEEDS):
    raise ImproperlyConfigured(
        "MPESA_BASE_URL is set: also set " + ", ".join(f"MPESA_{n}" for n in _MPESA_NEEDS) + "."
    )
if MOMO_BASE_URL != "standin" and not (
    MOMO_SUBSCRIPTION_KEYS and MOMO_API_KEYS and MOMO_CALLBACK_TOKEN
):
    raise ImproperlyConfigured(
        "MOMO_BASE_URL is set: also set MOMO_SUBSCRIPTION_KEYS, MOMO_API_KEYS and "
        "MOMO_CALLBACK_TOKEN."
    )
# Where the stand-in's callbacks go: "http" (to MINGA_PUBLIC_URL, by the worker) or "collect"
# (kept for the caller: tests and bench).
MINGA_PAYMENTS_STANDIN_DELIVERY = env_str("MINGA_PAYMENTS_STANDIN_DELIVERY", "http")
# A USSD session older than this is stale: its later steps answer "dial again" and change nothing.
MINGA_USSD_SESSION_SECONDS = env_int("MINGA_USSD_SESSION_SECONDS", 180)
# The USSD code members dial (e.g. *384*123#), printed in vote notices; empty leaves it out.
MINGA_USSD_CODE = env_str("MINGA_USSD_CODE")

# Security. Behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER_ENABLED=1.
_secure = not DEBUG
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _secure)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", _secure)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", _secure)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if _secure else 0)
# Subdomains and preloading bind every host under the domain, for months or for good
# (removal from browsers' preload lists takes releases): only when the operator says so.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
if env_bool("SECURE_PROXY_SSL_HEADER_ENABLED", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "style-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# Django's own settings, chosen above on purpose: HSTS for subdomains and preloading only
# when the operator turns them on.
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]

# Logs go to standard error. In production (DEBUG off) each event is one JSON line: time,
# level, logger, message and, for requests, method, path and status, with the exception's
# type and traceback; unhandled errors (the django.request logger) are among them.
LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured("LOG_FORMAT must be 'json' or 'text'.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "minga.core.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "filters": {"one_line_refusals": {"()": "minga.core.logs.OneLineRefusals"}},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["one_line_refusals"],
        }
    },
    # Everything else that warns or fails (the task worker, libraries) in the same shape.
    "root": {"handlers": ["stderr"], "level": "WARNING"},
    "loggers": {
        "minga": {
            "handlers": ["stderr"],
            "level": env_str("LOG_LEVEL", "INFO"),
            "propagate": False,
        },
        # Server errors (500), which Django's default handlers print only while DEBUG is on.
        "django.request": {"handlers": ["stderr"], "level": "ERROR", "propagate": False},
        # Refused requests (CSRF, disallowed hosts): one line each, not also Django's own
        # development console line beside ours.
        "django.security": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
    },
}

# Sentry, when SENTRY_DSN is set: unhandled errors and error logs, without personal data.
SENTRY_DSN = env_str("SENTRY_DSN")
SENTRY_ENVIRONMENT = env_str("SENTRY_ENVIRONMENT", "development" if DEBUG else "production")
SENTRY_TRACES_SAMPLE_RATE = env_float("SENTRY_TRACES_SAMPLE_RATE", 0.0)
if not 0.0 <= SENTRY_TRACES_SAMPLE_RATE <= 1.0:
    raise ImproperlyConfigured("SENTRY_TRACES_SAMPLE_RATE must be between 0 and 1.")
if SENTRY_DSN:
    from minga.core.logs import start_sentry

    start_sentry(
        dsn=SENTRY_DSN,
        environment=SENTRY_ENVIRONMENT,
        traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE,
    )


# --- audit ---
# The log's checkpoint origin (also its key name) and the name this instance cosigns under
# as a witness: the public URL without its scheme, as C2SP tlog-tiles recommends.
_LOG_PREFIX = MINGA_PUBLIC_URL.split("://", 1)[-1]
MINGA_LOG_ORIGIN = env_str("MINGA_LOG_ORIGIN", f"{_LOG_PREFIX}/log")
MINGA_WITNESS_NAME = env_str("MINGA_WITNESS_NAME", f"{_LOG_PREFIX}/log/witness")
# While entries arrive, `minga worker` signs a checkpoint at least this often.
MINGA_LOG_CHECKPOINT_SECONDS = env_int("MINGA_LOG_CHECKPOINT_SECONDS", 2)
MINGA_WITNESS_TIMEOUT = env_int("MINGA_WITNESS_TIMEOUT", 5)
# Checkpoints are published (served, used for proofs and receipts) only once this many of the
# MINGA_WITNESS_PEERS have cosigned them. 0 (the demo) publishes at once; production: 2 or more.
MINGA_LOG_WITNESS_QUORUM = env_int("MINGA_LOG_WITNESS_QUORUM", 0)

# --- health (/health, minga doctor) ---
# Out of bounds: a task waiting longer than this, log entries left without a signed checkpoint
# longer than this, a checkpoint waiting for its witness quorum longer than this (seconds).
MINGA_HEALTH_QUEUE_SECONDS = env_int("MINGA_HEALTH_QUEUE_SECONDS", 300)
MINGA_HEALTH_CHECKPOINT_SECONDS = env_int("MINGA_HEALTH_CHECKPOINT_SECONDS", 120)
MINGA_HEALTH_WITNESS_SECONDS = env_int("MINGA_HEALTH_WITNESS_SECONDS", 600)
MINGA_HEALTH_WORKER_SECONDS = env_int("MINGA_HEALTH_WORKER_SECONDS", 120)
# Peer instances, comma-separated, each "SUBMISSION_URL WITNESS_VKEY [LOG_VKEY]": we ask
# them to cosign our checkpoints, and we witness the logs whose LOG_VKEY is given.
MINGA_WITNESS_PEERS: list[dict[str, str]] = []
for _peer in env_list("MINGA_WITNESS_PEERS", []):
    _parts = _peer.split()
    if len(_parts) not in (2, 3) or not _parts[0].startswith(("https://", "http://")):
        raise ImproperlyConfigured(
            "Each MINGA_WITNESS_PEERS item is 'SUBMISSION_URL WITNESS_VKEY [LOG_VKEY]'."
        )
    MINGA_WITNESS_PEERS.append(dict(zip(("url", "vkey", "log_vkey"), _parts, strict=False)))

# --- identity ---
# MINGA_MASTER_KEY (32 random bytes, base64) encrypts the platform's and cooperatives'
# private signing keys at rest; MINGA_MASTER_KEY_FILE may hold it instead (a mounted
# secret). One of them is required when DEBUG is off; development creates var/master.key
# on first use. Losing the master key makes every stored private key unusable.
MINGA_MASTER_KEY = env_str("MINGA_MASTER_KEY")
_master_key_file = env_str("MINGA_MASTER_KEY_FILE")
MINGA_MASTER_KEY_FILE = (
    Path(_master_key_file) if _master_key_file else (VAR_DIR / "master.key" if DEBUG else None)
)
MINGA_MASTER_KEY_FILE_AUTOCREATE = DEBUG and not _master_key_file
# Resolving other hosts' did:web documents: seconds before giving up, seconds to cache.
MINGA_DID_RESOLVE_TIMEOUT = env_int("MINGA_DID_RESOLVE_TIMEOUT", 5)
MINGA_DID_CACHE_SECONDS = env_int("MINGA_DID_CACHE_SECONDS", 300)

# --- other hosts (federation) ---
# The certificate authorities trusted for every HTTPS request to another host (did:web
# documents, status lists, witnesses, the log monitor, the SMS provider): a PEM file, which
# replaces the system's store (concatenate both to trust both); empty: the system's store.
MINGA_TLS_CA_BUNDLE = env_str("MINGA_TLS_CA_BUNDLE")
if MINGA_TLS_CA_BUNDLE:
    from minga.core.tls import client_context

    try:
        client_context(MINGA_TLS_CA_BUNDLE)
    except (OSError, ValueError) as _error:  # ssl.SSLError is an OSError
        raise ImproperlyConfigured(
            f"MINGA_TLS_CA_BUNDLE must name a file of PEM certificates: {_error}"
        ) from None
# Other hosts' did:web documents and status lists are fetched only from public addresses,
# so a DID cannot point the resolver into the network it runs in; these private networks
# (CIDR, comma-separated), where a federation's instances live, are allowed too.
try:
    from minga.core.tls import parse_networks

    MINGA_FEDERATION_NETWORKS = parse_networks(env_list("MINGA_FEDERATION_NETWORKS", []))
except ValueError as _error:
    raise ImproperlyConfigured(
        f"MINGA_FEDERATION_NETWORKS must list networks such as 10.231.0.0/24: {_error}"
    ) from None
