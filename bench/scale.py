"""Province scale: every page and job a person waits for, at 10,000 and 100,000 enterprises.

For each size the data set is generated (bench/dataset.py) into its own PostgreSQL database, then each
page is requested five times in-process (Django's test client, real middleware and templates) and the
median time, the number of queries and the size of the HTML are reported next to a baseline measured in
the same run: hand-written SQL doing the same work (the rows the page shows). The jobs (the daily
deadline job, a 100,000-row export and import, the dashboard refresh) are timed the same way. EXPLAIN
shows which index the key lookups use. Results: bench/results/scale-<date>.json and a table on stdout.

    ./scripts/bench-scale                      (both sizes; --sizes 10000 to run one)
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govern.settings.base")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")

TARGET_MS = 500
TARGET_KB = 300


def run_size(size: int, *, reuse: bool) -> dict:
    """Generate (unless reused) and measure one size in a child process with its own database."""
    database = f"govern_scale_{size}"
    url = f"postgres://postgres@127.0.0.1:5432/{database}"
    env = {**os.environ, "DATABASE_URL": url}
    exists = (
        subprocess.run(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-tAc",
                f"SELECT 1 FROM pg_database WHERE datname='{database}'",
            ],
            capture_output=True,
            text=True,
        ).stdout.strip()
        == "1"
    )
    if not (reuse and exists):
        subprocess.run(
            ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", database], check=True
        )
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", database], check=True)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True
        )
        print(f"Generating {size:,} enterprises ...", flush=True)
        subprocess.run(
            [sys.executable, "-m", "bench.dataset", "--enterprises", str(size)],
            cwd=ROOT,
            env=env,
            check=True,
        )
    out = subprocess.run(
        [sys.executable, "-m", "bench.scale", "--measure", str(size)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    sys.stderr.write(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(size: int) -> dict:
    import django

    django.setup()
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from dashboard.services import dashboard_refresh
    from deadlines import services as deadline_services
    from enterprises.models import Enterprise, State
    from govern.models import User

    today = date.today()
    manager = User.objects.filter(username__startswith="bench-staff-").order_by("-pk").first()
    inspector = User.objects.filter(username__startswith="bench-staff-").order_by("pk").first()
    account = User.objects.filter(username__startswith="bench-ent-").order_by("pk").first()
    sample = Enterprise.objects.filter(state=State.REMEDIATING).order_by("pk")[size // 10]
    uscc = sample.uscc

    def sql_ms(sql: str, params=()) -> float:
        times = []
        for _ in range(5):
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(sql, params or None)
                cursor.fetchall()
            times.append(1000 * (time.perf_counter() - started))
        return round(statistics.median(times), 1)

    def page(user, path: str) -> dict:
        client = Client()
        client.force_login(user)
        client.get(path)  # warm: templates, translations
        times, queries, size_kb = [], 0, 0
        for _ in range(5):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(path)
                body = (
                    b"".join(response.streaming_content)
                    if getattr(response, "streaming", False)
                    else response.content
                )
                times.append(1000 * (time.perf_counter() - started))
            assert response.status_code == 200, (path, response.status_code)
            queries, size_kb = len(captured), round(len(body) / 1024, 1)
        return {"ms": round(statistics.median(times), 1), "queries": queries, "kb": size_kb}

    open_orders = "status IN ('open', 'evidence_submitted', 'overdue')"
    union = f"""
        SELECT 'order', o.id, o.deadline FROM inspections_rectificationorder o
          WHERE o.{open_orders} AND o.issued_at IS NOT NULL
        UNION ALL SELECT 'task', t.id, t.deadline FROM enterprises_remediationtask t
          WHERE t.status IN ('open', 'submitted')
        UNION ALL SELECT 'milestone', m.id, m.planned_date FROM enterprises_relocationmilestone m
          WHERE m.actual_date IS NULL AND m.planned_date IS NOT NULL
        UNION ALL SELECT 'closure', c.id, c.deadline FROM enterprises_closurerecord c
          WHERE c.verified_on IS NULL AND c.deadline IS NOT NULL
        UNION ALL SELECT 'review', s.id, s.review_due FROM evidence_evidencesubmission s
          WHERE s.status = 'pending' AND s.review_due IS NOT NULL
    """
    deep_due = (today + timedelta(days=30)).isoformat()
    # What the page does, by hand: each kind's first 25 by due date from its index, merged.
    per_kind = f"""
        SELECT * FROM (
          (SELECT 'order' AS k, id, deadline AS d FROM inspections_rectificationorder
             WHERE {open_orders} AND issued_at IS NOT NULL ORDER BY deadline, id LIMIT 25)
          UNION ALL (SELECT 'task', id, deadline FROM enterprises_remediationtask
             WHERE status IN ('open', 'submitted') ORDER BY deadline, id LIMIT 25)
          UNION ALL (SELECT 'milestone', id, planned_date FROM enterprises_relocationmilestone
             WHERE actual_date IS NULL ORDER BY planned_date, id LIMIT 25)
          UNION ALL (SELECT 'closure', id, deadline FROM enterprises_closurerecord
             WHERE verified_on IS NULL ORDER BY deadline, id LIMIT 25)
          UNION ALL (SELECT 'review', id, review_due FROM evidence_evidencesubmission
             WHERE status = 'pending' ORDER BY review_due, id LIMIT 25)
        ) d ORDER BY d, k, id LIMIT 25
    """
    targets = [
        (
            "deadlines page (staff)",
            manager,
            "/deadlines/",
            per_kind,
        ),
        (
            "API deadlines, page 1",
            manager,
            "/api/deadlines/",
            per_kind,
        ),
        (
            "API deadlines, deep cursor page",
            manager,
            f"/api/deadlines/?cursor={deep_due}.order.1",
            f"SELECT * FROM ({union}) d WHERE d.deadline > '{deep_due}' ORDER BY 3, 1, 2 LIMIT 25",
        ),
        (
            "evidence review queue",
            inspector,
            "/evidence/reviews/",
            "SELECT * FROM evidence_evidencesubmission WHERE status='pending' "
            "ORDER BY submitted_at, id LIMIT 25",
        ),
        (
            "overdue orders drill-down",
            manager,
            "/dashboard/overdue/?kind=order",
            f"SELECT o.*, e.name FROM inspections_rectificationorder o JOIN enterprises_enterprise e "
            f"ON e.id = o.enterprise_id WHERE o.{open_orders} AND o.deadline < CURRENT_DATE "
            "ORDER BY o.deadline, o.id LIMIT 25",
        ),
        (
            "managers' dashboard",
            manager,
            "/dashboard/",
            "SELECT data FROM dashboard_dashboardsnapshot WHERE year = EXTRACT(YEAR FROM CURRENT_DATE)",
        ),
        (
            "inspector's due list",
            inspector,
            "/inspections/",
            "SELECT * FROM enterprises_enterprise WHERE state <> 'closed' AND next_inspection_due <= "
            "NOW() + INTERVAL '14 days' ORDER BY next_inspection_due, id LIMIT 25",
        ),
        (
            "credit-code lookup",
            inspector,
            f"/enterprises/?q={uscc}",
            f"SELECT * FROM enterprises_enterprise WHERE uscc = '{uscc}'",
        ),
        (
            "name search (two words)",
            inspector,
            "/enterprises/?q=泉州+鸿",
            "SELECT * FROM enterprises_enterprise WHERE UPPER(name) LIKE '%泉州%' AND UPPER(name) "
            "LIKE '%鸿%' ORDER BY name, id LIMIT 25",
        ),
        (
            "enterprise list",
            inspector,
            "/enterprises/",
            "SELECT * FROM enterprises_enterprise ORDER BY name, id LIMIT 25",
        ),
        (
            "enterprise page (10 visits, long history)",
            inspector,
            f"/enterprises/{sample.pk}/",
            f"SELECT * FROM inspections_sitevisit WHERE enterprise_id = {sample.pk} "
            "ORDER BY started_at DESC LIMIT 20",
        ),
        (
            "API enterprises",
            manager,
            "/api/enterprises/",
            "SELECT * FROM enterprises_enterprise ORDER BY name, id LIMIT 25",
        ),
        (
            "enterprise portal",
            account,
            "/portal/",
            f"SELECT * FROM inspections_rectificationorder WHERE enterprise_id = {account.enterprise_id}",
        ),
    ]
    dashboard_refresh()  # the periodic job has run
    results: dict = {"size": size, "pages": {}, "jobs": {}, "explain": {}}
    for name, user, path, baseline in targets:
        reset_queries()
        measured = page(user, path)
        measured["baseline_ms"] = sql_ms(baseline)
        measured["ratio"] = round(measured["ms"] / max(measured["baseline_ms"], 0.1), 1)
        results["pages"][name] = measured
        print(f"  {name}: {measured}", file=sys.stderr, flush=True)

    # Jobs.
    started = time.perf_counter()
    refreshed = dashboard_refresh()
    results["jobs"]["dashboard refresh"] = {
        "ms": round(1000 * (time.perf_counter() - started)),
        "baseline_ms": sql_ms(
            "SELECT district_id, state, COUNT(*) FROM enterprises_enterprise GROUP BY 1, 2"
        ),
    }
    del refreshed
    for label, day in (("daily job", today), ("daily job, rerun", today)):
        # Count statements without capturing their text: the job sends arrays of 100,000 values,
        # and formatting them for a log would cost more than the job itself.
        executed = []

        def count(execute, sql, params, many, context, executed=executed):
            executed.append(1)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            started = time.perf_counter()
            report = deadline_services.run_daily(today=day)
            elapsed = time.perf_counter() - started
        results["jobs"][label] = {
            "ms": round(1000 * elapsed),
            "queries": len(executed),
            "reminders": report.reminders,
            "escalations": report.escalations,
            "marked_overdue": report.marked_overdue,
            "follow_ups": len(report.follow_ups),
            "baseline_ms": sql_ms(f"SELECT COUNT(*) FROM ({union}) d"),
        }
        print(f"  {label}: {results['jobs'][label]}", file=sys.stderr, flush=True)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({union}) d")
        results["open_deadlines"] = cursor.fetchone()[0]

    # Export of every enterprise, streamed; memory measured in a child process.
    results["jobs"]["export all enterprises (.xlsx)"] = json.loads(
        subprocess.run(
            [sys.executable, "-m", "bench.scale", "--export", str(manager.pk)],
            cwd=ROOT,
            env=os.environ,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    results["jobs"]["import rows"] = json.loads(
        subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.scale",
                "--import-rows",
                os.environ.get("BENCH_IMPORT_ROWS", "100000"),
                str(manager.pk),
            ],
            cwd=ROOT,
            env=os.environ,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )

    def explain(sql: str) -> str:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + sql)
            plan = [row[0] for row in cursor.fetchall()]
        return " / ".join(line.strip() for line in plan if "Scan" in line)[:300]

    results["explain"] = {
        "credit-code lookup": explain(
            f"SELECT * FROM enterprises_enterprise WHERE uscc = '{uscc}'"
        ),
        "name search": explain(
            "SELECT id FROM enterprises_enterprise WHERE UPPER(name::text) LIKE UPPER('%鸿10%')"
        ),
        "due list": explain(
            "SELECT id FROM enterprises_enterprise WHERE next_inspection_due <= NOW() "
            "ORDER BY next_inspection_due LIMIT 25"
        ),
        "overdue orders": explain(
            f"SELECT id FROM inspections_rectificationorder WHERE {open_orders} "
            "AND deadline < CURRENT_DATE ORDER BY deadline LIMIT 25"
        ),
    }
    return results


def _memory_mb() -> tuple[float, float]:
    """(resident, peak resident) of this process, in MB."""
    values = {}
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(("VmRSS", "VmHWM")):
                key, amount, _unit = line.split()
                values[key.rstrip(":")] = int(amount) / 1024
    return values["VmRSS"], values["VmHWM"]


def export_child(manager_pk: int) -> dict:
    import django

    django.setup()
    from django.test import Client

    from govern.models import User

    client = Client()
    client.force_login(User.objects.get(pk=manager_pk))
    client.get("/enterprises/?page=1")  # Django, templates and translations loaded
    before, _peak = _memory_mb()
    started = time.perf_counter()
    response = client.get("/enterprises/export.xlsx")
    total = sum(len(chunk) for chunk in response.streaming_content)
    elapsed = time.perf_counter() - started
    _now, peak = _memory_mb()
    return {
        "ms": round(1000 * elapsed),
        "kb": round(total / 1024),
        "rss_before_mb": round(before),
        "peak_rss_mb": round(peak),
        "growth_mb": round(peak - before),
    }


def import_child(rows: int, manager_pk: int) -> dict:
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile

    from enterprises.importing import enterprise_import, import_job_run
    from enterprises.models import ImportJob
    from enterprises.validators import uscc_check_character
    from govern.models import User

    stamp = datetime.now().strftime("%H%M%S")
    lines = [
        "企业名称,统一社会信用代码,行业,区县,地址,法定代表人,位于建成区,VOCs基准排放量（吨/年）"
    ]
    for i in range(rows):
        first17 = f"913505{stamp}{i:05d}"
        code = first17 + uscc_check_character(first17)
        lines.append(f"导入测试{stamp}第{i}号有限公司,{code},制鞋,晋江市,工业路{i}号,陈建华,否,1.5")
    upload = SimpleUploadedFile("bench.csv", "\n".join(lines).encode())
    manager = User.objects.get(pk=manager_pk)
    started = time.perf_counter()
    job = enterprise_import(upload=upload, by=manager, skip_bad_rows=False)
    if isinstance(job, ImportJob):
        job = import_job_run(job_id=job.pk)
        imported, bad = job.imported, job.bad_rows
    else:
        imported, bad = job.imported, len(job.bad_rows)
    return {
        "ms": round(1000 * (time.perf_counter() - started)),
        "imported": imported,
        "bad_rows": bad,
    }


def report(results: list[dict]) -> str:
    lines = []
    sizes = [r["size"] for r in results]
    header = "| what | " + " | ".join(f"{s:,}: ms (SQL ms, ratio), queries, KB" for s in sizes)
    lines += [header + " | grows with |", "|" + "---|" * (len(sizes) + 2)]
    for name in results[0]["pages"]:
        cells = []
        for r in results:
            p = r["pages"][name]
            cells.append(
                f"{p['ms']} ({p['baseline_ms']}, {p['ratio']}×), {p['queries']} q, {p['kb']}"
            )
        first, last = results[0]["pages"][name]["ms"], results[-1]["pages"][name]["ms"]
        grows = "data" if len(results) > 1 and last > 2.5 * max(first, 1) else "page size"
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {grows} |")
    for name in results[0]["jobs"]:
        cells = [json.dumps(r["jobs"][name], ensure_ascii=False) for r in results]
        lines.append(f"| {name} | " + " | ".join(cells) + " | |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--reuse", action="store_true", help="keep a data set generated earlier")
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--export", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--import-rows", type=int, nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return 0
    if args.export:
        print(json.dumps(export_child(args.export)))
        return 0
    if args.import_rows:
        print(json.dumps(import_child(*args.import_rows)))
        return 0
    results = [run_size(int(s), reuse=args.reuse) for s in args.sizes.split(",")]
    table = report(results)
    print(table)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"scale-{datetime.now():%Y%m%d-%H%M}.json").write_text(
        json.dumps(results, indent=2, ensure_ascii=False, default=str)
    )
    (out / f"scale-{datetime.now():%Y%m%d-%H%M}.md").write_text(table)
    worst = max(p["ms"] for p in results[-1]["pages"].values())
    heaviest = max(p["kb"] for p in results[-1]["pages"].values())
    print(
        f"slowest page {worst} ms (target {TARGET_MS}); largest page {heaviest} KB (target {TARGET_KB})"
    )
    return 0 if worst < TARGET_MS and heaviest < TARGET_KB else 1


if __name__ == "__main__":
    raise SystemExit(main())
