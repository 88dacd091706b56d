"""Facts the registry and lifecycle services publish (see govern.events and docs/architecture.md)."""

from dataclasses import dataclass

from govern.events import Event


@dataclass(frozen=True, kw_only=True)
class EnterpriseEvent(Event):
    enterprise_id: int


@dataclass(frozen=True, kw_only=True)
class EnterpriseRegistered(EnterpriseEvent):
    pass


@dataclass(frozen=True, kw_only=True)
class EnterprisesImported(Event):
    """Many enterprises were registered at once by an import."""

    enterprise_ids: tuple[int, ...]


@dataclass(frozen=True, kw_only=True)
class EnterpriseGraded(EnterpriseEvent):
    assessment_id: int
    tier: str


@dataclass(frozen=True, kw_only=True)
class RemediationStarted(EnterpriseEvent):
    pass


@dataclass(frozen=True, kw_only=True)
class EnterpriseCertifiedCompliant(EnterpriseEvent):
    pass


@dataclass(frozen=True, kw_only=True)
class RelocationOrdered(EnterpriseEvent):
    project_id: int


@dataclass(frozen=True, kw_only=True)
class RelocationCompleted(EnterpriseEvent):
    park_id: int | None


@dataclass(frozen=True, kw_only=True)
class EnterpriseClosed(EnterpriseEvent):
    closure_id: int


@dataclass(frozen=True, kw_only=True)
class RemediationTaskAccepted(EnterpriseEvent):
    task_id: int


@dataclass(frozen=True, kw_only=True)
class ImportQueued(Event):
    """A large import file was stored; a worker checks and imports it."""

    job_id: int
