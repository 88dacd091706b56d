"""Benchmark of the HJ 212 data plane, each figure beside a baseline measured in the same run:

1. Ingest: ``--devices`` simulated loggers (real TCP, one connection each) send minute packets of six
   pollutants at ``--rate`` packets/s in all to a receiver process (``manage.py hj212_receiver``) that
   stores into PostgreSQL and answers each packet after commit. Reported: packets/s answered, rows/s,
   p50/p99 from a packet's last byte to its 9014 answer. Baselines: hand-written COPY of the same rows
   straight into the table (rows/s), and an echo server that answers each frame at once without
   storing (p99) with the same devices and rate.
2. Chart: the 30-day hourly chart query of one point (``monitoring.selectors.hourly_values``) over
   ``--days`` of minute data for ``--points`` points, against the same query as hand-written SQL.

Run through ./scripts/bench-hj212 (a throw-away database), or:
    DATABASE_URL=postgres://…/govern_bench_hj212 python -m bench.hj212 --devices 200 --rate 5000
"""

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govern.settings.base")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from enterprises.models import District, Enterprise, Sector, State  # noqa: E402
from enterprises.validators import uscc_check_character  # noqa: E402
from monitoring import hj212, partitions, selectors  # noqa: E402
from monitoring.management.commands.hj212_simulate import setup_points  # noqa: E402
from monitoring.models import Interval, MonitoringPoint  # noqa: E402
from monitoring.simulator import mn_of, simulate  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"


def enterprises(count: int) -> None:
    have = Enterprise.objects.count()
    if have >= count:
        return
    sector = Sector.objects.get(code="industrial_coating")
    district = District.objects.get(code="jinjiang")
    rows = []
    for i in range(have, count):
        first17 = f"91350582{i:09d}"
        rows.append(
            Enterprise(
                name=f"晋江监测{i}涂装有限公司",
                uscc=first17 + uscc_check_character(first17),
                sector=sector,
                district=district,
                address=f"福建省泉州市晋江市工业路{i}号",
                legal_representative="陈建华",
                state=State.GRADED,
                tier="B",
            )
        )
    Enterprise.objects.bulk_create(rows)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 30) -> None:
    end = time.time() + timeout
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"receiver did not listen on {port}")


def start_of(days_back: float) -> datetime:
    start = timezone.localtime(timezone.now() - timedelta(days=days_back))
    return start.replace(tzinfo=None, minute=0, second=0, microsecond=0)


def reading_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM monitoring_reading WHERE cn = 2051")
        return cursor.fetchone()[0]


def copy_baseline(rows: int) -> float:
    """Rows per second of a hand-written COPY of minute rows into the partitioned table."""
    points = list(MonitoringPoint.objects.values_list("pk", flat=True)[:200])
    start = timezone.now() - timedelta(days=20)
    partitions.ensure(connection=connection, months=[start, timezone.now()])
    now = timezone.now()
    codes = ["a24088", "a25002", "a25003", "a25005", "a00000", "a01012"]
    began = time.perf_counter()
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            "COPY monitoring_reading (point_id, code, cn, data_time, avg, min, max, flag, received_at)"
            " FROM STDIN"
        ) as copy,
    ):
        n = 0
        minute = 0
        while n < rows:
            at = start + timedelta(minutes=minute)
            for point in points:
                for code in codes:
                    copy.write_row((point, code, 2051, at, 1.0, 1.0, 1.0, "N", now))
                    n += 1
            minute += 1
    took = time.perf_counter() - began
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM monitoring_reading WHERE data_time < %s", [start + timedelta(days=5)]
        )
    return rows / took


async def echo_server(port: int) -> asyncio.Server:
    async def handle(reader, writer):
        splitter = hj212.FrameSplitter()
        while True:
            data = await reader.read(65536)
            if not data:
                break
            frames, _faults = splitter.feed(data)
            for raw in frames:
                writer.write(hj212.answer(hj212.parse_frame(raw)))
        writer.close()

    return await asyncio.start_server(handle, "127.0.0.1", port, backlog=4096)


