"""The one settings module: every value comes from the environment and a bad one stops start-up.

`.env.example` lists every variable. `make run` and `make test` go through `tracker.launcher`,
which fills DATABASE_URL (an embedded PostgreSQL) and SECRET_KEY (kept under the data folder)
when they are unset; anything else that runs Django must set them itself.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from tracker.cache import CACHE_ALIAS, CACHE_TABLE
from tracker.env import env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. `make run` and `make test` generate one; elsewhere export SECRET_KEY "
        "(for example: python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# The production profile: HTTPS=true when the site is reached over HTTPS only (docs/deploy.md).
# Off by default, since `make run` serves plain HTTP on 127.0.0.1.
HTTPS = env_bool("HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", HTTPS)
# Behind a proxy that ends TLS and sets X-Forwarded-Proto (and strips it from clients): trust it.
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "simple_history",
    "axes",
    "positions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "tracker.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "positions.pages.throttle.PageThrottleMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a refused sign-in into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tracker" / "templates"],  # the site's own: the admin's base_site, with the icon
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

# --- Database -------------------------------------------------------------------------------

DATABASE_URL = env_str("DATABASE_URL")
if not DATABASE_URL:
    raise ImproperlyConfigured(
        "DATABASE_URL is not set. Use `make run` / `make test` (they start an embedded PostgreSQL), "
        "or export DATABASE_URL=postgres://USER@HOST:PORT/NAME."
    )
try:
    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60, minimum=0))
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL cannot be parsed: {exc}") from None
if _db.get("ENGINE") != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (postgres:// or postgresql://).")
_db["CONN_HEALTH_CHECKS"] = True
# Each request is one transaction: a write lands whole or not at all.
_db["ATOMIC_REQUESTS"] = True
_db.setdefault("OPTIONS", {})["connect_timeout"] = env_int("DB_CONNECT_TIMEOUT", 5, minimum=1)
# PostgreSQL's JIT spent 0.8 s compiling the statement export's query for a 0.1 s run: off.
_db["OPTIONS"]["options"] = "-c jit=off"
# psycopg prepares the statements a cursor asks it to (selectors.planned_cursor: compare's read, run at every
# request) and none by count: Django's own cursors bind on the client, which psycopg never prepares. Django's
# default, None, would refuse even those.
_db["OPTIONS"]["prepare_threshold"] = 2**31 - 1
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def _sqlalchemy_url(db: dict) -> str:
    """The same database as a SQLAlchemy URL, for kombu's SQL transport."""
    from sqlalchemy.engine import URL

    host = db.get("HOST") or None
    query = {}
    if host and host.startswith("/"):  # a Unix socket folder, as the embedded server uses
        query["host"] = host
        host = None
    url = URL.create(
        "postgresql+psycopg",
        username=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        host=host,
        port=int(db["PORT"]) if db.get("PORT") else None,
        database=db.get("NAME"),
        query=query,
    )
    return url.render_as_string(hide_password=False)


# --- Celery ---------------------------------------------------------------------------------

# Without a broker server, messages go through the same PostgreSQL (kombu's SQLAlchemy
# transport): fine for one machine, but it never redelivers a task after a worker crash and
# has no remote control. Production sets CELERY_BROKER_URL to Redis or RabbitMQ.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or "sqla+" + _sqlalchemy_url(_db)
if not CELERY_BROKER_URL.startswith(("redis://", "rediss://", "amqp://", "amqps://", "pyamqp://", "sqla+")):
    raise ImproperlyConfigured(
        f"CELERY_BROKER_URL={CELERY_BROKER_URL!r}: use redis://, amqp:// or leave it unset for the SQL default."
    )
CELERY_BROKER_CONNECTION_TIMEOUT = env_int("CELERY_BROKER_CONNECTION_TIMEOUT", 5, minimum=1)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "tracker")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300, minimum=5)
# The soft limit stops a task with an exception (logged, retried or failed) before the hard kill.
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - max(1, min(30, CELERY_TASK_TIME_LIMIT // 5))
CELERY_WORKER_CONCURRENCY = env_int("CELERY_WORKER_CONCURRENCY", 2, minimum=1)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "positions.heartbeat", "schedule": 60.0},
    "compact-data-writes": {"task": "positions.compact_data_writes", "schedule": 3600.0},
}
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # A task not acknowledged within this time is given to another worker: keep it well above
    # the hard time limit, or a slow task would run twice at once.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": max(3600, 4 * CELERY_TASK_TIME_LIMIT)}
