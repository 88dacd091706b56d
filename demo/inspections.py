"""Demo inspections for load_demo: past visits with orders, follow-ups, a random draw and a draft."""

import base64
import io
import random
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from enterprises.models import Enterprise, State
from govern import clock
from inspections import services
from inspections.models import ChecklistResult, InspectionItem, SiteVisit

FINDINGS = [
    ("活性炭更换记录缺失，现场活性炭已饱和", "立即更换活性炭，建立更换台账并留存危废转移联单"),
    ("喷漆房门窗敞开，存在无组织排放", "喷涂作业期间保持喷漆房密闭，加装门禁联锁"),
    ("原辅材料台账记录不全", "补齐近三年原辅材料使用台账，记录VOCs含量"),
    ("集气罩风速不足0.3 m/s", "更换风机或调整集气罩，控制风速达到0.3 m/s以上"),
    ("含VOCs物料桶未加盖", "物料桶全部加盖密封，设置专用密闭储存间"),
]


def demo_photo(rng: random.Random) -> SimpleUploadedFile:
    image = Image.new(
        "RGB", (640, 480), (rng.randint(90, 160), rng.randint(90, 140), rng.randint(70, 120))
    )
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x, y = rng.randint(0, 560), rng.randint(0, 400)
        draw.rectangle(
            [x, y, x + rng.randint(40, 120), y + rng.randint(30, 90)], fill=(200, 200, 200)
        )
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=70)
    return SimpleUploadedFile("现场照片.jpg", buffer.getvalue())


def demo_signature(rng: random.Random) -> str:
    """A scribble as a signature pad would send it (a PNG data URL)."""
    image = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    x, points = 40, []
    while x < 540:
        points.append((x, rng.randint(50, 160)))
        x += rng.randint(25, 70)
    draw.line(points, fill=(17, 17, 17, 255), width=4, joint="curve")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def sign_visit(visit: SiteVisit, *, by, rng: random.Random) -> None:
    """The representative and every inspector sign, as they do on the phone before submitting."""
    services.visit_record(
        visit=visit, party_representative=visit.enterprise.legal_representative or "企业代表", by=by
    )
    services.visit_sign(visit=visit, by=by, image=demo_signature(rng), role="party")
    for inspector in visit.inspectors.all():
        services.visit_sign(
            visit=visit, by=by, image=demo_signature(rng), role="inspector", signer=inspector
        )


def _visit(
    enterprise,
    lead,
    partner,
    started,
    rng,
    *,
    problems: int,
    follow_up=False,
    verify=(),
    planned=None,
    serious=False,
):
    """A whole visit, recorded and submitted on the day it happened (the domain clock is set to it)."""
    with clock.at(started):
        return _record_visit(
            enterprise,
            lead,
            partner,
            started,
            rng,
            problems=problems,
            follow_up=follow_up,
            verify=verify,
            planned=planned,
            serious=serious,
        )


def _record_visit(
    enterprise, lead, partner, started, rng, *, problems, follow_up, verify, planned, serious
):
    visit = services.visit_start(
        enterprise=enterprise,
        inspectors=[partner],
        by=lead,
        started_at=started,
        is_follow_up=follow_up,
        planned=planned,
        # The phone checks in at the gate, a few tens of metres from the registered position.
        checkin_latitude=(
            enterprise.latitude + Decimal(rng.randint(-40, 40)) / 100000
            if enterprise.latitude is not None
            else None
        ),
        checkin_longitude=(
            enterprise.longitude + Decimal(rng.randint(-40, 40)) / 100000
            if enterprise.longitude is not None
            else None
        ),
        checkin_accuracy_m=str(rng.randint(5, 30)),
    )
    results = list(visit.results.select_related("item"))
    failed = rng.sample(results, min(problems, len(results)))
    answers = {r.pk: (ChecklistResult.Outcome.PASS, "") for r in results}
    for result in failed:
        answers[result.pk] = (ChecklistResult.Outcome.FAIL, rng.choice(FINDINGS)[0])
    services.visit_record(
        visit=visit, results=answers, ended_at=started + timedelta(hours=2), by=lead
    )
    for result in failed:
        services.visit_add_photo(visit=visit, upload=demo_photo(rng), result=result, by=lead)
        services.order_issue(
            visit=visit,
            finding=result,
            requirement=rng.choice(FINDINGS)[1],
            legal_basis="",
            by=lead,
        )
    conclusion = SiteVisit.Conclusion.ISSUES if failed else SiteVisit.Conclusion.COMPLIANT
    text = "现场检查情况已向企业负责人告知。"
    if serious:
        conclusion = SiteVisit.Conclusion.SERIOUS
        text = (
            "VOCs治理设施未运行，喷涂废气未经处理直接排放，涉嫌违反《大气污染防治法》第四十五条。"
        )
    clock_end = started + timedelta(hours=2)
    services.visit_record(visit=visit, conclusion=conclusion, conclusion_text=text, by=lead)
    sign_visit(visit, by=lead, rng=rng)
    with clock.at(clock_end):
        return services.visit_submit(visit=visit, verified_orders=verify, by=lead)


def create_demo_inspections(*, rng: random.Random, users: dict) -> None:
    inspector, partner, manager = users["inspector"], users["inspector2"], users["manager"]
    now = clock.now()
    active = list(
        Enterprise.objects.filter(state__in=[State.GRADED, State.REMEDIATING]).order_by("id")
    )
    portal = users["enterprise"].enterprise
    others = [e for e in active if e != portal]
    visited = [portal, *rng.sample(others, min(40, len(others)))]
    for enterprise in visited:
        lead, other = rng.sample([inspector, partner], 2)
        days_ago = rng.randint(20, 170)
        visit = _visit(
            enterprise,
            lead,
            other,
            now - timedelta(days=days_ago),
            rng,
            problems=rng.choice([0, 1, 1, 2]),
        )
        orders = list(visit.orders.all())
        if orders and rng.random() < 0.4:
            _visit(
                enterprise,
                other,
                lead,
                now - timedelta(days=max(1, days_ago - 25)),
                rng,
                problems=0,
                follow_up=True,
                verify=[o.pk for o in orders],
            )
    services.orders_mark_overdue()
    # The enterprise portal's account has an order still running.
    visit = _visit(portal, inspector, partner, now - timedelta(days=3), rng, problems=1)
    # A random draw for the current quarter and a draft visit in progress.
    today = clock.today()
    quarter = (today.month - 1) // 3 + 1
    services.draw_create(
        period=f"{today.year}-Q{quarter}",
        pool_queryset=Enterprise.objects.all(),
        items=InspectionItem.objects.filter(active=True),
        due_date=today + timedelta(days=30),
        by=manager,
    )
    draft_target = next((e for e in active if e not in visited), None)
    if draft_target is not None:
        services.visit_start(enterprise=draft_target, inspectors=[partner], by=inspector)
