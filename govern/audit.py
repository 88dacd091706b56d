"""Append-only models: audit rows are written once and never updated or deleted."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from govern.errors import ApplicationError


class AppendOnlyError(ApplicationError):
    default_message = _("Audit records are append-only and cannot be changed or deleted.")


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError()

    def delete(self):
        raise AppendOnlyError()


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError()
