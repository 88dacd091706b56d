"""Demo heavy-pollution data for load_demo: performance grades, emergency reduction lists (most
approved, a few waiting for review), Quanzhou's two ozone campaigns of the year, and one past orange
warning upgraded to red, with confirmations, reminders, spot checks visited on site and its report."""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from emergency import services
from emergency.models import CheckMethod, Instruction
from enterprises import services as enterprise_services
from enterprises.models import District, Enterprise, Sector
from govern import clock
from inspections import services as inspection_services
from inspections.models import ChecklistResult, PlannedInspection, SiteVisit
from monitoring.models import MonitoringPoint

from .inspections import sign_visit
from .materials import _account

GRADES = [("A", 8), ("B", 25), ("C", 32), ("D", 20), ("leading", 5), ("", 10)]
CAMPAIGN_SECTORS = [
    "industrial_coating",
    "packaging_printing",
    "footwear",
    "resin_crafts",
    "chemical",
]


def _two_lines(enterprise: Enterprise, point) -> list[dict]:
    """Two lines sharing the emissions 60/40: the coating line limited then stopped, the other limited."""
    lines = []
    for name, share, measures in (
        ("1号喷涂/印刷线", Decimal("0.6"), (("limit", 70), ("limit", 50), ("stop", None))),
        ("2号调配及清洗工序", Decimal("0.4"), (("limit", 90), ("limit", 80), ("limit", 60))),
    ):
        monitored = point is not None and not lines
        lines.append(
            {
                "name": name,
                "voc_tpa": (enterprise.baseline_voc_tpa * share).quantize(Decimal("0.001")),
                "nox_tpa": (enterprise.baseline_nox_tpa * share).quantize(Decimal("0.001")),
                "pm_tpa": (enterprise.baseline_pm_tpa * share).quantize(Decimal("0.001")),
                "yellow_measure": measures[0][0],
                "yellow_keep_pct": measures[0][1],
                "orange_measure": measures[1][0],
                "orange_keep_pct": measures[1][1],
                "red_measure": measures[2][0],
                "red_keep_pct": measures[2][1],
                "check_method": CheckMethod.MONITORING if monitored else CheckMethod.ELECTRICITY,
                "monitoring_point": point if monitored else None,
                "check_detail": "" if monitored else f"{name[:2]}专用电表",
            }
        )
    return lines


def create_demo_emergency(*, rng: random.Random, users) -> int:
    manager, inspector = users["manager"], users["inspector"]
    own = users["enterprise"]
    today = clock.today()
    operating = list(
        Enterprise.objects.exclude(state__in=services.GONE).select_related("sector").order_by("pk")
    )
    grades, weights = zip(*GRADES, strict=True)
    for enterprise in operating:
        grade = rng.choices(grades, weights)[0]
        if enterprise.pk == own.enterprise_id:
            grade = "C"
        enterprise_services.enterprise_update(
            enterprise=enterprise,
            data={
                "performance_grade": grade,
                "performance_graded_on": date(today.year, 3, 1) if grade else None,
                "performance_basis": f"泉环应急〔{today.year}〕5号" if grade else "",
                "baseline_pm_tpa": (enterprise.baseline_voc_tpa * Decimal("0.08")).quantize(
                    Decimal("0.001")
                ),
            },
            by=manager,
        )
    points = {p.enterprise_id: p for p in MonitoringPoint.objects.filter(retired_at__isnull=True)}
    listed = 0
    for index, enterprise in enumerate(operating):
        enterprise.refresh_from_db()
        if enterprise.baseline_voc_tpa <= 0 or (
            index % 5 == 4 and enterprise.pk != own.enterprise_id
        ):
            continue  # a fifth have no list yet: the districts page names them
        account = _account(enterprise, own)
        draft = services.list_open(enterprise=enterprise, by=account)
        services.list_save(
            reduction_list=draft,
            lines=_two_lines(enterprise, points.get(enterprise.pk)),
            note="",
            by=account,
        )
        if index % 11 == 3 and enterprise.pk != own.enterprise_id:
            continue  # still a draft
        services.list_submit(reduction_list=draft, by=account)
        if index % 13 == 6 and enterprise.pk != own.enterprise_id:
            continue  # waiting for review
        services.list_review(reduction_list=draft, approve=True, comment="", by=inspector)
        listed += 1
    sectors = list(Sector.objects.filter(code__in=CAMPAIGN_SECTORS))
    for name, start, end in (
        (f"{today.year}年春夏季臭氧污染防控攻坚", date(today.year, 4, 1), date(today.year, 6, 30)),
        (f"{today.year}年秋季臭氧污染防控攻坚", date(today.year, 8, 1), date(today.year, 10, 31)),
    ):
        services.campaign_save(
            name=name,
            starts_on=start,
            ends_on=end,
            sectors=sectors,
            restricted_from=time(10, 0),
            restricted_to=time(16, 0),
            measures="10时至16时不进行喷涂、涂装、调漆和溶剂清洗作业；涂装线限产50%；VOCs治理设施全时运行。",
            by=manager,
        )
    _past_episode(rng=rng, users=users)
    return listed


