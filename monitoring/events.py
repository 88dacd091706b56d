"""Facts the monitoring services publish (see govern.events and docs/architecture.md)."""

from dataclasses import dataclass

from govern.events import Event


@dataclass(frozen=True, kw_only=True)
class AlertOpened(Event):
    """Monitoring data opened an alert (an exceedance, a bad data flag or silence) at a point."""

    alert_id: int
    enterprise_id: int
    kind: str


@dataclass(frozen=True, kw_only=True)
class AlertExplained(Event):
    """The enterprise explained an alert; an inspector resolves it."""

    alert_id: int
    enterprise_id: int
