"""Formal notices: numbered per type and year, rendered to PDF once, corrected only by a new notice."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from emergency.models import Instruction, Warning
from enforcement.models import PenaltyCase
from enterprises.models import (
    ClosureRecord,
    District,
    Enterprise,
    GradingAssessment,
    RelocationProject,
)
from govern import clock
from govern.models import StoredFileBase
from inspections.models import SiteVisit


class NoticeKind(models.TextChoices):
    GRADING = "grading", _("grading notice")
    RECTIFICATION = "rectification", _("rectification order notice")
    RELOCATION = "relocation", _("relocation notice")
    CLOSURE = "closure", _("closure notice")
    INSPECTION_RECORD = "inspection_record", _("site inspection record")
    EMERGENCY = "emergency", _("heavy-pollution warning instruction")
    PENALTY_ADVANCE = "penalty_advance", _("advance notice of an administrative penalty")
    PENALTY_DECISION = "penalty_decision", _("administrative penalty decision")


class NoticeSequence(models.Model):
    """The last number used for a kind in a year; locked while a number is taken, so none repeat or skip."""

    kind = models.CharField(_("kind"), max_length=20, choices=NoticeKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("notice sequence")
        verbose_name_plural = _("notice sequences")
        constraints = [
            models.UniqueConstraint(fields=["kind", "year"], name="one_sequence_per_kind_year")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}: {self.last}"


class NoticeBatch(models.Model):
    """Notices issued together (e.g. every grading notice of a district), rendered with a progress count."""

    kind = models.CharField(_("kind"), max_length=20, choices=NoticeKind.choices)
    district = models.ForeignKey(
        District, verbose_name=_("district"), null=True, blank=True, on_delete=models.PROTECT
    )
    warning = models.ForeignKey(
        Warning,
        verbose_name=_("heavy-pollution warning"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notice_batches",
    )
    total = models.PositiveIntegerField(_("notices"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("issued at"), default=clock.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notice batch")
        verbose_name_plural = _("notice batches")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class Notice(StoredFileBase):
    class Status(models.TextChoices):
        PENDING = "pending", _("being rendered")
        READY = "ready", _("ready")
        FAILED = "failed", _("rendering failed")

    kind = models.CharField(_("kind"), max_length=20, choices=NoticeKind.choices, db_index=True)
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    number = models.CharField(_("document number"), max_length=40, unique=True)
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="notices"
    )
    assessment = models.ForeignKey(
        GradingAssessment, null=True, blank=True, on_delete=models.PROTECT, related_name="notices"
    )
    visit = models.ForeignKey(
        SiteVisit, null=True, blank=True, on_delete=models.PROTECT, related_name="notices"
    )
    relocation = models.ForeignKey(
        RelocationProject, null=True, blank=True, on_delete=models.PROTECT, related_name="notices"
    )
    closure = models.ForeignKey(
        ClosureRecord, null=True, blank=True, on_delete=models.PROTECT, related_name="notices"
    )
    instruction = models.ForeignKey(
        Instruction, null=True, blank=True, on_delete=models.PROTECT, related_name="notices"
    )
    case = models.ForeignKey(
        PenaltyCase, null=True, blank=True, on_delete=models.PROTECT, related_name="notices"
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("supersedes"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    correction_reason = models.TextField(_("reason for the correction"), blank=True)
    batch = models.ForeignKey(
        NoticeBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="notices"
    )
    verification_code = models.CharField(_("verification code"), max_length=16, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    render_error = models.TextField(_("rendering error"), blank=True)
    render_attempts = models.PositiveSmallIntegerField(_("rendering attempts"), default=0)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued at"), default=clock.now)
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)
    # The PDF (file, sha256, size) is written once, when rendered; blank until then.
    file = models.FileField(_("file"), max_length=200, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, db_index=True)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    content_type = models.CharField(_("content type"), max_length=100, default="application/pdf")

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year", "sequence"], name="notice_number_unique"
            ),
            # One grading notice per grading (corrections supersede it and are not counted).
            models.UniqueConstraint(
                fields=["assessment"],
                condition=models.Q(kind="grading", supersedes__isnull=True),
                name="one_grading_notice_per_assessment",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY


class ServiceMethod(models.TextChoices):
    """How a notice reached the enterprise (送达方式): 行政处罚法 第六十一条 refers to the Civil
    Procedure Law's rules; electronic service needs the party's signed consent."""

    DIRECT = "direct", _("handed over (direct service)")
    LEFT = "left", _("left at the premises after a refusal")
    MAIL = "mail", _("by post")
    ELECTRONIC = "electronic", _("electronically, with the party's consent")
    ANNOUNCEMENT = "announcement", _("public announcement")


class NoticeService(models.Model):
    """The record of service (送达回证) of a notice: how, when, to whom, with the receipt."""

    notice = models.OneToOneField(
        Notice, verbose_name=_("notice"), on_delete=models.PROTECT, related_name="service"
    )
    method = models.CharField(_("how it was served"), max_length=12, choices=ServiceMethod.choices)
    served_on = models.DateField(_("served on"))
    recipient = models.CharField(_("received by"), max_length=100, blank=True)
    address = models.CharField(
        _("served at (address, mailbox or number)"), max_length=200, blank=True
    )
    witness = models.CharField(_("witness"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)
    receipt = models.FileField(_("receipt"), max_length=200, blank=True)
    receipt_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    receipt_name = models.CharField(_("original name"), max_length=200, blank=True)
    receipt_type = models.CharField(_("content type"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=clock.now)

    class Meta:
        verbose_name = _("record of service")
        verbose_name_plural = _("records of service")

    def __str__(self) -> str:
        return f"{self.notice} · {self.get_method_display()} · {self.served_on}"

    @property
    def deemed_served_on(self):
        """An announced notice counts as served 30 days after the announcement (民事诉讼法 第九十五条,
        2023 revision; from memory, not confirmed against a stored page); otherwise the day itself."""
        if self.method == ServiceMethod.ANNOUNCEMENT:
            return self.served_on + timedelta(days=30)
        return self.served_on
