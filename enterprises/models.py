"""The enterprise registry, its reference data, the tier policy and the lifecycle state machine."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from govern import clock, roles
from govern import validators as text
from govern.audit import AppendOnlyModel
from govern.models import ACCEPTED, CANCELLED, CLOSED_STATUSES, DeadlineMixin, UploadedFileBase


class ReferenceData(models.Model):
    """A code list entry with a Chinese and an English name, shown in the active language."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name (Chinese)"), max_length=100, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)

    class Meta:
        abstract = True
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name


class ParkRule(models.TextChoices):
    """Where a sector's enterprises may move (the city's plan: petrochemical only to the Meizhou Bay
    base; chemical projects only into chemical parks)."""

    ANY = "", _("any suitable park")
    CHEMICAL_PARK = "chemical_park", _("chemical parks only")
    PETROCHEMICAL_BASE = "petrochemical_base", _("the Meizhou Bay petrochemical base only")


class Sector(ReferenceData):
    is_key_sector = models.BooleanField(_("key VOC sector"), default=True)
    is_heavy_polluting = models.BooleanField(
        _("heavy-polluting sector"),
        default=False,
        help_text=_("Its enterprises in built-up areas must move into a park or exit."),
    )
    park_rule = models.CharField(
        _("relocation rule"), max_length=20, choices=ParkRule.choices, blank=True, default=""
    )

    class Meta(ReferenceData.Meta):
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")


class District(ReferenceData):
    class Kind(models.TextChoices):
        DISTRICT = "district", _("district")
        CITY = "city", _("county-level city")
        COUNTY = "county", _("county")
        ZONE = "zone", _("development zone")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    division_code = models.CharField(_("administrative division code"), max_length=6, blank=True)

    class Meta(ReferenceData.Meta):
        verbose_name = _("district")
        verbose_name_plural = _("districts")


class IndustrialPark(ReferenceData):
    district = models.ForeignKey(District, verbose_name=_("district"), on_delete=models.PROTECT)
    is_chemical_park = models.BooleanField(_("chemical / petrochemical park"), default=False)
    is_petrochemical_base = models.BooleanField(
        _("part of the Meizhou Bay petrochemical base"), default=False
    )
    accepts_hazardous_chemicals = models.BooleanField(
        _("accepts enterprises handling hazardous chemicals"), default=False
    )
    accepted_sectors = models.ManyToManyField(
        Sector,
        verbose_name=_("accepted sectors"),
        blank=True,
        related_name="+",
        help_text=_("Empty: any sector whose own rule allows this park."),
    )
    capacity_plots = models.PositiveIntegerField(
        _("capacity (plots)"), null=True, blank=True, help_text=_("Empty: not limited.")
    )
    capacity_area_m2 = models.DecimalField(
        _("capacity (m²)"),
        max_digits=12,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Empty: not limited."),
    )

    class Meta(ReferenceData.Meta):
        verbose_name = _("industrial park")
        verbose_name_plural = _("industrial parks")


class Tier(models.TextChoices):
    A = "A", _("Tier A")
    B = "B", _("Tier B")
    C = "C", _("Tier C")
    D = "D", _("Tier D")


class PerformanceGrade(models.TextChoices):
    """绩效分级 for heavy-pollution weather: the national technical guide for emergency emission
    reduction in key industries (环办大气函〔2020〕340号) grades enterprises A (best) to D; sectors
    without grades name "leading" (引领性) enterprises. Separate from govern's governance tier."""

    A = "A", _("grade A")
    B = "B", _("grade B")
    C = "C", _("grade C")
    D = "D", _("grade D")
    LEADING = "leading", _("leading")


# Grades that set their own measures in a warning; every other grade (and none) takes the prescribed ones.
SELF_DETERMINED_GRADES = (PerformanceGrade.A, PerformanceGrade.LEADING)


class SamplingCategory(models.TextChoices):
    """The enterprise register's categories of the 双随机 random inspections (一单两库): key enterprises
    are sampled most often, special ones by topic, general ones least; each category's per-quarter
    ratio is set by the bureau (``inspections.SamplingRatio``)."""

    KEY = "key", _("key supervision")
    SPECIAL = "special", _("special supervision")
    GENERAL = "general", _("general supervision")


