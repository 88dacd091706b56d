"""Facts the evidence services publish (see govern.events and docs/architecture.md)."""

from dataclasses import dataclass

from govern.events import Event


@dataclass(frozen=True, kw_only=True)
class EvidenceEvent(Event):
    submission_id: int
    enterprise_id: int
    task_id: int | None = None
    order_id: int | None = None


@dataclass(frozen=True, kw_only=True)
class EvidenceSubmitted(EvidenceEvent):
    pass


@dataclass(frozen=True, kw_only=True)
class EvidenceAccepted(EvidenceEvent):
    pass


@dataclass(frozen=True, kw_only=True)
class EvidenceRejected(EvidenceEvent):
    comment: str = ""


@dataclass(frozen=True, kw_only=True)
class ExtensionRequested(Event):
    extension_id: int
    enterprise_id: int


@dataclass(frozen=True, kw_only=True)
class ExtensionDecided(Event):
    extension_id: int
    enterprise_id: int
    approved: bool
