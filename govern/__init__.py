"""The govern project package: settings, URLs, the Celery app, roles, errors and audit helpers."""

from .celery import app as celery_app

__all__ = ("celery_app",)
