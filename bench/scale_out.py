"""Scale-out run on this machine, loopback only: 2 gunicorn processes behind a round-robin proxy,
2 Celery workers and beat, on the shared PostgreSQL, Redis and an S3-compatible store (moto).

1. A bounded mixed load of the three roles (locust, headless): requests/s, p50, p95, errors.
2. A batch of grading notices; one worker's pool process is killed (SIGKILL) in the middle; the
   batch must finish with every notice rendered once and no number issued twice or skipped.

Run through ./scripts/scale-out (which starts PostgreSQL and Redis), or directly with DATABASE_URL
pointing at a throw-away database. Results go to bench/results/scale-out-<date>.json.
"""

import argparse
import asyncio
import csv
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from itertools import cycle
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on {port}")


def round_robin_proxy(listen: int, backends: list[int]) -> threading.Thread:
    """A minimal TCP load balancer (the role nginx or a cloud balancer plays in production)."""
    targets = cycle(backends)

    async def pipe(reader, writer):
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()

    async def handle(client_reader, client_writer):
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(
                "127.0.0.1", next(targets)
            )
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(
            pipe(client_reader, upstream_writer), pipe(upstream_reader, client_writer)
        )

    def serve():
        loop = asyncio.new_event_loop()
        server = loop.run_until_complete(asyncio.start_server(handle, "127.0.0.1", listen))
        loop.run_until_complete(server.serve_forever())

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return thread


