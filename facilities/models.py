"""The register of each enterprise's VOC treatment facilities and the activated-carbon replacements."""

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise
from govern import clock
from govern import validators as text
from govern.models import UploadedFileBase
from monitoring.models import MonitoringPoint

# The iodine value usually required of activated carbon for VOC adsorption (mg/g). Unconfirmed: it is
# widely quoted from local activated-carbon guidance and HJ 2026-2013; not found in the stored pages.
IODINE_MINIMUM = 800
# Hazardous-waste code of spent activated carbon from waste-gas treatment (国家危险废物名录 HW49
# 900-039-49); as written in the issue, not checked against the 2025 edition of the list.
SPENT_CARBON_WASTE_CODE = "HW49 900-039-49"


def _positive(places: int, digits: int = 12, maximum: str | None = None):
    validators = [MinValueValidator(Decimal("0.001"))]
    if maximum:
        validators.append(MaxValueValidator(Decimal(maximum)))
    return {"max_digits": digits, "decimal_places": places, "validators": validators}


class FacilityQuerySet(models.QuerySet):
    def carbon_due(self):
        """Activated carbon in service with a next replacement date: the open deadlines."""
        return self.filter(retired_on__isnull=True, replacement_due__isnull=False)

    def carbon_overdue(self, today: date):
        return self.carbon_due().filter(replacement_due__lt=today)


