"""The health endpoint (/health/) a load balancer probes: database, broker and file storage.

Uses django-health-check's checks plus two of ours. A failing check answers 503 so the balancer takes
the process out; a warning (the holiday calendar for next year is missing) is reported with 200, since
the service still works. The answer names checks, never credentials or addresses.
"""

import asyncio
import dataclasses

from asgiref.sync import async_to_sync
from django.conf import settings
from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET
from health_check.base import HealthCheck, HealthCheckResult
from health_check.checks import Database, Storage
from health_check.exceptions import ServiceUnavailable, ServiceWarning

from . import workdays


@dataclasses.dataclass
class Broker(HealthCheck):
    """The Celery broker accepts a connection (skipped when tasks run in-process)."""

    def run(self) -> None:
        if settings.CELERY_TASK_ALWAYS_EAGER:
            return
        from govern.celery import app

        try:
            with app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=1, timeout=3)
        except Exception as error:  # noqa: BLE001 - any failure means the broker is unusable
            raise ServiceUnavailable("broker unreachable") from error


@dataclasses.dataclass
class HolidayCalendar(HealthCheck):
    """Next year's public holidays are known, so working-day deadlines stay right."""

    def run(self) -> None:
        message = workdays.coverage_warning()
        if message:
            raise ServiceWarning(message)


CHECKS = (Database, Broker, Storage, HolidayCalendar)


async def _run_all() -> list[HealthCheckResult]:
    return list(await asyncio.gather(*(check().get_result() for check in CHECKS)))


@require_GET
def health_view(request):
    results = async_to_sync(_run_all)()
    failing = [r for r in results if r.error and not isinstance(r.error, ServiceWarning)]
    body = {
        "status": "fail" if failing else "ok",
        "checks": {
            type(r.check).__name__.lower(): "ok"
            if r.error is None
            else ("warning" if isinstance(r.error, ServiceWarning) else "fail")
            for r in results
        },
        "warnings": [r.error.message for r in results if isinstance(r.error, ServiceWarning)],
    }
    response = JsonResponse(body, status=503 if failing else 200)
    add_never_cache_headers(response)
    return response
