"""Writes for inspections: visits, photos, rectification orders, addenda and random draws."""

import math
import random
import secrets
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.db.models.functions import Mod
from django.utils import timezone
from django.utils.translation import gettext as _

from emergency.models import Measure, SpotCheck
from enterprises import services as enterprise_services
from enterprises.models import Enterprise, State, TierPolicy
from facilities import selectors as facility_selectors
from govern import clock, roles
from govern.errors import InvalidInput, PermissionDenied, TransitionConflict, require
from govern.events import publish
from govern.language import bureau_language
from govern.models import CLOSED_STATUSES, StoredFileBase, check_new_deadline
from govern.uploads import IMAGE_KINDS, JPEG, PNG, accept_upload, store_by_hash
from govern.workdays import add_working_days
from materials import selectors as material_selectors
from monitoring.models import Alert

from . import events, fieldmedia
from .models import (
    ChecklistItem,
    ChecklistResult,
    ChecklistTemplate,
    Conflict,
    InspectionItem,
    Officer,
    PlannedInspection,
    PublicResult,
    RandomDraw,
    RectificationOrder,
    SamplingRatio,
    SiteVisit,
    VisitAddendum,
    VisitPhoto,
    VisitSignature,
)
from .selectors import enterprise_inspectors

UNGRADED = "-"  # the pool key of enterprises not yet graded
EVENT_BATCH = 5000  # ids per event of a bulk step, so a receiver's queries stay bounded


def checklist_for(*, enterprise: Enterprise) -> ChecklistTemplate:
    """The newest published checklist of the enterprise's sector, else the newest general one."""
    published = ChecklistTemplate.objects.filter(published=True)
    template = published.filter(sector=enterprise.sector_id).order_by("-version").first()
    template = template or published.filter(sector__isnull=True).order_by("-version").first()
    if template is None:
        raise InvalidInput(_("No checklist is published for this sector or in general."))
    return template


def checklist_revise(*, template: ChecklistTemplate, by) -> ChecklistTemplate:
    """Copy a checklist into a new, unpublished version; visits keep the version they used."""
    require(roles.is_manager(by))
    with transaction.atomic():
        siblings = ChecklistTemplate.objects.select_for_update().filter(sector=template.sector_id)
        latest = max(t.version for t in siblings)
        revised = ChecklistTemplate.objects.create(
            sector_id=template.sector_id, version=latest + 1, title=template.title, published=False
        )
        ChecklistItem.objects.bulk_create(
            ChecklistItem(
                template=revised,
                order=i.order,
                text=i.text,
                guidance=i.guidance,
                legal_basis=i.legal_basis,
            )
            for i in template.items.all()
        )
    return revised


def _inspectors(users: Iterable, by) -> list:
    users = list({u.pk: u for u in users}.values())
    if by.pk not in {u.pk for u in users}:
        users.append(by)
    if len(users) < 2:
        raise InvalidInput(_("A site visit needs at least two inspectors."), field="inspectors")
    if not all(roles.is_staff_role(u) for u in users):
        raise InvalidInput(_("Every inspector must be bureau staff."), field="inspectors")
    return users


def visit_start(
    *,
    enterprise: Enterprise,
    inspectors: Iterable,
    by,
    started_at=None,
    location: str = "",
    planned: PlannedInspection | None = None,
    is_follow_up: bool = False,
    checkin_latitude=None,
    checkin_longitude=None,
    checkin_accuracy_m=None,
) -> SiteVisit:
    """Open a draft visit record with the enterprise's checklist, where the phone checked in."""
    require(roles.is_staff_role(by))
    latitude, longitude = _position(checkin_latitude, checkin_longitude, field="location")
    team = _inspectors(inspectors, by)
    if planned is not None and planned.enterprise_id != enterprise.pk:
        raise InvalidInput(_("The planned inspection is for another enterprise."), field="planned")
    _refuse_conflicts(team, enterprise)
    with transaction.atomic():
        if planned is not None and planned.spot_check_id is not None:
            template = ChecklistTemplate.objects.get(spot_check_id=planned.spot_check_id)
        else:
            template = checklist_for(enterprise=enterprise)
        visit = SiteVisit.objects.create(
            enterprise=enterprise,
            checklist=template,
            planned=planned,
            is_follow_up=is_follow_up
            or (planned is not None and planned.reason == planned.Reason.FOLLOW_UP),
            started_at=started_at or clock.now(),
            location=location.strip() or enterprise.address,
            checkin_latitude=latitude,
            checkin_longitude=longitude,
            checkin_accuracy_m=(
                min(int(checkin_accuracy_m), 100_000)
                if latitude is not None and str(checkin_accuracy_m or "").isdigit()
                else None
            ),
            created_by=by,
        )
        visit.inspectors.set(team)
        notes = _prefilled_notes(enterprise.pk)
        ChecklistResult.objects.bulk_create(
            ChecklistResult(visit=visit, item=item, note=notes.get(item.topic, ""))
            for item in template.items.all()
        )
    return visit


def _prefilled_notes(enterprise_id: int) -> dict[str, str]:
    """What the register and the ledger already say, for the items about them (the inspector edits)."""
    with bureau_language():
        return {
            ChecklistItem.Topic.FACILITIES: facility_selectors.checklist_note(
                enterprise_id=enterprise_id
            ),
            ChecklistItem.Topic.MATERIALS: material_selectors.checklist_note(
                enterprise_id=enterprise_id
            ),
        }


def _locked_draft(visit: SiteVisit, by) -> SiteVisit:
    locked = SiteVisit.objects.select_for_update().get(pk=visit.pk)
    if locked.is_submitted:
        raise TransitionConflict(
            _("This record is submitted and can no longer be changed; add an addendum.")
        )
    if not locked.inspectors.filter(pk=by.pk).exists():
        raise PermissionDenied(_("Only the inspectors of this visit may edit its record."))
    return locked


