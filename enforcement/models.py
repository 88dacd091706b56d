"""Administrative penalty cases (生态环境行政处罚): stages with legal clocks, the officers on a case,
continuous daily penalties and sealing or seizure. The stage is driven only by ``enforcement.services``."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from enterprises.models import Enterprise
from govern import clock
from govern.audit import AppendOnlyModel
from inspections.models import RectificationOrder, SiteVisit

from . import rules


class Stage(models.TextChoices):
    INVESTIGATION = "investigation", _("investigation")
    REVIEW = "review", _("legal review")
    NOTIFIED = "notified", _("advance notice served")
    HEARING = "hearing", _("hearing requested")
    DECIDED = "decided", _("decided")
    SERVED = "served", _("decision served")
    EXECUTED = "executed", _("executed")
    CLOSED = "closed", _("case closed")
    DROPPED = "dropped", _("dropped")


OPEN_STAGES = (
    Stage.INVESTIGATION,
    Stage.REVIEW,
    Stage.NOTIFIED,
    Stage.HEARING,
    Stage.DECIDED,
    Stage.SERVED,
    Stage.EXECUTED,
)
DROPPED_STAGE = Stage.DROPPED
# The order a case moves through; a hearing only when requested, and a case may be dropped before the
# advance notice.
STAGE_ORDER = [s for s in Stage if s != Stage.DROPPED]


class PenaltyCase(FSMModelMixin, models.Model):
    class Source(models.TextChoices):
        VISIT = "visit", _("site visit referred for enforcement")
        ORDER = "order", _("rectification order ignored past its deadline")

    class Execution(models.TextChoices):
        PAID = "paid", _("fine paid")
        COURT = "court", _("enforcement applied for at the court")
        NONE = "none", _("nothing to execute")

    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    number = models.CharField(_("case number"), max_length=40, unique=True)
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="cases"
    )
    source = models.CharField(_("opened from"), max_length=6, choices=Source.choices)
    visit = models.ForeignKey(
        SiteVisit,
        verbose_name=_("visit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    order = models.ForeignKey(
        RectificationOrder,
        verbose_name=_("overdue order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    facts = models.TextField(_("facts of the violation"))
    legal_basis = models.CharField(_("provisions violated"), max_length=300)
    penalty_basis = models.CharField(_("basis of the penalty"), max_length=300, blank=True)
    stage = FSMField(
        _("stage"),
        default=Stage.INVESTIGATION,
        choices=Stage.choices,
        protected=True,
        db_index=True,
    )
    opened_on = models.DateField(_("filed on"))
    decision_extended = models.BooleanField(_("decision period extended"), default=False)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    proposed_fine = models.DecimalField(
        _("proposed fine (yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    other_penalties = models.CharField(_("other penalties"), max_length=300, blank=True)
    hearing_right = models.BooleanField(
        _("right to a hearing"),
        default=False,
        help_text=_(
            "A large fine, suspension of production, revocation of a permit… (第六十三条)."
        ),
    )
    notice_served_on = models.DateField(_("advance notice served on"), null=True, blank=True)
    statement = models.TextField(_("statement and defence"), blank=True)
    statement_received_on = models.DateField(_("statement received on"), null=True, blank=True)
    hearing_requested_on = models.DateField(_("hearing requested on"), null=True, blank=True)
    hearing_notified_on = models.DateField(_("hearing notified on"), null=True, blank=True)
    hearing_on = models.DateField(_("hearing on"), null=True, blank=True)
    hearing_held_on = models.DateField(_("hearing held on"), null=True, blank=True)
    hearing_record = models.TextField(_("hearing record"), blank=True)
    fine = models.DecimalField(
        _("fine decided (yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_served_on = models.DateField(_("decision served on"), null=True, blank=True)
    service_method = models.CharField(_("served how"), max_length=100, blank=True)
    execution = models.CharField(
        _("execution"), max_length=6, choices=Execution.choices, blank=True
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    amount_paid = models.DecimalField(
        _("amount paid (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    enforcement_applied_on = models.DateField(
        _("enforcement applied for on"), null=True, blank=True
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    drop_reason = models.TextField(_("why the case was dropped"), blank=True)
    # The bureau's next legal deadline on the case (kept by the services for the deadlines list).
    due_on = models.DateField(_("next legal deadline"), null=True, blank=True)
    due_what = models.CharField(_("what is due"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = _("penalty case")
        verbose_name_plural = _("penalty cases")
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="case_number_unique"),
            models.UniqueConstraint(
                fields=["visit"],
                condition=models.Q(visit__isnull=False) & ~models.Q(stage="dropped"),
                name="one_live_case_per_visit",
            ),
            models.UniqueConstraint(
                fields=["order"],
                condition=models.Q(order__isnull=False) & ~models.Q(stage="dropped"),
                name="one_live_case_per_order",
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_on", "id"],
                name="case_open_by_due",
                condition=models.Q(due_on__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return self.number

    # The stage machine; the guards with their reasons are in services (they need dates and officers).

    @transition(field=stage, source=Stage.INVESTIGATION, target=Stage.REVIEW)
    def to_review(self):
        pass

    @transition(field=stage, source=Stage.REVIEW, target=Stage.NOTIFIED)
    def notify(self):
        pass

    @transition(field=stage, source=Stage.NOTIFIED, target=Stage.HEARING)
    def request_hearing(self):
        pass

    @transition(field=stage, source=[Stage.NOTIFIED, Stage.HEARING], target=Stage.DECIDED)
    def decide(self):
        pass

    @transition(field=stage, source=Stage.DECIDED, target=Stage.SERVED)
    def serve(self):
        pass

    @transition(field=stage, source=Stage.SERVED, target=Stage.EXECUTED)
    def execute(self):
        pass

    @transition(field=stage, source=Stage.EXECUTED, target=Stage.CLOSED)
    def close(self):
        pass

    @transition(field=stage, source=[Stage.INVESTIGATION, Stage.REVIEW], target=Stage.DROPPED)
    def drop(self):
        pass

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    @property
    def decision_due(self):
        return rules.decision_due(self.opened_on, extended=self.decision_extended)

    @property
    def statement_due(self):
        return rules.statement_due(self.notice_served_on) if self.notice_served_on else None

    @property
    def service_due(self):
        return rules.service_due(self.decided_on) if self.decided_on else None

    @property
    def payment_due(self):
        return rules.payment_due(self.decision_served_on) if self.decision_served_on else None

    @property
    def enforcement_window(self):
        if not self.decision_served_on:
            return None
        return rules.enforcement_window(self.decision_served_on)

    def late_fee(self, today):
        if not self.fine or not self.payment_due:
            return Decimal("0")
        return rules.late_fee(self.fine, due=self.payment_due, paid_or_today=self.paid_on or today)

    def clocks(self) -> list[rules.Clock]:
        """The case's legal clocks that apply at its stage (shown on the case page)."""
        found: list[rules.Clock] = []
        if self.stage in (Stage.INVESTIGATION, Stage.REVIEW, Stage.NOTIFIED, Stage.HEARING):
            found.append(
                rules.Clock(
                    "decision",
                    str(_("Decision due")),
                    self.decision_due,
                    False,
                    "《行政处罚法》第六十条"
                    + ("；《生态环境行政处罚办法》延长三十日" if self.decision_extended else ""),
                )
            )
        if self.stage in (Stage.NOTIFIED, Stage.HEARING) and self.statement_due:
            found.append(
                rules.Clock(
                    "statement",
                    str(_("Statement and hearing request window ends")),
                    self.statement_due,
                    True,
                    "《行政处罚法》第六十四条（一）、第八十五条",
                )
            )
        if self.stage == Stage.HEARING and self.hearing_notified_on:
            found.append(
                rules.Clock(
                    "hearing",
                    str(_("Earliest hearing day (7 working days' notice)")),
                    rules.earliest_hearing(self.hearing_notified_on),
                    True,
                    "《行政处罚法》第六十四条（二）、第八十五条",
                )
            )
        if self.stage == Stage.DECIDED and self.service_due:
            found.append(
                rules.Clock(
                    "service",
                    str(_("Decision to be served")),
                    self.service_due,
                    True,
                    "《行政处罚法》第六十一条、第八十五条",
                )
            )
        if self.stage == Stage.SERVED and self.payment_due:
            found.append(
                rules.Clock(
                    "payment",
                    str(_("Fine to be paid")),
                    self.payment_due,
                    False,
                    "《行政处罚法》第六十七条",
                )
            )
            opens, closes = self.enforcement_window
            found.append(
                rules.Clock(
                    "enforcement",
                    str(_("Last day to apply to the court for enforcement")),
                    closes,
                    False,
                    "《行政强制法》第五十三条",
                )
            )
        return found


