"""Demo enforcement data for load_demo: the officer register with certificates and a declared conflict,
enterprise categories and discharge permits (some due for renewal, one expired), last quarter's random
inspections (most published, one late), and penalty cases at different stages — one with a hearing,
one with continuous daily penalties and a sealing."""

import random
from datetime import date, datetime, timedelta

from django.utils import timezone

from enforcement import services
from enterprises import services as enterprise_services
from enterprises.models import Enterprise, SamplingCategory, State
from govern import clock
from govern.workdays import add_working_days
from inspections import services as inspection_services
from inspections.models import InspectionItem, PublicResult
from notices import services as notice_services
from notices.models import Notice, NoticeKind, ServiceMethod

from .inspections import _visit, demo_photo

STAFF = ("inspector", "inspector2", "inspector3", "inspector4")  # the manager decides, not drawn
PUBLIC_SUMMARIES = {
    "compliant": "抽查事项未发现问题。",
    "issues": "发现VOCs无组织排放控制不到位等问题，已责令限期整改。",
    "serious": "发现涉嫌环境违法行为，已立案调查。",
}


def _at(day: date, hour: int = 10):
    return clock.at(timezone.make_aware(datetime(day.year, day.month, day.day, hour)))


def create_demo_registers(*, rng: random.Random, users: dict) -> None:
    """Officers, categories and permits: before the inspections, whose draw needs them."""
    manager = users["manager"]
    today = clock.today()
    for number, name in enumerate(STAFF, start=1):
        inspection_services.officer_save(
            user=users[name],
            certificate_no=f"闽环执{today.year - 2}{number:04d}",
            certificate_valid_until=date(today.year + 3, 12, 31),
            by=manager,
        )
    enterprises = list(Enterprise.objects.exclude(state=State.CLOSED).order_by("id"))
    # Key supervision: D-tier and the largest emitters; special: hazardous chemicals; general: the rest.
    big = sorted(enterprises, key=lambda e: e.baseline_voc_tpa, reverse=True)[
        : len(enterprises) // 10
    ]
    for enterprise in enterprises:
        category = SamplingCategory.GENERAL
        if enterprise.tier == "D" or enterprise in big:
            category = SamplingCategory.KEY
        elif enterprise.handles_hazardous_chemicals:
            category = SamplingCategory.SPECIAL
        if category != enterprise.sampling_category:
            Enterprise.objects.filter(pk=enterprise.pk).update(sampling_category=category)
    conflicted = rng.choice(enterprises)
    inspection_services.conflict_declare(
        officer=users["inspector4"].officer,
        enterprise=conflicted,
        reason="配偶在该企业任财务主管",
        by=manager,
    )
    for index, enterprise in enumerate(enterprises):
        # Five-year permits issued over the last five years: some now due for renewal.
        start = today - timedelta(days=rng.randint(30, 5 * 365 - 10))
        if index == 3:
            start = today - timedelta(days=5 * 365 + 40)  # expired: to be found on a visit
        enterprise_services.permit_record(
            enterprise=enterprise,
            data={
                "number": f"{enterprise.uscc}001{'V' if index % 3 else 'Q'}",
                "permit_class": "key"
                if enterprise.sampling_category == "key"
                else rng.choice(["simplified", "simplified", "registration"]),
                "authority": "泉州市生态环境局",
                "valid_from": start,
                "valid_until": start + timedelta(days=5 * 365 - 1),
            },
            by=users["inspector"],
        )


def _last_quarter(today: date) -> tuple[str, date, date]:
    quarter = (today.month - 1) // 3  # the previous quarter, 0-based
    year = today.year if quarter else today.year - 1
    quarter = quarter or 4
    start = date(year, 3 * quarter - 2, 1)
    end = (date(year, 3 * quarter + 1, 1) if quarter < 4 else date(year + 1, 1, 1)) - timedelta(
        days=1
    )
    return f"{year}-Q{quarter}", start, end


