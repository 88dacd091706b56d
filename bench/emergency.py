"""Benchmark: declaring a red warning for 5,000 enterprises, instructions and PDF notices issued.

Run through ./scripts/bench-emergency (a throw-away PostgreSQL database), or directly:
    DJANGO_SETTINGS_MODULE=govern.settings.base DATABASE_URL=... python -m bench.emergency --count 5000

What is timed: the declaration as the manager's request runs it (instructions, the batch of numbered
notices, the notifications), then rendering every PDF on ``--workers`` processes, each running the
same task body a Celery worker runs (``notices.tasks.render_notices`` over chunks of the batch).
Baseline in the same run: the same instruction laid out in a Latin font (DejaVu Serif) against the
Chinese one, on a sample, single process.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from unittest import mock

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govern.settings.base")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="govern-bench-media-"))

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402
from django.utils import timezone  # noqa: E402

from emergency import services  # noqa: E402
from emergency.models import ProductionLine, ReductionList  # noqa: E402
from enterprises.models import District, Enterprise, Sector, State  # noqa: E402
from enterprises.validators import uscc_check_character  # noqa: E402
from govern import roles  # noqa: E402
from govern.models import Notification, User  # noqa: E402
from notices import fonts, rendering, tasks  # noqa: E402
from notices.models import Notice, NoticeKind  # noqa: E402

from .notices import latin_version, warm_timings  # noqa: E402


def make_enterprises(count: int) -> None:
    """``count`` graded enterprises in one district, 80 % with an approved two-line list, each with
    an account (so every notification is really written)."""
    sector = Sector.objects.get(code="industrial_coating")
    district = District.objects.get(code="jinjiang")
    run = int(time.time())
    grades = ["B", "C", "D", "C", ""]
    enterprises = []
    for i in range(count):
        first17 = f"913505827{run % 100000000:08d}"[:12] + f"{i:05d}"
        enterprises.append(
            Enterprise(
                name=f"晋江鸿达{i}涂装有限公司",
                uscc=first17 + uscc_check_character(first17),
                sector=sector,
                district=district,
                address=f"福建省泉州市晋江市池店镇工业路{i}号",
                legal_representative="陈建华",
                state=State.GRADED,
                tier="B",
                performance_grade=grades[i % len(grades)],
                baseline_voc_tpa=Decimal("10"),
                baseline_nox_tpa=Decimal("2"),
                baseline_pm_tpa=Decimal("1"),
            )
        )
    Enterprise.objects.bulk_create(enterprises, batch_size=1000)
    lists = ReductionList.objects.bulk_create(
        [
            ReductionList(enterprise=e, status=ReductionList.Status.APPROVED)
            for i, e in enumerate(enterprises)
            if i % 5
        ],
        batch_size=1000,
    )
    lines = []
    for rl in lists:
        for name, share, keep in (
            ("1号喷涂线", Decimal("0.6"), None),
            ("2号调漆间", Decimal("0.4"), 60),
        ):
            lines.append(
                ProductionLine(
                    reduction_list=rl,
                    name=name,
                    voc_tpa=10 * share,
                    nox_tpa=2 * share,
                    pm_tpa=share,
                    yellow_measure="limit",
                    yellow_keep_pct=80,
                    orange_measure="limit",
                    orange_keep_pct=60,
                    red_measure="stop" if keep is None else "limit",
                    red_keep_pct=keep,
                    check_method="electricity",
                    check_detail="专用电表",
                )
            )
    ProductionLine.objects.bulk_create(lines, batch_size=2000)
    group = Group.objects.get(name=roles.ENTERPRISE)
    users = User.objects.bulk_create(
        [User(username=f"bench-ent-{e.pk}", enterprise=e, password="!") for e in enterprises],
        batch_size=1000,
    )
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=u.pk, group_id=group.pk) for u in users], batch_size=2000
    )


def _render_chunk(ids: list[int]) -> int:
    connections.close_all()
    return tasks.render_notices(ids)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000, help="enterprises in scope (5000)")
    parser.add_argument("--workers", type=int, default=2, help="rendering processes (2)")
    parser.add_argument("--rounds", type=int, default=10, help="warm renders for the ratio")
    parser.add_argument("--out", default="bench/results")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    fonts.prepare()
    make_enterprises(args.count)
    manager = User.objects.create(username="bench-manager")
    manager.groups.add(Group.objects.get(name=roles.MANAGER))
    start = timezone.now() + timedelta(hours=25)

    batches: list[int] = []
    started = time.perf_counter()
    # The batch render is taken from the queue by the worker processes below, not run in-line.
    with mock.patch.object(tasks.render_batch, "delay", side_effect=batches.append):
        warning = services.warning_declare(
            level="red",
            districts=District.objects.filter(code="jinjiang"),
            starts_at=start,
            ends_at=start + timedelta(days=2),
            reason="基准测试",
            by=manager,
        )
    declare_seconds = time.perf_counter() - started
    ids = list(
        Notice.objects.filter(batch_id__in=batches, status=Notice.Status.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    connections.close_all()
    chunks = [ids[i : i + tasks.RENDER_CHUNK] for i in range(0, len(ids), tasks.RENDER_CHUNK)]
    render_started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        rendered = sum(pool.map(_render_chunk, chunks))
    render_seconds = time.perf_counter() - render_started
    total = time.perf_counter() - started

    sample = Notice.objects.filter(
        kind=NoticeKind.EMERGENCY, instruction__reduction_list__isnull=False
    ).first()
    html = rendering.notice_html(sample)
    cjk = warm_timings(html, args.rounds)
    latin = warm_timings(latin_version(html), args.rounds)
    sizes = list(Notice.objects.filter(batch_id__in=batches).values_list("size", flat=True))
    result = {
        "date": timezone.now().isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "enterprises_in_scope": args.count,
        "instructions": warning.instructions.count(),
        "notices_ready": Notice.objects.filter(
            batch_id__in=batches, status=Notice.Status.READY
        ).count(),
        "notifications": Notification.objects.filter(url="/portal/emergency/").count(),
        "declare_seconds": round(declare_seconds, 1),
        "render_seconds": round(render_seconds, 1),
        "render_workers": args.workers,
        "total_seconds": round(total, 1),
        "rendered": rendered,
        "single_cjk_ms_median": round(statistics.median(cjk) * 1000, 1),
        "single_latin_ms_median": round(statistics.median(latin) * 1000, 1),
        "cjk_to_latin_ratio": round(statistics.median(cjk) / statistics.median(latin), 2),
        "pdf_kb_max": round(max(sizes) / 1024, 1),
    }
    targets = {
        "every notice ready": result["notices_ready"] == args.count,
        "total < 300 s": total < 300,
    }
    result["targets_met"] = targets
    print(json.dumps(result, ensure_ascii=False, indent=2))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"emergency-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=2)
    )
    return 0 if all(targets.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
