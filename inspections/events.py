"""Facts the inspection services publish (see govern.events and docs/architecture.md)."""

from dataclasses import dataclass

from govern.events import Event


@dataclass(frozen=True, kw_only=True)
class VisitSubmitted(Event):
    visit_id: int
    enterprise_id: int
    order_ids: tuple[int, ...] = ()


@dataclass(frozen=True, kw_only=True)
class OrderIssued(Event):
    """A rectification order reached the enterprise (its visit record was submitted)."""

    order_id: int
    enterprise_id: int
    visit_id: int


@dataclass(frozen=True, kw_only=True)
class OrderAccepted(Event):
    order_id: int
    enterprise_id: int


@dataclass(frozen=True, kw_only=True)
class OrdersOverdue(Event):
    """Issued orders passed their deadline without being accepted (marked by the daily job)."""

    order_ids: tuple[int, ...]


@dataclass(frozen=True, kw_only=True)
class InspectionsPlanned(Event):
    """Planned inspections were assigned (a random draw or a follow-up); their inspectors act on them."""

    planned_ids: tuple[int, ...]
    follow_up: bool = False  # follow-ups of overdue orders (each names its order)
