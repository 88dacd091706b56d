"""Domain events: services publish facts inside their transaction; other apps react in receivers.

An event is a small frozen dataclass named in the past tense (``OrderIssued``), defined in the
``events.py`` of the app whose service publishes it. Each reacting app subscribes in one
``receivers.py`` (imported by its ``AppConfig.ready``), which reads as a table of event → reaction.

Two kinds of handler:

- ``subscribe(Event)`` runs the handler after the publishing transaction commits: notifications,
  emails, tasks. If the transaction rolls back, nothing happens. A failing handler is logged and does
  not stop the others (``robust=True``).
- ``subscribe(Event, in_transaction=True)`` runs it at once, inside the transaction: a write that must
  stand or fall with the fact, such as numbering the notice that a closure order issues.

Handlers receive the event only, with primary keys rather than model instances, so a handler after
commit reads the committed state and a Celery task can take the same ids.
"""

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import transaction

logger = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class Event:
    """A fact that happened. ``by_id`` is the user who did it (None for the system's daily job)."""

    by_id: int | None = None


E = TypeVar("E", bound=Event)
Handler = Callable[[Any], None]


@dataclass(frozen=True)
class Subscription:
    event_type: type[Event]
    handler: Handler
    in_transaction: bool

    @property
    def name(self) -> str:
        return f"{self.handler.__module__}.{self.handler.__qualname__}"


_subscriptions: dict[type[Event], list[Subscription]] = defaultdict(list)


def subscribe(
    event_type: type[E], *, in_transaction: bool = False
) -> Callable[[Callable[[E], None]], Callable[[E], None]]:
    """Register the decorated function as a handler of ``event_type`` (and of its subclasses)."""

    def register(handler: Callable[[E], None]) -> Callable[[E], None]:
        subscription = Subscription(event_type, handler, in_transaction)
        if subscription not in _subscriptions[event_type]:
            _subscriptions[event_type].append(subscription)
        return handler

    return register


def subscriptions(event_type: type[Event]) -> list[Subscription]:
    """The handlers of an event type, its base classes' included, in registration order."""
    found: list[Subscription] = []
    for klass in event_type.__mro__:
        if isinstance(klass, type) and issubclass(klass, Event):
            found.extend(_subscriptions.get(klass, ()))
    return found


def all_subscriptions() -> dict[type[Event], list[Subscription]]:
    return {event_type: list(subs) for event_type, subs in _subscriptions.items()}


def publish(event: Event) -> None:
    """State a fact: in-transaction handlers run now, the others once the transaction commits."""
    for subscription in subscriptions(type(event)):
        if subscription.in_transaction:
            subscription.handler(event)
        else:
            transaction.on_commit(_after_commit(subscription, event), robust=True)


def _after_commit(subscription: Subscription, event: Event) -> Callable[[], None]:
    def run() -> None:
        logger.debug("%s → %s", type(event).__name__, subscription.name)
        subscription.handler(event)

    run.__qualname__ = f"{type(event).__name__} → {subscription.name}"  # named in error logs
    return run