def visit_record(
    *,
    visit: SiteVisit,
    by,
    results: Mapping[int, tuple[str, str]] | None = None,
    conclusion: str | None = None,
    conclusion_text: str | None = None,
    ended_at=None,
    location: str | None = None,
    party_representative: str | None = None,
    party_refused: str | None = None,
) -> SiteVisit:
    """Save what the inspectors found so far; only a draft can be changed."""
    with transaction.atomic():
        locked = _locked_draft(visit, by)
        for result in locked.results.all():
            if results and result.pk in results:
                outcome, note = results[result.pk]
                if outcome not in ChecklistResult.Outcome.values and outcome != "":
                    raise InvalidInput(_("Unknown checklist result."), field=f"outcome_{result.pk}")
                result.outcome, result.note = outcome, (note or "").strip()
                result.save(update_fields=["outcome", "note"])
        if conclusion is not None:
            if conclusion and conclusion not in SiteVisit.Conclusion.values:
                raise InvalidInput(_("Unknown conclusion."), field="conclusion")
            locked.conclusion = conclusion
        if conclusion_text is not None:
            locked.conclusion_text = conclusion_text.strip()
        if location is not None and location.strip():
            locked.location = location.strip()
        if party_representative is not None:
            locked.party_representative = party_representative.strip()[:100]
        if party_refused is not None:
            locked.party_refused = party_refused.strip()
        if ended_at is not None:
            if ended_at < locked.started_at:
                raise InvalidInput(_("The visit cannot end before it started."), field="ended_at")
            locked.ended_at = ended_at
        locked.save()
    return locked


def visit_add_photo(
    *,
    visit: SiteVisit,
    upload,
    by,
    result: ChecklistResult | None = None,
    device_latitude=None,
    device_longitude=None,
) -> VisitPhoto:
    """Validate a photo by its content and size, store it by SHA-256 and attach it to a draft visit.

    When and where it was taken come from its EXIF, else from the phone's position sent with it and
    the upload time; a stamped copy (time, inspector, position, enterprise) is stored beside the
    unchanged original."""
    data, kind = accept_upload(
        upload, kinds=IMAGE_KINDS, max_bytes=settings.GOVERN_PHOTO_MAX_BYTES, field="photos"
    )
    facts = fieldmedia.photo_facts(data)
    latitude, longitude, place = facts.latitude, facts.longitude, VisitPhoto.Place.EXIF
    if latitude is None:
        latitude, longitude = _position(device_latitude, device_longitude)
        place = VisitPhoto.Place.DEVICE if latitude is not None else VisitPhoto.Place.NONE
    taken_at = facts.taken_at or clock.now()
    with bureau_language():
        lines = fieldmedia.stamp_lines(
            taken_at=taken_at,
            inspector=by.display_name,
            enterprise=visit.enterprise.name,
            latitude=latitude,
            longitude=longitude,
            source=str(VisitPhoto.Place(place).label) if place else "",
        )
    stamped = store_by_hash(
        fieldmedia.stamped_copy(data, lines),
        JPEG,
        folder="photos/stamped",
        original_name=upload.name or "",
    )
    with transaction.atomic():
        locked = _locked_draft(visit, by)
        if result is not None and result.visit_id != locked.pk:
            raise InvalidInput(_("That checklist item belongs to another visit."), field="photos")
        stored = store_by_hash(data, kind, folder="photos", original_name=upload.name or "")
        return VisitPhoto.objects.create(
            visit=locked,
            result=result,
            **StoredFileBase.stored_fields(stored),
            uploaded_by=by,
            taken_at=taken_at,
            latitude=latitude,
            longitude=longitude,
            place_source=place,
            stamped=stamped.name,
        )


def _position(
    latitude, longitude, *, field: str = "photos"
) -> tuple[Decimal | None, Decimal | None]:
    """A position sent by the browser, or (None, None) when absent; nonsense is refused."""
    if latitude in (None, "") or longitude in (None, ""):
        return None, None
    try:
        lat, lng = Decimal(str(latitude)), Decimal(str(longitude))
    except (InvalidOperation, ValueError) as error:
        raise InvalidInput(
            _("The position sent by the phone is not valid."), field=field
        ) from error
    if not (lat.is_finite() and lng.is_finite() and abs(lat) <= 90 and abs(lng) <= 180):
        raise InvalidInput(_("The position sent by the phone is not valid."), field=field)
    return lat.quantize(Decimal("0.000001")), lng.quantize(Decimal("0.000001"))


def visit_sign(
    *, visit: SiteVisit, by, image: str, role: str, signer=None, name: str = ""
) -> VisitSignature:
    """Keep a signature drawn on the phone: the inspected party's representative (named), or one of
    the visit's inspectors. Signing again on a draft replaces the earlier signature."""
    field = (
        "signature_party"
        if role == VisitSignature.Role.PARTY
        else f"signature_{getattr(signer, 'pk', '')}"
    )
    data = fieldmedia.signature_png(image, field=field)
    with transaction.atomic():
        locked = _locked_draft(visit, by)
        if role == VisitSignature.Role.PARTY:
            name = (name or locked.party_representative).strip()
            if not name:
                raise InvalidInput(
                    _("Write the representative's name before they sign."),
                    field="party_representative",
                )
            signer = None
        elif role == VisitSignature.Role.INSPECTOR:
            if signer is None or not locked.inspectors.filter(pk=signer.pk).exists():
                raise InvalidInput(
                    _("Only the visit's inspectors sign as inspectors."), field=field
                )
            name = signer.display_name
        else:
            raise InvalidInput(_("Unknown signature."), field=field)
        stored = store_by_hash(data, PNG, folder="signatures", original_name=f"{role}.png")
        locked.signatures.filter(role=role, signer=signer).delete()
        return VisitSignature.objects.create(
            visit=locked,
            role=role,
            signer=signer,
            name=name[:100],
            file=stored.name,
            sha256=stored.sha256,
            recorded_by=by,
        )


