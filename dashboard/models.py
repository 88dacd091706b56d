"""The dashboard's figures, computed periodically and read by every view (constant cost at any size)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DashboardSnapshot(models.Model):
    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    data = models.JSONField(_("figures"))
    refreshed_at = models.DateTimeField(_("refreshed at"))
    took_ms = models.PositiveIntegerField(_("computed in (ms)"), default=0)

    class Meta:
        verbose_name = _("dashboard snapshot")
        verbose_name_plural = _("dashboard snapshots")

    def __str__(self) -> str:
        return f"{self.year} @ {self.refreshed_at:%Y-%m-%d %H:%M}"
