"""Heavy-pollution weather response and the ozone season.

- An enterprise's **emergency reduction list** (应急减排清单): its production lines, each with its share
  of the enterprise's emissions, the measure at each warning level and how compliance is checked. The
  enterprise drafts it, an inspector approves it; an approved list stays in force until a newer one is.
- A **warning** (预警) for one or more districts at a level, from a start to an end, with every change
  (upgrade, downgrade, lift) recorded. Each enterprise in scope gets an **instruction**: what its list
  requires at that level, from when to when; it confirms it in the portal.
- A **spot-check draw** during a warning, weighted towards grades C and D, reproducible from its seed.
- **Ozone campaigns** (臭氧攻坚): windows during which the listed sectors carry staggered production.

The rules behind the figures (the 10/20/30 % district thresholds, who follows the stricter measures) are
in ``rules.py`` with their sources.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from enterprises.models import MAX_TPA, District, Enterprise, Sector
from govern import clock
from govern import validators as text
from monitoring.models import MonitoringPoint


class Level(models.TextChoices):
    """Warning levels in ascending severity (GB/T 27967 style colours used by the national guide)."""

    YELLOW = "yellow", _("yellow")
    ORANGE = "orange", _("orange")
    RED = "red", _("red")


LEVEL_RANK = {Level.YELLOW: 1, Level.ORANGE: 2, Level.RED: 3}
LEVELS = (Level.YELLOW, Level.ORANGE, Level.RED)
POLLUTANTS = ("voc", "nox", "pm")


class Measure(models.TextChoices):
    STOP = "stop", _("stop")
    LIMIT = "limit", _("limit output")
    NONE = "none", _("no change")


class CheckMethod(models.TextChoices):
    MONITORING = "monitoring", _("online monitoring point")
    ELECTRICITY = "electricity", _("electricity metering")
    PRODUCTION_LOG = "production_log", _("production log")
    SEAL = "seal", _("seal on the line")


def measure_text(measure: str, keep_pct: int | None) -> str:
    """How a line's measure reads on the notice, the spot-check checklist and the portal."""
    if measure == Measure.STOP:
        return pgettext("emergency measure", "stop production")
    if measure == Measure.LIMIT:
        return gettext("limit output to %(p)s %% of normal") % {"p": keep_pct}
    return pgettext("emergency measure", "normal production")


def _tpa(verbose: str) -> models.DecimalField:
    return models.DecimalField(
        verbose,
        max_digits=10,
        decimal_places=3,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_TPA)],
    )


def _percent(verbose: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        verbose,
        null=True,
        blank=True,
        validators=[MaxValueValidator(99)],
        help_text=_("With “limit output”: the output kept, as a percentage of normal."),
    )


# A list still being worked on (at most one per enterprise); the others are approved or superseded.
OPEN_LIST_STATUSES = ["draft", "submitted", "returned"]


class ReductionList(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted for approval")
        RETURNED = "returned", _("returned for changes")
        APPROVED = "approved", _("approved")
        SUPERSEDED = "superseded", _("superseded")

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="reduction_lists",
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    note = models.TextField(_("notes for the inspector"), blank=True, validators=[text.multi_line])
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        ordering = ["enterprise_id", "-version"]
        verbose_name = _("emergency reduction list")
        verbose_name_plural = _("emergency reduction lists")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "version"], name="reduction_list_version_unique"
            ),
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=models.Q(status="approved"),
                name="one_approved_list_per_enterprise",
            ),
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=models.Q(status__in=OPEN_LIST_STATUSES),
                name="one_open_list_per_enterprise",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} v{self.version}"

    @property
    def editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_LIST_STATUSES