class TreatmentFacility(models.Model):
    class Kind(models.TextChoices):
        ACTIVATED_CARBON = "activated_carbon", _("activated-carbon adsorption")
        RTO = "rto", _("regenerative thermal oxidiser (RTO)")
        RCO = "rco", _("regenerative catalytic oxidiser (RCO)")
        CATALYTIC = "catalytic", _("catalytic combustion")
        CONDENSATION = "condensation", _("condensation")
        SPRAY = "spray", _("spray / scrubbing")
        UV_PLASMA = "uv_plasma", _("UV photolysis / low-temperature plasma")
        OTHER = "other", _("other")

    # Single low-efficiency techniques the national VOC plans tell enterprises to replace (photolysis,
    # photocatalysis, low-temperature plasma); listed as the issue names them, source unconfirmed.
    LOW_EFFICIENCY = (Kind.UV_PLASMA,)

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100, validators=[text.single_line])
    kind = models.CharField(_("technique"), max_length=20, choices=Kind.choices)
    design_air_volume = models.DecimalField(
        _("design air volume (m³/h)"), **_positive(1, maximum="10000000")
    )
    design_efficiency = models.DecimalField(
        _("design efficiency (%)"), **_positive(1, digits=4, maximum="100")
    )
    outlet = models.CharField(
        _("outlet"),
        max_length=60,
        blank=True,
        help_text=_("The outlet's number in the permit, e.g. DA001."),
    )
    monitoring_points = models.ManyToManyField(
        MonitoringPoint, verbose_name=_("monitoring points"), blank=True, related_name="+"
    )
    commissioned_on = models.DateField(_("in service since"))
    # Activated carbon only: what the replacement period is computed from.
    carbon_mass_kg = models.DecimalField(
        _("carbon mass m (kg)"), null=True, blank=True, **_positive(1, maximum="1000000")
    )
    iodine_value = models.PositiveIntegerField(
        _("iodine value (mg/g)"), null=True, blank=True, validators=[MaxValueValidator(3000)]
    )
    adsorption_ratio = models.DecimalField(
        _("dynamic adsorption ratio s"),
        null=True,
        blank=True,
        **_positive(3, digits=4, maximum="0.5"),
        help_text=_("The mass of VOCs a mass of carbon holds in use, e.g. 0.10 (10 %)."),
    )
    inlet_concentration = models.DecimalField(
        _("inlet VOC concentration c (mg/m³)"),
        null=True,
        blank=True,
        **_positive(1, maximum="100000"),
    )
    running_hours = models.DecimalField(
        _("running hours per day t"), null=True, blank=True, **_positive(1, digits=3, maximum="24")
    )
    replacement_due = models.DateField(_("next replacement due"), null=True, blank=True)
    retired_on = models.DateField(_("out of service since"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registered at"), default=clock.now)

    objects = FacilityQuerySet.as_manager()

    class Meta:
        ordering = ["enterprise", "name", "id"]
        verbose_name = _("treatment facility")
        verbose_name_plural = _("treatment facilities")
        indexes = [
            models.Index(
                fields=["replacement_due", "id"],
                name="carbon_replacement_due",
                condition=models.Q(retired_on__isnull=True, replacement_due__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_carbon(self) -> bool:
        return self.kind == self.Kind.ACTIVATED_CARBON

    @property
    def is_low_efficiency(self) -> bool:
        return self.kind in self.LOW_EFFICIENCY

    @property
    def iodine_too_low(self) -> bool:
        return self.iodine_value is not None and self.iodine_value < IODINE_MINIMUM

    @property
    def replacement_days(self) -> Decimal | None:
        return replacement_period_days(
            mass_kg=self.carbon_mass_kg,
            ratio=self.adsorption_ratio,
            concentration=self.inlet_concentration,
            air_volume=self.design_air_volume,
            hours=self.running_hours,
        )

    @property
    def is_overdue(self) -> bool:
        return (
            self.retired_on is None
            and self.replacement_due is not None
            and self.replacement_due < clock.today()
        )


def replacement_period_days(*, mass_kg, ratio, concentration, air_volume, hours) -> Decimal | None:
    """T = m·s ÷ (c·Q·t × 10⁻⁶) days: the carbon's capacity m·s (kg of VOCs) over the VOCs it takes in
    a day, c (mg/m³) × Q (m³/h) × t (h/d) × 10⁻⁶ (kg/mg). None unless every input is known."""
    if not all((mass_kg, ratio, concentration, air_volume, hours)):
        return None
    daily_kg = Decimal(concentration) * Decimal(air_volume) * Decimal(hours) / Decimal(1_000_000)
    days = Decimal(mass_kg) * Decimal(ratio) / daily_kg
    return days.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def due_after(day: date, days: Decimal) -> date:
    """The day the carbon is spent: whole days after ``day`` (a part day is not credited)."""
    return day + timedelta(days=int(days))


class CarbonReplacement(models.Model):
    facility = models.ForeignKey(
        TreatmentFacility,
        verbose_name=_("facility"),
        on_delete=models.PROTECT,
        related_name="replacements",
    )
    replaced_on = models.DateField(_("replaced on"))
    mass_kg = models.DecimalField(_("mass of new carbon (kg)"), **_positive(1, maximum="1000000"))
    iodine_value = models.PositiveIntegerField(
        _("iodine value of the new carbon (mg/g)"), validators=[MaxValueValidator(3000)]
    )
    transfer_form_no = models.CharField(
        _("hazardous-waste transfer form number"),
        max_length=40,
        validators=[text.single_line],
        help_text=_("The transfer form (转移联单) under which the spent carbon was handed over."),
    )
    waste_code = models.CharField(
        _("waste code"), max_length=20, default=SPENT_CARBON_WASTE_CODE, editable=False
    )
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=clock.now)

    class Meta:
        ordering = ["-replaced_on", "-id"]
        verbose_name = _("activated-carbon replacement")
        verbose_name_plural = _("activated-carbon replacements")

    def __str__(self) -> str:
        return f"{self.facility} · {self.replaced_on}"

    @property
    def iodine_too_low(self) -> bool:
        return self.iodine_value < IODINE_MINIMUM


class ReplacementPhoto(UploadedFileBase):
    replacement = models.ForeignKey(
        CarbonReplacement,
        verbose_name=_("replacement"),
        on_delete=models.PROTECT,
        related_name="photos",
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("replacement photo")
        verbose_name_plural = _("replacement photos")
