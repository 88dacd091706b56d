"""Facts the enforcement services publish (see govern.events and docs/architecture.md)."""

from dataclasses import dataclass

from govern.events import Event


@dataclass(frozen=True, kw_only=True)
class CaseOpened(Event):
    """A penalty case was filed (立案) against an enterprise."""

    case_id: int
    enterprise_id: int


@dataclass(frozen=True, kw_only=True)
class AdvanceNoticeServed(Event):
    """The advance notice of the intended penalty (with the statement and hearing rights) was served."""

    case_id: int
    enterprise_id: int


@dataclass(frozen=True, kw_only=True)
class PenaltyDecided(Event):
    """The penalty decision was made (the decision notice follows)."""

    case_id: int
    enterprise_id: int