def _random_quarter(*, rng: random.Random, users: dict) -> None:
    manager = users["manager"]
    period, start, end = _last_quarter(clock.today())
    with _at(start + timedelta(days=3)):
        draw = inspection_services.draw_create(
            period=period,
            pool_queryset=Enterprise.objects.all(),
            items=InspectionItem.objects.filter(active=True),
            due_date=end,
            by=manager,
        )
    planned = list(draw.planned.select_related("enterprise").prefetch_related("inspectors"))
    span = (end - start).days - 10
    for index, plan in enumerate(planned):
        if index % 7 == 6:
            continue  # a few not visited yet
        lead, partner = list(plan.inspectors.all())
        day = start + timedelta(days=5 + rng.randint(0, span))
        _visit(
            plan.enterprise,
            lead,
            partner,
            timezone.make_aware(datetime(day.year, day.month, day.day, 9)),
            rng,
            problems=rng.choice([0, 0, 1, 2]),
            planned=plan,
        )
    results = list(PublicResult.objects.filter(planned__draw=draw).order_by("inspected_on"))
    for index, result in enumerate(results):
        if index == 0:
            continue  # the earliest is late: the deadlines page and the daily job flag it
        publish_on = min(add_working_days(result.inspected_on, rng.randint(3, 15)), clock.today())
        with _at(publish_on, 16):
            inspection_services.result_publish(
                result=result, summary=PUBLIC_SUMMARIES[result.outcome], by=manager
            )


def create_demo_enforcement(*, rng: random.Random, users: dict) -> None:
    _random_quarter(rng=rng, users=users)
    manager, first, second = users["manager"], users["inspector"], users["inspector2"]
    today = clock.today()
    candidates = [
        e
        for e in Enterprise.objects.filter(state__in=[State.GRADED, State.REMEDIATING]).order_by(
            "id"
        )
        if e != users["enterprise"].enterprise
    ]
    if len(candidates) < 5:
        return  # a tiny demo has no cases
    targets = rng.sample(candidates, 5)

    def case_from_visit(enterprise, visited_on: date):
        visit = _visit(
            enterprise,
            first,
            second,
            timezone.make_aware(datetime(visited_on.year, visited_on.month, visited_on.day, 9)),
            rng,
            problems=2,
            serious=True,
        )
        with _at(visited_on + timedelta(days=2)):
            return services.case_open(
                enterprise=enterprise,
                visit=visit,
                facts=(
                    f"{visited_on.year}年{visited_on.month}月{visited_on.day}日现场检查发现，该单位"
                    "喷涂工序VOCs治理设施未运行，废气未经处理直接排放。"
                ),
                legal_basis="《中华人民共和国大气污染防治法》第四十五条",
                officers=[first, second],
                by=first,
            )

    def review_and_notice(case, on: date, fine: str, hearing: bool = False):
        with _at(on):
            services.case_submit_review(
                case=case,
                proposed_fine=fine,
                penalty_basis="《中华人民共和国大气污染防治法》第一百零八条第（一）项",
                by=first,
            )
        with _at(on + timedelta(days=2)):
            return services.case_serve_advance_notice(
                case=case, served_on=on + timedelta(days=2), hearing_right=hearing, by=manager
            )

    # 1. Just filed: under investigation.
    case_from_visit(targets[0], today - timedelta(days=12))
    # 2. Advance notice served three working days ago: the party may still state its case.
    case = case_from_visit(targets[1], today - timedelta(days=40))
    review_and_notice(case, today - timedelta(days=6), "50000")
    # 3. With a hearing: requested, held, decided, served and paid, closed.
    case = case_from_visit(targets[2], today - timedelta(days=150))
    case = review_and_notice(case, today - timedelta(days=120), "200000", hearing=True)
    requested = case.notice_served_on + timedelta(days=1)
    with _at(requested):
        case = services.case_request_hearing(case=case, requested_on=requested, by=first)
    told = requested + timedelta(days=1)
    hearing_on = add_working_days(told, 8)
    with _at(told):
        case = services.case_schedule_hearing(
            case=case, hearing_on=hearing_on, notified_on=told, by=manager
        )
    with _at(hearing_on):
        case = services.case_record_hearing(
            case=case,
            held_on=hearing_on,
            record="当事人称治理设施因故障停运两日，已修复；请求从轻处罚。执法人员出示现场检查笔录和照片。",
            by=first,
        )
    decided = hearing_on + timedelta(days=7)
    with _at(decided):
        case = services.case_decide(case=case, fine="150000", decided_on=decided, by=manager)
    with _at(decided + timedelta(days=2)):
        case = services.case_serve_decision(
            case=case,
            served_on=decided + timedelta(days=2),
            method="直接送达，法定代表人签收",
            by=first,
        )
    paid = decided + timedelta(days=12)
    with _at(paid):
        case = services.case_record_payment(case=case, paid_on=paid, amount="150000", by=first)
        services.case_close(case=case, by=manager)
    # 4. Continuous daily penalties: fined, ordered to correct, still discharging at re-inspection;
    #    the line sealed meanwhile.
    case = case_from_visit(targets[3], today - timedelta(days=110))
    case = review_and_notice(case, today - timedelta(days=95), "100000")
    decided = add_working_days(case.statement_due, 1)
    with _at(decided):
        case = services.case_decide(case=case, fine="100000", decided_on=decided, by=manager)
        case = services.case_serve_decision(
            case=case, served_on=decided, method="直接送达", by=first
        )
        penalty = services.daily_penalty_start(case=case, correction_served_on=decided, by=manager)
    checked = decided + timedelta(days=21)
    with _at(checked):
        services.reinspection_record(
            penalty=penalty,
            checked_on=checked,
            still_violating=True,
            note="暗查：喷涂线生产中，治理设施仍未运行。",
            by=first,
        )
        services.seizure_record(
            case=case, kind="seal", items="1号喷涂线及配套风机", started_on=checked, by=manager
        )
    with _at(checked + timedelta(days=28)):
        seizure = case.seizures.get()
        services.seizure_extend(seizure=seizure, days=20, reason="等待第三方监测报告", by=manager)
    with _at(checked + timedelta(days=45)):
        services.reinspection_record(
            penalty=penalty,
            checked_on=checked + timedelta(days=45),
            still_violating=False,
            note="治理设施已运行，在线监测达标。",
            by=first,
        )
        services.seizure_release(
            seizure=seizure, released_on=checked + timedelta(days=45), by=manager
        )
    # 5. From an order ignored past its deadline: filed, then dropped after the facts were checked.
    overdue = next((o for o in targets[4].rectification_orders.filter(status="overdue")), None)
    if overdue is not None:
        with _at(today - timedelta(days=5)):
            case = services.case_open(
                enterprise=targets[4],
                order=overdue,
                facts="限期整改通知逾期未完成整改。",
                legal_basis="《中华人民共和国大气污染防治法》第一百零八条",
                officers=[first, second],
                by=first,
            )
    else:
        case_from_visit(targets[4], today - timedelta(days=30))