def default_order_deadline(enterprise: Enterprise, *, today: date | None = None) -> date:
    today = today or clock.today()
    return today + timedelta(days=TierPolicy.terms_for(enterprise.tier).rectification_deadline_days)


def order_issue(
    *,
    visit: SiteVisit,
    by,
    requirement: str,
    legal_basis: str,
    deadline: date | None = None,
    finding: ChecklistResult | None = None,
) -> RectificationOrder:
    """Turn a finding of a draft visit into a rectification order with a deadline.

    The legal basis defaults to the failed checklist item's; the deadline to the tier policy's.
    """
    if not requirement.strip():
        raise InvalidInput(_("State what must be rectified."), field="requirement")
    if not legal_basis.strip() and finding is not None:
        legal_basis = finding.item.legal_basis
    if not legal_basis.strip():
        raise InvalidInput(_("Give the legal basis."), field="legal_basis")
    with transaction.atomic():
        locked = _locked_draft(visit, by)
        if finding is not None and finding.visit_id != locked.pk:
            raise InvalidInput(_("That finding belongs to another visit."), field="finding")
        if (
            finding is not None
            # the caller's copy may predate the save that marked it failed: the row decides
            and ChecklistResult.objects.filter(pk=finding.pk)
            .values_list("outcome", flat=True)
            .first()
            != ChecklistResult.Outcome.FAIL
        ):
            raise InvalidInput(
                _("Only a failed item is ordered rectified: mark %(item)s as failed first.")
                % {"item": finding.item.text},
                field="finding",
            )
        deadline = deadline or default_order_deadline(locked.enterprise)
        if deadline <= clock.today():
            raise InvalidInput(_("The deadline must be after today."), field="deadline")
        return RectificationOrder.objects.create(
            enterprise=locked.enterprise,
            visit=locked,
            finding=finding,
            requirement=requirement.strip(),
            legal_basis=legal_basis.strip(),
            deadline=deadline,
        )


def order_withdraw(*, order: RectificationOrder, by) -> None:
    """Remove an order drafted in error, while its visit is still a draft (nothing was issued yet)."""
    with transaction.atomic():
        _locked_draft(order.visit, by)
        order.delete()


def submit_problems(*, visit: SiteVisit) -> list[tuple[str, str]]:
    """Everything that stops the record from being submitted, as (field, message), all at once."""
    visit = SiteVisit.objects.get(pk=visit.pk)  # the caller's copy may predate the latest save
    results = list(visit.results.select_related("item"))
    problems: list[tuple[str, str]] = []
    for r in results:
        if not r.outcome:
            problems.append(
                (
                    f"outcome_{r.pk}",
                    _("Every checklist item needs a result; missing: %(item)s.")
                    % {"item": r.item.text},
                )
            )
        elif r.outcome == r.Outcome.FAIL and not r.note.strip():
            problems.append(
                (f"note_{r.pk}", _("Describe what failed: %(item)s.") % {"item": r.item.text})
            )
    if not visit.conclusion:
        problems.append(("conclusion", _("Choose a conclusion.")))
    has_orders = visit.orders.exists()
    if visit.conclusion == SiteVisit.Conclusion.ISSUES and not has_orders:
        problems.append(
            ("conclusion", _("Problems were found: issue at least one rectification order."))
        )
    if visit.conclusion == SiteVisit.Conclusion.COMPLIANT and (
        has_orders or any(r.outcome == r.Outcome.FAIL for r in results)
    ):
        problems.append(
            (
                "conclusion",
                _(
                    "A visit with failed items or orders cannot conclude that no problems were found."
                ),
            )
        )
    if settings.GOVERN_VISIT_SIGNATURES_REQUIRED:
        problems.extend(_signature_problems(visit))
    return problems


def _signature_problems(visit: SiteVisit) -> list[tuple[str, str]]:
    """The record is signed by the party's representative (or their refusal is recorded, with a
    witness) and by every inspector of the visit: the signature lines of the 现场检查（勘察）笔录 in
    环境保护部《环境行政执法文书制作指南》(2016). The article that lets a refusal be noted instead of
    a signature was not confirmed against a stored page (see the README)."""
    problems = []
    signatures = list(visit.signatures.all())
    if not any(s.role == VisitSignature.Role.PARTY for s in signatures) and not (
        visit.party_refused.strip()
    ):
        problems.append(
            (
                "signature_party",
                _(
                    "The representative of the inspected party has not signed; if they refuse, "
                    "record the refusal and its witness."
                ),
            )
        )
    signed = {s.signer_id for s in signatures if s.role == VisitSignature.Role.INSPECTOR}
    for inspector in visit.inspectors.order_by("pk"):
        if inspector.pk not in signed:
            problems.append(
                (
                    f"signature_{inspector.pk}",
                    _("%(name)s has not signed the record.") % {"name": inspector.display_name},
                )
            )
    return problems


