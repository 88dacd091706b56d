"""Test settings: the real PostgreSQL and Redis, fast password hashing."""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/govern")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")

from .base import *  # noqa: E402,F403
from .base import BASE_DIR, STATIC_ROOT  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests call services directly; tasks run eagerly unless a test starts a real worker.
CELERY_TASK_ALWAYS_EAGER = True
GOVERN_BACKGROUND_THREADS = False
# Most tests submit records to test something else; tests of the signing rule turn it on.
GOVERN_VISIT_SIGNATURES_REQUIRED = False
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SECRET_KEY = "test-only-" + "k" * 50
DEBUG = False
# Lockouts are tested on purpose (tests/test_security.py); elsewhere a wrong password is just wrong.
AXES_ENABLED = True
GOVERN_SMS_BACKEND = "govern.sms.LocmemBackend"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects the folder