async def echo_run(args, rate: float) -> dict:
    port = free_port()
    server = await echo_server(port)
    try:
        result = await simulate(
            host="127.0.0.1",
            port=port,
            points=args.devices,
            rate=rate,
            seconds=args.seconds,
            start=start_of(30),
            first=10_000,
            hourly=False,
        )
    finally:
        server.close()
    return result.summary()


def ingest(args, rate: float, days_back: float) -> dict:
    port = free_port()
    env = dict(os.environ, LOG_LEVEL="WARNING")
    receiver = subprocess.Popen(
        [sys.executable, "manage.py", "hj212_receiver", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_port(port)
        before = reading_count()
        result = asyncio.run(
            simulate(
                host="127.0.0.1",
                port=port,
                points=args.devices,
                rate=rate,
                seconds=args.seconds,
                start=start_of(days_back),
                hourly=True,
            )
        )
        rows = reading_count() - before
    finally:
        receiver.terminate()
        receiver.wait(30)
    summary = result.summary()
    summary["rows_stored"] = rows
    summary["rows_per_s"] = round(rows / result.seconds, 1)
    return summary


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def idle(args) -> dict:
    """``--idle`` connections held open and silent, then loggers still answered beside them."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    port = free_port()
    receiver = subprocess.Popen(
        [sys.executable, "manage.py", "hj212_receiver", "--port", str(port)],
        cwd=ROOT,
        env=dict(os.environ, LOG_LEVEL="WARNING"),
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_port(port)
        rss_before = _rss_mb(receiver.pid)

        async def scenario():
            held = []
            for _ in range(args.idle):
                held.append(await asyncio.open_connection("127.0.0.1", port))
            await asyncio.sleep(1)
            rss = _rss_mb(receiver.pid)
            result = await simulate(
                host="127.0.0.1",
                port=port,
                points=50,
                rate=500,
                seconds=10,
                start=start_of(200),
                first=30_000,
                hourly=False,
            )
            for _r, w in held:
                w.close()
            return rss, result

        setup_points(50, first=30_000)
        rss, result = asyncio.run(scenario())
    finally:
        receiver.terminate()
        receiver.wait(30)
    summary = result.summary()
    return {
        "idle_connections": args.idle,
        "receiver_rss_mb_before": rss_before,
        "receiver_rss_mb_with_idle": rss,
        "loggers_beside_them": summary,
    }


def chart_data(points: int, days: int) -> dict:
    """``days`` of NMHC minute data and six pollutants' hourly data for ``points`` points, generated
    by PostgreSQL itself (generate_series), then the chart query timed against its SQL."""
    setup_points(points, first=20_000)
    ids = list(
        MonitoringPoint.objects.filter(mn__in=[mn_of(20_000 + i) for i in range(points)])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    end = timezone.now().replace(minute=0, second=0, microsecond=0)
    start = end - timedelta(days=days)
    month = partitions.month_of(start)
    months = []
    while month <= partitions.month_of(end):
        months.append(month)
        month = partitions.next_month(month)
    partitions.ensure(connection=connection, months=months)
    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO monitoring_reading (point_id, code, cn, data_time, avg, min, max, flag,"
            " received_at) SELECT p, 'a24088', 2051, t, 20 + random() * 10, 0, 0, 'N', now()"
            " FROM unnest(%s::bigint[]) p, generate_series(%s::timestamptz, %s::timestamptz,"
            " interval '1 minute') t ON CONFLICT DO NOTHING",
            [ids, start, end],
        )
        minute_rows = cursor.rowcount
        cursor.execute(
            "INSERT INTO monitoring_reading (point_id, code, cn, data_time, avg, min, max, flag,"
            " received_at) SELECT p, c, 2061, t, 20 + random() * 10, 0, 0, 'N', now()"
            " FROM unnest(%s::bigint[]) p, generate_series(%s::timestamptz, %s::timestamptz,"
            " interval '1 hour') t, unnest(ARRAY['a24088','a25002','a25003','a25005','a00000',"
            "'a01012']) c ON CONFLICT DO NOTHING",
            [ids, start, end],
        )
        hour_rows = cursor.rowcount
        cursor.execute("ANALYZE monitoring_reading")
    generated = time.perf_counter() - began
    chart_start = end - timedelta(days=30)
    rounds = []
    raw = []
    for i in range(30):
        point = ids[(i * 7) % len(ids)]
        t0 = time.perf_counter()
        series = selectors.hourly_values(point_ids=[point], start=chart_start, end=end)
        rounds.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT point_id, code, data_time, avg, flag FROM monitoring_reading"
                " WHERE point_id = %s AND cn = %s AND data_time BETWEEN %s AND %s"
                " ORDER BY point_id, code, data_time",
                [point, Interval.HOUR, chart_start, end],
            )
            rows = cursor.fetchall()
        raw.append(time.perf_counter() - t0)
        assert sum(len(v) for v in series.values()) == len(rows) > 0
    panel_times = []
    enterprise = MonitoringPoint.objects.get(pk=ids[0]).enterprise
    from govern import roles

    for _ in range(10):
        t0 = time.perf_counter()
        selectors.enterprise_panels(enterprise=enterprise, user=roles.SYSTEM)
        panel_times.append(time.perf_counter() - t0)
    median = statistics.median(rounds)
    raw_median = statistics.median(raw)
    return {
        "points": points,
        "days": days,
        "minute_rows": minute_rows,
        "hour_rows": hour_rows,
        "generated_s": round(generated, 1),
        "chart_query_ms_median": round(median * 1000, 2),
        "chart_query_ms_max": round(max(rounds) * 1000, 2),
        "raw_sql_ms_median": round(raw_median * 1000, 2),
        "ratio_to_raw_sql": round(median / raw_median, 2),
        "enterprise_panel_ms_median": round(statistics.median(panel_times) * 1000, 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--devices", type=int, default=200)
    parser.add_argument("--rates", default="1000,2500,5000", help="packets/s in all, one run each")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--points", type=int, default=200, help="points with chart data")
    parser.add_argument("--days", type=int, default=90, help="days of minute data for the chart")
    parser.add_argument("--skip-chart", action="store_true")
    parser.add_argument("--skip-ingest", action="store_true")
    parser.add_argument("--idle", type=int, default=10_000, help="idle connections held open")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("The benchmark needs PostgreSQL (DATABASE_URL).")
    enterprises(max(args.devices, args.points))
    setup_points(args.devices)
    report: dict = {"devices": args.devices, "seconds": args.seconds, "runs": []}
    print("baseline: hand-written COPY …", flush=True)
    report["copy_rows_per_s"] = round(copy_baseline(200_000), 1)
    days_back = 1.0
    for rate in [] if args.skip_ingest else [float(r) for r in args.rates.split(",")]:
        # Each run's data times start before the previous run's, so no run resends another's data.
        days_back += args.seconds * rate / args.devices / 1440 + 1
        print(f"ingest through the receiver at {rate:g} packets/s …", flush=True)
        run = {"rate_asked": rate, "ingest": ingest(args, rate, days_back)}
        print(json.dumps(run["ingest"]), flush=True)
        print("baseline: echo server (no storage) …", flush=True)
        run["echo"] = asyncio.run(echo_run(args, rate))
        print(json.dumps(run["echo"]), flush=True)
        run["ratios"] = {
            "rows_per_s_vs_raw_copy": round(
                run["ingest"]["rows_per_s"] / report["copy_rows_per_s"], 3
            ),
            "p99_vs_echo_p99": round(run["ingest"]["p99_ms"] / max(run["echo"]["p99_ms"], 0.01), 2),
        }
        report["runs"].append(run)
    if args.idle:
        print(f"{args.idle} idle connections, then 50 loggers at 500 packets/s …", flush=True)
        report["idle"] = idle(args)
        print(json.dumps(report["idle"]), flush=True)
    if not args.skip_chart:
        print(f"chart: {args.days} days of minute data for {args.points} points …", flush=True)
        report["chart"] = chart_data(args.points, args.days)
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    out = RESULTS / f"hj212-{stamp}.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"saved {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
