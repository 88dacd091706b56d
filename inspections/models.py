"""Site visits with versioned sector checklists, photos, addenda, random draws and rectification orders."""

import math
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from enterprises.models import Enterprise, SamplingCategory, Sector
from govern import clock
from govern.audit import AppendOnlyModel
from govern.models import ACCEPTED, CANCELLED, DeadlineMixin, UploadedFileBase


class ChecklistTemplate(models.Model):
    """One version of a sector's checklist; a version used by a visit is never changed again."""

    sector = models.ForeignKey(
        Sector,
        verbose_name=_("sector"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="checklists",
        help_text=_("Empty: the general checklist, used for sectors without their own."),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    title = models.CharField(_("title"), max_length=120)
    published = models.BooleanField(
        _("published"),
        default=True,
        help_text=_("Only published versions are used for new visits."),
    )
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    spot_check = models.OneToOneField(
        "emergency.SpotCheck",
        verbose_name=_("generated for the spot check"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="checklist",
        help_text=_("Set on a checklist generated from an enterprise's emergency reduction list."),
    )

    class Meta:
        ordering = ["sector__id", "-version"]
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")
        constraints = [
            models.UniqueConstraint(
                fields=["sector", "version"],
                condition=models.Q(spot_check__isnull=True),
                name="checklist_sector_version_unique",
            ),
            models.UniqueConstraint(
                fields=["version"],
                condition=models.Q(sector__isnull=True, spot_check__isnull=True),
                name="checklist_general_version_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"

    @property
    def in_use(self) -> bool:
        return self.visits.exists()


class ChecklistItem(models.Model):
    class Topic(models.TextChoices):
        NONE = "", _("none")
        FACILITIES = "facilities", _("treatment facilities (pre-filled from the facility register)")
        MATERIALS = "materials", _("VOC materials (pre-filled from the material ledger)")

    template = models.ForeignKey(
        ChecklistTemplate,
        verbose_name=_("checklist"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("item"), max_length=300)
    guidance = models.CharField(_("what to check"), max_length=500, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    topic = models.CharField(
        _("pre-filled from"), max_length=12, choices=Topic.choices, blank=True, default=""
    )

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")

    def __str__(self) -> str:
        return self.text


class Officer(models.Model):
    """The register of enforcement officers (执法人员库): who may be drawn and who may act on a case.

    An officer acts only with a valid enforcement certificate (生态环境行政处罚办法 requires two
    officers holding enforcement certificates on each case); a declared conflict with an enterprise
    recuses the officer from its draws and cases."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="officer",
    )
    certificate_no = models.CharField(
        _("enforcement certificate number"), max_length=40, unique=True
    )
    certificate_valid_until = models.DateField(_("certificate valid until"))
    active = models.BooleanField(
        _("in the register"), default=True, help_text=_("Off: not drawn and not assigned.")
    )

    class Meta:
        ordering = ["user__last_name", "user__first_name", "user__username"]
        verbose_name = _("enforcement officer")
        verbose_name_plural = _("enforcement officers")

    def __str__(self) -> str:
        return f"{self.user.display_name} ({self.certificate_no})"

    def is_certified_on(self, day) -> bool:
        return self.active and self.certificate_valid_until >= day


class Conflict(models.Model):
    """A conflict of interest an officer declared with an enterprise (回避): kin, former employer…"""

    officer = models.ForeignKey(
        Officer, verbose_name=_("officer"), on_delete=models.CASCADE, related_name="conflicts"
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="officer_conflicts",
    )
    reason = models.CharField(_("reason"), max_length=200)
    declared_at = models.DateTimeField(_("declared at"), default=clock.now)

    class Meta:
        ordering = ["-declared_at", "-id"]
        verbose_name = _("declared conflict of interest")
        verbose_name_plural = _("declared conflicts of interest")
        constraints = [
            models.UniqueConstraint(
                fields=["officer", "enterprise"], name="one_conflict_per_officer_enterprise"
            )
        ]

    def __str__(self) -> str:
        return f"{self.officer} · {self.enterprise}"


class InspectionItem(models.Model):
    """The list of random-inspection items (随机抽查事项清单): what a random visit checks and why."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("item"), max_length=200)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("random-inspection item")
        verbose_name_plural = _("random-inspection items")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class SamplingRatio(models.Model):
    """The share of a category of the enterprise register drawn each quarter (editable by managers)."""

    category = models.CharField(
        _("category"), max_length=8, choices=SamplingCategory.choices, unique=True
    )
    percent_per_quarter = models.DecimalField(
        _("share drawn per quarter (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
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
        ordering = ["category"]
        verbose_name = _("sampling ratio")
        verbose_name_plural = _("sampling ratios")

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.percent_per_quarter}%"


class RandomDraw(models.Model):
    """A 双随机 draw: random enterprises from each category of the register by its quarterly ratio,
    each with a random pair of certified officers not in conflict with it.

    The pool, the officers, their conflicts and the seed (made by the server) are stored as drawn, so
    anyone can replay the same result.
    """

    period = models.CharField(_("period"), max_length=20, help_text=_("e.g. 2026-Q4"))
    seed = models.BigIntegerField(_("seed"))
    filters = models.JSONField(_("pool filters"), default=dict, blank=True)
    quotas = models.JSONField(_("quota per tier (%)"), default=dict)
    pool = models.JSONField(
        _("pool"), default=dict, help_text=_("Enterprise ids by tier, as drawn.")
    )
    inspector_pool = models.JSONField(_("inspector pool"), default=list)
    conflicts = models.JSONField(
        _("declared conflicts"),
        default=dict,
        blank=True,
        help_text=_("Officer account ids in conflict, by enterprise id, as drawn."),
    )
    items = models.ManyToManyField(
        InspectionItem, verbose_name=_("items checked"), blank=True, related_name="draws"
    )
    due_date = models.DateField(_("inspect by"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drawn by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("drawn at"), default=clock.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("random draw")
        verbose_name_plural = _("random draws")

    def __str__(self) -> str:
        return f"{self.period} #{self.pk}"


class PlannedInspection(models.Model):
    class Reason(models.TextChoices):
        RANDOM = "random", _("random draw")
        FOLLOW_UP = "follow_up", _("follow-up of a rectification order")
        ROUTINE = "routine", _("routine")
        MONITORING = "monitoring", _("targeted: online monitoring exceedance")
        EMERGENCY = "emergency", _("heavy-pollution warning spot check")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="planned_inspections",
    )
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    due_date = models.DateField(_("due date"))
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("inspectors"), related_name="planned_inspections"
    )
    draw = models.ForeignKey(
        RandomDraw,
        verbose_name=_("random draw"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="planned",
    )
    order = models.ForeignKey(
        "RectificationOrder",
        verbose_name=_("overdue order followed up"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
    )
    alert = models.ForeignKey(
        "monitoring.Alert",
        verbose_name=_("monitoring alert checked"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="planned_inspections",
    )
    spot_check = models.OneToOneField(
        "emergency.SpotCheck",
        verbose_name=_("warning spot check"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="planned",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("planned inspection")
        verbose_name_plural = _("planned inspections")
        constraints = [
            models.UniqueConstraint(fields=["draw", "enterprise"], name="planned_once_per_draw"),
            models.UniqueConstraint(fields=["order"], name="one_follow_up_per_order"),
            models.UniqueConstraint(fields=["alert"], name="one_inspection_per_alert"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.due_date}"


class SiteVisit(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")

    class Conclusion(models.TextChoices):
        COMPLIANT = "compliant", _("no problems found")
        ISSUES = "issues", _("problems found, rectification ordered")
        SERIOUS = "serious", _("serious violations, referred for enforcement")

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="site_visits",
    )
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("inspectors"), related_name="site_visits"
    )
    checklist = models.ForeignKey(
        ChecklistTemplate,
        verbose_name=_("checklist"),
        on_delete=models.PROTECT,
        related_name="visits",
    )
    planned = models.ForeignKey(
        PlannedInspection,
        verbose_name=_("planned inspection"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
    )
    is_follow_up = models.BooleanField(_("follow-up visit"), default=False)
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    location = models.CharField(_("location"), max_length=300)
    # Where the phone was when the record was opened (browser geolocation), if the inspector allowed it.
    checkin_latitude = models.DecimalField(
        _("check-in latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    checkin_longitude = models.DecimalField(
        _("check-in longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    checkin_accuracy_m = models.PositiveIntegerField(
        _("check-in accuracy (m)"), null=True, blank=True
    )
    # The inspected party's representative signs on the phone, or their refusal is recorded.
    party_representative = models.CharField(
        _("representative of the inspected party"), max_length=100, blank=True
    )
    party_refused = models.TextField(_("refusal to sign, as witnessed"), blank=True)
    conclusion = models.CharField(
        _("conclusion"), max_length=10, choices=Conclusion.choices, blank=True
    )
    conclusion_text = models.TextField(_("conclusion details"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("site visit")
        verbose_name_plural = _("site visits")

    def __str__(self) -> str:
        return f"{self.enterprise} · {timezone.localtime(self.started_at):%Y-%m-%d}"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def checkin_distance_m(self) -> int | None:
        """How far the check-in was from the enterprise's registered position, in metres."""
        enterprise = self.enterprise
        if None in (
            self.checkin_latitude,
            self.checkin_longitude,
            enterprise.latitude,
            enterprise.longitude,
        ):
            return None
        return round(
            distance_m(
                float(self.checkin_latitude),
                float(self.checkin_longitude),
                float(enterprise.latitude),
                float(enterprise.longitude),
            )
        )


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius 6,371 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


class ChecklistResult(models.Model):
    class Outcome(models.TextChoices):
        PASS = "pass", _("pass")
        FAIL = "fail", _("fail")
        NOT_APPLICABLE = "na", _("not applicable")

    visit = models.ForeignKey(
        SiteVisit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="results"
    )
    item = models.ForeignKey(
        ChecklistItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("result"), max_length=4, choices=Outcome.choices, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["item__order", "item__id"]
        verbose_name = _("checklist result")
        verbose_name_plural = _("checklist results")
        constraints = [
            models.UniqueConstraint(fields=["visit", "item"], name="one_result_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.item} · {self.outcome or '-'}"


class VisitPhoto(UploadedFileBase):
    class Place(models.TextChoices):
        EXIF = "exif", _("the photo's own GPS position")
        DEVICE = "device", _("the phone's position when it was added")
        NONE = "", _("unknown")

    visit = models.ForeignKey(
        SiteVisit, verbose_name=_("visit"), on_delete=models.PROTECT, related_name="photos"
    )
    result = models.ForeignKey(
        ChecklistResult,
        verbose_name=_("checklist item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="photos",
    )
    # When and where it was taken (the photo's EXIF, else the phone's position and the upload
    # time), burnt into a stamped copy with the inspector's name; the original is kept unchanged.
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    place_source = models.CharField(
        _("position from"), max_length=6, choices=Place.choices, blank=True
    )
    stamped = models.FileField(_("stamped copy"), max_length=200, blank=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")


class VisitSignature(models.Model):
    """A signature drawn on the phone: the inspected party's representative's or an inspector's."""

    class Role(models.TextChoices):
        PARTY = "party", _("representative of the inspected party")
        INSPECTOR = "inspector", _("inspector")

    visit = models.ForeignKey(
        SiteVisit, verbose_name=_("visit"), on_delete=models.PROTECT, related_name="signatures"
    )
    role = models.CharField(_("signed as"), max_length=10, choices=Role.choices)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inspector"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=100)
    file = models.FileField(_("file"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    signed_at = models.DateTimeField(_("signed at"), default=clock.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["role", "signed_at", "id"]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        constraints = [
            models.UniqueConstraint(
                fields=["visit"], condition=models.Q(role="party"), name="one_party_signature"
            ),
            models.UniqueConstraint(
                fields=["visit", "signer"],
                condition=models.Q(role="inspector"),
                name="one_signature_per_inspector",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.visit} · {self.name}"


class VisitAddendum(AppendOnlyModel):
    """A correction to a submitted visit record, by a named inspector; the record itself never changes."""

    visit = models.ForeignKey(
        SiteVisit, verbose_name=_("visit"), on_delete=models.PROTECT, related_name="addenda"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("correction"))
    created_at = models.DateTimeField(_("added at"), default=clock.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("visit addendum")
        verbose_name_plural = _("visit addenda")


class RectificationOrderQuerySet(models.QuerySet):
    def issued(self) -> "RectificationOrderQuerySet":
        """Orders whose visit record was submitted: drafted orders are not issued to anyone yet."""
        return self.filter(issued_at__isnull=False)

    def active(self) -> "RectificationOrderQuerySet":
        """Issued orders not yet accepted."""
        return self.issued().filter(status__in=RectificationOrder.ACTIVE_STATUSES)


class RectificationOrder(DeadlineMixin, FSMModelMixin, models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("open")
        EVIDENCE_SUBMITTED = "evidence_submitted", _("evidence submitted")
        ACCEPTED = ACCEPTED, _("accepted")
        OVERDUE = "overdue", _("overdue")
        CANCELLED = CANCELLED, _("cancelled")

    ACTIVE_STATUSES = (Status.OPEN, Status.EVIDENCE_SUBMITTED, Status.OVERDUE)

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="rectification_orders",
    )
    visit = models.ForeignKey(
        SiteVisit, verbose_name=_("found in visit"), on_delete=models.PROTECT, related_name="orders"
    )
    finding = models.ForeignKey(
        ChecklistResult,
        verbose_name=_("finding"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    requirement = models.TextField(_("requirement"))
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    deadline = models.DateField(_("deadline"))
    status = FSMField(
        _("status"), default=Status.OPEN, choices=Status.choices, protected=True, db_index=True
    )
    closed_by_visit = models.ForeignKey(
        SiteVisit,
        verbose_name=_("verified in visit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="closed_orders",
    )
    # Set when the visit record is submitted (the order reaches the enterprise); empty in a draft.
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    disposition = models.TextField(
        _("what became of it"),
        blank=True,
        help_text=_("Why it was cancelled (the site closed or was left for a park)."),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    objects = RectificationOrderQuerySet.as_manager()

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("rectification order")
        verbose_name_plural = _("rectification orders")
        indexes = [
            # The deadline list and the daily job: open orders by due date, an index range scan.
            models.Index(
                fields=["deadline", "id"],
                name="order_open_by_deadline",
                condition=models.Q(
                    status__in=["open", "evidence_submitted", "overdue"], issued_at__isnull=False
                ),
            ),
            models.Index(fields=["enterprise", "status"], name="order_enterprise_status"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.deadline}"

    @transition(
        field=status, source=[Status.OPEN, Status.OVERDUE], target=Status.EVIDENCE_SUBMITTED
    )
    def submit_evidence(self):
        pass

    @transition(field=status, source=list(ACTIVE_STATUSES), target=Status.ACCEPTED)
    def accept(self):
        pass

    @transition(
        field=status, source=[Status.OPEN, Status.EVIDENCE_SUBMITTED], target=Status.OVERDUE
    )
    def mark_overdue(self):
        pass

    @transition(field=status, source=Status.EVIDENCE_SUBMITTED, target=Status.OPEN)
    def reject_evidence(self):
        pass

    @transition(field=status, source=Status.OVERDUE, target=Status.OPEN)
    def reopen(self):
        pass

    @transition(field=status, source=list(ACTIVE_STATUSES), target=Status.CANCELLED)
    def cancel(self):
        pass


class PublicResult(models.Model):
    """The published result of a random inspection (一公开): created when its visit is submitted, due
    for publication within ``GOVERN_RANDOM_PUBLISH_WORKING_DAYS`` working days, published by a manager
    with only what may be public."""

    class Outcome(models.TextChoices):
        NO_PROBLEM = "compliant", _("no problems found")
        RECTIFY = "issues", _("problems found, rectification ordered")
        REFERRED = "serious", _("violations found, referred for enforcement")

    planned = models.OneToOneField(
        PlannedInspection,
        verbose_name=_("random inspection"),
        on_delete=models.PROTECT,
        related_name="public_result",
    )
    visit = models.OneToOneField(
        SiteVisit, verbose_name=_("visit"), on_delete=models.PROTECT, related_name="public_result"
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="public_results",
    )
    inspected_on = models.DateField(_("inspected on"))
    outcome = models.CharField(_("result"), max_length=10, choices=Outcome.choices)
    summary = models.TextField(
        _("public summary"),
        blank=True,
        help_text=_("What the public sees besides the result: no names, no business secrets."),
    )
    publish_due = models.DateField(_("publish by"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-inspected_on", "-id"]
        verbose_name = _("public random-inspection result")
        verbose_name_plural = _("public random-inspection results")
        indexes = [
            models.Index(
                fields=["publish_due", "id"],
                name="result_unpublished_due",
                condition=models.Q(published_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.inspected_on}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None