class GovernancePath(models.TextChoices):
    UPGRADE = "upgrade", _("keep and upgrade")
    REMEDIATE = "remediate", _("remediate")
    RELOCATE = "relocate", _("relocate into a park")
    CLOSE = "close", _("close")


# No policy period may exceed ten years: a longer one is a typing error, and it would overflow dates.
MAX_POLICY_DAYS = 3650
# Emissions and reductions in t/a: above this no single enterprise in the city comes close.
MAX_TPA = Decimal("1000000")


@dataclass(frozen=True)
class PolicyTerms:
    """What a tier's policy sets, or the settings' defaults for an enterprise not yet graded."""

    governance_path: str
    remediation_deadline_days: int
    inspection_interval_days: int | None
    rectification_deadline_days: int


class TierPolicy(models.Model):
    """What each tier means: its path, deadlines and how often it is inspected; edited by managers."""

    tier = models.CharField(_("tier"), max_length=1, choices=Tier.choices, unique=True)
    min_score = models.PositiveSmallIntegerField(
        _("minimum total score"),
        validators=[MaxValueValidator(100)],
        help_text=_("An assessment scoring at least this much (out of 100) suggests this tier."),
    )
    governance_path = models.CharField(
        _("governance path"), max_length=10, choices=GovernancePath.choices
    )
    remediation_deadline_days = models.PositiveIntegerField(
        _("remediation deadline (days)"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_POLICY_DAYS)],
    )
    inspection_interval_days = models.PositiveIntegerField(
        _("inspection interval (days)"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_POLICY_DAYS)],
    )
    rectification_deadline_days = models.PositiveIntegerField(
        _("rectification deadline (days)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_POLICY_DAYS)],
        help_text=_("Default time an enterprise of this tier gets to rectify a finding."),
    )
    description = models.TextField(_("description"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["tier"]
        verbose_name = _("tier policy")
        verbose_name_plural = _("tier policies")

    def __str__(self) -> str:
        return f"{self.get_tier_display()} · {self.get_governance_path_display()}"

    @classmethod
    def terms_for(cls, tier: str) -> PolicyTerms:
        """The terms of a tier's policy; the defaults in settings when ungraded or unset."""
        policy = cls.objects.filter(tier=tier).first() if tier else None
        if policy is None:
            return PolicyTerms(
                governance_path="",
                remediation_deadline_days=settings.GOVERN_DEFAULT_REMEDIATION_DAYS,
                inspection_interval_days=None,
                rectification_deadline_days=settings.GOVERN_DEFAULT_RECTIFICATION_DAYS,
            )
        return PolicyTerms(
            governance_path=policy.governance_path,
            remediation_deadline_days=policy.remediation_deadline_days,
            inspection_interval_days=policy.inspection_interval_days,
            rectification_deadline_days=policy.rectification_deadline_days,
        )


class TierPolicyVersion(models.Model):
    """One version of the whole tier policy: every edit writes the next, with what it changed.
    A grading records the version it used."""

    number = models.PositiveIntegerField(_("version"), unique=True)
    # Every tier's terms as they were: [{"tier": "A", "min_score": 85, ...}, ...]
    policies = models.JSONField(_("policies"))
    # What this version changed: [{"tier": "C", "field": "governance_path", "old": ..., "new": ...}]
    changes = models.JSONField(_("changes"), default=list, blank=True)
    moved = models.PositiveIntegerField(
        _("enterprises moved"),
        default=0,
        help_text=_("Enterprises whose path or inspection schedule this edit changed."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("at"), default=clock.now)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("tier policy version")
        verbose_name_plural = _("tier policy versions")

    def __str__(self) -> str:
        return f"v{self.number}"


class ReductionBasis(models.TextChoices):
    """What a verified VOC reduction rests on."""

    TEST_REPORT = "test_report", _("test report")
    MATERIAL_LEDGER = "material_ledger", _("material ledger")
    MONITORING = "monitoring", _("online monitoring data")


class State(models.TextChoices):
    REGISTERED = "registered", _("registered")
    GRADED = "graded", _("graded")
    REMEDIATING = "remediating", _("remediating")
    COMPLIANT = "compliant", _("compliant")
    RELOCATING = "relocating", _("relocating")
    RELOCATED = "relocated", _("relocated")
    CLOSED = "closed", _("closed")


# Only a closure ends the lifecycle: a relocated enterprise keeps operating in its park.
TERMINAL_STATES = (State.CLOSED,)
NON_TERMINAL_STATES = [s for s in State.values if s not in TERMINAL_STATES]

# The paths each step belongs to. After grading, a step off the enterprise's path needs a manager's
# override with a reason; grading itself belongs to every path.
TRANSITION_PATHS: dict[str, tuple[str, ...]] = {
    "start_remediation": (GovernancePath.UPGRADE, GovernancePath.REMEDIATE),
    "certify_compliant": (GovernancePath.UPGRADE, GovernancePath.REMEDIATE),
    "start_relocation": (GovernancePath.RELOCATE,),
    "complete_relocation": (GovernancePath.RELOCATE,),
    "close": (GovernancePath.CLOSE,),
}


def path_of_transition(name: str) -> str:
    """The path a step puts the enterprise on when a manager overrides into it."""
    paths = TRANSITION_PATHS.get(name, ())
    return paths[-1] if paths else ""


def on_path(enterprise: "Enterprise", name: str) -> bool:
    """Whether the step follows the enterprise's decided path (an ungraded one has none yet)."""
    paths = TRANSITION_PATHS.get(name)
    return not paths or not enterprise.governance_path or enterprise.governance_path in paths


# Transition permissions: callables of (enterprise, user), shared by services and templates.
def staff_may_act(enterprise: "Enterprise", user) -> bool:
    return roles.is_staff_role(user)


def manager_may_act(enterprise: "Enterprise", user) -> bool:
    return roles.is_manager(user)


# Transition conditions: named guards on the enterprise itself.
def has_remediation_tasks(enterprise: "Enterprise") -> bool:
    return enterprise.remediation_tasks().exists()


def all_remediation_tasks_accepted(enterprise: "Enterprise") -> bool:
    return not enterprise.remediation_tasks().exclude(status__in=CLOSED_STATUSES).exists()


def no_open_rectification_orders(enterprise: "Enterprise") -> bool:
    # Orders live in the inspections app (a layer above); only the accepted ones are closed.
    return not enterprise.rectification_orders.exclude(status__in=CLOSED_STATUSES).exists()


def has_relocation_project(enterprise: "Enterprise") -> bool:
    return enterprise.relocation_project_id is not None


def all_milestones_done(enterprise: "Enterprise") -> bool:
    milestones = RelocationMilestone.objects.filter(project_id=enterprise.relocation_project_id)
    return milestones.exists() and not milestones.filter(actual_date__isnull=True).exists()


class Enterprise(FSMModelMixin, models.Model):
    name = models.CharField(_("name"), max_length=200, validators=[text.single_line])
    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    uscc_override_reason = models.TextField(
        _("reason for accepting a failing check character"),
        blank=True,
        validators=[text.multi_line],
    )
    sector = models.ForeignKey(Sector, verbose_name=_("sector"), on_delete=models.PROTECT)
    district = models.ForeignKey(District, verbose_name=_("district"), on_delete=models.PROTECT)
    address = models.CharField(_("address"), max_length=300, validators=[text.single_line])
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-90")), MaxValueValidator(Decimal("90"))],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-180")), MaxValueValidator(Decimal("180"))],
    )
    legal_representative = models.CharField(
        _("legal representative"), max_length=60, validators=[text.single_line]
    )
    contact_name = models.CharField(
        _("contact person"), max_length=60, blank=True, validators=[text.single_line]
    )
    contact_phone = models.CharField(
        _("contact phone"), max_length=30, blank=True, validators=[text.phone]
    )
    park = models.ForeignKey(
        IndustrialPark,
        verbose_name=_("industrial park"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    in_built_up_area = models.BooleanField(_("in a built-up area"), default=False)
    handles_hazardous_chemicals = models.BooleanField(
        _("handles hazardous chemicals"), default=False
    )
    baseline_voc_tpa = models.DecimalField(
        _("baseline VOC emissions (t/a)"),
        max_digits=10,
        decimal_places=3,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_TPA)],
    )
    baseline_nox_tpa = models.DecimalField(
        _("baseline NOx emissions (t/a)"),
        max_digits=10,
        decimal_places=3,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_TPA)],
    )
    baseline_pm_tpa = models.DecimalField(
        _("baseline particulate emissions (t/a)"),
        max_digits=10,
        decimal_places=3,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_TPA)],
    )
    performance_grade = models.CharField(
        _("performance grade"),
        max_length=7,
        choices=PerformanceGrade.choices,
        blank=True,
        db_index=True,
        help_text=_(
            "绩效分级 for heavy-pollution weather (A to D, or leading); empty: not graded."
        ),
    )
    performance_graded_on = models.DateField(_("performance graded on"), null=True, blank=True)
    performance_basis = models.CharField(
        _("basis of the performance grade"),
        max_length=200,
        blank=True,
        validators=[text.single_line],
        help_text=_("The grading document's number or the evaluation it follows."),
    )
    sampling_category = models.CharField(
        _("random-inspection category"),
        max_length=8,
        choices=SamplingCategory.choices,
        default=SamplingCategory.GENERAL,
        db_index=True,
        help_text=_("The category of the random-inspection register the enterprise is drawn from."),
    )
    main_voc_materials = models.TextField(
        _("main VOC-containing raw materials"), blank=True, validators=[text.multi_line]
    )
    treatment_facilities = models.TextField(
        _("treatment facilities"), blank=True, validators=[text.multi_line]
    )

    state = FSMField(
        _("state"), default=State.REGISTERED, choices=State.choices, protected=True, db_index=True
    )
    tier = models.CharField(
        _("tier"), max_length=1, choices=Tier.choices, blank=True, db_index=True
    )
    governance_path = models.CharField(
        _("governance path"),
        max_length=10,
        choices=GovernancePath.choices,
        blank=True,
        help_text=_("Set by grading from the tier policy; changed only by a manager's override."),
    )
    path_override_reason = models.TextField(
        _("reason for leaving the policy's path"), blank=True, validators=[text.multi_line]
    )
    verified_voc_reduction_tpa = models.DecimalField(
        _("verified VOC reduction (t/a)"),
        max_digits=10,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_TPA)],
        help_text=_("Recorded with its basis when the enterprise is certified compliant."),
    )
    reduction_basis = models.CharField(
        _("basis of the verified reduction"),
        max_length=20,
        choices=ReductionBasis.choices,
        blank=True,
    )
    reduction_reference = models.CharField(
        _("reference of the basis"),
        max_length=200,
        blank=True,
        validators=[text.single_line],
        help_text=_("The test report's number, the ledger's period or the monitoring period."),
    )
    relocation_project = models.ForeignKey(
        "RelocationProject",
        verbose_name=_("relocation project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        help_text=_("The move the enterprise is making, or made last."),
    )
    is_scattered = models.BooleanField(
        _("scattered small enterprise (散乱污)"),
        default=False,
        help_text=_("Small, scattered and polluting: registered for consolidation or exit."),
    )
    cluster = models.ForeignKey(
        "ScatteredCluster",
        verbose_name=_("cluster"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    site_area_m2 = models.DecimalField(
        _("site area (m²)"),
        max_digits=12,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100000000"))],
        help_text=_("Counted against a park's area when the enterprise moves into one."),
    )
    exit_due_year = models.PositiveSmallIntegerField(
        _("built-up-area exit due (year)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text=_("Empty: the plan's year."),
    )
    built_up_exit_on = models.DateField(
        _("left the built-up area on"),
        null=True,
        blank=True,
        help_text=_("Set when it relocates out of a built-up area or its shutdown is verified."),
    )
    created_at = models.DateTimeField(_("registered at"), default=clock.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # The inspection schedule, kept current by the services (a submitted visit, a new tier, a policy
    # change, a closure), so the due list is an index range scan at any number of enterprises.
    last_inspected_at = models.DateTimeField(_("last inspected"), null=True, blank=True)
    next_inspection_due = models.DateTimeField(
        _("next inspection due"), null=True, blank=True, db_index=True
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        indexes = [
            models.Index(fields=["district", "state"], name="enterprise_district_state"),
            models.Index(fields=["sector", "tier"], name="enterprise_sector_tier"),
            models.Index(fields=["name", "id"], name="enterprise_name_id"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(tier="") | models.Q(tier__in=Tier.values),
                name="enterprise_tier_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=State.values), name="enterprise_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.performance_grade and not self.performance_graded_on:
            raise ValidationError(
                {"performance_graded_on": _("Give the date of the performance grade.")}
            )
        if self.performance_graded_on and not self.performance_grade:
            raise ValidationError(
                {"performance_grade": _("Choose the performance grade that date belongs to.")}
            )

    @property
    def follows_stricter_measures(self) -> bool:
        """B, C, D and ungraded enterprises take the prescribed measures; A and leading set their own."""
        return self.performance_grade not in SELF_DETERMINED_GRADES

    def remediation_tasks(self):
        return RemediationTask.objects.filter(plan__enterprise=self)

    # The lifecycle. Transitions only change state; the services in services.py do the rest.
    @transition(
        field=state,
        source=[State.REGISTERED, State.GRADED, State.COMPLIANT, State.RELOCATED],
        target=State.GRADED,
        permission=staff_may_act,
        custom={"label": _("Grade"), "needs_assessment": True},
    )
    def grade(self):
        pass

    @transition(
        field=state,
        source=State.GRADED,
        target=State.REMEDIATING,
        permission=staff_may_act,
        conditions=[has_remediation_tasks],
        custom={"label": _("Start remediation")},
    )
    def start_remediation(self):
        pass

    @transition(
        field=state,
        source=State.REMEDIATING,
        target=State.COMPLIANT,
        permission=staff_may_act,
        conditions=[all_remediation_tasks_accepted, no_open_rectification_orders],
        custom={"label": _("Certify compliant")},
    )
    def certify_compliant(self):
        pass

    @transition(
        field=state,
        source=[State.REGISTERED, State.GRADED, State.REMEDIATING],
        target=State.RELOCATING,
        permission=manager_may_act,
        custom={"label": _("Order relocation")},
    )
    def start_relocation(self):
        pass

    @transition(
        field=state,
        source=State.RELOCATING,
        target=State.RELOCATED,
        permission=manager_may_act,
        conditions=[has_relocation_project, all_milestones_done],
        custom={"label": _("Confirm relocation")},
    )
    def complete_relocation(self):
        pass

    @transition(
        field=state,
        source=NON_TERMINAL_STATES,
        target=State.CLOSED,
        permission=manager_may_act,
        custom={"label": _("Close")},
    )
    def close(self):
        pass


# Why a transition may be refused, in the user's words; keyed by condition function name.
CONDITION_MESSAGES = {
    "has_remediation_tasks": _("A remediation plan with at least one task is required first."),
    "all_remediation_tasks_accepted": _("Every remediation task must be accepted first."),
    "has_relocation_project": _("A relocation must be ordered first."),
    "no_open_rectification_orders": _("Every rectification order must be accepted first."),
    "all_milestones_done": _("Every relocation milestone must be done first."),
}


class TransitionLog(AppendOnlyModel):
    """One row per lifecycle step, starting with registration; never updated or deleted."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="transitions",
    )
    transition = models.CharField(_("transition"), max_length=40)
    from_state = models.CharField(_("from"), max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=20, choices=State.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    override_reason = models.TextField(
        _("reason for leaving the policy's path"),
        blank=True,
        help_text=_("Set when a manager took a step off the tier policy's path."),
    )
    created_at = models.DateTimeField(_("at"), default=clock.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("transition log entry")
        verbose_name_plural = _("transition log")

    def __str__(self) -> str:
        return f"{self.enterprise_id}: {self.from_state or '-'} → {self.to_state}"


class Criterion(models.TextChoices):
    """Grading criteria, each scored 0-20 (higher is better) for a total out of 100."""

    MATERIALS = "score_materials", _("raw-material VOC content")
    COLLECTION = "score_collection", _("collection efficiency")
    TREATMENT = "score_treatment", _("treatment technology")
    MONITORING = "score_monitoring", _("monitoring")
    RECORDS = "score_records", _("management records")


CRITERION_MAX = 20


def _score_field(label):
    return models.PositiveSmallIntegerField(label, validators=[MaxValueValidator(CRITERION_MAX)])


class GradingAssessment(models.Model):
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    score_materials = _score_field(Criterion.MATERIALS.label)
    score_collection = _score_field(Criterion.COLLECTION.label)
    score_treatment = _score_field(Criterion.TREATMENT.label)
    score_monitoring = _score_field(Criterion.MONITORING.label)
    score_records = _score_field(Criterion.RECORDS.label)
    total_score = models.PositiveSmallIntegerField(_("total score"))
    suggested_tier = models.CharField(_("suggested tier"), max_length=1, choices=Tier.choices)
    tier = models.CharField(_("assigned tier"), max_length=1, choices=Tier.choices)
    override_reason = models.TextField(_("reason for overriding the suggestion"), blank=True)
    policy_version = models.ForeignKey(
        TierPolicyVersion,
        verbose_name=_("tier policy version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    governance_path = models.CharField(
        _("governance path"), max_length=10, choices=GovernancePath.choices, blank=True
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    assessed_at = models.DateTimeField(_("assessed at"), default=clock.now)

    class Meta:
        ordering = ["-assessed_at", "-id"]
        verbose_name = _("grading assessment")
        verbose_name_plural = _("grading assessments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(tier=models.F("suggested_tier")) | ~models.Q(override_reason=""),
                name="assessment_override_needs_reason",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.tier} ({self.total_score})"

    @property
    def overridden(self) -> bool:
        return self.tier != self.suggested_tier


class RemediationPlan(models.Model):
    """The enterprise's "one enterprise, one plan" (一企一策); its tasks gate the compliant state."""

    enterprise = models.OneToOneField(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="remediation_plan",
    )
    summary = models.TextField(_("summary"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        verbose_name = _("remediation plan")
        verbose_name_plural = _("remediation plans")

    def __str__(self) -> str:
        return str(self.enterprise)


class RemediationTask(DeadlineMixin, FSMModelMixin, models.Model):
    class Measure(models.TextChoices):
        SOURCE_SUBSTITUTION = "source_substitution", _("low-VOC source substitution")
        COLLECTION = "collection", _("collection upgrade")
        TREATMENT = "treatment", _("treatment upgrade")
        MONITORING = "monitoring", _("monitoring installation")
        RECORDS = "records", _("management records")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        SUBMITTED = "submitted", _("evidence submitted")
        ACCEPTED = ACCEPTED, _("accepted")
        CANCELLED = CANCELLED, _("cancelled")

    OPEN_STATUSES = (Status.OPEN, Status.SUBMITTED)

    plan = models.ForeignKey(
        RemediationPlan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="tasks"
    )
    measure = models.CharField(_("measure"), max_length=30, choices=Measure.choices)
    description = models.TextField(_("description"))
    deadline = models.DateField(_("deadline"))
    owner = models.CharField(_("owner"), max_length=60)
    expected_voc_reduction_tpa = models.DecimalField(
        _("expected VOC reduction (t/a)"),
        max_digits=10,
        decimal_places=3,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_TPA)],
    )
    status = FSMField(
        _("status"), default=Status.OPEN, choices=Status.choices, protected=True, db_index=True
    )
    disposition = models.TextField(
        _("what became of it"),
        blank=True,
        help_text=_("Why it was cancelled, or that it moved with the enterprise to a new site."),
    )

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("remediation task")
        verbose_name_plural = _("remediation tasks")
        indexes = [
            models.Index(
                fields=["deadline", "id"],
                name="task_open_by_deadline",
                condition=models.Q(status__in=["open", "submitted"]),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_measure_display()} · {self.deadline}"

    # Evidence moves a task: submitted for review, then accepted or sent back.
    @transition(field=status, source=[Status.OPEN, Status.SUBMITTED], target=Status.SUBMITTED)
    def submit_evidence(self):
        pass

    @transition(field=status, source=Status.SUBMITTED, target=Status.ACCEPTED)
    def accept(self):
        pass

    @transition(field=status, source=Status.SUBMITTED, target=Status.OPEN)
    def reject(self):
        pass

    @transition(field=status, source=[Status.OPEN, Status.SUBMITTED], target=Status.CANCELLED)
    def cancel(self):
        pass


class ScatteredCluster(models.Model):
    """A cluster of scattered small enterprises (散乱污), consolidated into a park as one project."""

    name = models.CharField(_("name"), max_length=100, unique=True, validators=[text.single_line])
    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField(_("description"), blank=True, validators=[text.multi_line])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("scattered-enterprise cluster")
        verbose_name_plural = _("scattered-enterprise clusters")

    def __str__(self) -> str:
        return self.name


class RelocationProject(models.Model):
    """A move into a park, tracked by its milestones: of one enterprise, or of a whole cluster of
    scattered enterprises consolidated as one project (its members share the milestones)."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("lead enterprise"),
        on_delete=models.PROTECT,
        related_name="led_relocations",
        help_text=_("The enterprise moving, or the first member of a consolidated cluster."),
    )
    cluster = models.ForeignKey(
        ScatteredCluster,
        verbose_name=_("cluster"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    target_park = models.ForeignKey(
        IndustrialPark, verbose_name=_("target park"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ordered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("ordered at"), default=clock.now)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("relocation project")
        verbose_name_plural = _("relocation projects")
        indexes = [
            models.Index(
                fields=["target_park"],
                name="relocation_open_by_park",
                condition=models.Q(completed_at__isnull=True, cancelled_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.cluster or self.enterprise} → {self.target_park}"

    @property
    def is_open(self) -> bool:
        return self.completed_at is None and self.cancelled_at is None

    @property
    def progress(self) -> int:
        """Per cent of milestones done (uses prefetched milestones when present)."""
        milestones = list(self.milestones.all())
        done = sum(1 for m in milestones if m.actual_date)
        return round(100 * done / len(milestones)) if milestones else 0


class RelocationMilestone(models.Model):
    class Kind(models.IntegerChoices):
        PLAN_APPROVED = 1, _("relocation plan approved")
        SITE_SECURED = 2, _("site secured in the park")
        CONSTRUCTION = 3, _("construction of the new plant")
        EQUIPMENT_MOVED = 4, _("equipment moved")
        PRODUCTION_STARTED = 5, _("production at the new site")
        OLD_SITE_DECOMMISSIONED = 6, _("old site decommissioned")
        ACCEPTANCE = 7, _("acceptance inspection passed")

    project = models.ForeignKey(
        RelocationProject,
        verbose_name=_("relocation project"),
        on_delete=models.PROTECT,
        related_name="milestones",
    )
    kind = models.PositiveSmallIntegerField(_("milestone"), choices=Kind.choices)
    planned_date = models.DateField(_("planned date"), null=True, blank=True)
    actual_date = models.DateField(_("done on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["kind"]
        verbose_name = _("relocation milestone")
        verbose_name_plural = _("relocation milestones")
        indexes = [
            models.Index(
                fields=["planned_date", "id"],
                name="milestone_open_by_date",
                condition=models.Q(actual_date__isnull=True),
            )
        ]
        constraints = [
            models.UniqueConstraint(fields=["project", "kind"], name="one_milestone_of_each_kind")
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def is_done(self) -> bool:
        return self.actual_date is not None

    @property
    def is_overdue(self) -> bool:
        return (
            not self.is_done and self.planned_date is not None and self.planned_date < clock.today()
        )


class RelocationEvidence(UploadedFileBase):
    milestone = models.ForeignKey(
        RelocationMilestone,
        verbose_name=_("milestone"),
        on_delete=models.PROTECT,
        related_name="evidence",
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("relocation evidence")
        verbose_name_plural = _("relocation evidence")


class ClosureRecord(models.Model):
    """The closure order and the verification of shutdown by "two cuts, three clears" (两断三清)."""

    enterprise = models.OneToOneField(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="closure"
    )
    ordered_at = models.DateTimeField(_("closure ordered at"), default=clock.now)
    ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ordered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("reason"))
    deadline = models.DateField(
        _("shutdown deadline"),
        null=True,
        blank=True,
        help_text=_(
            "The date by which the shutdown must be complete, stated on the closure notice."
        ),
    )
    verified_on = models.DateField(_("shutdown verified on"), null=True, blank=True)

    class Meta:
        verbose_name = _("closure record")
        verbose_name_plural = _("closure records")
        indexes = [
            models.Index(
                fields=["deadline", "id"],
                name="closure_open_by_deadline",
                condition=models.Q(verified_on__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return str(self.enterprise)


class ClosureCheck(models.Model):
    class Item(models.IntegerChoices):
        WATER_CUT = 1, _("industrial water cut")
        POWER_CUT = 2, _("industrial power cut")
        MATERIALS_CLEARED = 3, _("raw materials cleared")
        PRODUCTS_CLEARED = 4, _("products cleared")
        EQUIPMENT_CLEARED = 5, _("production equipment cleared")

    closure = models.ForeignKey(
        ClosureRecord, verbose_name=_("closure"), on_delete=models.PROTECT, related_name="checks"
    )
    item = models.PositiveSmallIntegerField(_("check"), choices=Item.choices)
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["item"]
        verbose_name = _("closure check")
        verbose_name_plural = _("closure checks")
        constraints = [
            models.UniqueConstraint(fields=["closure", "item"], name="one_check_of_each_item")
        ]

    def __str__(self) -> str:
        return self.get_item_display()


class ClosureEvidence(UploadedFileBase):
    check_item = models.ForeignKey(
        ClosureCheck, verbose_name=_("check"), on_delete=models.PROTECT, related_name="evidence"
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("closure evidence")
        verbose_name_plural = _("closure evidence")


class DistrictTarget(models.Model):
    """A district's VOC emission reduction target for a year, entered by managers."""

    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="targets"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    voc_reduction_tpa = models.DecimalField(
        _("VOC reduction target (t/a)"),
        max_digits=10,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_TPA)],
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["year", "district__id"]
        verbose_name = _("district reduction target")
        verbose_name_plural = _("district reduction targets")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "year"], name="one_target_per_district_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.district} {self.year}"


class ImportJob(models.Model):
    """A large enterprise import, run by a worker with its progress visible; small files are
    imported in the request."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        CHECKING = "checking", _("checking rows")
        IMPORTING = "importing", _("importing")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    file = models.FileField(_("file"), max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    skip_bad_rows = models.BooleanField(_("skip bad rows"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    checked_rows = models.PositiveIntegerField(_("rows checked"), default=0)
    bad_rows = models.PositiveIntegerField(_("rows with errors"), default=0)
    imported = models.PositiveIntegerField(_("enterprises imported"), default=0)
    committed = models.BooleanField(_("imported"), default=False)
    # The rows with errors (line, name, credit code, messages), for the page and the error report.
    problems = models.JSONField(_("rows with errors"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("started at"), default=clock.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.is_finished:
            return 100
        return round(90 * self.checked_rows / self.total_rows) if self.total_rows else 0


class PermitClass(models.TextChoices):
    """排污许可 classes (《排污许可管理条例》第六条, 2021): key management, simplified management, and
    registration (排污登记) for the smallest emitters."""

    KEY = "key", _("key management")
    SIMPLIFIED = "simplified", _("simplified management")
    REGISTRATION = "registration", _("registration")


# 《排污许可管理条例》(国务院令第736号, in force 2021-03-01) 第十四条: a permit is valid for 5 years, and its
# holder applies for renewal at least 60 days before it expires. Source checked: the regulation's text
# (stored page wechat.estsglobal.com/wechat/law_contents/286).
PERMIT_RENEWAL_LEAD_DAYS = 60


class DischargePermit(models.Model):
    """An enterprise's pollutant discharge permit (or registration); the latest valid one is current."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="permits",
    )
    number = models.CharField(
        _("permit number"), max_length=40, unique=True, validators=[text.single_line]
    )
    permit_class = models.CharField(
        _("management class"), max_length=12, choices=PermitClass.choices
    )
    authority = models.CharField(
        _("issuing authority"), max_length=100, validators=[text.single_line]
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    # valid_until - 60 days, stored so the deadlines list reads it from an index (one more kind there).
    renewal_due = models.DateField(_("renewal application due"), editable=False)
    renewed_by = models.OneToOneField(
        "self",
        verbose_name=_("renewed by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="renews",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), default=clock.now)

    class Meta:
        ordering = ["-valid_until", "-id"]
        verbose_name = _("discharge permit")
        verbose_name_plural = _("discharge permits")
        indexes = [
            models.Index(
                fields=["renewal_due", "id"],
                name="permit_renewal_due",
                condition=models.Q(renewed_by__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs) -> None:
        self.renewal_due = self.valid_until - timedelta(days=PERMIT_RENEWAL_LEAD_DAYS)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.valid_from and self.valid_until and self.valid_until <= self.valid_from:
            raise ValidationError(
                {"valid_until": _("The permit must end after the day it starts.")}
            )

    def is_valid_on(self, day) -> bool:
        return self.valid_from <= day <= self.valid_until
