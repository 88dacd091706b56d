"""Online monitoring (数字治气): points at the enterprises' outlets, their readings over HJ 212, the
receiver's counters and quarantine, and the alerts the readings open."""

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise
from govern import clock

# Pollutant codes of HJ 212-2017 Appendix B that VOC outlets report (../shared/hj212/README.md).
POLLUTANTS = {
    "a24088": _("non-methane hydrocarbons (NMHC)"),
    "a24087": _("total hydrocarbons"),
    "a05002": _("methane"),
    "a25002": _("benzene"),
    "a25003": _("toluene"),
    "a25005": _("xylene"),
    "a00000": _("flue gas flow"),
    "a01011": _("flue gas velocity"),
    "a01012": _("flue gas temperature"),
    "a01013": _("flue gas pressure"),
    "a01014": _("flue gas humidity"),
    "a19001": _("oxygen"),
    "a21002": _("NOx"),
    "a21026": _("SO2"),
    "a34013": _("particulate matter"),
}
UNITS = {
    "a00000": "m³/h",
    "a01011": "m/s",
    "a01012": "℃",
    "a01013": "kPa",
    "a01014": "%",
    "a19001": "%",
}
DEFAULT_UNIT = "mg/m³"


def pollutant_name(code: str) -> str:
    return str(POLLUTANTS.get(code, code))


class DataFlag(models.TextChoices):
    """Per-value data flags of HJ 212-2017 (../shared/hj212/README.md)."""

    NORMAL = "N", _("normal")
    STOPPED = "F", _("stopped")
    MAINTENANCE = "M", _("maintenance")
    MANUAL = "S", _("manual value")
    FAULT = "D", _("fault")
    CALIBRATION = "C", _("calibration")
    OVER_RANGE = "T", _("over range")
    COMMS = "B", _("communication fault")


# Flags that open an alert; a value carrying one of them is not valid data for completeness.
ALERT_FLAGS = frozenset("DMFCB")
VALID_FLAGS = frozenset("NST")


def silence_cutoff(now: datetime) -> datetime:
    """A point is silent when it has had no hourly value since this moment."""
    return now - timedelta(hours=settings.GOVERN_MONITORING_SILENT_HOURS)


class PointQuerySet(models.QuerySet):
    def active(self) -> "PointQuerySet":
        return self.filter(retired_at__isnull=True)

    def silent(self, *, now: datetime) -> "PointQuerySet":
        return self.active().filter(MonitoringPoint.silent_q(now=now))


