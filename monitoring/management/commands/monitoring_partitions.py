"""python manage.py monitoring_partitions [--ahead N] [--detach-before YYYY-MM | --drop-before YYYY-MM]"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from monitoring import partitions


def _month(text: str) -> date:
    try:
        year, month = text.split("-")
        return date(int(year), int(month), 1)
    except ValueError:
        raise CommandError(f"月份须写作 YYYY-MM：{text!r}") from None


class Command(BaseCommand):
    help = "List, create ahead, detach (to archive) or drop the monthly partitions of the readings."

    def add_arguments(self, parser):
        parser.add_argument("--ahead", type=int, default=2)
        parser.add_argument("--detach-before", type=_month, default=None)
        parser.add_argument("--drop-before", type=_month, default=None)

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            self.stdout.write("Not PostgreSQL: the readings table is not partitioned.")
            return
        created = partitions.ensure_ahead(connection=connection, ahead=options["ahead"])
        for month in created:
            self.stdout.write(f"created {partitions.name_of(month)}")
        if options["detach_before"]:
            for name in partitions.detach_before(
                connection=connection, month=options["detach_before"]
            ):
                self.stdout.write(f"detached {name} (archive it with pg_dump -t {name}, then drop)")
        if options["drop_before"]:
            for name in partitions.detach_before(
                connection=connection, month=options["drop_before"], drop=True
            ):
                self.stdout.write(f"dropped {name}")
        for month in sorted(partitions.existing(connection=connection)):
            self.stdout.write(f"  {partitions.name_of(month)}")
