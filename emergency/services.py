"""Emergency reduction lists, warnings and their instructions, spot checks, reading comparisons and
ozone campaigns. The only writer of these models; rules and their sources are in ``rules.py``."""

import random
import secrets
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.models import SELF_DETERMINED_GRADES, District, Enterprise, State
from govern import clock, roles
from govern.errors import InvalidInput, TransitionConflict, full_clean, require
from govern.events import publish
from monitoring import services as monitoring_services
from monitoring.models import Interval, MonitoringPoint, Reading

from . import events, rules
from .models import (
    LEVEL_RANK,
    OPEN_LIST_STATUSES,
    POLLUTANTS,
    CheckMethod,
    Instruction,
    OzoneCampaign,
    ProductionLine,
    ReadingComparison,
    ReductionList,
    SpotCheck,
    SpotCheckDraw,
    Warning,
    WarningChange,
    live,
)

LINE_FIELDS = (
    "name",
    "voc_tpa",
    "nox_tpa",
    "pm_tpa",
    "yellow_measure",
    "yellow_keep_pct",
    "orange_measure",
    "orange_keep_pct",
    "red_measure",
    "red_keep_pct",
    "check_method",
    "monitoring_point",
    "check_detail",
)
# Enterprises that no longer operate at a site get no instruction.
GONE = (State.CLOSED, State.RELOCATED)
DEFAULT_WEIGHTS = {"A": 1, "B": 2, "C": 4, "D": 4, "leading": 1, "": 4}
EPISODE_EVENT_BATCH = 5000


# Reduction lists


def list_open(*, enterprise: Enterprise, by) -> ReductionList:
    """The enterprise's list being drafted; a new version copied from the approved one if none is."""
    require(roles.may_act_for(by, enterprise.pk))
    with transaction.atomic():
        Enterprise.objects.select_for_update().filter(pk=enterprise.pk).first()
        lists = ReductionList.objects.filter(enterprise=enterprise)
        current = lists.filter(status__in=OPEN_LIST_STATUSES).first()
        if current is not None:
            return current
        approved = lists.filter(status=ReductionList.Status.APPROVED).first()
        latest = lists.order_by("-version").values_list("version", flat=True).first() or 0
        draft = ReductionList.objects.create(enterprise=enterprise, version=latest + 1)
        if approved is not None:
            ProductionLine.objects.bulk_create(
                ProductionLine(
                    reduction_list=draft,
                    order=line.order,
                    **{f: getattr(line, f) for f in LINE_FIELDS},
                )
                for line in approved.lines.all()
            )
    return draft


def list_save(
    *, reduction_list: ReductionList, lines: list[Mapping], note: str, by
) -> ReductionList:
    """Replace the draft's lines with ``lines`` (field → value); each line is validated on its own."""
    require(roles.may_act_for(by, reduction_list.enterprise_id))
    with transaction.atomic():
        locked = ReductionList.objects.select_for_update().get(pk=reduction_list.pk)
        if not locked.editable:
            raise TransitionConflict(
                _("This list was submitted or approved; it can no longer be edited.")
            )
        built = []
        for index, values in enumerate(lines):
            line = ProductionLine(reduction_list=locked, order=index, **values)
            full_clean(line, exclude=["reduction_list"])
            built.append(line)
        locked.lines.all().delete()
        ProductionLine.objects.bulk_create(built)
        locked.note = note.strip()
        locked.save(update_fields=["note"])
    return locked


def list_check(*, reduction_list: ReductionList) -> rules.ListCheck:
    lines = reduction_list.lines.select_related("monitoring_point")
    return rules.check_list(enterprise=reduction_list.enterprise, lines=lines)


def _refuse(check: rules.ListCheck) -> None:
    if not check.ok:
        raise InvalidInput(" ".join(check.problems), field="lines")