class CaseOfficer(models.Model):
    """An officer acting on a case; a recusal keeps the row with its reason (the record shows it)."""

    case = models.ForeignKey(
        PenaltyCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="officers"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        on_delete=models.PROTECT,
        related_name="case_assignments",
    )
    certificate_no = models.CharField(_("enforcement certificate number"), max_length=40)
    assigned_at = models.DateTimeField(_("assigned at"), default=clock.now)
    recused_at = models.DateTimeField(_("recused at"), null=True, blank=True)
    recusal_reason = models.CharField(_("reason for the recusal"), max_length=200, blank=True)

    class Meta:
        ordering = ["assigned_at", "id"]
        verbose_name = _("case officer")
        verbose_name_plural = _("case officers")
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="officer_once_per_case")
        ]

    def __str__(self) -> str:
        return f"{self.case} · {self.user}"


class CaseStep(AppendOnlyModel):
    """The case's history: each step, who took it, when, and what was recorded."""

    case = models.ForeignKey(
        PenaltyCase, verbose_name=_("case"), on_delete=models.PROTECT, related_name="steps"
    )
    stage = models.CharField(_("stage"), max_length=14, choices=Stage.choices)
    what = models.CharField(_("step"), max_length=200)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=clock.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("case step")
        verbose_name_plural = _("case steps")

    def __str__(self) -> str:
        return f"{self.case} · {self.what}"


