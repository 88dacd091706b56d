"""National VOC-content limits as versioned reference data, and the enterprise's monthly ledger of the
VOC-containing materials it used, each row classified against the limit in force in its month."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise
from govern import clock
from govern.models import UploadedFileBase


class Product(models.TextChoices):
    INK = "ink", _("ink")
    CLEANER = "cleaner", _("cleaning agent")
    ADHESIVE = "adhesive", _("adhesive")
    INDUSTRIAL_COATING = "industrial_coating", _("industrial protective coating")
    VEHICLE_COATING = "vehicle_coating", _("vehicle coating")


class Unit(models.TextChoices):
    GRAMS_PER_LITRE = "g/L", "g/L"
    PERCENT = "%", _("% by mass")


class LimitStandard(models.Model):
    """One version of a national product standard; a check uses the version in force on the date of use."""

    code = models.CharField(_("standard"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    product = models.CharField(_("product"), max_length=20, choices=Product.choices)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    valid_from = models.DateField(_("in force from"))
    valid_to = models.DateField(
        _("in force until"), null=True, blank=True, help_text=_("Empty: still in force.")
    )
    replaced_by = models.CharField(_("replaced by"), max_length=40, blank=True)
    source = models.TextField(_("source"), help_text=_("Where the figures were taken from."))

    class Meta:
        ordering = ["product", "valid_from", "code"]
        verbose_name = _("VOC limit standard")
        verbose_name_plural = _("VOC limit standards")

    def __str__(self) -> str:
        return self.code

    def in_force_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class MaterialCategory(models.Model):
    """A product category as the enterprise picks it, stable across versions of its standard."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    product = models.CharField(_("product"), max_length=20, choices=Product.choices)
    name = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    application = models.CharField(_("application / substrate"), max_length=100, blank=True)

    class Meta:
        ordering = ["product", "id"]
        verbose_name = _("material category")
        verbose_name_plural = _("material categories")

    def __str__(self) -> str:
        name = self.name_en if (get_language() or "").startswith("en") else self.name
        return f"{name}（{self.application}）" if self.application else name


class VocLimitQuerySet(models.QuerySet):
    def in_force_on(self, day: date):
        return self.filter(standard__valid_from__lte=day).filter(
            Q(standard__valid_to__isnull=True) | Q(standard__valid_to__gte=day)
        )


class VocLimit(models.Model):
    """One row of a standard's table: the category's limit and whether it counts as low-VOC."""

    standard = models.ForeignKey(
        LimitStandard, verbose_name=_("standard"), on_delete=models.PROTECT, related_name="limits"
    )
    category = models.ForeignKey(
        MaterialCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="limits",
    )
    limit = models.DecimalField(
        _("limit"), max_digits=8, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    unit = models.CharField(_("unit"), max_length=4, choices=Unit.choices)
    low_voc = models.BooleanField(_("low-VOC category"))
    clause = models.CharField(_("clause"), max_length=60)
    confirmed = models.BooleanField(
        _("confirmed"),
        default=False,
        help_text=_(
            "Checked against a published copy of the table; otherwise shown as unconfirmed."
        ),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = VocLimitQuerySet.as_manager()

    class Meta:
        ordering = ["standard", "category"]
        verbose_name = _("VOC limit")
        verbose_name_plural = _("VOC limits")
        constraints = [
            models.UniqueConstraint(fields=["standard", "category"], name="one_limit_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.standard} {self.category} ≤ {self.limit} {self.unit}"


class LedgerEntryQuerySet(models.QuerySet):
    def open_findings(self):
        """Rows over their limit that no inspector has closed yet."""
        return self.filter(OPEN_FINDING)


# An over-limit row is a finding for the inspectors until one closes it after checking on site.
OPEN_FINDING = Q(within_limit=False, finding_closed_at__isnull=True)


def first_of_month(day: date) -> date:
    return day.replace(day=1)


class LedgerEntry(models.Model):
    """One VOC-containing material used in a month, classified when it is recorded."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month of use."))
    product_name = models.CharField(_("product name"), max_length=100)
    supplier = models.CharField(_("supplier"), max_length=100, blank=True)
    category = models.ForeignKey(
        MaterialCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    voc_content = models.DecimalField(
        _("VOC content"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    unit = models.CharField(_("unit"), max_length=4, choices=Unit.choices)
    density = models.DecimalField(
        _("density (kg/L)"),
        max_digits=5,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.3")), MaxValueValidator(Decimal("5"))],
        help_text=_("Needed when the VOC content is in g/L, to turn it into a mass."),
    )
    quantity_kg = models.DecimalField(
        _("quantity used (kg)"),
        max_digits=12,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0.001")), MaxValueValidator(Decimal("999999999"))],
    )
    # The classification, fixed when the row is recorded: the limit in force in the month of use.
    limit = models.ForeignKey(
        VocLimit, verbose_name=_("limit applied"), on_delete=models.PROTECT, related_name="+"
    )
    within_limit = models.BooleanField(_("within the limit"))
    low_voc = models.BooleanField(_("low-VOC"))
    voc_kg = models.DecimalField(_("VOC input (kg)"), max_digits=14, decimal_places=3)
    finding_closed_at = models.DateTimeField(_("finding closed at"), null=True, blank=True)
    finding_closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("finding closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    finding_note = models.TextField(_("what the inspector found"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), default=clock.now)

    objects = LedgerEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "id"]
        verbose_name = _("material ledger entry")
        verbose_name_plural = _("material ledger")
        indexes = [
            models.Index(fields=["enterprise", "month"], name="ledger_by_enterprise_month"),
            models.Index(
                fields=["enterprise"], name="ledger_open_findings", condition=OPEN_FINDING
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_name} · {self.month:%Y-%m}"

    @property
    def finding_open(self) -> bool:
        return not self.within_limit and self.finding_closed_at is None


class LedgerDocument(UploadedFileBase):
    """A test report or safety data sheet for a ledger row."""

    entry = models.ForeignKey(
        LedgerEntry,
        verbose_name=_("ledger entry"),
        on_delete=models.PROTECT,
        related_name="documents",
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("test report or safety data sheet")
        verbose_name_plural = _("test reports and safety data sheets")