def list_submit(*, reduction_list: ReductionList, by) -> ReductionList:
    """Submit a draft for approval; refused with every problem the rules find."""
    require(roles.may_act_for(by, reduction_list.enterprise_id))
    with transaction.atomic():
        locked = ReductionList.objects.select_for_update().get(pk=reduction_list.pk)
        if not locked.editable:
            raise TransitionConflict(_("This list was already submitted."))
        _refuse(list_check(reduction_list=locked))
        locked.status = ReductionList.Status.SUBMITTED
        locked.submitted_at = clock.now()
        locked.submitted_by = by
        locked.save(update_fields=["status", "submitted_at", "submitted_by"])
        publish(
            events.ReductionListSubmitted(
                list_id=locked.pk, enterprise_id=locked.enterprise_id, by_id=by.pk
            )
        )
    return locked


def list_review(*, reduction_list: ReductionList, approve: bool, comment: str, by) -> ReductionList:
    """An inspector approves a submitted list (it replaces the approved one) or returns it with a reason."""
    require(roles.is_staff_role(by))
    with transaction.atomic():
        locked = ReductionList.objects.select_for_update().get(pk=reduction_list.pk)
        if locked.status != ReductionList.Status.SUBMITTED:
            raise TransitionConflict(_("Only a submitted list can be approved or returned."))
        if approve:
            _refuse(list_check(reduction_list=locked))
            ReductionList.objects.filter(
                enterprise_id=locked.enterprise_id, status=ReductionList.Status.APPROVED
            ).update(status=ReductionList.Status.SUPERSEDED)
            locked.status = ReductionList.Status.APPROVED
        else:
            if not comment.strip():
                raise InvalidInput(
                    _("Say what the enterprise must change before it submits again."),
                    field="comment",
                )
            locked.status = ReductionList.Status.RETURNED
        locked.reviewed_at = clock.now()
        locked.reviewed_by = by
        locked.review_comment = comment.strip()
        locked.save(update_fields=["status", "reviewed_at", "reviewed_by", "review_comment"])
        publish(
            events.ReductionListReviewed(
                list_id=locked.pk,
                enterprise_id=locked.enterprise_id,
                approved=approve,
                by_id=by.pk,
            )
        )
    return locked


# Warnings and instructions


def in_scope(*, district_ids: Iterable[int]):
    """Enterprises of the districts that take instructions: operating, and not grade A or leading
    (those set their own measures, 环办大气函〔2020〕340号)."""
    return (
        Enterprise.objects.filter(district_id__in=list(district_ids))
        .exclude(state__in=GONE)
        .exclude(performance_grade__in=SELF_DETERMINED_GRADES)
    )


def self_determined(*, district_ids: Iterable[int]):
    """Enterprises of the districts that set their own measures (no instruction)."""
    return (
        Enterprise.objects.filter(district_id__in=list(district_ids))
        .exclude(state__in=GONE)
        .filter(performance_grade__in=SELF_DETERMINED_GRADES)
    )


def _approved_lists(enterprise_ids: list[int]) -> dict[int, ReductionList]:
    lists = ReductionList.objects.filter(
        enterprise_id__in=enterprise_ids, status=ReductionList.Status.APPROVED
    ).prefetch_related("lines")
    return {rl.enterprise_id: rl for rl in lists}


def instruction_measures(reduction_list: ReductionList | None, level: str) -> list[dict]:
    """The list's lines at a level, as written into the instruction (kept as issued)."""
    if reduction_list is None:
        return []
    measures = []
    for line in reduction_list.lines.all():
        measure, keep = line.measure(level)
        measures.append(
            {
                "line": line.name,
                "measure": measure,
                "keep_pct": keep,
                "check": line.check_method,
                "point": line.monitoring_point_id,
                "check_detail": line.check_detail,
                "cut": str(line.cut(level)),
                "voc": str(line.voc_tpa),
                "nox": str(line.nox_tpa),
                "pm": str(line.pm_tpa),
            }
        )
    return measures


