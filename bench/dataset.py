"""A province-scale data set for the benchmarks, written with PostgreSQL COPY (a million rows a minute).

Realistic shape over three years: enterprises spread over sectors and districts by the demo's weights,
states and tiers like a city a few years into the plan, ten submitted site visits each (one million at
100,000 enterprises) by pairs of inspectors, rectification orders on a quarter of the visits (most still
open or overdue), remediation tasks, relocation milestones, closures awaiting verification and evidence
awaiting review: about three open deadlines per enterprise. Rows are built as model instances and
copied with the columns Django would write, so the data is what the services would have produced.

    python -m bench.dataset --enterprises 100000      (DATABASE_URL must point at PostgreSQL)
"""

import argparse
import os
import random
import sys
import time
from datetime import datetime, timedelta
from decimal import Decimal

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govern.settings.base")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from enterprises.models import (  # noqa: E402
    ClosureRecord,
    District,
    Enterprise,
    GradingAssessment,
    IndustrialPark,
    RelocationMilestone,
    RelocationProject,
    RemediationPlan,
    RemediationTask,
    Sector,
    State,
    TierPolicy,
    TransitionLog,
)
from enterprises.validators import uscc_check_character  # noqa: E402
from evidence.models import EvidenceSubmission  # noqa: E402
from govern import roles  # noqa: E402
from govern.models import User  # noqa: E402
from govern.workdays import add_working_days  # noqa: E402
from inspections.models import ChecklistTemplate, RectificationOrder, SiteVisit  # noqa: E402

PATHS = {"A": "upgrade", "B": "remediate", "C": "relocate", "D": "close"}

STATE_WEIGHTS = {
    State.REGISTERED: 8,
    State.GRADED: 30,
    State.REMEDIATING: 25,
    State.COMPLIANT: 22,
    State.RELOCATING: 5,
    State.RELOCATED: 4,
    State.CLOSED: 6,
}
VISITS_PER_ENTERPRISE = 10
ORDER_SHARE = 0.25  # of visits that ordered rectification
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def copy_rows(model, objects, *, fields=None) -> int:
    """COPY model instances into the model's table (explicit primary keys), then move the sequence."""
    concrete = [
        f
        for f in model._meta.concrete_fields
        if fields is None or f.attname in fields or f.primary_key
    ]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in concrete)
    table = connection.ops.quote_name(model._meta.db_table)
    count = 0
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for obj in objects:
                copy.write_row(
                    [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in concrete]
                )
                count += 1
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{model._meta.db_table}', 'id'), "
            f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
        )
    return count


def copy_pairs(table: str, columns: tuple[str, str], pairs) -> int:
    count = 0
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for pair in pairs:
                copy.write_row(pair)
                count += 1
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
        )
    return count


def next_id(model) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {model._meta.db_table}")
        return cursor.fetchone()[0]


