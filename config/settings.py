"""Siaga112 settings: one file, read from the environment.

Every variable is listed with a one-line comment in `.env.example`. Development defaults
need
nothing set; `SIAGA_ENV=production` turns unsafe values into a refusal to start.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import xstatic.pkg.leaflet
import xstatic.pkg.leaflet_markercluster
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
DEV_SECRET_KEY = "siaga-development-key-never-use-in-production"  # noqa: S105 (refused in production)


def env(name: str, default: str = "") -> str:
    """A string variable; `NAME_FILE` (a path)
    wins over `NAME`, for container secrets."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = env(name, "").strip().lower()
    if not value:
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_float(name: str, default: float) -> float:
    value = env(name, "").strip()
    if not value:
        return default
    try:
        return float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}") from None


def env_int(name: str, default: int) -> int:
    value = env(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be a whole number, not {value!r}"
        ) from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def env_minutes_by_priority(name: str, default: str) -> dict[int, int]:
    """`1:2,2:3,3:5` → {1: 2, 2: 3, 3: 5}."""
    try:
        pairs = [item.split(":") for item in env_list(name, default)]
        return {int(priority): int(minutes) for priority, minutes in pairs}
    except ValueError:
        raise ImproperlyConfigured(f"{name} must read like 1:2,2:3,3:5") from None


def env_minutes_by_name(name: str, default: str) -> dict[str, int]:
    """`assigned:3,en_route:20` → {"assigned": 3, "en_route": 20}."""
    try:
        pairs = [item.split(":") for item in env_list(name, default)]
        return {key.strip(): int(minutes) for key, minutes in pairs}
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must read like assigned:3,en_route:20"
        ) from None


def sqlite_synchronous() -> str:
    """FULL (the default): a commit is on disk before the caller hears "accepted", so
    even a power cut loses nothing acknowledged. NORMAL (the test suite's default) is
    safe against a killed process but not a power cut, and much faster."""
    default = "NORMAL" if env("SIAGA_ENV", "") == "test" else "FULL"
    value = env("SIAGA_SQLITE_SYNCHRONOUS", default).upper()
    if value not in {"FULL", "NORMAL"}:
        raise ImproperlyConfigured("SIAGA_SQLITE_SYNCHRONOUS must be FULL or NORMAL")
    return value


def sqlite_database(path: Path) -> dict[str, Any]:
    """The embedded default: WAL so readers never wait for the writer, a busy timeout so
    writers queue instead of failing, and IMMEDIATE transactions so a transaction takes
    the
    write lock at BEGIN (no deadlock when two readers both try to upgrade)."""
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        # Tests use a file too, not shared-cache memory, whose table locks ignore the
        # busy timeout: concurrency behaves in tests as it does in the demo.
        "TEST": {"NAME": path.with_name(f"{path.stem}-test{path.suffix}")},
        "OPTIONS": {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                f"PRAGMA synchronous={sqlite_synchronous()};"
                "PRAGMA busy_timeout=20000;"
                "PRAGMA foreign_keys=ON;"
            ),
        },
    }


def postgres_database(url: str) -> dict[str, Any]:
    """Parse `postgresql://user:pass@host1:5432,host2:5432/name?opt=value`.

    libpq takes comma-separated host and port lists and tries them in order; with more
    than
    one host we default `target_session_attrs=read-write`, so the app always reaches the
    current primary of the primary/backup pair.
    """
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured(
            f"DATABASE_URL scheme {parts.scheme!r} is not supported"
        )
    userinfo, _, hostlist = parts.netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    hosts, ports = [], []
    for item in hostlist.split(","):
        host, port = split_host_port(item)
        hosts.append(host)
        ports.append(port)
    options: dict[str, Any] = dict(parse_qsl(parts.query))
    if len(hosts) > 1:
        options.setdefault("target_session_attrs", "read-write")
    options.setdefault("connect_timeout", "5")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")) or "siaga",
        "USER": unquote(user),
        "PASSWORD": unquote(password),
        "HOST": ",".join(hosts),
        "PORT": ",".join(ports) if any(ports) else "",
        "OPTIONS": options,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": True,
    }