class DailyPenalty(models.Model):
    """按日连续处罚: after a fine and an order to correct, each re-inspection that finds the discharge
    continuing adds the days since the order was served, at the original fine per day."""

    case = models.ForeignKey(
        PenaltyCase,
        verbose_name=_("original case"),
        on_delete=models.PROTECT,
        related_name="daily_penalties",
    )
    correction_served_on = models.DateField(_("order to correct served on"))
    daily_amount = models.DecimalField(_("fine per day (yuan)"), max_digits=12, decimal_places=2)
    days = models.PositiveIntegerField(_("days counted"), default=0)
    amount = models.DecimalField(
        _("daily penalty (yuan)"), max_digits=14, decimal_places=2, default=Decimal("0")
    )
    corrected_on = models.DateField(_("found corrected on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), default=clock.now)

    class Meta:
        ordering = ["correction_served_on", "id"]
        verbose_name = _("continuous daily penalty")
        verbose_name_plural = _("continuous daily penalties")

    def __str__(self) -> str:
        return f"{self.case} · {self.correction_served_on}"

    @property
    def reinspect_by(self):
        from datetime import timedelta

        return self.correction_served_on + timedelta(days=rules.REINSPECTION_DAYS)


class Reinspection(models.Model):
    penalty = models.ForeignKey(
        DailyPenalty,
        verbose_name=_("daily penalty"),
        on_delete=models.CASCADE,
        related_name="reinspections",
    )
    checked_on = models.DateField(_("re-inspected on"))
    still_violating = models.BooleanField(_("discharge continuing"))
    note = models.TextField(_("what was found"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["checked_on", "id"]
        verbose_name = _("re-inspection")
        verbose_name_plural = _("re-inspections")

    def __str__(self) -> str:
        return f"{self.penalty} · {self.checked_on}"


class Seizure(models.Model):
    """查封、扣押 of facilities or goods: 30 days at most, extended once by at most 30 days."""

    class Kind(models.TextChoices):
        SEAL = "seal", _("sealing (查封)")
        SEIZE = "seize", _("seizure (扣押)")

    case = models.ForeignKey(
        PenaltyCase, verbose_name=_("case"), on_delete=models.PROTECT, related_name="seizures"
    )
    kind = models.CharField(_("measure"), max_length=5, choices=Kind.choices)
    items = models.TextField(_("facilities or goods"))
    started_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    extended_days = models.PositiveSmallIntegerField(_("extended by (days)"), default=0)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    released_on = models.DateField(_("released on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = _("sealing or seizure")
        verbose_name_plural = _("sealings and seizures")
        indexes = [
            models.Index(
                fields=["ends_on", "id"],
                name="seizure_open_by_end",
                condition=models.Q(released_on__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.case}"
