"""Facts the materials services publish (see govern.events and docs/architecture.md)."""

from dataclasses import dataclass

from govern.events import Event


@dataclass(frozen=True, kw_only=True)
class OverLimitMaterialRecorded(Event):
    """Ledger rows over their VOC-content limit were recorded: open findings for the next visit."""

    enterprise_id: int
    entry_ids: tuple[int, ...]