CELERY_BEAT_SCHEDULE |= {
    "poll-due-sources": {"task": "positions.poll_due_sources", "schedule": 60.0},
    "requeue-stalled-items": {"task": "positions.requeue_stalled_items", "schedule": 300.0},
    "requeue-stalled-deliveries": {"task": "positions.requeue_stalled_deliveries", "schedule": 300.0},
}
# How old the last worker heartbeat may be before /healthz calls the worker silent.
WORKER_HEARTBEAT_MAX_AGE = env_int("WORKER_HEARTBEAT_MAX_AGE", 180, minimum=60)

# --- Ingest ---------------------------------------------------------------------------------

FETCH_CONNECT_TIMEOUT = env_int("FETCH_CONNECT_TIMEOUT", 5, minimum=1)
FETCH_READ_TIMEOUT = env_int("FETCH_READ_TIMEOUT", 15, minimum=1)
FETCH_TOTAL_TIMEOUT = env_int("FETCH_TOTAL_TIMEOUT", 30, minimum=1)
FETCH_MAX_BYTES = env_int("FETCH_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
FETCH_MAX_DECOMPRESSED = env_int("FETCH_MAX_DECOMPRESSED", 20 * 1024 * 1024, minimum=1024)
# Networks that may be fetched although not public, e.g. 127.0.0.1/32 for a local test server.
FETCH_ALLOWED_NETWORKS = env_list("FETCH_ALLOWED_NETWORKS", [])
# Where uploaded files are kept (named by their SHA-256), for the worker to read: shared by web and workers.
UPLOAD_DIR = Path(env_str("UPLOAD_DIR", str(BASE_DIR / "var" / "uploads")))
# Where `manage.py release` writes the public record's releases (one folder per version, never changed),
# which the site lists for download: shared by the web processes and whoever runs the command.
RELEASES_DIR = Path(env_str("RELEASES_DIR", str(BASE_DIR / "var" / "releases")))
# A PDF with more pages is refused (its text is capped like a text file's, at FETCH_MAX_DECOMPRESSED characters).
PDF_MAX_PAGES = env_int("PDF_MAX_PAGES", 500, minimum=1)
# Each document's budget in the worker: the statement stages read at most INGEST_MAX_CHARACTERS characters
# and the task has INGEST_DOCUMENT_SECONDS (its soft time limit); past either, the document is kept
# without statements and its item fails with the reason.
INGEST_MAX_CHARACTERS = env_int("INGEST_MAX_CHARACTERS", 200_000, minimum=1000)
INGEST_DOCUMENT_SECONDS = env_int("INGEST_DOCUMENT_SECONDS", min(120, CELERY_TASK_SOFT_TIME_LIMIT), minimum=1)
if INGEST_DOCUMENT_SECONDS > CELERY_TASK_SOFT_TIME_LIMIT:
    raise ImproperlyConfigured(
        f"INGEST_DOCUMENT_SECONDS={INGEST_DOCUMENT_SECONDS} must not pass "
        f"CELERY_TASK_SOFT_TIME_LIMIT={CELERY_TASK_SOFT_TIME_LIMIT}: the document is stored before the task is killed."
    )
# A document is given up after this many attempts (redeliveries after a crash included).
INGEST_MAX_ATTEMPTS = env_int("INGEST_MAX_ATTEMPTS", 3, minimum=1)
# A source is paused (a curator resumes it) after this many failed polls in a row.
SOURCE_MAX_FAILURES = env_int("SOURCE_MAX_FAILURES", 5, minimum=1)
# A claim on a source or an item older than this is taken to belong to a dead worker; it must
# outlast the hard time limit, or a slow but living task could be taken over.
INGEST_CLAIM_SECONDS = env_int("INGEST_CLAIM_SECONDS", CELERY_TASK_TIME_LIMIT + 60, minimum=10)
if INGEST_CLAIM_SECONDS <= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured(
        f"INGEST_CLAIM_SECONDS={INGEST_CLAIM_SECONDS} must be longer than "
        f"CELERY_TASK_TIME_LIMIT={CELERY_TASK_TIME_LIMIT}."
    )

# --- Webhooks (docs/webhooks.md) -------------------------------------------------------------

# A delivery is tried at most this many times, waiting RETRY_SECONDS, then twice as long each time, up to
# RETRY_MAX_SECONDS between two tries. The defaults keep one delivery trying for 27 hours, past the pause
# window: a receiver down for a day is paused even when nothing else changes.
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 60, minimum=1)
WEBHOOK_RETRY_SECONDS = env_int("WEBHOOK_RETRY_SECONDS", 30, minimum=1)
WEBHOOK_RETRY_MAX_SECONDS = env_int(
    "WEBHOOK_RETRY_MAX_SECONDS", max(1800, WEBHOOK_RETRY_SECONDS), minimum=WEBHOOK_RETRY_SECONDS
)
# Redis hands a task that waits for its countdown to another worker once the visibility timeout passes.
_redis = CELERY_BROKER_URL.startswith(("redis://", "rediss://"))
_visibility = CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] if _redis else None
if _visibility and _visibility <= WEBHOOK_RETRY_MAX_SECONDS:
    raise ImproperlyConfigured(
        f"WEBHOOK_RETRY_MAX_SECONDS={WEBHOOK_RETRY_MAX_SECONDS} must be shorter than the broker's visibility "
        f"timeout ({_visibility} s), or waiting retries would be delivered twice."
    )