class MonitoringPoint(models.Model):
    class Outlet(models.TextChoices):
        AIR_SOURCE = "31", _("air pollution source (ST 31)")
        VOC = "27", _("VOC monitoring (ST 27)")

    mn = models.CharField(
        _("device number (MN)"),
        max_length=24,
        unique=True,
        help_text=_("The data logger's MN as it sends it: letters and digits, at most 24."),
    )
    password = models.CharField(_("access password (PW)"), max_length=32, default="123456")
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="monitoring_points",
    )
    outlet = models.CharField(_("outlet"), max_length=100)
    st = models.CharField(_("system code (ST)"), max_length=2, choices=Outlet.choices)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    # Maintained by the receiver in one statement per batch; the live list reads them.
    last_seen_at = models.DateTimeField(_("last packet"), null=True, blank=True)
    last_hour_at = models.DateTimeField(_("last hourly value"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    objects = PointQuerySet.as_manager()

    class Meta:
        ordering = ["enterprise_id", "outlet", "id"]
        verbose_name = _("monitoring point")
        verbose_name_plural = _("monitoring points")

    def __str__(self) -> str:
        return f"{self.outlet} ({self.mn})"

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None

    @staticmethod
    def silent_q(*, now: datetime) -> models.Q:
        """Installed before the silence window and no hourly value within it (one rule for the
        missing-data alert, the live list, the dashboard and the enterprise page)."""
        cutoff = silence_cutoff(now)
        return models.Q(created_at__lt=cutoff) & (
            models.Q(last_hour_at__lt=cutoff) | models.Q(last_hour_at__isnull=True)
        )

    def is_silent(self, *, now: datetime) -> bool:
        cutoff = silence_cutoff(now)
        return (
            self.retired_at is None
            and self.created_at < cutoff
            and (self.last_hour_at is None or self.last_hour_at < cutoff)
        )


class PollutantLimit(models.Model):
    """A pollutant a point reports, with its emission limit and the limit's legal source."""

    point = models.ForeignKey(
        MonitoringPoint,
        verbose_name=_("monitoring point"),
        on_delete=models.CASCADE,
        related_name="pollutants",
    )
    code = models.CharField(_("pollutant code"), max_length=12)
    limit = models.DecimalField(
        _("hourly limit"),
        max_digits=10,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(Decimal("0.001"), message=_("The limit must be above zero."))
        ],
        help_text=_("Empty: reported but not limited (e.g. flow)."),
    )
    unit = models.CharField(_("unit"), max_length=10, default=DEFAULT_UNIT)
    legal_source = models.CharField(
        _("legal source"),
        max_length=200,
        blank=True,
        help_text=_("The standard and clause that sets the limit, e.g. GB 16297-1996 表2."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), default=clock.now)

    class Meta:
        ordering = ["point_id", "code"]
        verbose_name = _("pollutant limit")
        verbose_name_plural = _("pollutant limits")
        constraints = [
            models.UniqueConstraint(fields=["point", "code"], name="pollutant_once_per_point"),
            models.CheckConstraint(
                condition=models.Q(limit__isnull=True) | models.Q(limit__gt=0),
                name="limit_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.point.mn} {self.code}"

    @property
    def name(self) -> str:
        return pollutant_name(self.code)


class Interval(models.IntegerChoices):
    """The HJ 212 command a value came with: its averaging interval."""

    MINUTE = 2051, _("minute")
    HOUR = 2061, _("hour")
    DAY = 2031, _("day")


class Reading(models.Model):
    """One pollutant's value at one time. On PostgreSQL the table is partitioned by month of
    ``data_time`` (see migrations/0001 and ``monitoring.partitions``); a resent packet's values hit
    the unique constraint and are dropped, so each is stored once."""

    id = models.BigAutoField(primary_key=True)
    point = models.ForeignKey(
        MonitoringPoint,
        verbose_name=_("monitoring point"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="readings",
    )
    code = models.CharField(_("pollutant code"), max_length=12)
    cn = models.SmallIntegerField(_("interval"), choices=Interval.choices)
    data_time = models.DateTimeField(_("data time"))
    avg = models.FloatField(_("average"), null=True)
    min = models.FloatField(_("minimum"), null=True)
    max = models.FloatField(_("maximum"), null=True)
    cou = models.FloatField(_("total"), null=True)
    flag = models.CharField(_("data flag"), max_length=1, choices=DataFlag.choices, default="N")
    received_at = models.DateTimeField(_("received at"))

    class Meta:
        ordering = ["data_time", "id"]
        verbose_name = _("reading")
        verbose_name_plural = _("readings")
        constraints = [
            models.UniqueConstraint(
                fields=["point", "cn", "code", "data_time"], name="reading_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.point_id} {self.code} {self.data_time:%Y-%m-%d %H:%M} {self.avg}"


class Fault(models.TextChoices):
    """Why the receiver did not store a frame or a packet (each counted; the last ones kept)."""

    STORED = "stored", _("stored")
    REALTIME = "realtime", _("real-time value (not stored; last packet time updated)")
    DUPLICATE = "duplicate", _("resent, already stored")
    ANSWERED = "answered", _("answered (9014)")
    GARBAGE = "garbage", _("bytes outside any frame")
    BAD_HEADER = "bad_header", _("bad header")
    TOO_LONG = "too_long", _("frame longer than the protocol allows")
    LENGTH_MISMATCH = "length_mismatch", _("length mismatch")
    CRC_MISMATCH = "crc_mismatch", _("CRC mismatch")
    UNKNOWN_COMMAND = "unknown_command", _("unknown command")
    MALFORMED_CP = "malformed_cp", _("malformed CP")
    STALLED = "stalled", _("half a frame, then silence (connection closed)")
    SPLIT_INCOMPLETE = "split_incomplete", _("split message never completed")
    UNKNOWN_MN = "unknown_mn", _("unknown MN")
    WRONG_PASSWORD = "wrong_password", _("wrong password")
    RETIRED_POINT = "retired_point", _("retired point")
    BAD_TIME = "bad_time", _("data time out of range")
    NOT_DATA = "not_data", _("not a data packet (answered if asked)")
    STORE_FAILED = "store_failed", _("not stored: database unavailable (not answered; resent)")


QUARANTINE_FAULTS = (Fault.UNKNOWN_MN, Fault.WRONG_PASSWORD, Fault.RETIRED_POINT, Fault.BAD_TIME)


class ReceiverCount(models.Model):
    """How many frames or packets the receivers filed under each reason, per day."""

    day = models.DateField(_("day"))
    reason = models.CharField(_("reason"), max_length=20, choices=Fault.choices)
    count = models.BigIntegerField(_("count"), default=0)

    class Meta:
        ordering = ["-day", "reason"]
        verbose_name = _("receiver count")
        verbose_name_plural = _("receiver counts")
        constraints = [models.UniqueConstraint(fields=["day", "reason"], name="count_once_per_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.reason} {self.count}"


class QuarantinedPacket(models.Model):
    """A well-formed packet that is not stored as data: unknown MN, wrong password, retired point."""

    received_at = models.DateTimeField(_("received at"), default=clock.now, db_index=True)
    reason = models.CharField(_("reason"), max_length=20, choices=Fault.choices)
    mn = models.CharField(_("device number (MN)"), max_length=64)
    cn = models.CharField(_("command (CN)"), max_length=8)
    peer = models.CharField(_("sender address"), max_length=64, blank=True)
    frame = models.TextField(_("frame"))

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("quarantined packet")
        verbose_name_plural = _("quarantined packets")

    def __str__(self) -> str:
        return f"{self.received_at:%Y-%m-%d %H:%M:%S} {self.reason} {self.mn}"


class Alert(models.Model):
    class Kind(models.TextChoices):
        EXCEEDANCE = "exceedance", _("hourly average above the limit")
        FLAG = "flag", _("data flag: fault, maintenance, stopped, calibration or comms")
        MISSING = "missing", _("no hourly data")
        SHORTFALL = "shortfall", _("reduction during a warning below the instruction")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        EXPLAINED = "explained", _("explained by the enterprise")
        RESOLVED = "resolved", _("resolved")

    point = models.ForeignKey(
        MonitoringPoint,
        verbose_name=_("monitoring point"),
        on_delete=models.PROTECT,
        related_name="alerts",
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="alerts"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    code = models.CharField(_("pollutant code"), max_length=12, blank=True)
    flag = models.CharField(_("data flag"), max_length=1, blank=True, choices=DataFlag.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    first_time = models.DateTimeField(_("first hour"))
    last_time = models.DateTimeField(_("last hour"))
    hours = models.PositiveIntegerField(_("hours"), default=1)
    peak = models.FloatField(_("highest value"), null=True, blank=True)
    limit = models.DecimalField(_("limit"), max_digits=10, decimal_places=3, null=True, blank=True)
    legal_source = models.CharField(_("legal source"), max_length=200, blank=True)
    opened_at = models.DateTimeField(_("opened at"), default=clock.now)
    explanation = models.TextField(_("explanation"), blank=True)
    explained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("explained by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    explained_at = models.DateTimeField(_("explained at"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        ordering = ["-last_time", "-id"]
        verbose_name = _("monitoring alert")
        verbose_name_plural = _("monitoring alerts")
        constraints = [
            # Repeated readings extend the unresolved alert; two receivers cannot open two.
            models.UniqueConstraint(
                fields=["point", "kind", "code", "flag"],
                condition=~models.Q(status="resolved"),
                name="one_unresolved_alert",
            ),
        ]
        indexes = [models.Index(fields=["enterprise", "status"], name="alert_enterprise_status")]

    def __str__(self) -> str:
        return f"{self.point.mn} {self.get_kind_display()} {self.first_time:%Y-%m-%d %H:%M}"

    @property
    def subject(self) -> str:
        """What the alert is about, as a person says it."""
        if self.kind in (self.Kind.EXCEEDANCE, self.Kind.SHORTFALL):
            return pollutant_name(self.code)
        if self.kind == self.Kind.FLAG:
            return str(DataFlag(self.flag).label) if self.flag else ""
        return ""

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.RESOLVED