class Processes:
    def __init__(self, env):
        self.env, self.running = env, []

    def start(self, name, *args, log):
        process = subprocess.Popen(
            [str(VENV_BIN / name), *args],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.running.append(process)
        return process

    def stop(self):
        for process in self.running:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.running:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def manage(env, *args) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def pool_children(worker: subprocess.Popen) -> list[int]:
    out = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(worker.pid)], capture_output=True, text=True
    )
    return [int(p) for p in out.stdout.split()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=40, help="simulated users (default 40)")
    parser.add_argument("--seconds", type=int, default=60, help="load duration (default 60)")
    parser.add_argument("--enterprises", type=int, default=150)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="govern-scale-"))
    logs = work / "logs"
    logs.mkdir()
    s3_port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "govern.settings.production",
        "SECRET_KEY": "scale-out-run-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",  # loopback HTTP: no TLS terminator in this run
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "AXES_PROXY_COUNT": "0",
        "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/12"),
        "STORAGE_BUCKET": "govern-scale",
        "STORAGE_ENDPOINT_URL": f"http://127.0.0.1:{s3_port}",
        "STORAGE_ACCESS_KEY": "test",
        "STORAGE_SECRET_KEY": "test",
        "STORAGE_REGION": "us-east-1",
        "LOG_LEVEL": "WARNING",
    }
    processes = Processes(env)
    results: dict = {"date": datetime.now().isoformat(timespec="seconds"), "cores": os.cpu_count()}
    try:
        with open(logs / "moto.log", "w") as log:
            processes.start("moto_server", "-H", "127.0.0.1", "-p", str(s3_port), log=log)
        wait_for(s3_port)
        import boto3

        boto3.client(
            "s3",
            endpoint_url=env["STORAGE_ENDPOINT_URL"],
            aws_access_key_id="test",
            aws_secret_access_key="test",
            region_name="us-east-1",
        ).create_bucket(Bucket="govern-scale")
        print("Preparing the database and demo data ...", flush=True)
        subprocess.run(
            ["redis-cli", "-n", env["CELERY_BROKER_URL"].rsplit("/", 1)[1], "flushdb"],
            capture_output=True,
        )
        manage(env, "migrate", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        manage(env, "load_demo", "--count", str(args.enterprises), "--force")

        web = [free_port(), free_port()]
        for port in web:
            with open(logs / f"gunicorn-{port}.log", "w") as log:
                processes.start(
                    "gunicorn",
                    "govern.wsgi",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "2",
                    "--threads",
                    "4",
                    "--timeout",
                    "60",
                    log=log,
                )
        workers = []
        for name in ("w1", "w2"):
            with open(logs / f"celery-{name}.log", "w") as log:
                workers.append(
                    processes.start(
                        "celery",
                        "-A",
                        "govern",
                        "worker",
                        "-n",
                        f"{name}@%h",
                        "-c",
                        "1",
                        "-l",
                        "WARNING",
                        log=log,
                    )
                )
        with open(logs / "beat.log", "w") as log:
            processes.start("celery", "-A", "govern", "beat", "-l", "WARNING", log=log)
        for port in web:
            wait_for(port)
        balancer = free_port()
        round_robin_proxy(balancer, web)
        wait_for(balancer)

        print(f"Load: {args.users} users for {args.seconds} s ...", flush=True)
        prefix = work / "locust"
        subprocess.run(
            [
                str(VENV_BIN / "locust"),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "-u",
                str(args.users),
                "-r",
                "10",
                "-t",
                f"{args.seconds}s",
                "--host",
                f"http://127.0.0.1:{balancer}",
                "--csv",
                str(prefix),
                "--only-summary",
            ],
            cwd=ROOT,
            env=env,
            check=False,
            capture_output=True,
        )
        with open(f"{prefix}_stats.csv") as stats:
            rows = {row["Name"]: row for row in csv.DictReader(stats)}
        total = rows["Aggregated"]
        baseline = rows.get("baseline: static file", {})
        results["load"] = {
            "users": args.users,
            "seconds": args.seconds,
            "requests": int(total["Request Count"]),
            "failures": int(total["Failure Count"]),
            "requests_per_second": round(float(total["Requests/s"]), 1),
            "p50_ms": float(total["50%"]),
            "p95_ms": float(total["95%"]),
            "by_page_p95_ms": {
                name: float(row["95%"]) for name, row in rows.items() if name != "Aggregated"
            },
            "baseline_static_p50_ms": float(baseline.get("50%", 0) or 0),
            "pages_p50_over_baseline_p50": round(
                float(total["50%"]) / max(1.0, float(baseline.get("50%", 1) or 1)), 1
            ),
        }
        print(json.dumps(results["load"], indent=2), flush=True)

        print("Batch of notices with a worker killed in the middle ...", flush=True)
        code = (
            "from enterprises.models import District;"
            "from notices import selectors, services;"
            "from govern.models import User;"
            "d=max(District.objects.all(), key=lambda d: selectors.grading_batch_candidates(district=d).count());"
            "b=services.notice_batch_issue(district=d, by=User.objects.get(username='manager'));"
            "print(b.pk, b.total)"
        )
        batch_id, total_notices = (int(x) for x in manage(env, "shell", "-c", code).split()[-2:])
        killed = None
        deadline = time.monotonic() + 300
        state = ""
        while time.monotonic() < deadline:
            state = manage(
                env,
                "shell",
                "-c",
                "from notices.models import Notice;"
                f"q=Notice.objects.filter(batch_id={batch_id});"
                "print(q.filter(status='ready').count(), q.count(),"
                " q.values('number').distinct().count())",
            ).split()
            ready = int(state[-3])
            if killed is None and ready >= max(1, total_notices // 4):
                # Kill every worker's pool process, so the one rendering the batch is surely hit
                # mid-task; each worker's main process starts a new pool process.
                children = [child for worker in workers for child in pool_children(worker)]
                for child in children:
                    os.kill(child, signal.SIGKILL)
                killed = {"pool_processes": children, "at_ready": ready, "of": total_notices}
            if ready == total_notices:
                break
            time.sleep(1)
        ready, count, distinct = (int(x) for x in state[-3:])
        sequences = manage(
            env,
            "shell",
            "-c",
            "from notices.models import Notice;"
            "s=sorted(Notice.objects.filter(kind='grading').values_list('sequence', flat=True));"
            "print(s == list(range(1, len(s)+1)))",
        ).split()[-1]
        results["kill"] = {
            "batch_notices": total_notices,
            "killed": killed,
            "ready_after": ready,
            "notices_in_batch": count,
            "distinct_numbers": distinct,
            "numbers_gap_free": sequences == "True",
        }
        print(json.dumps(results["kill"], indent=2), flush=True)
    finally:
        processes.stop()
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"scale-out-{datetime.now():%Y%m%d-%H%M}.json").write_text(json.dumps(results, indent=2))
    kill = results.get("kill", {})
    ok = (
        results.get("load", {}).get("failures", 1) == 0
        and kill.get("killed") is not None
        and kill.get("ready_after") == kill.get("batch_notices") == kill.get("distinct_numbers")
        and kill.get("numbers_gap_free")
    )
    print("PASS" if ok else "FAIL", f"(logs in {logs})")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
