"""Facts the emergency services publish (see govern.events and docs/architecture.md)."""

from dataclasses import dataclass

from govern.events import Event


@dataclass(frozen=True, kw_only=True)
class ReductionListSubmitted(Event):
    """An enterprise submitted its emergency reduction list for approval."""

    list_id: int
    enterprise_id: int


@dataclass(frozen=True, kw_only=True)
class ReductionListReviewed(Event):
    list_id: int
    enterprise_id: int
    approved: bool


@dataclass(frozen=True, kw_only=True)
class InstructionsIssued(Event):
    """A warning was declared or changed level: these instructions are new (formal notices follow)."""

    warning_id: int
    instruction_ids: tuple[int, ...]


@dataclass(frozen=True, kw_only=True)
class WarningLifted(Event):
    warning_id: int


@dataclass(frozen=True, kw_only=True)
class InstructionsChased(Event):
    """Instructions still unconfirmed after ``GOVERN_INSTRUCTION_CHASE_HOURS``: their enterprises are
    reminded (one event per run of the job)."""

    warning_id: int
    instruction_ids: tuple[int, ...]


@dataclass(frozen=True, kw_only=True)
class SpotChecksDrawn(Event):
    """Enterprises drawn for an on-site check during a warning (inspections plans the visits)."""

    draw_id: int