def split_host_port(item: str) -> tuple[str, str]:
    if item.startswith("["):  # IPv6 literal: [::1]:5432
        host, _, rest = item[1:].partition("]")
        return host, rest.lstrip(":")
    host, _, port = item.partition(":")
    return host, port


def database_from_env() -> dict[str, Any]:
    url = env("DATABASE_URL")
    if url:
        return postgres_database(url)
    path = Path(env("SIAGA_SQLITE_PATH", str(BASE_DIR / "var" / "siaga.sqlite3")))
    # SQLite creates the file but not its folder; a fresh checkout has no var/ yet.
    path.parent.mkdir(parents=True, exist_ok=True)
    return sqlite_database(path)


def refuse_unsafe_production(settings: dict[str, Any]) -> None:
    """Fail loudly at start rather than run an emergency service with demo settings."""
    problems = []
    if settings["DEBUG"]:
        problems.append("DEBUG must be off")
    key = settings["SECRET_KEY"]
    if key == DEV_SECRET_KEY or len(key) < 50 or len(set(key)) < 5:
        problems.append(
            "SIAGA_SECRET_KEY must be set to a random value of 50+ characters"
        )
    if not settings["ALLOWED_HOSTS"] or "*" in settings["ALLOWED_HOSTS"]:
        problems.append("ALLOWED_HOSTS must list this server's host names (no '*')")
    if settings["DATABASES"]["default"]["ENGINE"].endswith("sqlite3") and not env_bool(
        "SIAGA_ALLOW_SQLITE_IN_PRODUCTION", False
    ):
        problems.append(
            "production runs on PostgreSQL (DATABASE_URL); set "
            "SIAGA_ALLOW_SQLITE_IN_PRODUCTION=true for a single-server site"
        )
    if problems:
        raise ImproperlyConfigured("Unsafe production settings: " + "; ".join(problems))


SIAGA_ENV = env("SIAGA_ENV", "development")
if SIAGA_ENV not in {"development", "production", "test"}:
    raise ImproperlyConfigured("SIAGA_ENV must be development, production or test")
IS_PRODUCTION = SIAGA_ENV == "production"

