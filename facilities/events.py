"""Facts the facilities services publish (see govern.events and docs/architecture.md)."""

from dataclasses import dataclass

from govern.events import Event


@dataclass(frozen=True, kw_only=True)
class CarbonReplaced(Event):
    """An enterprise recorded an activated-carbon replacement; the next one is due on ``next_due``."""

    replacement_id: int
    facility_id: int
    enterprise_id: int
    next_due: str
