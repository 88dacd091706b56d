"""Benchmark of notice rendering: one notice warm (Chinese vs the same layout in a Latin font), and a batch.

Run through ./scripts/bench (which prepares PostgreSQL and the font), or directly:
    DJANGO_SETTINGS_MODULE=govern.settings.base DATABASE_URL=... python -m bench.notices --count 1000 --workers 2
"""

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govern.settings.base")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="govern-bench-media-"))

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connections, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from enterprises.models import District, Enterprise, Sector, State  # noqa: E402
from enterprises.validators import uscc_check_character  # noqa: E402
from govern import roles  # noqa: E402
from govern.models import User  # noqa: E402
from inspections.models import ChecklistResult, ChecklistTemplate, RectificationOrder, SiteVisit  # noqa: E402
from notices import fonts, rendering, services  # noqa: E402
from notices.models import Notice, NoticeBatch, NoticeKind  # noqa: E402

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def make_orders(count: int) -> list[int]:
    """``count`` enterprises, each with a submitted visit and two orders: the one-page order notice."""
    inspector, _ = User.objects.get_or_create(
        username="bench-inspector", defaults={"last_name": "林", "first_name": "志强"}
    )
    inspector.groups.add(Group.objects.get(name=roles.INSPECTOR))
    sector = Sector.objects.get(code="industrial_coating")
    district = District.objects.get(code="jinjiang")
    template = ChecklistTemplate.objects.filter(sector=sector).order_by("-version").first()
    items = list(template.items.all()[:2])
    run = int(time.time())
    enterprises = []
    for i in range(count):
        first17 = f"913505827{run % 100000000:08d}"[:17]
        first17 = first17[:-4] + f"{i:04d}"
        enterprises.append(
            Enterprise(
                name=f"晋江鸿达{i}机械制造有限公司",
                uscc=first17 + uscc_check_character(first17),
                sector=sector,
                district=district,
                address=f"福建省泉州市晋江市池店镇工业路{i}号",
                legal_representative="陈建华",
                state=State.GRADED,
                tier="B",
            )
        )
    Enterprise.objects.bulk_create(enterprises)
    now = timezone.now()
    notice_ids = []
    with transaction.atomic():
        batch = NoticeBatch.objects.create(
            kind=NoticeKind.RECTIFICATION, district=district, total=count, created_by=inspector
        )
        for enterprise in enterprises:
            visit = SiteVisit.objects.create(
                enterprise=enterprise,
                checklist=template,
                started_at=now - timedelta(hours=2),
                ended_at=now,
                location=enterprise.address,
                conclusion="issues",
                conclusion_text="现场检查情况已告知企业负责人。",
                status="submitted",
                created_by=inspector,
            )
            for item in items:
                result = ChecklistResult.objects.create(
                    visit=visit,
                    item=item,
                    outcome="fail",
                    note="喷漆房门窗敞开，活性炭三个月未更换",
                )
                RectificationOrder.objects.create(
                    issued_at=timezone.now(),
                    enterprise=enterprise,
                    visit=visit,
                    finding=result,
                    requirement="喷涂作业期间保持喷漆房密闭，更换活性炭并建立更换台账",
                    legal_basis=item.legal_basis,
                    deadline=timezone.localdate() + timedelta(days=30),
                )
            notice = services.notice_issue(
                kind=NoticeKind.RECTIFICATION,
                enterprise=enterprise,
                visit=visit,
                by=inspector,
                batch=batch,
            )
            notice_ids.append(notice.pk)
    return notice_ids


def latin_version(html: str) -> str:
    """The same layout with Latin letters in DejaVu Serif in place of Chinese characters in Noto."""
    body_start = html.index("<body>")
    head, body = html[:body_start], html[body_start:]
    head = re.sub(r"@font-face \{[^}]*\}", "", head)
    head = head.replace(
        f'"{fonts.FAMILY}", "{fonts.FALLBACK_FAMILY}", serif', '"DejaVu Serif", serif'
    )
    return head + CJK.sub("x", body)


def warm_timings(html: str, rounds: int) -> list[float]:
    rendering.render_pdf(html)  # warm: fonts loaded, caches filled
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        rendering.render_pdf(html)
        timings.append(time.perf_counter() - started)
    return timings


def _render_chunk(ids: list[int]) -> list[int]:
    connections.close_all()
    sizes = []
    for notice_id in ids:
        sizes.append(services.notice_render(notice_id=notice_id).size)
    return sizes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--count", type=int, default=1000, help="notices in the batch (default 1000)"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="rendering processes (default 2, the machine's cores)",
    )
    parser.add_argument(
        "--rounds", type=int, default=15, help="warm single renders to time (default 15)"
    )
    parser.add_argument("--out", default="bench/results", help="folder for the JSON result")
    args = parser.parse_args()
    if args.count < 1 or args.workers < 1:
        parser.error("--count and --workers must be at least 1")

    call_command("migrate", verbosity=0)
    fonts.prepare()
    ids = make_orders(args.count)
    sample = Notice.objects.get(pk=ids[0])
    html = rendering.notice_html(sample)
    cjk = warm_timings(html, args.rounds)
    latin = warm_timings(latin_version(html), args.rounds)

    connections.close_all()
    chunks = [ids[i :: args.workers] for i in range(args.workers)]
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        sizes = [size for chunk in pool.map(_render_chunk, chunks) for size in chunk]
    batch_seconds = time.perf_counter() - started

    result = {
        "date": timezone.now().isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "single_cjk_ms_median": round(statistics.median(cjk) * 1000, 1),
        "single_latin_ms_median": round(statistics.median(latin) * 1000, 1),
        "cjk_to_latin_ratio": round(statistics.median(cjk) / statistics.median(latin), 2),
        "batch_count": len(sizes),
        "batch_workers": args.workers,
        "batch_seconds": round(batch_seconds, 1),
        "batch_ms_per_notice": round(batch_seconds / len(sizes) * 1000, 1),
        "pdf_kb_max": round(max(sizes) / 1024, 1),
        "pdf_kb_median": round(statistics.median(sizes) / 1024, 1),
        "prepared_font": fonts.is_prepared(),
    }
    targets = {
        "ratio ≤ 3": result["cjk_to_latin_ratio"] <= 3,
        "batch of 1,000 < 300 s (scaled)": batch_seconds / len(sizes) * 1000 < 300,
        "every PDF < 300 KB": max(sizes) < 300 * 1024,
    }
    result["targets_met"] = targets
    print(json.dumps(result, ensure_ascii=False, indent=2))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"notices-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=2)
    )
    return 0 if all(targets.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
