"""Settings read from the environment; with nothing set the app runs on SQLite with eager Celery."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def install_secret_key() -> str:
    """A key made once for this installation (var/secret_key, readable by its owner only), so the
    embedded setup needs no configuration yet never runs on a published key."""
    path = BASE_DIR / "var" / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as out:
            out.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


# DEBUG is off unless explicitly turned on (./scripts/serve turns it on for the demo and says so).
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "") or install_secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_filters",
    "django_fsm",
    "govern",
    "enterprises",
    "monitoring",
    "materials",
    "emergency",
    "facilities",
    "inspections",
    "evidence",
    "enforcement",
    "notices",
    "deadlines",
    "dossier",
    "portal",
    "dashboard",
    "demo",
    "django_celery_beat",
    "axes",
    "rest_framework",
    "rest_framework.authtoken",
    "api",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "govern.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out username and address first
    "django.contrib.auth.backends.ModelBackend",
]
# Brute force: 5 wrong passwords for one username from one address lock that pair for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "govern.views.locked_out"
CSRF_FAILURE_VIEW = "govern.views.csrf_failure"
AXES_VERBOSE = False

# Headers: no framing, no referrer outside the site, no inline scripts (CSP).
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Style attributes (progress bars, SVG charts) are allowed; style elements and scripts are not.
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

ROOT_URLCONF = "govern.urls"
WSGI_APPLICATION = "govern.wsgi.application"

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
                "govern.context_processors.roles",
                "govern.context_processors.notifications",
                "govern.context_processors.failed_form",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "govern.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "static"
# WhiteNoise serves static files from the web process; embedded, straight from the source folders.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))

# Files (uploads and notice PDFs) go through Django's storage API: the local disk (MEDIA_ROOT) by
# default, S3-compatible object storage when STORAGE_BUCKET is set. Downloads always pass through the
# permission-checked views, which stream the object; nothing is public in the bucket.
STORAGE_BUCKET = os.environ.get("STORAGE_BUCKET", "")
DEFAULT_STORAGE = (
    {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": STORAGE_BUCKET,
            "endpoint_url": os.environ.get("STORAGE_ENDPOINT_URL") or None,
            "region_name": os.environ.get("STORAGE_REGION") or None,
            "access_key": os.environ.get("STORAGE_ACCESS_KEY") or None,
            "secret_key": os.environ.get("STORAGE_SECRET_KEY") or None,
            "location": os.environ.get("STORAGE_PREFIX", ""),
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": True,  # names are SHA-256 digests: the same name is the same content
            "signature_version": "s3v4",
            "addressing_style": os.environ.get("STORAGE_ADDRESSING_STYLE", "path"),
        },
    }
    if STORAGE_BUCKET
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
)
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Celery: tasks run in-process until a broker is configured.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if CELERY_TASK_ALWAYS_EAGER:
    CELERY_BROKER_URL = "memory://localhost/"  # only to serialise eager tasks; never connected
CELERY_TASK_EAGER_PROPAGATES = True
# Eager Celery (the embedded demo): long jobs a request starts run on a thread (govern.background).
GOVERN_BACKGROUND_THREADS = env_bool("GOVERN_BACKGROUND_THREADS", True)
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TIMEZONE = TIME_ZONE
# Nothing lost when a worker dies: a task is acknowledged only when done, a task whose worker
# process was killed goes back on the queue at once, and each worker takes one task at a time.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# A broker outage must not hold a web request: publishing gives up within about two seconds (the
# notice stays pending and the sweep renders it once the broker is back).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
# A notice still pending (or failed) this long after issue is rendered again by the sweep.
GOVERN_NOTICE_STALE_MINUTES = 10
# The dashboard reads figures refreshed every 10 minutes; older than this, a view recomputes them.
GOVERN_DASHBOARD_MAX_AGE_MINUTES = int(os.environ.get("GOVERN_DASHBOARD_MAX_AGE_MINUTES", "60"))
GOVERN_NOTICE_MAX_RENDER_ATTEMPTS = 5
# Online monitoring (HJ 212): data older or further ahead than this is quarantined, not stored (a
# logger with a wrong clock must not create partitions for other years); a point with no hourly value
# for this many hours opens a missing-data alert; an exceedance plans an inspection this many working
# days ahead.
GOVERN_HJ212_MAX_AGE_DAYS = int(os.environ.get("GOVERN_HJ212_MAX_AGE_DAYS", "400"))
GOVERN_HJ212_MAX_AHEAD_HOURS = 24
GOVERN_MONITORING_SILENT_HOURS = int(os.environ.get("GOVERN_MONITORING_SILENT_HOURS", "3"))
GOVERN_ALERT_INSPECTION_WORKING_DAYS = 3
# 双随机、一公开: a random inspection's result is published within this many working days of the visit
# (《企业信息公示暂行条例》第六条 asks for information the authorities produce about an enterprise to be
# published within 20 working days; the bureau may shorten it).
GOVERN_RANDOM_PUBLISH_WORKING_DAYS = int(os.environ.get("GOVERN_RANDOM_PUBLISH_WORKING_DAYS", "20"))
# Hourly values computed from minute data (loggers that send minute data only): an hour is rolled up
# this long after it ends, and is valid with at least this many valid minutes (HJ 75-2017, as we read
# it; see monitoring.services.hourly_rollup).
GOVERN_HOURLY_ROLLUP_DELAY_MINUTES = 30
GOVERN_HOURLY_MIN_VALID_MINUTES = 45
# The schedule (the daily deadline job) lives in the database, editable in the admin.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# Email: the console unless EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "govern@localhost")

# Text messages: a class path (see govern/sms.py); console by default, a real gateway in production.
GOVERN_SMS_BACKEND = os.environ.get("GOVERN_SMS_BACKEND", "govern.sms.ConsoleBackend")
GOVERN_SMS_FILE_PATH = os.environ.get("GOVERN_SMS_FILE_PATH", str(BASE_DIR / "var" / "sms.log"))

# Largest enterprise import accepted, in bytes.
GOVERN_IMPORT_MAX_BYTES = 20 * 1024 * 1024  # 100,000 rows of CSV are about 12 MB
GOVERN_IMPORT_MAX_ROWS = 100_000
# Files with more rows than this are imported by a worker, with a progress page.
GOVERN_IMPORT_INLINE_ROWS = 200
GOVERN_PAGE_SIZE = 25

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Their INFO output narrates font subsetting and CSS parsing glyph by glyph.
    "loggers": {
        name: {"level": "WARNING"}
        for name in (
            "fontTools",
            "weasyprint",
            # In-process (eager) tasks would log one line per task: a demo load prints hundreds.
            *(("celery.app.trace",) if CELERY_TASK_ALWAYS_EAGER else ()),
        )
    },
}

GOVERN_PHOTO_MAX_BYTES = 10 * 1024 * 1024
# A visit record is submitted only when signed on the phone by the inspected party's representative
# (or with their refusal recorded) and by each inspector of the visit.
GOVERN_VISIT_SIGNATURES_REQUIRED = env_bool("GOVERN_VISIT_SIGNATURES_REQUIRED", True)
# Photos and image evidence above this many pixels are refused (a 48-megapixel phone photo passes).
GOVERN_IMAGE_MAX_PIXELS = 50_000_000
GOVERN_DEFAULT_RECTIFICATION_DAYS = 30
# An enterprise not yet graded is due for its first inspection this many days after registration.
GOVERN_FIRST_INSPECTION_DAYS = 30
GOVERN_DEFAULT_REMEDIATION_DAYS = 180
GOVERN_EVIDENCE_MAX_BYTES = 20 * 1024 * 1024
GOVERN_EVIDENCE_MAX_FILES = 10
GOVERN_FONT_DIR = BASE_DIR / "var" / "fonts"
GOVERN_AUTHORITY_NAME = os.environ.get("GOVERN_AUTHORITY_NAME", "泉州市生态环境局")
# Where the QR code on a notice points: the public address of this system.
GOVERN_PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://127.0.0.1:8000")
# Days a closure order gives the enterprise to complete the shutdown ("two cuts, three clears"); the
# closure record's deadline, tracked with the other deadlines and stated on the closure notice.
GOVERN_CLOSURE_DAYS = 30
# The year by which enterprises of built-up areas in heavy-polluting sectors, or handling hazardous
# chemicals, must have moved into a park or closed: the end of 2025 for hazardous-chemical producers
# in populated areas (国办发〔2017〕77号, 《关于推进城镇人口密集区危险化学品生产企业搬迁改造的指导意见》),
# which the city's plan extends to its heavy polluters. An enterprise may carry its own approved year.
GOVERN_BUILT_UP_EXIT_YEAR = int(os.environ.get("GOVERN_BUILT_UP_EXIT_YEAR") or 2025)
GOVERN_NOTICE_PREFIXES = {
    "grading": "泉环VOC分",
    "rectification": "泉环VOC改",
    "relocation": "泉环VOC迁",
    "closure": "泉环VOC停",
    "inspection_record": "泉环VOC查",
    "emergency": "泉环VOC应急",
    "penalty_advance": "泉环罚告",
    "penalty_decision": "泉环罚",
}
# Heavy-pollution warnings (emergency/rules.py): the share of a district's emissions each level's lists
# must cut (环办大气函〔2019〕648号: 10 / 20 / 30 %), the usual notice before a warning starts, how often an
# unconfirmed instruction is chased, and the tolerance (percentage points) before monitoring readings
# during a warning count as a shortfall.
GOVERN_WARNING_THRESHOLDS = {"yellow": 10, "orange": 20, "red": 30}
GOVERN_WARNING_NOTICE_HOURS = 24
GOVERN_INSTRUCTION_CHASE_HOURS = 2
GOVERN_SHORTFALL_TOLERANCE_PCT = 5
GOVERN_SHORTFALL_MIN_HOURS = 6
# Working days an inspector has to review submitted evidence, and to carry out a follow-up visit.
GOVERN_REVIEW_WORKING_DAYS = 5
# API tokens stop working this many days after they were issued (manage.py api_tokens --issue).
GOVERN_API_TOKEN_DAYS = int(os.environ.get("GOVERN_API_TOKEN_DAYS", "90"))
GOVERN_FOLLOW_UP_WORKING_DAYS = 5
# Split the daily deadline job by enterprise into this many tasks for the workers to share.
GOVERN_DAILY_JOB_SHARDS = int(os.environ.get("GOVERN_DAILY_JOB_SHARDS", "1"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "api.common.Pagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.common.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "govern API",
    "DESCRIPTION": "VOC tiered governance: enterprises, lifecycle, inspections, remediation, notices, deadlines.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "TierEnum": "enterprises.models.Tier",
        "StateEnum": "enterprises.models.State",
        "NoticeKindEnum": "notices.models.NoticeKind",
        "MilestoneKindEnum": "enterprises.models.RelocationMilestone.Kind",
    },
}