# A subscription whose deliveries have failed for this long without one going through is paused.
WEBHOOK_PAUSE_AFTER_SECONDS = env_int("WEBHOOK_PAUSE_AFTER_SECONDS", 86_400, minimum=1)
# One POST's whole time (connect, send, answer), and how much of the answer is kept in the log.
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10, minimum=1)
WEBHOOK_RESPONSE_EXCERPT = env_int("WEBHOOK_RESPONSE_EXCERPT", 500, minimum=0)

# --- Web ------------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "positions.api.schema.AutoSchema",
    # Token first: an anonymous write then gets 401 with WWW-Authenticate rather than a bare 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["positions.api.permissions.ReadPublicWriteCurator"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "positions.api.pagination.Pagination",
    "PAGE_SIZE": 25,
    "DEFAULT_THROTTLE_CLASSES": [
        "positions.api.throttling.AnonymousRateThrottle",
        "positions.api.throttling.SignedInRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "120/minute"),
        "user": env_str("API_THROTTLE_USER", "1200/minute"),
        # The pages and feeds, and their CSV files (positions/pages/throttle.py), per reader.
        "pages": env_str("PAGE_THROTTLE", "120/minute"),
        "pages_csv": env_str("PAGE_THROTTLE_CSV", "20/minute"),
    },
    "EXCEPTION_HANDLER": "positions.api.errors.exception_handler",
    "DEFAULT_VERSIONING_CLASS": None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Negotiation-position tracker API",
    "DESCRIPTION": (
        "Who proposed or demanded what in an international negotiation, how each party stands on it "
        "and how that changed, each fact grounded in a quoted, dated statement. Reads are public "
        "(rejected items never appear; pending ones carry review_state=pending); writes need a curator "
        '(token or session). Errors share one shape: {"error": {"status", "code", "message", '
        '"fields"}}.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The documentation page's scripts come from the installed sidecar package, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Routes answer with and without a trailing slash (positions/api/urls.py); the schema names one.
    "PREPROCESSING_HOOKS": ["positions.api.schema.without_trailing_slash"],
    # Vocabularies that share a field name ("kind", "status") get their own names in the schema.
    "ENUM_NAME_OVERRIDES": {
        "StatementKindEnum": "positions.vocabularies.StatementKind",
        "ProposalKindEnum": "positions.vocabularies.ProposalKind",
        "PartyKindEnum": "positions.vocabularies.PartyKind",
        "ActorKindEnum": "positions.vocabularies.ActorKind",
        "SourceKindEnum": "positions.vocabularies.SourceKind",
        "ProposalStatusEnum": "positions.vocabularies.ProposalStatus",
        "ReviewStateEnum": "positions.vocabularies.ReviewState",
        "DatePrecisionEnum": "positions.vocabularies.DatePrecision",
        "DeliveryStateEnum": "positions.vocabularies.DeliveryState",
        "StateEnum": "positions.vocabularies.ItemState",  # its name before deliveries had a state too
        "EventTypeEnum": "positions.vocabularies.EventType",
    },
}
# Throttling counts requests in the cache, which every web process must share: Redis when
# CACHE_URL names it, else a table in the database (made by a migration).
CACHE_URL = env_str("CACHE_URL")
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(f"CACHE_URL={CACHE_URL!r}: use redis://, rediss:// or leave it unset.")
    # Keys carry the database's name: the cached answers are named by the data version, which two databases
    # sharing one Redis (the benchmark's, a staging copy) can both be at.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": _db["NAME"],
        }
    }