DEBUG = env_bool("DEBUG", not IS_PRODUCTION and SIAGA_ENV != "test")
SECRET_KEY = env("SIAGA_SECRET_KEY", DEV_SECRET_KEY)
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", "" if IS_PRODUCTION else "127.0.0.1,localhost,[::1]"
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The city this instance serves: prefixes human incident numbers (TNG-20261204-0042).
SIAGA_CITY_CODE = env("SIAGA_CITY_CODE", "TNG").upper()
# The address residents reach this server at, for the tracking links sent to them.
SIAGA_PUBLIC_URL = env("SIAGA_PUBLIC_URL", "http://127.0.0.1:8000")
# Metres around a point within which another jurisdiction counts as "near the border".
SIAGA_BORDER_MARGIN_M = env_int("SIAGA_BORDER_MARGIN_M", 200)
# An optional outside geocoder for the place type-ahead: "nominatim" or "photon", its
# base URL (empty: the local gazetteer only) and the seconds it may take.
SIAGA_GEOCODER = env("SIAGA_GEOCODER", "nominatim")
SIAGA_GEOCODER_URL = env("SIAGA_GEOCODER_URL")
SIAGA_GEOCODER_TIMEOUT = env_int("SIAGA_GEOCODER_TIMEOUT", 2)
# Minutes a neighbouring centre has to acknowledge a referral before it escalates.
SIAGA_REFERRAL_ACK_MINUTES = env_int("SIAGA_REFERRAL_ACK_MINUTES", 5)
# Vehicle positions: seconds after which a unit's last fix is shown as stale, and days
# the fixes are kept.
SIAGA_AVL_STALE_SECONDS = env_int("SIAGA_AVL_STALE_SECONDS", 120)
SIAGA_AVL_RETENTION_DAYS = env_int("SIAGA_AVL_RETENTION_DAYS", 30)
# Contacts' personal data (numbers, texts, points, photos) is blanked after this many
# days, the statistics kept (siaga/intake/actions/retention.py); 0 keeps it for ever.
# The period is the city's decision under UU 27/2022: set it when it is made.
SIAGA_RETENTION_DAYS = env_int("SIAGA_RETENTION_DAYS", 0)
# Seconds between the live maps' looks at what units moved (positions are not events).
SIAGA_AVL_LIVE_SECONDS = env_int("SIAGA_AVL_LIVE_SECONDS", 2)
# Minutes a unit may stay in a status before the consoles flag it overdue (a status
# not listed is never overdue): slow to leave, long on the road, long at a hospital.
SIAGA_UNIT_OVERDUE_MINUTES = env_minutes_by_name(
    "SIAGA_UNIT_OVERDUE_MINUTES",
    "assigned:3,en_route:20,on_scene:120,transporting:45,at_hospital:45",
)
# Road distance ÷ straight-line distance, for estimated arrival times of units.
SIAGA_ROAD_FACTOR = env_float("SIAGA_ROAD_FACTOR", 1.4)
# The MQTT broker GPS trackers publish to (`siaga avl-mqtt`), and the topic prefix:
# <prefix>/<call sign>/position.
SIAGA_MQTT_HOST = env("SIAGA_MQTT_HOST", "127.0.0.1")
SIAGA_MQTT_PORT = env_int("SIAGA_MQTT_PORT", 1883)
SIAGA_MQTT_USERNAME = env("SIAGA_MQTT_USERNAME")
SIAGA_MQTT_PASSWORD = env("SIAGA_MQTT_PASSWORD")
SIAGA_MQTT_TOPIC_PREFIX = env("SIAGA_MQTT_TOPIC_PREFIX", "siaga/units")
# CAP <sender> of public alerts (no spaces, commas, "<" or "&") and its <senderName>.
SIAGA_CAP_SENDER = env("SIAGA_CAP_SENDER", "112@tangerangkota.go.id")
SIAGA_CAP_SENDER_NAME = env("SIAGA_CAP_SENDER_NAME", "Tangerang Siaga 112")
# Which server of the pair this is (1-based) and how many servers allocate incident
# numbers: server k of n takes numbers k, k+n, k+2n… each day, so they never clash.
SIAGA_NODE_INDEX = env_int("SIAGA_NODE_INDEX", 1)
SIAGA_NODE_COUNT = env_int("SIAGA_NODE_COUNT", 1)
if not 1 <= SIAGA_NODE_INDEX <= SIAGA_NODE_COUNT:
    raise ImproperlyConfigured(
        "SIAGA_NODE_INDEX must be between 1 and SIAGA_NODE_COUNT"
    )