def visit_submit(*, visit: SiteVisit, by, verified_orders: Iterable[int] = ()) -> SiteVisit:
    """Check the record is complete and make it immutable; a follow-up closes the orders it verified."""
    with transaction.atomic():
        locked = _locked_draft(visit, by)
        problems = submit_problems(visit=locked)
        if problems:
            field, message = problems[0]
            raise InvalidInput(message, field=field)
        # Only orders issued to this enterprise (by a submitted visit) can be verified.
        verified = list(
            RectificationOrder.objects.issued()
            .select_for_update(of=("self",))
            .filter(pk__in=list(verified_orders), enterprise=locked.enterprise_id)
        )
        if len(verified) != len(set(verified_orders)):
            raise InvalidInput(
                _("An order to verify is not one issued to this enterprise."),
                field="verified_orders",
            )
        for order in verified:
            if order.status not in RectificationOrder.ACTIVE_STATUSES:
                raise TransitionConflict(_("An order to verify is already closed."))
            _accept(order, by=by, visit=locked)
        # A follow-up planned for an order this visit verified is done too (two follow-ups of one
        # enterprise on one day are one visit).
        PlannedInspection.objects.filter(
            order__in=verified, status=PlannedInspection.Status.PLANNED
        ).update(status=PlannedInspection.Status.DONE)
        now = clock.now()
        locked.ended_at = locked.ended_at or now
        locked.status = SiteVisit.Status.SUBMITTED
        locked.submitted_at = now
        locked.save()
        locked.orders.update(issued_at=now)  # its orders now reach the enterprise
        if locked.planned_id:
            PlannedInspection.objects.filter(pk=locked.planned_id).update(
                status=PlannedInspection.Status.DONE
            )
            _public_result_due(locked)
        enterprise_services.enterprise_mark_inspected(
            enterprise_id=locked.enterprise_id, at=locked.ended_at
        )
        order_ids = tuple(locked.orders.values_list("pk", flat=True))
        # The record's notices are issued by the notices app, which subscribes to this fact.
        publish(
            events.VisitSubmitted(
                visit_id=locked.pk,
                enterprise_id=locked.enterprise_id,
                order_ids=order_ids,
                by_id=by.pk,
            )
        )
        for order_id in order_ids:
            publish(
                events.OrderIssued(
                    order_id=order_id,
                    enterprise_id=locked.enterprise_id,
                    visit_id=locked.pk,
                    by_id=by.pk,
                )
            )
    return locked


def visit_add_addendum(*, visit: SiteVisit, text: str, by) -> VisitAddendum:
    """Correct a submitted record by adding a signed note; the record itself stays as submitted."""
    require(roles.is_staff_role(by))
    if not text.strip():
        raise InvalidInput(_("Write the correction."), field="text")
    current = SiteVisit.objects.get(pk=visit.pk)  # the caller's copy may predate the submission
    if not current.is_submitted:
        raise TransitionConflict(_("A draft is corrected by editing it, not by an addendum."))
    return VisitAddendum.objects.create(visit=current, author=by, text=text.strip())


def _refuse_conflicts(team: Iterable, enterprise: Enterprise) -> None:
    """回避: an officer who declared a conflict of interest with the enterprise may not inspect it."""
    conflicted = (
        Conflict.objects.filter(officer__user__in=[u.pk for u in team], enterprise=enterprise)
        .select_related("officer__user")
        .first()
    )
    if conflicted is not None:
        raise InvalidInput(
            _(
                "%(name)s declared a conflict of interest with %(enterprise)s (%(reason)s) and is "
                "recused: choose another inspector."
            )
            % {
                "name": conflicted.officer.user.display_name,
                "enterprise": enterprise.name,
                "reason": conflicted.reason,
            },
            field="inspectors",
        )


# The registers of 双随机、一公开 (一单两库): items, enterprises by category, officers.


def officer_save(
    *, user, certificate_no: str, certificate_valid_until: date, active: bool = True, by
) -> Officer:
    """Put a staff account in the officer register, or update its certificate."""
    require(roles.is_manager(by))
    if not roles.is_staff_role(user):
        raise InvalidInput(_("Only bureau staff can be enforcement officers."), field="user")
    number = (certificate_no or "").strip()
    if not number:
        raise InvalidInput(_("Give the enforcement certificate number."), field="certificate_no")
    taken = Officer.objects.filter(certificate_no=number).exclude(user=user).first()
    if taken is not None:
        raise InvalidInput(
            _("Certificate %(number)s is already registered to %(name)s.")
            % {"number": number, "name": taken.user.display_name},
            field="certificate_no",
        )
    officer, _created = Officer.objects.update_or_create(
        user=user,
        defaults={
            "certificate_no": number,
            "certificate_valid_until": certificate_valid_until,
            "active": active,
        },
    )
    return officer


def conflict_declare(*, officer: Officer, enterprise: Enterprise, reason: str, by) -> Conflict:
    """Record an officer's conflict of interest with an enterprise (the officer or a manager)."""
    require(roles.is_manager(by) or officer.user_id == by.pk)
    if not (reason or "").strip():
        raise InvalidInput(_("Say what the conflict of interest is."), field="reason")
    conflict, _created = Conflict.objects.update_or_create(
        officer=officer, enterprise=enterprise, defaults={"reason": reason.strip()[:200]}
    )
    return conflict


def item_save(*, code: str, name: str, legal_basis: str, by) -> InspectionItem:
    """Add an item to the random-inspection list, or update the one with this code."""
    require(roles.is_manager(by))
    code = (code or "").strip()
    if not code:
        raise InvalidInput(_("Give the item a code."), field="code")
    item, _created = InspectionItem.objects.update_or_create(
        code=code,
        defaults={"name": name.strip(), "legal_basis": legal_basis.strip(), "active": True},
    )
    return item


def sampling_ratio_set(*, category: str, percent, by) -> SamplingRatio:
    require(roles.is_manager(by))
    if not 0 <= float(percent) <= 100:
        raise InvalidInput(
            _("A share drawn per quarter is a percentage from 0 to 100."), field=f"ratio_{category}"
        )
    ratio, _created = SamplingRatio.objects.update_or_create(
        category=category,
        defaults={"percent_per_quarter": percent, "updated_by": by, "updated_at": clock.now()},
    )
    return ratio