else:
    # On a connection of its own, in autocommit: inside the request's transaction a count's row
    # would stay locked until the response, queueing every request from the same address.
    # Its writes (throttle counts, cached answers) may be lost in a crash without harm, so a commit
    # does not wait for the WAL to reach the disk: the throttle's count is written on every request.
    options = {**_db["OPTIONS"], "options": f"{_db['OPTIONS']['options']} -c synchronous_commit=off"}
    DATABASES[CACHE_ALIAS] = {**_db, "OPTIONS": options, "ATOMIC_REQUESTS": False, "TEST": {"MIRROR": "default"}}
    DATABASE_ROUTERS = ["tracker.cache.CacheRouter"]
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": CACHE_TABLE,
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }

# The API's answers and the pages are cached per data version (positions.selectors.cached_answer). Only the
# benchmark's cold rows turn this off (bench/settings.py); the ETags and 304s stay.
ANSWER_CACHE = True
# Opt-in, for a cache without the writes' signal below (the database's table): an anonymous reader's cached answer
# may name a data version up to this many milliseconds old, read by the same web process, unless PostgreSQL has
# announced a write since (LISTEN/NOTIFY; docs/deploy.md). 0, the default: the version is read at every request,
# and no answer is ever older than the last committed write.
ANSWER_VERSION_LAG_MS = env_int("ANSWER_VERSION_LAG_MS", 0, minimum=0, maximum=60_000)
# With Redis as the cache: the tracker's writes move a signal there once they commit, which an anonymous reader's
# cached answer reads with the throttle's count; its web process reads the data version again when the signal
# has moved, when PostgreSQL has announced a write, and at least this often (the bound for a write made outside
# the tracker, which moves no signal). 0 reads it at every request (docs/deploy.md).
ANSWER_SIGNAL_LAG_MS = env_int("ANSWER_SIGNAL_LAG_MS", 1_000, minimum=0, maximum=60_000)
# With Redis: a reader whose last count there, less than this many milliseconds ago, left it well short of its
# limit (a limit of 100 or more a window) is let through by its web process on its own, up to a hundredth of
# that limit, and those requests are counted with its next round trip; its cached answers go on with the writes'
# signal that count read. So a reader can pass its limit by at most a hundredth per web process, and a busy
# anonymous reader sees a write through the tracker this much later at most (PostgreSQL's announcement is
# usually first). 0 counts every request in Redis (positions/api/throttling.py, docs/deploy.md).
API_THROTTLE_SYNC_MS = env_int("API_THROTTLE_SYNC_MS", 50, minimum=0, maximum=1_000)

# --- Sign-in --------------------------------------------------------------------------------

# django-axes counts failed sign-ins (admin login, and any form or API view that calls
# authenticate()) in the database, and refuses a locked username before its password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("SIGNIN_FAILURE_LIMIT", 30, minimum=3)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("SIGNIN_LOCKOUT_MINUTES", 30, minimum=1))
# By username only. Behind the reverse proxy (docs/deploy.md) every request comes from the proxy's
# address, so a lock by address would lock everyone out after 30 typos; axes.W006 warns of
# exactly that choice (its worry, rotating user agents or cookies, cannot unlock a username).
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
# Tries during the lock do not extend it, so the time the lock-out page gives stays true.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "tracker.signin.locked_out"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {
        "handlers": ["console"],
        "level": env_choice("LOG_LEVEL", "INFO", {"DEBUG", "INFO", "WARNING", "ERROR"}),
    },
}
