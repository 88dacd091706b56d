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


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_registrations_of_one_credit_code_at_once_create_one(monkeypatch):
    """The existence check runs before the insert; the unique constraint decides the race, and the
    losers get the same field error as a registration made after the first one."""
    from enterprises.models import District, Enterprise, Sector
    from govern.errors import InvalidInput

    monkeypatch.setattr(services, "TransitionLog", SlowLog(services.TransitionLog))
    inspector = factories.inspector_user()
    code = factories.valid_uscc(4242)
    data = {
        "name": "晋江并发测试鞋业有限公司",
        "sector": Sector.objects.get(code="footwear"),
        "district": District.objects.get(code="jinjiang"),
        "address": "晋江市工业路1号",
        "legal_representative": "陈建华",
    }
    barrier = threading.Barrier(20)
    outcomes = []

    def register():
        try:
            barrier.wait()
            services.enterprise_register(data=data, uscc=code, by=inspector)
            outcomes.append("created")
        except InvalidInput as error:
            outcomes.append(f"{error.field}: {error.message}")
        except Exception as error:  # noqa: BLE001 - a 500 in the request
            outcomes.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes.count("created") == 1
    refused = [o for o in outcomes if o != "created"]
    assert len(refused) == 19
    assert set(refused) == {"uscc: 该信用代码的企业已登记。"} or all(
        o.startswith("uscc:") for o in refused
    ), refused
    assert Enterprise.objects.filter(uscc=code).count() == 1