def sampling_ratios() -> dict[str, float]:
    return {r.category: float(r.percent_per_quarter) for r in SamplingRatio.objects.all()}


class NotEnoughOfficers(Exception):
    """Fewer than two officers are left for an enterprise once those in conflict are recused."""

    def __init__(self, enterprise_id: int):
        super().__init__(enterprise_id)
        self.enterprise_id = enterprise_id


def draw_compute(
    *,
    pool: Mapping[str, list[int]],
    inspectors: list[int],
    quotas: Mapping[str, float],
    seed: int,
    conflicts: Mapping[str, list[int]] | None = None,
) -> list[tuple[int, tuple[int, int]]]:
    """The enterprises drawn and their two officers: a pure function of its arguments.

    Each category's share is rounded up, so a non-empty category with a positive ratio yields at
    least one. An officer in ``conflicts`` for an enterprise (ids as strings, as JSON stores them) is
    never paired with it; fewer than two left raises ``NotEnoughOfficers``.
    """
    rng = random.Random(seed)
    picks: list[tuple[int, tuple[int, int]]] = []
    team = sorted(inspectors)
    conflicts = conflicts or {}
    for category in sorted(pool):
        candidates = sorted(pool[category])
        share = float(quotas.get(category, 0))
        count = min(len(candidates), math.ceil(len(candidates) * share / 100)) if share > 0 else 0
        for enterprise_id in rng.sample(candidates, count):
            recused = set(conflicts.get(str(enterprise_id), ()))
            eligible = [u for u in team if u not in recused] if recused else team
            if len(eligible) < 2:
                raise NotEnoughOfficers(enterprise_id)
            first, second = rng.sample(eligible, 2)
            picks.append((enterprise_id, (first, second)))
    return picks


def draw_create(
    *,
    period: str,
    pool_queryset,
    inspectors: Iterable | None = None,
    items: Iterable[InspectionItem],
    due_date: date,
    by,
    filters: Mapping | None = None,
) -> RandomDraw:
    """Draw enterprises from each category of the register by its quarterly ratio and pair each with
    two certified officers not in conflict with it; the seed is made here, never typed by a user."""
    require(roles.is_manager(by))
    items = list(items)
    if not items:
        raise InvalidInput(_("Choose the items the inspections check."), field="items")
    today = clock.today()
    officers = Officer.objects.filter(active=True, certificate_valid_until__gte=today)
    if inspectors is not None:
        chosen = {u.pk: u for u in inspectors}
        certified = set(officers.filter(user__in=list(chosen)).values_list("user_id", flat=True))
        uncertified = [u for pk, u in chosen.items() if pk not in certified]
        if uncertified:
            raise InvalidInput(
                _(
                    "%(name)s is not in the officer register with a valid enforcement certificate "
                    "and cannot be drawn."
                )
                % {"name": uncertified[0].display_name},
                field="inspectors",
            )
        inspector_ids = sorted(certified)
    else:
        inspector_ids = sorted(officers.values_list("user_id", flat=True))
    if len(inspector_ids) < 2:
        raise InvalidInput(_("A draw needs at least two certified officers."), field="inspectors")
    if due_date < today:
        raise InvalidInput(_("The inspect-by date has passed."), field="due_date")
    quotas = sampling_ratios()
    if not any(quotas.values()):
        raise InvalidInput(
            _("Set the share drawn per quarter of at least one category first."), field="period"
        )
    pool: dict[str, list[int]] = {}
    for pk, category in pool_queryset.exclude(state=State.CLOSED).values_list(
        "pk", "sampling_category"
    ):
        pool.setdefault(category, []).append(pk)
    conflicts: dict[str, list[int]] = {}
    for user_id, enterprise_id in Conflict.objects.filter(
        officer__user_id__in=inspector_ids, enterprise_id__in=pool_queryset.values("pk")
    ).values_list("officer__user_id", "enterprise_id"):
        conflicts.setdefault(str(enterprise_id), []).append(user_id)
    seed = secrets.randbits(48)
    try:
        picks = draw_compute(
            pool=pool, inspectors=inspector_ids, quotas=quotas, seed=seed, conflicts=conflicts
        )
    except NotEnoughOfficers as refused:
        name = Enterprise.objects.filter(pk=refused.enterprise_id).values_list("name", flat=True)
        raise InvalidInput(
            _(
                "Officers who declared a conflict of interest with %(enterprise)s are recused, and "
                "fewer than two officers are left for it: add officers to the draw."
            )
            % {"enterprise": name.first() or refused.enterprise_id},
            field="inspectors",
        ) from None
    with transaction.atomic():
        draw = RandomDraw.objects.create(
            period=period.strip(),
            seed=seed,
            filters=dict(filters or {}),
            quotas=quotas,
            pool=pool,
            inspector_pool=inspector_ids,
            conflicts=conflicts,
            due_date=due_date,
            created_by=by,
        )
        draw.items.set(items)
        planned = PlannedInspection.objects.bulk_create(
            PlannedInspection(
                enterprise_id=enterprise_id,
                reason=PlannedInspection.Reason.RANDOM,
                due_date=due_date,
                draw=draw,
            )
            for enterprise_id, _pair in picks
        )
        Through = PlannedInspection.inspectors.through
        Through.objects.bulk_create(
            Through(plannedinspection_id=p.pk, user_id=user_id)
            for p, (_e, pair) in zip(planned, picks, strict=True)
            for user_id in pair
        )
        planned_ids = [p.pk for p in planned]
        if planned_ids:
            publish(events.InspectionsPlanned(planned_ids=tuple(planned_ids), by_id=by.pk))
    return draw