def create_demo_service_records(*, rng: random.Random, users) -> None:
    """Records of service (送达) for most notices issued a few days ago: handed over with the signed
    receipt, a few by post or left after a refusal; the newest are still to be recorded."""
    inspector = users["inspector"]
    today = clock.today()
    notices = list(
        Notice.objects.filter(
            kind__in=[NoticeKind.RECTIFICATION, NoticeKind.RELOCATION, NoticeKind.CLOSURE],
            issued_at__date__lte=today - timedelta(days=3),
        )
        .select_related("enterprise")
        .order_by("issued_at")[:24]
    )
    for notice in notices:
        issued = timezone.localdate(notice.issued_at)
        served_on = min(issued + timedelta(days=rng.randint(0, 3)), today)
        method = rng.choices(
            [ServiceMethod.DIRECT, ServiceMethod.MAIL, ServiceMethod.LEFT], [8, 2, 1]
        )[0]
        receipt = demo_photo(rng)
        receipt.name = "送达回证.jpg"
        notice_services.notice_service_record(
            notice=notice,
            method=method,
            served_on=served_on,
            recipient=notice.enterprise.legal_representative or "企业负责人",
            address=notice.enterprise.address,
            witness="园区管委会工作人员" if method == ServiceMethod.LEFT else "",
            note="法定代表人拒绝签收，文书留置于企业门卫室并拍照记录。"
            if method == ServiceMethod.LEFT
            else "",
            receipt=receipt,
            by=inspector,
        )