class ProductionLine(models.Model):
    """One line or process of a list: its share of the enterprise's emissions and its measures."""

    reduction_list = models.ForeignKey(
        ReductionList, on_delete=models.CASCADE, related_name="lines"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("line or process"), max_length=100, validators=[text.single_line])
    voc_tpa = _tpa(_("VOCs (t/a)"))
    nox_tpa = _tpa(_("NOx (t/a)"))
    pm_tpa = _tpa(_("particulate (t/a)"))
    yellow_measure = models.CharField(
        _("yellow warning"), max_length=5, choices=Measure.choices, default=Measure.NONE
    )
    yellow_keep_pct = _percent(_("yellow: output kept (%)"))
    orange_measure = models.CharField(
        _("orange warning"), max_length=5, choices=Measure.choices, default=Measure.NONE
    )
    orange_keep_pct = _percent(_("orange: output kept (%)"))
    red_measure = models.CharField(
        _("red warning"), max_length=5, choices=Measure.choices, default=Measure.NONE
    )
    red_keep_pct = _percent(_("red: output kept (%)"))
    check_method = models.CharField(
        _("how compliance is checked"), max_length=15, choices=CheckMethod.choices
    )
    monitoring_point = models.ForeignKey(
        MonitoringPoint,
        verbose_name=_("monitoring point"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    check_detail = models.CharField(
        _("check details"),
        max_length=200,
        blank=True,
        validators=[text.single_line],
        help_text=_("e.g. the meter number, the log kept, where the seal goes."),
    )

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("production line")
        verbose_name_plural = _("production lines")

    def __str__(self) -> str:
        return self.name

    def measure(self, level: str) -> tuple[str, int | None]:
        return getattr(self, f"{level}_measure"), getattr(self, f"{level}_keep_pct")

    def cut(self, level: str) -> Decimal:
        """The share of the line's emissions its measure at this level removes (0 to 1)."""
        measure, keep = self.measure(level)
        if measure == Measure.STOP:
            return Decimal(1)
        if measure == Measure.LIMIT and keep is not None:
            return (Decimal(100) - keep) / 100
        return Decimal(0)

    def reduction(self, level: str, pollutant: str) -> Decimal:
        return getattr(self, f"{pollutant}_tpa") * self.cut(level)


def live(prefix: str = "", *, now) -> models.Q:
    """A warning not yet over at ``now`` (scheduled or in force): not ended, not lifted. ``prefix`` is
    the path to the warning (``"warning__"`` from an instruction)."""
    return models.Q(**{f"{prefix}ends_at__gt": now}) & (
        models.Q(**{f"{prefix}lifted_at__isnull": True})
        | models.Q(**{f"{prefix}lifted_at__gt": now})
    )


class InstructionQuerySet(models.QuerySet):
    def awaiting_confirmation(self, *, now):
        """Current, unconfirmed instructions of warnings not yet over: the ones to confirm and chase."""
        return self.filter(
            live("warning__", now=now), replaced_at__isnull=True, confirmed_at__isnull=True
        )


class Warning(models.Model):
    """A declared heavy-pollution warning. Lifting it ends it early; nothing that happened is deleted."""

    level = models.CharField(_("level"), max_length=6, choices=Level.choices)
    districts = models.ManyToManyField(
        District, verbose_name=_("districts"), related_name="warnings"
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    reason = models.TextField(
        _("reason (forecast, instruction received)"), validators=[text.multi_line]
    )
    short_notice_reason = models.TextField(
        _("why it starts within 24 hours"), blank=True, validators=[text.multi_line]
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("declared by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    declared_at = models.DateTimeField(_("declared at"), default=clock.now)
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    report_made_at = models.DateTimeField(_("checked after the episode"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("heavy-pollution warning")
        verbose_name_plural = _("heavy-pollution warnings")

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def effective_end(self):
        return min(self.ends_at, self.lifted_at) if self.lifted_at else self.ends_at

    def phase(self, now=None) -> str:
        now = now or clock.now()
        if self.lifted_at and self.lifted_at <= now:
            return "lifted"
        if now < self.starts_at:
            return "scheduled"
        if now < self.ends_at:
            return "active"
        return "ended"


class WarningChange(models.Model):
    """Every step of a warning: declared, upgraded, downgraded, extended, lifted."""

    class Kind(models.TextChoices):
        DECLARED = "declared", _("warning declared")
        UPGRADED = "upgraded", _("level raised")
        DOWNGRADED = "downgraded", _("level lowered")
        LIFTED = "lifted", _("warning lifted")

    warning = models.ForeignKey(Warning, on_delete=models.PROTECT, related_name="changes")
    kind = models.CharField(_("change"), max_length=10, choices=Kind.choices)
    from_level = models.CharField(_("from"), max_length=6, choices=Level.choices, blank=True)
    to_level = models.CharField(_("to"), max_length=6, choices=Level.choices, blank=True)
    effective_at = models.DateTimeField(_("effective from"))
    reason = models.TextField(_("reason"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=clock.now)

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = _("warning change")
        verbose_name_plural = _("warning changes")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.effective_at:%Y-%m-%d %H:%M}"


class Instruction(models.Model):
    """What one enterprise must do during a warning at one level; replaced (not changed) on a new level."""

    warning = models.ForeignKey(Warning, on_delete=models.PROTECT, related_name="instructions")
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(_("level"), max_length=6, choices=Level.choices)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    reduction_list = models.ForeignKey(
        ReductionList, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    measures = models.JSONField(
        _("measures"), default=list, help_text=_("The list's lines as they were when issued.")
    )
    voc_t = models.DecimalField(_("VOC reduction (t/a)"), max_digits=12, decimal_places=3)
    nox_t = models.DecimalField(_("NOx reduction (t/a)"), max_digits=12, decimal_places=3)
    pm_t = models.DecimalField(_("particulate reduction (t/a)"), max_digits=12, decimal_places=3)
    issued_at = models.DateTimeField(_("issued at"), default=clock.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    chases = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    last_chased_at = models.DateTimeField(_("last reminded"), null=True, blank=True)
    replaced_at = models.DateTimeField(_("replaced at"), null=True, blank=True)

    objects = InstructionQuerySet.as_manager()

    class Meta:
        ordering = ["warning_id", "enterprise_id", "issued_at"]
        verbose_name = _("warning instruction")
        verbose_name_plural = _("warning instructions")
        constraints = [
            models.UniqueConstraint(
                fields=["warning", "enterprise"],
                condition=models.Q(replaced_at__isnull=True),
                name="one_current_instruction",
            )
        ]
        indexes = [
            models.Index(fields=["warning", "confirmed_at"], name="instruction_confirmation")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.get_level_display()}"

    @property
    def is_current(self) -> bool:
        return self.replaced_at is None

    def awaits_confirmation(self, now) -> bool:
        """The row form of ``Instruction.objects.awaiting_confirmation``."""
        return (
            self.replaced_at is None
            and self.confirmed_at is None
            and now < self.warning.effective_end
        )

    def readable_lines(self) -> list[dict]:
        """The lines as issued, as people read them (in the active language): the line, its measure,
        how compliance is checked."""
        lines = []
        for line in self.measures:
            check = str(CheckMethod(line["check"]).label) if line.get("check") else ""
            if line.get("check_detail"):
                check = f"{check}（{line['check_detail']}）"
            lines.append(
                {
                    "line": line["line"],
                    "measure": line["measure"],
                    "text": measure_text(line["measure"], line.get("keep_pct")),
                    "check": check,
                }
            )
        return lines


class SpotCheckDraw(models.Model):
    """A random draw of enterprises in a warning's scope to check on site, weighted by grade.

    The pool (enterprise ids with their grades) and the weights are stored as drawn, so the seed —
    generated by the server — replays the same picks."""

    warning = models.ForeignKey(Warning, on_delete=models.PROTECT, related_name="draws")
    seed = models.BigIntegerField(_("seed"))
    count = models.PositiveIntegerField(_("enterprises to check"))
    weights = models.JSONField(_("weight per grade"))
    pool = models.JSONField(_("pool"), help_text=_("[enterprise id, grade] as drawn."))
    due_date = models.DateField(_("check by"))
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drawn by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    drawn_at = models.DateTimeField(_("drawn at"), default=clock.now)

    class Meta:
        ordering = ["-drawn_at", "-id"]
        verbose_name = _("spot-check draw")
        verbose_name_plural = _("spot-check draws")

    def __str__(self) -> str:
        return f"{self.warning} · {self.seed}"


class SpotCheck(models.Model):
    draw = models.ForeignKey(SpotCheckDraw, on_delete=models.PROTECT, related_name="checks")
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+"
    )
    instruction = models.ForeignKey(
        Instruction, on_delete=models.PROTECT, related_name="spot_checks"
    )

    class Meta:
        ordering = ["draw_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "enterprise"], name="spot_check_once_per_draw")
        ]

    def __str__(self) -> str:
        return str(self.enterprise)


class ReadingComparison(models.Model):
    """A monitoring point's readings during a warning against its normal level (the 30 days before)."""

    instruction = models.ForeignKey(
        Instruction, on_delete=models.PROTECT, related_name="comparisons"
    )
    point = models.ForeignKey(MonitoringPoint, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("pollutant code"), max_length=12)
    normal = models.FloatField(_("normal hourly average"))
    during = models.FloatField(_("hourly average during the warning"))
    hours = models.PositiveIntegerField(_("hours compared"))
    required_pct = models.DecimalField(_("reduction required (%)"), max_digits=5, decimal_places=1)
    observed_pct = models.DecimalField(_("reduction observed (%)"), max_digits=6, decimal_places=1)
    shortfall = models.BooleanField(_("shortfall"), default=False)
    alert = models.ForeignKey(
        "monitoring.Alert", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    compared_at = models.DateTimeField(_("compared at"), default=clock.now)

    class Meta:
        ordering = ["instruction_id", "point_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["instruction", "point", "code"], name="one_comparison_per_point"
            )
        ]

    def __str__(self) -> str:
        return f"{self.point} {self.code}: {self.observed_pct}% / {self.required_pct}%"


class OzoneCampaign(models.Model):
    """A campaign window (e.g. Quanzhou's VOC campaigns in April–June and August–October) during which
    enterprises of the listed sectors shift solvent-intensive work out of the restricted hours."""

    name = models.CharField(_("name"), max_length=100, validators=[text.single_line])
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    sectors = models.ManyToManyField(Sector, verbose_name=_("sectors"), related_name="+")
    restricted_from = models.TimeField(_("restricted hours from"))
    restricted_to = models.TimeField(_("restricted hours until"))
    measures = models.TextField(
        _("what the enterprises do"),
        validators=[text.multi_line],
        help_text=_("e.g. no spraying, coating or solvent cleaning during the restricted hours."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        ordering = ["-starts_on", "id"]
        verbose_name = _("ozone campaign")
        verbose_name_plural = _("ozone campaigns")

    def __str__(self) -> str:
        return self.name

    def covers(self, day) -> bool:
        return self.starts_on <= day <= self.ends_on
