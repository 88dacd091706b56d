"""The domain clock: what services and model defaults take as "now".

It is the real time unless a caller runs code ``at()`` another moment, which is how the demo builds two
years of history through the real services (and how a test can state "on 24 November") without
patching Django. The moment is context-local, so threads and async tasks never see each other's clock.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime

from django.utils import timezone

_moment: ContextVar[datetime | None] = ContextVar("govern_clock_moment", default=None)


def now() -> datetime:
    """The current moment (aware), or the moment set by ``at()``."""
    return _moment.get() or timezone.now()


def today() -> date:
    """Today's date in the project's time zone (Asia/Shanghai)."""
    return timezone.localdate(now())


@contextmanager
def at(moment: datetime) -> Iterator[datetime]:
    """Run the block as if it were ``moment``: services, model defaults and log entries see it."""
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    token = _moment.set(moment)
    try:
        yield moment
    finally:
        _moment.reset(token)