def _reductions(enterprise: Enterprise, reduction_list, level: str) -> dict[str, Decimal]:
    """What the enterprise must cut at a level: its list's figures, or without an approved list the
    threshold share of its emissions (the instruction then asks it to stop enough to meet it)."""
    if reduction_list is not None:
        return {
            p: sum((line.reduction(level, p) for line in reduction_list.lines.all()), Decimal(0))
            for p in POLLUTANTS
        }
    share = rules.threshold(level)
    return {
        p: (getattr(enterprise, f"baseline_{p}_tpa") * share).quantize(Decimal("0.001"))
        for p in POLLUTANTS
    }


def _issue(warning: Warning, *, level: str, starts_at: datetime, enterprises) -> list[int]:
    enterprises = list(enterprises)
    lists = _approved_lists([e.pk for e in enterprises])
    now = clock.now()
    built = []
    for enterprise in enterprises:
        reduction_list = lists.get(enterprise.pk)
        cut = _reductions(enterprise, reduction_list, level)
        built.append(
            Instruction(
                warning=warning,
                enterprise=enterprise,
                level=level,
                starts_at=starts_at,
                ends_at=warning.ends_at,
                reduction_list=reduction_list,
                measures=instruction_measures(reduction_list, level),
                voc_t=cut["voc"],
                nox_t=cut["nox"],
                pm_t=cut["pm"],
                issued_at=now,
            )
        )
    # PostgreSQL and SQLite ≥ 3.35 return the new ids from a bulk insert.
    return [i.pk for i in Instruction.objects.bulk_create(built, batch_size=1000)]


def _publish_issued(warning: Warning, ids: list[int], by) -> None:
    for start in range(0, len(ids), EPISODE_EVENT_BATCH):
        publish(
            events.InstructionsIssued(
                warning_id=warning.pk,
                instruction_ids=tuple(ids[start : start + EPISODE_EVENT_BATCH]),
                by_id=by.pk,
            )
        )