def _past_episode(*, rng: random.Random, users) -> None:
    """An orange warning for two districts 12 days ago, upgraded to red the next morning, ended after
    three days: most confirmed, the rest chased; five spot checks visited, one finding problems."""
    manager, inspector = users["manager"], users["inspector"]
    partners = [users["inspector2"], users["inspector3"]]
    declared = timezone.make_aware(
        datetime.combine(clock.today() - timedelta(days=13), time(16, 0))
    )
    start = declared + timedelta(hours=26)
    # Jinjiang, Shishi and the demo enterprise's own district, so its portal shows the episode.
    own_district = (
        users["enterprise"].enterprise.district_id if users["enterprise"].enterprise else None
    )
    districts = District.objects.filter(code__in=["jinjiang", "shishi"]) | District.objects.filter(
        pk=own_district
    )
    with clock.at(declared):
        warning = services.warning_declare(
            level="orange",
            districts=districts,
            starts_at=start,
            ends_at=start + timedelta(days=3),
            reason="省、市联合会商：受静稳天气影响，预计未来三天PM2.5浓度持续上升，将出现重度污染过程。",
            by=manager,
        )
    instructions = list(Instruction.objects.filter(warning=warning))
    own = users["enterprise"].enterprise_id
    for instruction in instructions:
        if instruction.enterprise_id == own or rng.random() < 0.8:
            with clock.at(declared + timedelta(hours=rng.randint(1, 5))):
                account = _account(instruction.enterprise, users["enterprise"])
                services.instruction_confirm(instruction=instruction, by=account)
    with clock.at(declared + timedelta(hours=7)):
        services.instructions_chase()
    with clock.at(start + timedelta(hours=14)):
        services.warning_change_level(
            warning=warning,
            level="red",
            reason="污染程度超出预报，经会商升级为红色预警。",
            by=manager,
        )
    upgraded = Instruction.objects.filter(warning=warning, replaced_at__isnull=True)
    for instruction in upgraded:
        if instruction.enterprise_id == own or rng.random() < 0.85:
            with clock.at(start + timedelta(hours=14 + rng.randint(1, 4))):
                account = _account(instruction.enterprise, users["enterprise"])
                services.instruction_confirm(instruction=instruction, by=account)
    with clock.at(start + timedelta(hours=20)):
        services.instructions_chase()
        draw = services.spot_check_draw(
            warning=warning, count=5, due_date=(start + timedelta(days=2)).date(), by=manager
        )
    planned = list(
        PlannedInspection.objects.filter(spot_check__draw=draw).select_related("enterprise")
    )
    for number, plan in enumerate(planned):
        visited = start + timedelta(hours=22 + number * 3)
        with clock.at(visited):
            visit = inspection_services.visit_start(
                enterprise=plan.enterprise,
                inspectors=[partners[number % 2]],
                by=inspector,
                planned=plan,
                started_at=visited,
            )
            results = list(visit.results.all())
            answers = {r.pk: (ChecklistResult.Outcome.PASS, "现场核查落实到位") for r in results}
            problems = number == 2 and results
            if problems:
                answers[results[0].pk] = (
                    ChecklistResult.Outcome.FAIL,
                    "红色预警期间喷涂线仍在生产，电表读数与正常生产日相当",
                )
            inspection_services.visit_record(
                visit=visit,
                results=answers,
                ended_at=visited + timedelta(hours=1),
                conclusion=SiteVisit.Conclusion.SERIOUS
                if problems
                else SiteVisit.Conclusion.COMPLIANT,
                conclusion_text="预警期间应急减排措施落实情况现场核查。"
                + ("未落实停产措施，移送执法。" if problems else ""),
                by=inspector,
            )
        sign_visit(visit, by=inspector, rng=rng)
        with clock.at(visited + timedelta(hours=1)):
            inspection_services.visit_submit(visit=visit, by=inspector)
    with clock.at(start + timedelta(days=3, hours=1)):
        services.warnings_check_readings()