# Minutes an agency has to acknowledge a dispatch when its own setting is empty.
SIAGA_ACK_DEADLINE_MINUTES = env_int("SIAGA_ACK_DEADLINE_MINUTES", 3)
# The same by incident priority, "priority:minutes" pairs; an agency may set its own.
SIAGA_ACK_DEADLINE_BY_PRIORITY = env_minutes_by_priority(
    "SIAGA_ACK_DEADLINE_BY_PRIORITY", "1:2,2:3,3:5,4:10,5:15"
)
# Shared key for HMAC-SHA1 on AML HTTPS messages (empty: accept unsigned ones).
SIAGA_AML_HMAC_KEY = env("SIAGA_AML_HMAC_KEY")
# WhatsApp Cloud API: the verify token of the webhook handshake, and the app secret that
# signs every POST (X-Hub-Signature-256). Without the secret the webhook refuses posts.
SIAGA_WHATSAPP_VERIFY_TOKEN = env("SIAGA_WHATSAPP_VERIFY_TOKEN")
SIAGA_WHATSAPP_APP_SECRET = env("SIAGA_WHATSAPP_APP_SECRET")
# Telegram bot: the secret_token of setWebhook (header X-Telegram-Bot-Api-Secret-Token).
SIAGA_TELEGRAM_SECRET_TOKEN = env("SIAGA_TELEGRAM_SECRET_TOKEN")
# Messenger and Instagram (one Meta app): the verify token and the app secret.
SIAGA_META_VERIFY_TOKEN = env("SIAGA_META_VERIFY_TOKEN")
SIAGA_META_APP_SECRET = env("SIAGA_META_APP_SECRET")
# X Account Activity API: the consumer secret behind the CRC and the POST signature.
SIAGA_X_CONSUMER_SECRET = env("SIAGA_X_CONSUMER_SECRET")
# Sending replies and tracking links, and fetching media. API base URLs can point at a
# test double; an empty token means that channel cannot send (messages fail visibly).
SIAGA_WHATSAPP_API_URL = env(
    "SIAGA_WHATSAPP_API_URL", "https://graph.facebook.com/v21.0"
)
SIAGA_WHATSAPP_PHONE_NUMBER_ID = env("SIAGA_WHATSAPP_PHONE_NUMBER_ID")
SIAGA_WHATSAPP_ACCESS_TOKEN = env("SIAGA_WHATSAPP_ACCESS_TOKEN")
SIAGA_TELEGRAM_API_URL = env("SIAGA_TELEGRAM_API_URL", "https://api.telegram.org")
SIAGA_TELEGRAM_BOT_TOKEN = env("SIAGA_TELEGRAM_BOT_TOKEN")
SIAGA_META_API_URL = env("SIAGA_META_API_URL", "https://graph.facebook.com/v21.0")
SIAGA_META_PAGE_TOKEN = env("SIAGA_META_PAGE_TOKEN")
SIAGA_X_API_URL = env("SIAGA_X_API_URL", "https://api.x.com/2")
SIAGA_X_ACCESS_TOKEN = env("SIAGA_X_ACCESS_TOKEN")
SIAGA_SMS_SEND_URL = env("SIAGA_SMS_SEND_URL")
SIAGA_SMS_SEND_TOKEN = env("SIAGA_SMS_SEND_TOKEN")
# Seconds an outbound call to a provider may take before it counts as failed.
SIAGA_PROVIDER_TIMEOUT = env_int("SIAGA_PROVIDER_TIMEOUT", 10)
# Largest photo or voice note kept, from a resident's upload or a provider's download.
SIAGA_MAX_MEDIA_BYTES = env_int("SIAGA_MAX_MEDIA_BYTES", 8 * 1_048_576)
# Public report page and app: reports allowed per sender, and per address, each hour.
SIAGA_REPORTS_PER_SENDER_PER_HOUR = env_int("SIAGA_REPORTS_PER_SENDER_PER_HOUR", 5)
SIAGA_REPORTS_PER_ADDRESS_PER_HOUR = env_int("SIAGA_REPORTS_PER_ADDRESS_PER_HOUR", 20)
# Seconds between passes of the background worker.
SIAGA_WORKER_INTERVAL = env_int("SIAGA_WORKER_INTERVAL", 2)
# Roles that must use two-step sign-in (a code from an authenticator app); production's
# default is supervisors and admins. Empty: nobody must (anyone may still turn it on).
SIAGA_TWO_STEP_ROLES = frozenset(
    env_list("SIAGA_TWO_STEP_ROLES", "supervisor,admin" if IS_PRODUCTION else "")
)
# Prometheus scrapes /metrics with `Authorization: Bearer <this>`; empty: only an
# admin's or supervisor's session may read it.
SIAGA_METRICS_TOKEN = env("SIAGA_METRICS_TOKEN", "")
# Log lines as JSON objects (one per line, for journald/Loki) or as plain text.
SIAGA_LOG_FORMAT = env("SIAGA_LOG_FORMAT", "json" if IS_PRODUCTION else "text")
# Seconds between safety-net polls of the event log by each server's live feed (wake-ups
# normally come at once, in process or by PostgreSQL NOTIFY).
SIAGA_LIVE_POLL_SECONDS = env_int("SIAGA_LIVE_POLL_SECONDS", 2)
# Run the worker loop inside `siaga serve` (embedded default; production runs `siaga
# worker`).
SIAGA_EMBEDDED_WORKER = env_bool("SIAGA_EMBEDDED_WORKER", not IS_PRODUCTION)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # serves the API docs page from its own static files, not a CDN
    "siaga.events",
    "siaga.accounts",
    "siaga.areas",
    "siaga.agencies",
    "siaga.incidents",
    "siaga.intake",
    "siaga.dispatching",
    "siaga.referrals",
    "siaga.alerts",
    "siaga.units",
    "siaga.ops",
    "siaga.board",
    "siaga.stats",
    "siaga.shifts",
    "siaga.cluster",
    "siaga.simulator",
    "siaga.training",
]