def draw_replay(*, draw: RandomDraw) -> list[tuple[int, tuple[int, int]]]:
    """Recompute a draw from its recorded seed, pool, officers and conflicts (for audit)."""
    return draw_compute(
        pool=draw.pool,
        inspectors=draw.inspector_pool,
        quotas=draw.quotas,
        seed=draw.seed,
        conflicts=draw.conflicts,
    )


def planned_reassign(*, planned: PlannedInspection, inspectors: Iterable, by) -> PlannedInspection:
    """Replace a drawn inspection's officers (one is ill, or declared a conflict after the draw)."""
    require(roles.is_manager(by))
    team = list({u.pk: u for u in inspectors}.values())
    if len(team) != 2:
        raise InvalidInput(_("A random inspection is done by two officers."), field="inspectors")
    today = clock.today()
    certified = set(
        Officer.objects.filter(
            user__in=[u.pk for u in team], active=True, certificate_valid_until__gte=today
        ).values_list("user_id", flat=True)
    )
    for user in team:
        if user.pk not in certified:
            raise InvalidInput(
                _(
                    "%(name)s is not in the officer register with a valid enforcement certificate "
                    "and cannot be drawn."
                )
                % {"name": user.display_name},
                field="inspectors",
            )
    _refuse_conflicts(team, planned.enterprise)
    with transaction.atomic():
        locked = PlannedInspection.objects.select_for_update().get(pk=planned.pk)
        if locked.status != PlannedInspection.Status.PLANNED:
            raise TransitionConflict(_("This inspection is no longer planned."))
        locked.inspectors.set(team)
        publish(events.InspectionsPlanned(planned_ids=(locked.pk,), by_id=by.pk))
    return locked


def _public_result_due(visit: SiteVisit) -> None:
    """A submitted random inspection is to be published within the configured working days."""
    planned = visit.planned
    if planned is None or planned.reason != PlannedInspection.Reason.RANDOM:
        return
    inspected_on = timezone.localtime(visit.started_at).date()
    PublicResult.objects.get_or_create(
        planned=planned,
        defaults={
            "visit": visit,
            "enterprise_id": visit.enterprise_id,
            "inspected_on": inspected_on,
            "outcome": visit.conclusion,
            "publish_due": add_working_days(
                timezone.localtime(visit.submitted_at).date()
                if visit.submitted_at
                else inspected_on,
                settings.GOVERN_RANDOM_PUBLISH_WORKING_DAYS,
            ),
        },
    )


def result_publish(*, result: PublicResult, summary: str, by) -> PublicResult:
    """Publish a random inspection's result (no login needed to read it from then on)."""
    require(roles.is_manager(by))
    text = (summary or "").strip()
    if len(text) > 500:
        raise InvalidInput(_("Keep the public summary under 500 characters."), field="summary")
    with transaction.atomic():
        locked = PublicResult.objects.select_for_update().get(pk=result.pk)
        if locked.is_published:
            raise TransitionConflict(
                _("This result was published on %(day)s; it is not published twice.")
                % {"day": timezone.localtime(locked.published_at).date().isoformat()}
            )
        locked.summary = text
        locked.published_at = clock.now()
        locked.published_by = by
        locked.save(update_fields=["summary", "published_at", "published_by"])
    return locked


# The rectification order's state machine: these functions are its only driver. The evidence app
# and the daily job call them; nothing else changes an order's status.


def _locked_order(order: RectificationOrder | int) -> RectificationOrder:
    pk = order if isinstance(order, int) else order.pk
    return RectificationOrder.objects.select_for_update(of=("self",)).get(pk=pk)


def _accept(order: RectificationOrder, *, by, visit: SiteVisit | None = None) -> None:
    order.accept()
    order.closed_at = clock.now()
    order.closed_by = by
    order.closed_by_visit = visit
    order.save()
    publish(events.OrderAccepted(order_id=order.pk, enterprise_id=order.enterprise_id, by_id=by.pk))


def order_evidence_received(*, order: RectificationOrder) -> RectificationOrder:
    """Evidence arrived for the order: it awaits review (whether it was open or overdue)."""
    with transaction.atomic():
        locked = _locked_order(order)
        if locked.status == RectificationOrder.Status.CANCELLED:
            raise TransitionConflict(_("This item was cancelled when the enterprise was closed."))
        if locked.status == RectificationOrder.Status.ACCEPTED:
            raise TransitionConflict(
                _("This item is already accepted; no more evidence is needed.")
            )
        if locked.status != RectificationOrder.Status.EVIDENCE_SUBMITTED:
            locked.submit_evidence()
            locked.save()
    return locked


def order_accept(*, order: RectificationOrder, by) -> RectificationOrder:
    """The order's evidence was accepted: the order is closed, with when and by whom."""
    require(roles.is_staff_role(by))
    with transaction.atomic():
        locked = _locked_order(order)
        if locked.status not in RectificationOrder.ACTIVE_STATUSES:
            raise TransitionConflict(
                _("This order is already %(status)s.") % {"status": locked.get_status_display()}
            )
        _accept(locked, by=by)
    return locked


def order_evidence_rejected(*, order: RectificationOrder, by) -> RectificationOrder:
    """The order's evidence was rejected: open again, or overdue if its deadline has passed."""
    require(roles.is_staff_role(by))
    with transaction.atomic():
        locked = _locked_order(order)
        if locked.status != RectificationOrder.Status.EVIDENCE_SUBMITTED:
            raise TransitionConflict(
                _("This order is %(status)s and has no evidence awaiting review.")
                % {"status": locked.get_status_display()}
            )
        locked.reject_evidence()
        if locked.deadline < clock.today():
            locked.mark_overdue()
        locked.save()
    return locked


