"""python manage.py hj212_simulate --host 127.0.0.1 --port 9212 --points 50 --rate 100 --seconds 30"""

import asyncio
import json
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from enterprises.models import Enterprise, State
from govern import clock, roles
from monitoring import limits, services
from monitoring.models import MonitoringPoint
from monitoring.simulator import mn_of, simulate


def setup_points(count: int, *, first: int = 0) -> int:
    """Points SIM… for the first operating enterprises, with the default limits (created once)."""
    existing = set(
        MonitoringPoint.objects.filter(mn__in=[mn_of(first + i) for i in range(count)]).values_list(
            "mn", flat=True
        )
    )
    enterprises = list(Enterprise.objects.exclude(state=State.CLOSED).order_by("pk")[:count])
    if not enterprises:
        raise CommandError("没有企业：先运行 load_demo 或导入企业。")
    made = 0
    for i in range(count):
        mn = mn_of(first + i)
        if mn in existing:
            continue
        services.point_create(
            enterprise=enterprises[i % len(enterprises)],
            mn=mn,
            outlet=f"{(first + i) % 3 + 1}# VOCs 排放口",
            st="31",
            pollutants=limits.DEFAULTS,
            by=roles.SYSTEM,
        )
        made += 1
    return made


class Command(BaseCommand):
    help = "Send realistic HJ 212 packets from simulated loggers over TCP and time the answers."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=9212)
        parser.add_argument("--points", type=int, default=20)
        parser.add_argument("--rate", type=float, default=50.0, help="Packets per second in all.")
        parser.add_argument("--seconds", type=float, default=30.0)
        parser.add_argument("--first", type=int, default=0, help="Number of the first logger.")
        parser.add_argument("--fault-rate", type=float, default=0.01)
        parser.add_argument("--exceed-rate", type=float, default=0.02)
        parser.add_argument(
            "--setup", action="store_true", help="Create the simulated points first (needs the DB)."
        )
        parser.add_argument(
            "--days-back",
            type=float,
            default=2.0,
            help="Data times start this many days ago and advance a minute per packet.",
        )

    def handle(self, *args, **options):
        if options["points"] < 1 or options["rate"] <= 0 or options["seconds"] <= 0:
            raise CommandError("--points、--rate、--seconds 须为正数。")
        if options["setup"]:
            made = setup_points(options["points"], first=options["first"])
            self.stdout.write(f"{made} simulated point(s) created.")
        # Loggers write local (Beijing) time without a zone.
        start = timezone.localtime(clock.now() - timedelta(days=options["days_back"]))
        start = start.replace(tzinfo=None, minute=0, second=0, microsecond=0)
        result = asyncio.run(
            simulate(
                host=options["host"],
                port=options["port"],
                points=options["points"],
                rate=options["rate"],
                seconds=options["seconds"],
                start=start,
                first=options["first"],
                fault_rate=options["fault_rate"],
                exceed_rate=options["exceed_rate"],
            )
        )
        self.stdout.write(json.dumps(result.summary(), ensure_ascii=False))
