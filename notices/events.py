"""Facts the notice services publish (see govern.events and docs/architecture.md)."""

from dataclasses import dataclass

from govern.events import Event


@dataclass(frozen=True, kw_only=True)
class NoticeIssued(Event):
    """A notice was numbered; its PDF is rendered once the issuing transaction commits."""

    notice_id: int
    enterprise_id: int
    kind: str
    batch_id: int | None = None


@dataclass(frozen=True, kw_only=True)
class NoticeBatchIssued(Event):
    batch_id: int


@dataclass(frozen=True, kw_only=True)
class NoticeServed(Event):
    """The record of service of a notice was entered (how, when, to whom)."""

    notice_id: int
    enterprise_id: int
    method: str