def _check_period(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise InvalidInput(_("The end must come after the start."), field="ends_at")
    if ends_at - starts_at > timedelta(days=30):
        raise InvalidInput(
            _("A warning lasts at most 30 days; declare a new one after it."), field="ends_at"
        )


def overlapping(*, district_ids: Iterable[int], starts_at: datetime, ends_at: datetime):
    """Warnings of any of the districts that begin before the period ends and are still on (not
    ended, not lifted) when it starts."""
    return Warning.objects.filter(
        live(now=starts_at), districts__in=list(district_ids), starts_at__lt=ends_at
    ).distinct()


def warning_declare(
    *,
    level: str,
    districts: Iterable[District],
    starts_at: datetime,
    ends_at: datetime,
    reason: str,
    by,
    short_notice_reason: str = "",
) -> Warning:
    """Declare a warning for districts; every enterprise in scope gets its instruction (and, through
    the notices app, a numbered PDF notice in one batch)."""
    require(roles.is_manager(by))
    districts = list(districts)
    if level not in LEVEL_RANK:
        raise InvalidInput(_("Choose the warning level."), field="level")
    if not districts:
        raise InvalidInput(_("Choose at least one district."), field="districts")
    if not reason.strip():
        raise InvalidInput(_("Give the reason for the warning."), field="reason")
    _check_period(starts_at, ends_at)
    now = clock.now()
    if ends_at <= now:
        raise InvalidInput(_("The end has already passed."), field="ends_at")
    if starts_at < now - timedelta(hours=1):
        raise InvalidInput(
            _("The start is in the past; a warning starts now or later."), field="starts_at"
        )
    notice = timedelta(hours=settings.GOVERN_WARNING_NOTICE_HOURS)
    if starts_at - now < notice and not short_notice_reason.strip():
        raise InvalidInput(
            _(
                "A warning normally starts at least %(hours)d hours after it is declared; give the "
                "reason for the short notice."
            )
            % {"hours": settings.GOVERN_WARNING_NOTICE_HOURS},
            field="short_notice_reason",
        )
    with transaction.atomic():
        # One declaration at a time per district: the district rows are locked while overlaps are checked.
        list(District.objects.select_for_update().filter(pk__in=[d.pk for d in districts]))
        clash = overlapping(
            district_ids=[d.pk for d in districts], starts_at=starts_at, ends_at=ends_at
        )
        first = clash.prefetch_related("districts").first()
        if first is not None:
            names = "、".join(
                str(d) for d in first.districts.all() if d.pk in {x.pk for x in districts}
            )
            raise InvalidInput(
                _(
                    "%(districts)s already has a %(level)s warning from %(start)s to %(end)s: change "
                    "its level or lift it instead of declaring another."
                )
                % {
                    "districts": names,
                    "level": first.get_level_display(),
                    "start": timezone.localtime(first.starts_at).strftime("%Y-%m-%d %H:%M"),
                    "end": timezone.localtime(first.effective_end).strftime("%Y-%m-%d %H:%M"),
                },
                field="districts",
            )
        warning = Warning.objects.create(
            level=level,
            starts_at=starts_at,
            ends_at=ends_at,
            reason=reason.strip(),
            short_notice_reason=short_notice_reason.strip(),
            declared_by=by,
            declared_at=now,
        )
        warning.districts.set(districts)
        WarningChange.objects.create(
            warning=warning,
            kind=WarningChange.Kind.DECLARED,
            to_level=level,
            effective_at=starts_at,
            reason=reason.strip(),
            by=by,
        )
        ids = _issue(
            warning,
            level=level,
            starts_at=starts_at,
            enterprises=in_scope(district_ids=[d.pk for d in districts]).order_by("pk"),
        )
        _publish_issued(warning, ids, by)
    return warning


def _locked_live(warning: Warning) -> Warning:
    locked = Warning.objects.select_for_update().get(pk=warning.pk)
    if locked.phase() in ("ended", "lifted"):
        raise TransitionConflict(_("This warning is over; its record can no longer change."))
    return locked


def warning_change_level(*, warning: Warning, level: str, reason: str, by) -> Warning:
    """Upgrade or downgrade from now (or from the start, if it has not begun): the current instructions
    are replaced by new ones at the new level; the old ones stay on record."""
    require(roles.is_manager(by))
    if level not in LEVEL_RANK:
        raise InvalidInput(_("Choose the warning level."), field="level")
    if not reason.strip():
        raise InvalidInput(_("Give the reason for the change."), field="reason")
    with transaction.atomic():
        locked = _locked_live(warning)
        if level == locked.level:
            raise InvalidInput(_("The warning is already at this level."), field="level")
        effective = max(clock.now(), locked.starts_at)
        kind = (
            WarningChange.Kind.UPGRADED
            if rules.level_is_higher(level, locked.level)
            else WarningChange.Kind.DOWNGRADED
        )
        WarningChange.objects.create(
            warning=locked,
            kind=kind,
            from_level=locked.level,
            to_level=level,
            effective_at=effective,
            reason=reason.strip(),
            by=by,
        )
        current = Instruction.objects.filter(warning=locked, replaced_at__isnull=True)
        enterprise_ids = list(current.values_list("enterprise_id", flat=True))
        current.update(replaced_at=effective)
        locked.level = level
        locked.save(update_fields=["level"])
        ids = _issue(
            locked,
            level=level,
            starts_at=effective,
            enterprises=Enterprise.objects.filter(pk__in=enterprise_ids).order_by("pk"),
        )
        _publish_issued(locked, ids, by)
    return locked


def warning_lift(*, warning: Warning, reason: str, by) -> Warning:
    """End the warning now. Its instructions, confirmations, checks and changes all stay."""
    require(roles.is_manager(by))
    if not reason.strip():
        raise InvalidInput(_("Give the reason for lifting the warning."), field="reason")
    with transaction.atomic():
        locked = _locked_live(warning)
        now = clock.now()
        locked.lifted_at = now  # before the start: the warning is called off
        locked.save(update_fields=["lifted_at"])
        WarningChange.objects.create(
            warning=locked,
            kind=WarningChange.Kind.LIFTED,
            from_level=locked.level,
            effective_at=locked.lifted_at,
            reason=reason.strip(),
            by=by,
        )
        publish(events.WarningLifted(warning_id=locked.pk, by_id=by.pk))
    return locked


def instruction_confirm(*, instruction: Instruction, by) -> Instruction:
    """The enterprise confirms it has received its instruction and will carry it out."""
    require(roles.is_own_enterprise(by, instruction.enterprise_id))
    with transaction.atomic():
        locked = (
            Instruction.objects.select_for_update().select_related("warning").get(pk=instruction.pk)
        )
        if locked.confirmed_at is not None:
            return locked
        if locked.replaced_at is not None:
            raise TransitionConflict(
                _("This instruction was replaced by one at a new level; confirm the new one.")
            )
        if clock.now() >= locked.warning.effective_end:
            raise TransitionConflict(
                _(
                    "The warning is over; a confirmation can no longer be recorded. It stays unconfirmed."
                )
            )
        locked.confirmed_at = clock.now()
        locked.confirmed_by = by
        locked.save(update_fields=["confirmed_at", "confirmed_by"])
    return locked


def instructions_chase(*, now: datetime | None = None) -> int:
    """Remind enterprises that have not confirmed, every ``GOVERN_INSTRUCTION_CHASE_HOURS`` while the
    warning lasts. Returns how many were reminded."""
    now = now or clock.now()
    every = timedelta(hours=settings.GOVERN_INSTRUCTION_CHASE_HOURS)
    due = Instruction.objects.awaiting_confirmation(now=now).filter(issued_at__lte=now - every)
    due = due.filter(Q(last_chased_at__isnull=True) | Q(last_chased_at__lte=now - every))
    by_warning: dict[int, list[int]] = {}
    with transaction.atomic():
        rows = list(due.select_for_update(skip_locked=True).values_list("pk", "warning_id"))
        for pk, warning_id in rows:
            by_warning.setdefault(warning_id, []).append(pk)
        Instruction.objects.filter(pk__in=[pk for pk, _w in rows]).update(
            chases=F("chases") + 1, last_chased_at=now
        )
        for warning_id, ids in by_warning.items():
            for start in range(0, len(ids), EPISODE_EVENT_BATCH):
                publish(
                    events.InstructionsChased(
                        warning_id=warning_id,
                        instruction_ids=tuple(ids[start : start + EPISODE_EVENT_BATCH]),
                    )
                )
    return len(rows)


# Spot checks


def spot_check_compute(
    *, pool: list[list], weights: Mapping[str, float], count: int, seed: int
) -> list[int]:
    """Weighted sampling without replacement (Efraimidis–Spirakis): each enterprise gets the key
    u^(1/w) from the seeded generator and the ``count`` largest keys are drawn. A pure function of
    its arguments, so the recorded seed replays the draw."""
    rng = random.Random(seed)
    keyed = []
    for enterprise_id, grade in sorted(pool):
        weight = float(weights.get(grade or "", 0))
        u = rng.random()
        if weight > 0:
            keyed.append((u ** (1 / weight), enterprise_id))
    keyed.sort(reverse=True)
    return sorted(enterprise_id for _key, enterprise_id in keyed[:count])


def spot_check_draw(
    *, warning: Warning, count: int, due_date: date, by, weights: Mapping[str, float] | None = None
) -> SpotCheckDraw:
    """Draw enterprises holding a current instruction to check on site; the seed comes from the
    server and is recorded with the pool, so anyone can replay the draw."""
    require(roles.is_staff_role(by))
    weights = dict(weights or DEFAULT_WEIGHTS)
    if count < 1:
        raise InvalidInput(_("Draw at least one enterprise."), field="count")
    if due_date < clock.today():
        raise InvalidInput(_("The check-by date has passed."), field="due_date")
    with transaction.atomic():
        locked = _locked_live(warning)
        current = {
            i.enterprise_id: i
            for i in Instruction.objects.filter(
                warning=locked, replaced_at__isnull=True
            ).select_related("enterprise")
        }
        if not current:
            raise InvalidInput(_("No enterprise in this warning's scope holds an instruction."))
        pool = [[pk, i.enterprise.performance_grade] for pk, i in sorted(current.items())]
        seed = secrets.randbits(48)
        picks = spot_check_compute(pool=pool, weights=weights, count=count, seed=seed)
        draw = SpotCheckDraw.objects.create(
            warning=locked,
            seed=seed,
            count=count,
            weights=weights,
            pool=pool,
            due_date=due_date,
            drawn_by=by,
        )
        SpotCheck.objects.bulk_create(
            SpotCheck(draw=draw, enterprise_id=pk, instruction=current[pk]) for pk in picks
        )
        publish(events.SpotChecksDrawn(draw_id=draw.pk, by_id=by.pk))
    return draw


def spot_check_replay(*, draw: SpotCheckDraw) -> list[int]:
    return spot_check_compute(
        pool=draw.pool, weights=draw.weights, count=draw.count, seed=draw.seed
    )


# Monitoring readings during a warning


def _mean(point_id: int, start: datetime, end: datetime) -> dict[str, tuple[float, int]]:
    """Hourly means per pollutant code over valid hours: the total emitted (cou) where the logger
    sends it, else the concentration."""
    rows = Reading.objects.filter(
        point_id=point_id,
        cn=Interval.HOUR,
        data_time__gte=start,
        data_time__lt=end,
        flag__in=["N", "S", "T"],
    ).values_list("code", "cou", "avg")
    sums: dict[str, list[float]] = {}
    for code, cou, avg in rows:
        value = cou if cou is not None else avg
        if value is not None:
            sums.setdefault(code, []).append(value)
    return {code: (sum(v) / len(v), len(v)) for code, v in sums.items()}


def readings_compare(*, warning: Warning, now: datetime | None = None) -> list[int]:
    """Compare each monitored line's point during the warning with the 30 days before it.

    A point whose hourly values fell by less than the line's required cut (less the tolerance) is a
    shortfall: monitoring opens an alert at the point. Run hourly while a warning is on (once it has
    ``GOVERN_SHORTFALL_MIN_HOURS`` of data) and once after it; returns the alerts opened."""
    now = now or clock.now()
    start = warning.starts_at
    end = min(warning.effective_end, now)
    if end - start < timedelta(hours=settings.GOVERN_SHORTFALL_MIN_HOURS):
        return []
    opened = []
    tolerance = Decimal(settings.GOVERN_SHORTFALL_TOLERANCE_PCT)
    instructions = list(Instruction.objects.filter(warning=warning).select_related("enterprise"))
    # Enterprises whose list names no monitoring point are compared at every active point they have,
    # against the whole instruction's VOC cut.
    points_of: dict[int, list[int]] = {}
    for point_id, enterprise_id in MonitoringPoint.objects.filter(
        enterprise_id__in={i.enterprise_id for i in instructions}, retired_at__isnull=True
    ).values_list("pk", "enterprise_id"):
        points_of.setdefault(enterprise_id, []).append(point_id)
    normals: dict[int, dict[str, tuple[float, int]]] = {}
    for instruction in instructions:
        period_start = max(start, instruction.starts_at)
        period_end = min(end, instruction.replaced_at or end)
        if period_end - period_start < timedelta(hours=1):
            continue
        required_at: dict[int, Decimal] = {}
        by_point: dict[int, list[dict]] = {}
        for line in instruction.measures:
            if line.get("check") == CheckMethod.MONITORING and line.get("point"):
                by_point.setdefault(line["point"], []).append(line)
        for point_id, lines in by_point.items():
            weight = sum(Decimal(line["voc"]) for line in lines) or Decimal(len(lines))
            required_at[point_id] = (
                sum(Decimal(line["cut"]) * (Decimal(line["voc"]) or 1) for line in lines)
                / weight
                * 100
            )
        baseline = instruction.enterprise.baseline_voc_tpa
        if not by_point and baseline > 0:
            for point_id in points_of.get(instruction.enterprise_id, []):
                required_at[point_id] = instruction.voc_t / baseline * 100
        for point_id, required in required_at.items():
            if required <= 0:
                continue
            if point_id not in normals:  # the same for every instruction of the warning
                normals[point_id] = _mean(point_id, start - timedelta(days=30), start)
            normal = normals[point_id]
            during = _mean(point_id, period_start, period_end)
            for code, (normal_mean, _n) in normal.items():
                if code not in during or normal_mean <= 0:
                    continue
                during_mean, hours = during[code]
                observed = Decimal(str(round((1 - during_mean / normal_mean) * 100, 1)))
                short = observed < required - tolerance
                comparison, _created = ReadingComparison.objects.update_or_create(
                    instruction=instruction,
                    point_id=point_id,
                    code=code,
                    defaults={
                        "normal": normal_mean,
                        "during": during_mean,
                        "hours": hours,
                        "required_pct": required.quantize(Decimal("0.1")),
                        "observed_pct": observed,
                        "shortfall": short,
                        "compared_at": now,
                    },
                )
                if short and comparison.alert_id is None:
                    alert_id = monitoring_services.shortfall_alert_raise(
                        point_id=point_id,
                        enterprise_id=instruction.enterprise_id,
                        code=code,
                        first=period_start,
                        last=period_end,
                        hours=hours,
                        observed=during_mean,
                        allowed=normal_mean * float(1 - required / 100),
                        source=_("%(level)s warning of %(start)s: cut %(required)s%%")
                        % {
                            "level": instruction.get_level_display(),
                            "start": timezone.localtime(start).strftime("%Y-%m-%d"),
                            "required": required.quantize(Decimal("1")),
                        },
                    )
                    if alert_id:
                        comparison.alert_id = alert_id
                        comparison.save(update_fields=["alert"])
                        opened.append(alert_id)
    return opened


def warnings_check_readings(*, now: datetime | None = None) -> list[int]:
    """The hourly job: compare readings of every warning that is on, and once more of every warning
    that ended since its last check (then it is marked checked)."""
    now = now or clock.now()
    opened: list[int] = []
    live = Warning.objects.filter(starts_at__lte=now, report_made_at__isnull=True)
    for warning in live:
        opened += readings_compare(warning=warning, now=now)
        if warning.effective_end <= now:
            Warning.objects.filter(pk=warning.pk).update(report_made_at=now)
    return opened


# Ozone campaigns


def campaign_save(
    *,
    name: str,
    starts_on: date,
    ends_on: date,
    sectors,
    restricted_from,
    restricted_to,
    measures: str,
    by,
    campaign: OzoneCampaign | None = None,
) -> OzoneCampaign:
    require(roles.is_manager(by))
    if ends_on < starts_on:
        raise InvalidInput(_("The end must come after the start."), field="ends_on")
    if restricted_to <= restricted_from:
        raise InvalidInput(
            _("The restricted hours must end after they start (e.g. 10:00 to 16:00)."),
            field="restricted_to",
        )
    sectors = list(sectors)
    if not sectors:
        raise InvalidInput(_("Choose at least one sector."), field="sectors")
    with transaction.atomic():
        campaign = campaign or OzoneCampaign(created_by=by)
        campaign.name = name.strip()
        campaign.starts_on = starts_on
        campaign.ends_on = ends_on
        campaign.restricted_from = restricted_from
        campaign.restricted_to = restricted_to
        campaign.measures = measures.strip()
        full_clean(campaign)
        campaign.save()
        campaign.sectors.set(sectors)
    return campaign