def order_deadline_extend(*, order: RectificationOrder, deadline: date, by) -> RectificationOrder:
    """Move the order's deadline (an approved extension); an overdue order is open again."""
    require(roles.is_manager(by))
    with transaction.atomic():
        locked = _locked_order(order)
        if locked.status in CLOSED_STATUSES:
            raise TransitionConflict(
                _("This item is %(status)s; its deadline no longer moves.")
                % {"status": locked.get_status_display()}
            )
        check_new_deadline(deadline=deadline, current=locked.deadline)
        locked.deadline = deadline
        if locked.status == RectificationOrder.Status.OVERDUE and deadline >= clock.today():
            locked.reopen()
        locked.save()
    return locked


def _in_shard(queryset, *, shard: int, shards: int, field: str = "enterprise_id"):
    """The part of a queryset one worker of ``shards`` handles (by enterprise, so shards never
    touch the same enterprise)."""
    if shards <= 1:
        return queryset
    return queryset.annotate(shard_of=Mod(F(field), shards)).filter(shard_of=shard)


def orders_mark_overdue(
    *, today: date | None = None, shard: int = 0, shards: int = 1, batch: int = 5000
) -> int:
    """Mark issued open orders past their deadline as overdue; safe to run any number of times.

    Set-based: the same step as the ``mark_overdue`` transition (open → overdue), applied to a batch of
    rows at once, so a day with 100,000 overdue orders costs a few statements.
    """
    today = today or clock.today()
    due = _in_shard(
        RectificationOrder.objects.issued().filter(
            status=RectificationOrder.Status.OPEN, deadline__lt=today
        ),
        shard=shard,
        shards=shards,
    )
    marked = 0
    while True:
        if connection.vendor == "postgresql":
            with transaction.atomic(), connection.cursor() as cursor:
                sql, params = (
                    due.select_for_update(of=("self",), skip_locked=True)
                    .order_by()
                    .values("pk")[:batch]
                    .query.sql_with_params()
                )
                cursor.execute(
                    "UPDATE inspections_rectificationorder SET status = %s "
                    f"WHERE id IN ({sql}) RETURNING id",
                    [RectificationOrder.Status.OVERDUE, *params],
                )
                ids = [row[0] for row in cursor.fetchall()]
                if not ids:
                    return marked
                publish(events.OrdersOverdue(order_ids=tuple(ids)))
                marked += len(ids)
            continue
        with transaction.atomic():
            ids = list(
                due.select_for_update(of=("self",), skip_locked=True)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch]
            )
            if not ids:
                return marked
            RectificationOrder.objects.filter(
                pk__in=ids, status=RectificationOrder.Status.OPEN
            ).update(status=RectificationOrder.Status.OVERDUE)
            publish(events.OrdersOverdue(order_ids=tuple(ids)))
            marked += len(ids)


def follow_ups_schedule(*, today: date | None = None, shard: int = 0, shards: int = 1) -> list[int]:
    """Plan a follow-up inspection of every overdue issued order that has none, assigned to the
    inspectors of the visit that issued it; once per order (a unique constraint guards it).

    On PostgreSQL two set-based statements do it whatever the number of orders."""
    today = today or clock.today()
    due = add_working_days(today, settings.GOVERN_FOLLOW_UP_WORKING_DAYS)
    if connection.vendor == "postgresql":
        return _follow_ups_sql(due=due, shard=shard, shards=shards)
    orders = list(
        _in_shard(
            RectificationOrder.objects.issued().filter(
                status=RectificationOrder.Status.OVERDUE, follow_ups__isnull=True
            ),
            shard=shard,
            shards=shards,
        ).values_list("pk", "enterprise_id", "visit_id")
    )
    created: list[int] = []
    for order, enterprise, visit in orders:
        with transaction.atomic():
            planned, is_new = PlannedInspection.objects.get_or_create(
                order_id=order,
                defaults={
                    "enterprise_id": enterprise,
                    "reason": PlannedInspection.Reason.FOLLOW_UP,
                    "due_date": due,
                },
            )
            if is_new:
                planned.inspectors.set(SiteVisit.objects.get(pk=visit).inspectors.all())
                created.append(planned.pk)
    if created:
        publish(events.InspectionsPlanned(planned_ids=tuple(created), follow_up=True))
    return created


