"""The Celery application; with no CELERY_BROKER_URL set, settings make every task run eagerly."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govern.settings.base")

app = Celery("govern")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
