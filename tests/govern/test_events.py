"""Publishing a fact: in-transaction handlers run at once, the others only after commit."""

from dataclasses import dataclass

import pytest
from django.db import transaction

from govern import events


@dataclass(frozen=True, kw_only=True)
class ThingHappened(events.Event):
    thing_id: int


@dataclass(frozen=True, kw_only=True)
class SpecialThingHappened(ThingHappened):
    pass


@pytest.fixture
def seen(monkeypatch):
    """Handlers registered for this test only."""
    monkeypatch.setattr(events, "_subscriptions", events.defaultdict(list))
    log: list[tuple[str, int]] = []

    @events.subscribe(ThingHappened, in_transaction=True)
    def now(event):
        log.append(("now", event.thing_id))

    @events.subscribe(ThingHappened)
    def later(event):
        log.append(("later", event.thing_id))

    return log


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_after_commit_handlers_wait_for_the_commit(seen):
    with transaction.atomic():
        events.publish(ThingHappened(thing_id=1))
        assert seen == [("now", 1)]
    assert seen == [("now", 1), ("later", 1)]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_rolled_back_fact_reaches_only_the_in_transaction_handlers(seen):
    with pytest.raises(RuntimeError), transaction.atomic():
        events.publish(ThingHappened(thing_id=2))
        raise RuntimeError("the service failed after publishing")
    assert seen == [("now", 2)]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_subclass_event_reaches_the_base_class_handlers(seen):
    events.publish(SpecialThingHappened(thing_id=3))
    assert seen == [("now", 3), ("later", 3)]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_failing_after_commit_handler_does_not_stop_the_others(seen, caplog):
    @events.subscribe(ThingHappened)
    def broken(event):
        raise ValueError("mail server down")

    @events.subscribe(ThingHappened)
    def last(event):
        seen.append(("last", event.thing_id))

    with transaction.atomic():
        events.publish(ThingHappened(thing_id=4))
    assert ("later", 4) in seen and ("last", 4) in seen
    assert "ThingHappened" in caplog.text and "mail server down" in caplog.text


def test_subscribing_twice_registers_once(seen):
    def handler(event):
        pass

    events.subscribe(ThingHappened)(handler)
    events.subscribe(ThingHappened)(handler)
    assert [s.handler for s in events.subscriptions(ThingHappened)].count(handler) == 1
