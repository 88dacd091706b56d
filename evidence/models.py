"""Evidence an enterprise submits for a remediation task or a rectification order, and deadline extensions."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise, RemediationTask
from govern import clock
from govern.models import StoredFileBase
from inspections.models import RectificationOrder


class TargetMixin(models.Model):
    """Points at exactly one remediation task or rectification order of the enterprise."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+"
    )
    task = models.ForeignKey(
        RemediationTask,
        verbose_name=_("remediation task"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    order = models.ForeignKey(
        RectificationOrder,
        verbose_name=_("rectification order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        abstract = True

    @property
    def target(self) -> RemediationTask | RectificationOrder:
        target = self.task or self.order
        assert target is not None  # the check constraint: exactly one of the two
        return target

    @property
    def target_kind(self) -> str:
        return "task" if self.task_id else "order"


def exactly_one_target(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=(Q(task__isnull=False) & Q(order__isnull=True))
        | (Q(task__isnull=True) & Q(order__isnull=False)),
        name=name,
    )


class EvidenceSubmission(TargetMixin):
    """One version of the evidence for a task or order; a resubmission is a new version, never an edit."""

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting review")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")
        SUPERSEDED = "superseded", _("superseded by a newer version")

    version = models.PositiveIntegerField(_("version"))
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=clock.now)
    review_due = models.DateField(
        _("review due"),
        null=True,
        blank=True,
        help_text=_("Reviewed within GOVERN_REVIEW_WORKING_DAYS working days of submission."),
    )
    review_comment = models.TextField(_("review comment"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("evidence submission")
        verbose_name_plural = _("evidence submissions")
        indexes = [
            models.Index(
                fields=["review_due", "id"],
                name="evidence_pending_by_due",
                condition=Q(status="pending"),
            ),
            models.Index(
                fields=["submitted_at", "id"],
                name="evidence_pending_by_submission",
                condition=Q(status="pending"),
            ),
        ]
        constraints = [
            exactly_one_target("evidence_exactly_one_target"),
            models.UniqueConstraint(
                fields=["task", "version"], name="evidence_task_version_unique"
            ),
            models.UniqueConstraint(
                fields=["order", "version"], name="evidence_order_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · v{self.version}"


class EvidenceFile(StoredFileBase):
    submission = models.ForeignKey(
        EvidenceSubmission,
        verbose_name=_("submission"),
        on_delete=models.PROTECT,
        related_name="files",
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")


class DeadlineExtension(TargetMixin):
    """An enterprise's request for more time, decided once by a manager; the record stays as the audit."""

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting decision")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")

    current_deadline = models.DateField(_("deadline when requested"))
    requested_deadline = models.DateField(_("requested deadline"))
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), default=clock.now)
    decision_comment = models.TextField(_("decision comment"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("deadline extension request")
        verbose_name_plural = _("deadline extension requests")
        constraints = [
            exactly_one_target("extension_exactly_one_target"),
            models.UniqueConstraint(
                fields=["task"],
                condition=Q(status="pending"),
                name="one_pending_extension_per_task",
            ),
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(status="pending"),
                name="one_pending_extension_per_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} → {self.requested_deadline}"