MIDDLEWARE = [
    "siaga.ops.metrics.CountRequests",
    "django.middleware.security.SecurityMiddleware",
    "siaga.lib.security.ContentSecurityPolicy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "siaga.accounts.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "siaga.accounts.views.RequireTwoStep",
    "siaga.accounts.middleware.AccessMatrix",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "siaga" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "siaga.accounts.context_processors.siaga",
            ],
        },
    },
]

DATABASES = {"default": database_from_env()}
if SIAGA_ENV == "test" and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # The test runner empties tables with TRUNCATE, which the event log otherwise
    # refuses (events/migrations/0004_refuse_truncate.py).
    given = DATABASES["default"]["OPTIONS"].get("options", "")
    DATABASES["default"]["OPTIONS"]["options"] = f"{given} -c siaga.allow_truncate=on"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2id first; older PBKDF2 hashes still verify and are rehashed at the next login.
PASSWORD_HASHERS = [
    "siaga.accounts.hashers.BoundedArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if SIAGA_ENV == "test":
    PASSWORD_HASHERS.insert(0, "siaga.accounts.hashers.CheapArgon2PasswordHasher")
PASSWORD_VALIDATION = "django.contrib.auth.password_validation"  # noqa: S105 (a module path)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{PASSWORD_VALIDATION}.UserAttributeSimilarityValidator"},
    {"NAME": f"{PASSWORD_VALIDATION}.MinimumLengthValidator"},
    {"NAME": f"{PASSWORD_VALIDATION}.CommonPasswordValidator"},
]

# Bahasa Indonesia first, English second; stored in UTC, shown in WIB.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "siaga" / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Leaflet comes from its xstatic wheels, never copied into the repository.
STATICFILES_DIRS = [
    BASE_DIR / "siaga" / "static",
    ("leaflet", xstatic.pkg.leaflet.BASE_DIR),
    ("leaflet-markercluster", xstatic.pkg.leaflet_markercluster.BASE_DIR),
]
# Map tiles for the consoles ({z}/{x}/{y}); empty shows boundaries and markers only,
# for a control room without internet. A city may run its own tile server.
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
SIAGA_MAP_TILES_URL = env("SIAGA_MAP_TILES_URL", OSM_TILES)
SIAGA_MAP_ATTRIBUTION = env(
    "SIAGA_MAP_ATTRIBUTION", "&copy; OpenStreetMap contributors"
)
# Production collects static files here (`siaga collectstatic`); development serves them
# from the apps and packages directly.
STATIC_ROOT = (
    Path(env("SIAGA_STATIC_ROOT", str(BASE_DIR / "var" / "static")))
    if IS_PRODUCTION or env("SIAGA_STATIC_ROOT")
    else None
)
# Outside production, serve straight from the apps and packages: no collectstatic step.
WHITENOISE_USE_FINDERS = not IS_PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

# Bodies larger than this are refused with 413 before any parsing.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("SIAGA_MAX_BODY_BYTES", 1_048_576)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = (
    env_int("SIAGA_SESSION_HOURS", 14) * 3600
)  # a 12-hour shift plus handover
SESSION_COOKIE_SECURE = IS_PRODUCTION
CSRF_COOKIE_SECURE = IS_PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if IS_PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)

if SIAGA_LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured("SIAGA_LOG_FORMAT must be json or text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "siaga.lib.logs.JsonLines"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": SIAGA_LOG_FORMAT}
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}

if IS_PRODUCTION:
    refuse_unsafe_production(globals())