def generate(*, enterprises: int, seed: int = 7, log=print) -> dict:
    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate()
    started = time.monotonic()
    counts: dict[str, int] = {}

    sectors = list(Sector.objects.all())
    districts = list(District.objects.all())
    parks = list(IndustrialPark.objects.all())
    policies = {p.tier: p for p in TierPolicy.objects.all()}
    checklist = ChecklistTemplate.objects.filter(published=True).order_by("-version").first()

    # Staff: 60 inspectors and 5 managers; enterprise accounts for one enterprise in five.
    inspector_group = Group.objects.get(name=roles.INSPECTOR)
    manager_group = Group.objects.get(name=roles.MANAGER)
    enterprise_group = Group.objects.get(name=roles.ENTERPRISE)
    user_id = next_id(User)
    staff = [
        User(
            id=user_id + i,
            username=f"bench-staff-{user_id + i}",
            password="!",
            last_name="林",
            first_name=f"{i}",
            is_active=True,
            date_joined=now,
        )
        for i in range(65)
    ]
    copy_rows(User, staff)
    inspectors, managers = [u.pk for u in staff[:60]], [u.pk for u in staff[60:]]
    inspector_group.user_set.add(*inspectors)
    manager_group.user_set.add(*managers)

    first = next_id(Enterprise)
    span = 3 * 365
    rows: list[Enterprise] = []
    states, weights = zip(*STATE_WEIGHTS.items(), strict=True)
    for i in range(enterprises):
        pk = first + i
        state = rng.choices(states, weights)[0]
        tier = "" if state == State.REGISTERED else rng.choice("AABBBCCD")
        created = now - timedelta(days=rng.randint(30, span), minutes=rng.randint(0, 1440))
        first17 = "9135" + "".join(rng.choice(ALPHABET) for _ in range(13))
        baseline = Decimal(rng.choice([0.8, 1.5, 3, 6, 12, 25, 60])).quantize(Decimal("0.001"))
        rows.append(
            Enterprise(
                id=pk,
                name=f"泉州{rng.choice('鸿华恒永联嘉宏荣金新通盛利锦泰')}{pk}号企业有限公司",
                uscc=first17 + uscc_check_character(first17),
                uscc_override_reason="",
                sector=rng.choice(sectors),
                district=rng.choice(districts),
                address=f"泉州市工业路{pk}号",
                legal_representative="陈建华",
                contact_name="蔡明辉",
                contact_phone="13912345678",
                park=rng.choice(parks) if rng.random() < 0.3 else None,
                in_built_up_area=rng.random() < 0.35,
                handles_hazardous_chemicals=rng.random() < 0.1,
                baseline_voc_tpa=baseline,
                baseline_nox_tpa=(baseline * Decimal("0.3")).quantize(Decimal("0.001")),
                main_voc_materials="",
                treatment_facilities="",
                state=state,
                tier=tier,
                governance_path=PATHS.get(tier, ""),
                verified_voc_reduction_tpa=(
                    (baseline * Decimal("0.2")).quantize(Decimal("0.001"))
                    if state == State.COMPLIANT
                    else None
                ),
                reduction_basis="test_report" if state == State.COMPLIANT else "",
                reduction_reference="bench" if state == State.COMPLIANT else "",
                created_at=created,
                updated_at=created,
            )
        )
    counts["enterprises"] = copy_rows(Enterprise, rows)
    log(f"  enterprises: {counts['enterprises']} ({time.monotonic() - started:.0f} s)")

    accounts = [e for e in rows if rng.random() < 0.2]
    account_id = next_id(User)
    copy_rows(
        User,
        (
            User(
                id=account_id + n,
                username=f"bench-ent-{e.pk}",
                password="!",
                enterprise_id=e.pk,
                is_active=True,
                date_joined=now,
            )
            for n, e in enumerate(accounts)
        ),
    )
    copy_pairs(
        User.groups.through._meta.db_table,
        ("user_id", "group_id"),
        ((account_id + n, enterprise_group.pk) for n in range(len(accounts))),
    )

    # The lifecycle's log and gradings.
    log_id, assessment_id = next_id(TransitionLog), next_id(GradingAssessment)
    logs, assessments = [], []
    path = [State.REGISTERED, State.GRADED]
    for e in rows:
        steps = [("register", "", State.REGISTERED)]
        if e.state != State.REGISTERED:
            steps.append(("grade", State.REGISTERED, State.GRADED))
            total = {"A": 90, "B": 75, "C": 55, "D": 30}[e.tier]
            assessments.append(
                GradingAssessment(
                    id=assessment_id + len(assessments),
                    enterprise_id=e.pk,
                    score_materials=total // 5,
                    score_collection=total // 5,
                    score_treatment=total // 5,
                    score_monitoring=total // 5,
                    score_records=total // 5,
                    total_score=total // 5 * 5,
                    suggested_tier=e.tier,
                    tier=e.tier,
                    override_reason="",
                    assessed_by_id=rng.choice(inspectors),
                    assessed_at=e.created_at + timedelta(days=20),
                )
            )
        if e.state in (State.REMEDIATING, State.COMPLIANT):
            steps.append(("start_remediation", State.GRADED, State.REMEDIATING))
        if e.state == State.COMPLIANT:
            steps.append(("certify_compliant", State.REMEDIATING, State.COMPLIANT))
        if e.state in (State.RELOCATING, State.RELOCATED):
            steps.append(("start_relocation", State.GRADED, State.RELOCATING))
        if e.state == State.RELOCATED:
            steps.append(("complete_relocation", State.RELOCATING, State.RELOCATED))
        if e.state == State.CLOSED:
            steps.append(("close", State.GRADED, State.CLOSED))
        for n, (name, before, after) in enumerate(steps):
            logs.append(
                TransitionLog(
                    id=log_id + len(logs),
                    enterprise_id=e.pk,
                    transition=name,
                    from_state=before,
                    to_state=after,
                    actor_id=rng.choice(inspectors),
                    reason="基准数据",
                    created_at=min(now, e.created_at + timedelta(days=40 * n)),
                )
            )
    del path
    counts["transition_log"] = copy_rows(TransitionLog, logs)
    counts["assessments"] = copy_rows(GradingAssessment, assessments)
    log(f"  log and gradings ({time.monotonic() - started:.0f} s)")

    # Ten submitted visits each, by two inspectors; a quarter of them ordered rectification.
    visit_id, order_id = next_id(SiteVisit), next_id(RectificationOrder)
    team_rows: list[tuple[int, int]] = []
    orders: list[RectificationOrder] = []
    last_visit: dict[int, datetime] = {}

    def visits():
        vid = visit_id
        for e in rows:
            for _ in range(VISITS_PER_ENTERPRISE):
                started_at = e.created_at + timedelta(
                    days=rng.randint(1, max(2, (now - e.created_at).days - 1))
                )
                ended_at = started_at + timedelta(hours=2)
                pair = rng.sample(inspectors, 2)
                team_rows.extend((vid, u) for u in pair)
                if started_at > last_visit.get(e.pk, started_at - timedelta(1)):
                    last_visit[e.pk] = ended_at
                ordered = rng.random() < ORDER_SHARE and e.state != State.CLOSED
                if ordered:
                    deadline = ended_at.date() + timedelta(days=rng.choice([15, 20, 30, 60]))
                    status = (
                        RectificationOrder.Status.ACCEPTED
                        if rng.random() < 0.3
                        else RectificationOrder.Status.OVERDUE
                        if deadline < today
                        else RectificationOrder.Status.OPEN
                    )
                    orders.append(
                        RectificationOrder(
                            id=order_id + len(orders),
                            enterprise_id=e.pk,
                            visit_id=vid,
                            requirement="含VOCs物料桶加盖密封，设置专用密闭储存间",
                            issued_at=ended_at,
                            legal_basis="《中华人民共和国大气污染防治法》第四十五条",
                            deadline=deadline,
                            status=status,
                            closed_at=ended_at + timedelta(days=10)
                            if status == RectificationOrder.Status.ACCEPTED
                            else None,
                            created_at=ended_at,
                        )
                    )
                yield SiteVisit(
                    id=vid,
                    enterprise_id=e.pk,
                    checklist_id=checklist.pk,
                    is_follow_up=False,
                    started_at=started_at,
                    ended_at=ended_at,
                    location=e.address,
                    conclusion=SiteVisit.Conclusion.ISSUES
                    if ordered
                    else SiteVisit.Conclusion.COMPLIANT,
                    conclusion_text="",
                    status=SiteVisit.Status.SUBMITTED,
                    created_by_id=pair[0],
                    created_at=started_at,
                    submitted_at=ended_at,
                )
                vid += 1

    counts["visits"] = copy_rows(SiteVisit, visits())
    counts["visit_inspectors"] = copy_pairs(
        SiteVisit.inspectors.through._meta.db_table, ("sitevisit_id", "user_id"), team_rows
    )
    team_rows.clear()
    counts["orders"] = copy_rows(RectificationOrder, orders)
    log(f"  visits and orders ({time.monotonic() - started:.0f} s)")

    # Plans and tasks of remediating enterprises; relocation projects; closures.
    plan_id, task_id = next_id(RemediationPlan), next_id(RemediationTask)
    plans, tasks = [], []
    for e in rows:
        if e.state not in (State.REMEDIATING, State.COMPLIANT):
            continue
        plans.append(
            RemediationPlan(
                id=plan_id + len(plans),
                enterprise_id=e.pk,
                summary="一企一策",
                created_by_id=rng.choice(inspectors),
                created_at=e.created_at + timedelta(days=40),
            )
        )
        days = policies[e.tier].remediation_deadline_days if e.tier in policies else 180
        for measure in rng.sample(list(RemediationTask.Measure), 3):
            tasks.append(
                RemediationTask(
                    id=task_id + len(tasks),
                    plan_id=plans[-1].pk,
                    measure=measure,
                    description="按一企一策完成整治",
                    deadline=(e.created_at + timedelta(days=40 + days)).date(),
                    owner="蔡明辉",
                    expected_voc_reduction_tpa=Decimal("1.000"),
                    status=RemediationTask.Status.ACCEPTED
                    if e.state == State.COMPLIANT
                    else RemediationTask.Status.OPEN,
                )
            )
    counts["tasks"] = copy_rows(RemediationPlan, plans) and copy_rows(RemediationTask, tasks)
    project_id, milestone_id = next_id(RelocationProject), next_id(RelocationMilestone)
    projects, milestones = [], []
    for e in rows:
        if e.state not in (State.RELOCATING, State.RELOCATED):
            continue
        projects.append(
            RelocationProject(
                id=project_id + len(projects),
                enterprise_id=e.pk,
                target_park=rng.choice(parks),
                created_by_id=managers[0],
                created_at=e.created_at + timedelta(days=40),
                completed_at=e.created_at + timedelta(days=400)
                if e.state == State.RELOCATED
                else None,
            )
        )
        done = 7 if e.state == State.RELOCATED else rng.randint(0, 6)
        for kind in RelocationMilestone.Kind:
            planned = (e.created_at + timedelta(days=40 + 50 * kind)).date()
            milestones.append(
                RelocationMilestone(
                    id=milestone_id + len(milestones),
                    project_id=projects[-1].pk,
                    kind=kind,
                    planned_date=planned,
                    actual_date=planned if kind <= done else None,
                    note="",
                )
            )
    copy_rows(RelocationProject, projects)
    with connection.cursor() as cursor:  # each mover points at its project
        cursor.execute(
            "UPDATE enterprises_enterprise e SET relocation_project_id = p.id"
            " FROM enterprises_relocationproject p WHERE p.enterprise_id = e.id"
        )
    counts["milestones"] = copy_rows(RelocationMilestone, milestones)
    closure_id = next_id(ClosureRecord)
    counts["closures"] = copy_rows(
        ClosureRecord,
        (
            ClosureRecord(
                id=closure_id + n,
                enterprise_id=e.pk,
                ordered_at=e.created_at + timedelta(days=40),
                ordered_by_id=managers[0],
                reason="关停",
                deadline=(e.created_at + timedelta(days=70)).date(),
            )
            for n, e in enumerate(x for x in rows if x.state == State.CLOSED)
        ),
    )
    # Evidence awaiting review: on one open order in eight.
    submission_id = next_id(EvidenceSubmission)
    open_orders = [o for o in orders if o.status != RectificationOrder.Status.ACCEPTED]
    counts["reviews"] = copy_rows(
        EvidenceSubmission,
        (
            EvidenceSubmission(
                id=submission_id + n,
                enterprise_id=o.enterprise_id,
                order_id=o.pk,
                version=1,
                note="",
                status=EvidenceSubmission.Status.PENDING,
                submitted_by_id=staff[0].pk,
                submitted_at=now - timedelta(days=rng.randint(0, 20)),
                review_due=add_working_days(today - timedelta(days=rng.randint(0, 20)), 5),
                review_comment="",
            )
            for n, o in enumerate(open_orders[::8])
        ),
    )
    log(f"  plans, relocations, closures, reviews ({time.monotonic() - started:.0f} s)")

    # The stored inspection schedule, as the services keep it.
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE enterprises_enterprise e SET last_inspected_at = v.last
            FROM (SELECT enterprise_id, MAX(ended_at) AS last FROM inspections_sitevisit
                  WHERE status = 'submitted' GROUP BY enterprise_id) v
            WHERE v.enterprise_id = e.id AND e.id >= %s
            """,
            [first],
        )
    from enterprises.services import inspection_schedule_refresh

    inspection_schedule_refresh(enterprises=Enterprise.objects.filter(pk__gte=first))
    # Settle the freshly copied rows (visibility, statistics) as a running database would have them,
    # so the measurements do not pay for the copy's aftermath.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("CHECKPOINT")
    counts["seconds"] = round(time.monotonic() - started)
    log(f"  done in {counts['seconds']} s")
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("The data set is written with PostgreSQL COPY: set DATABASE_URL.", file=sys.stderr)
        return 2
    print(generate(enterprises=args.enterprises, seed=args.seed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
