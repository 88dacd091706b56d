"""Two conflicting transitions of one enterprise at the same moment, on real PostgreSQL connections."""

import threading
import time

import pytest
from django.db import connections

from enterprises import services
from enterprises.models import State
from govern.errors import TransitionConflict
from tests import factories


class SlowLog:
    """Stands in for TransitionLog so the first thread holds the row lock while the second waits."""

    def __init__(self, real):
        self.real = real
        self.objects = self

    def create(self, **kwargs):
        time.sleep(0.3)
        return self.real.objects.create(**kwargs)


def race(calls):
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait()
            call()
            outcomes[index] = "ok"
        except TransitionConflict:
            outcomes[index] = "conflict"
        except Exception as error:  # surfaced by the assertion below
            outcomes[index] = repr(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_closes_at_once_one_succeeds_one_conflicts(monkeypatch):
    monkeypatch.setattr(services, "TransitionLog", SlowLog(services.TransitionLog))
    manager = factories.manager_user()
    enterprise = factories.EnterpriseFactory(state=State.GRADED)
    outcomes = race(
        [lambda: services.enterprise_close(enterprise=enterprise, by=manager, reason="关停")] * 2
    )
    assert sorted(outcomes) == ["conflict", "ok"]
    enterprise.refresh_from_db()
    assert enterprise.state == State.CLOSED
    assert enterprise.transitions.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_close_and_relocate_seen_from_the_same_page_only_one_wins(monkeypatch):
    monkeypatch.setattr(services, "TransitionLog", SlowLog(services.TransitionLog))
    manager = factories.manager_user()
    other_manager = factories.manager_user()
    enterprise = factories.EnterpriseFactory(state=State.GRADED)
    outcomes = race(
        [
            lambda: services.enterprise_close(
                enterprise=enterprise, by=manager, reason="关停", expected_state=State.GRADED
            ),
            lambda: services.enterprise_start_relocation(
                enterprise=enterprise,
                park=factories.park(),
                by=other_manager,
                reason="入园",
                expected_state=State.GRADED,
            ),
        ]
    )
    assert sorted(outcomes) == ["conflict", "ok"]
    enterprise.refresh_from_db()
    assert enterprise.state in {State.CLOSED, State.RELOCATING}
    assert enterprise.transitions.count() == 1