def _follow_ups_sql(*, due: date, shard: int, shards: int) -> list[int]:
    planned = PlannedInspection._meta.db_table
    team = PlannedInspection.inspectors.through._meta.db_table
    visit_team = SiteVisit.inspectors.through._meta.db_table
    sharding = "AND o.enterprise_id %% %s = %s" if shards > 1 else ""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {planned} (enterprise_id, reason, due_date, order_id, status, created_at)
            SELECT o.enterprise_id, %s, %s, o.id, %s, %s
            FROM inspections_rectificationorder o
            JOIN inspections_sitevisit v ON v.id = o.visit_id AND v.status = %s
            WHERE o.status = %s {sharding}
              AND NOT EXISTS (SELECT 1 FROM {planned} p WHERE p.order_id = o.id)
            ON CONFLICT DO NOTHING
            RETURNING id
            """,
            [
                PlannedInspection.Reason.FOLLOW_UP,
                due,
                PlannedInspection.Status.PLANNED,
                clock.now(),
                SiteVisit.Status.SUBMITTED,
                RectificationOrder.Status.OVERDUE,
                *([shards, shard] if shards > 1 else []),
            ],
        )
        created = [row[0] for row in cursor.fetchall()]
        if created:
            cursor.execute(
                f"""
                INSERT INTO {team} (plannedinspection_id, user_id)
                SELECT p.id, t.user_id FROM {planned} p
                JOIN inspections_rectificationorder o ON o.id = p.order_id
                JOIN {visit_team} t ON t.sitevisit_id = o.visit_id
                WHERE p.id = ANY(%s)
                ON CONFLICT DO NOTHING
                """,
                [created],
            )
            for start in range(0, len(created), EVENT_BATCH):  # bounded events for the receivers
                chunk = tuple(created[start : start + EVENT_BATCH])
                publish(events.InspectionsPlanned(planned_ids=chunk, follow_up=True))
    return created


def inspection_plan_for_alert(*, alert_id: int) -> PlannedInspection | None:
    """An exceedance alert plans a targeted inspection of its enterprise within
    ``GOVERN_ALERT_INSPECTION_WORKING_DAYS``, assigned to the inspectors who know the site; once per
    alert. A closed enterprise is not inspected."""
    alert = Alert.objects.select_related("enterprise").get(pk=alert_id)
    if alert.enterprise.state == State.CLOSED:
        return None
    due = add_working_days(clock.today(), settings.GOVERN_ALERT_INSPECTION_WORKING_DAYS)
    with transaction.atomic():
        planned, created = PlannedInspection.objects.get_or_create(
            alert=alert,
            defaults={
                "enterprise_id": alert.enterprise_id,
                "reason": PlannedInspection.Reason.MONITORING,
                "due_date": due,
            },
        )
        if created:
            planned.inspectors.set(enterprise_inspectors(enterprise_id=alert.enterprise_id))
    return planned


def spot_checks_plan(*, draw_id: int, by) -> list[int]:
    """A warning's spot-check draw becomes planned inspections, each with a checklist generated from
    the enterprise's instruction: an item per line (the measure at the level, how it is checked) and
    the records every check looks at. Once per spot check."""
    checks = list(
        SpotCheck.objects.filter(draw_id=draw_id, planned__isnull=True).select_related(
            "instruction", "draw", "enterprise"
        )
    )
    basis = "《中华人民共和国大气污染防治法》第九十六条；重污染天气应急预案"
    planned_ids = []
    with transaction.atomic(), bureau_language():
        for check in checks:
            instruction = check.instruction
            level = instruction.get_level_display()
            template = ChecklistTemplate.objects.create(
                sector=None,
                version=1,
                title=_("Warning spot check: %(enterprise)s, %(level)s warning")
                % {"enterprise": check.enterprise.name, "level": level},
                published=False,
                spot_check=check,
            )
            items: list[ChecklistItem] = []
            for line in instruction.readable_lines():
                if line["measure"] == Measure.NONE:
                    continue
                items.append(
                    ChecklistItem(
                        template=template,
                        order=len(items),
                        text=f"{line['line']}：{level}预警期间{line['text']}",
                        guidance=f"核查方式：{line['check']}",
                        legal_basis=basis,
                    )
                )
            for text, guidance in (
                (
                    "预警期间生产记录、用电记录完整，与减排措施一致",
                    "查阅生产台账、用电量或分表读数",
                ),
                ("VOCs治理设施正常运行", "查看运行记录和现场运行状态"),
                ("企业已确认应急减排告知书并落实到岗", "询问现场负责人，查看确认记录"),
            ):
                items.append(
                    ChecklistItem(
                        template=template,
                        order=len(items),
                        text=text,
                        guidance=guidance,
                        legal_basis=basis,
                    )
                )
            ChecklistItem.objects.bulk_create(items)
            planned = PlannedInspection.objects.create(
                enterprise_id=check.enterprise_id,
                reason=PlannedInspection.Reason.EMERGENCY,
                due_date=check.draw.due_date,
                spot_check=check,
            )
            planned.inspectors.set(enterprise_inspectors(enterprise_id=check.enterprise_id)[:2])
            planned_ids.append(planned.pk)
        if planned_ids:
            publish(events.InspectionsPlanned(planned_ids=tuple(planned_ids), by_id=by.pk))
    return planned_ids


def obligations_cancel_for_closure(*, enterprise_id: int, by) -> int:
    """A closure was ordered: the enterprise's open orders are cancelled (recorded as closed by the
    closure, with the reason) and its planned inspections dropped, so nothing keeps escalating or
    spawning visits."""
    with bureau_language():
        why = _("Cancelled: the enterprise's closure was ordered on %(date)s.") % {
            "date": clock.today().isoformat()
        }
    cancelled = _orders_cancel(enterprise_id=enterprise_id, by=by, why=why)
    PlannedInspection.objects.filter(
        enterprise_id=enterprise_id, status=PlannedInspection.Status.PLANNED
    ).update(status=PlannedInspection.Status.CANCELLED)
    return cancelled


def obligations_cancel_for_relocation(*, enterprise_id: int, park_name: str, by) -> int:
    """A relocation was completed: orders about the old, decommissioned site are cancelled with the
    reason (the new site passed its acceptance inspection); planned inspections stay, at the new site."""
    with bureau_language():
        why = _(
            "Cancelled: the site was decommissioned when the enterprise moved into %(park)s on "
            "%(date)s."
        ) % {"park": park_name, "date": clock.today().isoformat()}
    return _orders_cancel(enterprise_id=enterprise_id, by=by, why=why)


def _orders_cancel(*, enterprise_id: int, by, why: str) -> int:
    return RectificationOrder.objects.filter(
        enterprise_id=enterprise_id, status__in=RectificationOrder.ACTIVE_STATUSES
    ).update(
        status=RectificationOrder.Status.CANCELLED,
        closed_at=clock.now(),
        closed_by=by,
        disposition=why,
    )
