"""The daily job through a real Celery worker on Redis and PostgreSQL: a reminder arrives exactly once."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from deadlines.tasks import daily_deadlines
from govern.celery import app
from govern.models import Notification
from tests import factories
from tests.deadlines.test_daily_job import make_order, working_days_before


@pytest.fixture
def real_worker(settings):
    """A worker thread consuming from Redis, with results in Redis so the test can wait for them."""
    saved = {k: app.conf[k] for k in ("task_always_eager", "broker_url", "result_backend")}
    app.conf.update(
        task_always_eager=False,
        broker_url=settings.CELERY_BROKER_URL,
        result_backend=settings.CELERY_BROKER_URL.rsplit("/", 1)[0] + "/14",
    )
    settings.CELERY_TASK_ALWAYS_EAGER = False
    forget_backend()  # earlier eager tests cached a disabled one
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        yield app
    app.conf.update(saved)
    forget_backend()


def forget_backend():
    """Celery caches the result backend (per thread unless thread-safe); drop it to apply new settings."""
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_delivers_a_reminder_exactly_once(real_worker, order_for_worker):
    order, account = order_for_worker
    day = working_days_before(order.deadline, 1).isoformat()
    first = daily_deadlines.delay(day)
    second = daily_deadlines.delay(day)  # the job twice, e.g. a retry after a lost acknowledgement
    reports = [first.get(timeout=60), second.get(timeout=60)]
    assert sorted(r["reminders"] for r in reports) == [0, 1]
    deadline = time.monotonic() + 20
    while not mail.outbox and time.monotonic() < deadline:  # the email goes out as its own task
        time.sleep(0.2)
    time.sleep(0.5)
    assert Notification.objects.filter(recipient=account).count() == 1
    assert [m.to for m in mail.outbox] == [["hongda@example.com"]]


@pytest.fixture
def order_for_worker(db):
    order = make_order(factories.inspector_user())
    account = factories.enterprise_user(order.enterprise, email="hongda@example.com")
    return order, account
