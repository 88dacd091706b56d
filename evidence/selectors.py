"""Reads of evidence and extension requests (the portal's work list, the review queues, file
downloads), scoped to what the user may see."""

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from enterprises.models import Enterprise, RemediationTask
from govern import roles
from inspections.models import RectificationOrder

from .models import DeadlineExtension, EvidenceFile, EvidenceSubmission


@dataclass
class WorkItem:
    """A task or order with its evidence versions (newest first) and extension requests."""

    kind: str  # "task" or "order"
    target: RemediationTask | RectificationOrder
    submissions: list[EvidenceSubmission] = field(default_factory=list)
    extensions: list[DeadlineExtension] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return not self.target.is_accepted

    @property
    def pending_extension(self) -> DeadlineExtension | None:
        return next(
            (e for e in self.extensions if e.status == DeadlineExtension.Status.PENDING), None
        )


def enterprise_work(*, enterprise: Enterprise) -> list[WorkItem]:
    """Every remediation task and issued rectification order of the enterprise, open ones first."""
    tasks = RemediationTask.objects.filter(plan__enterprise=enterprise).order_by("deadline", "id")
    orders = (
        RectificationOrder.objects.issued()
        .filter(enterprise=enterprise)
        .select_related("visit")
        .order_by("deadline", "id")
    )
    items: dict[tuple[str, int | None], WorkItem] = {
        ("task", t.pk): WorkItem("task", t) for t in tasks
    }
    items |= {("order", o.pk): WorkItem("order", o) for o in orders}
    submissions = (
        EvidenceSubmission.objects.filter(enterprise=enterprise)
        .select_related("reviewed_by")
        .prefetch_related(Prefetch("files", queryset=EvidenceFile.objects.order_by("id")))
        .order_by("-version")
    )
    for submission in submissions:
        key = ("task", submission.task_id) if submission.task_id else ("order", submission.order_id)
        if key in items:
            items[key].submissions.append(submission)
    for extension in DeadlineExtension.objects.filter(enterprise=enterprise).select_related(
        "decided_by"
    ):
        key = ("task", extension.task_id) if extension.task_id else ("order", extension.order_id)
        if key in items:
            items[key].extensions.append(extension)
    return sorted(items.values(), key=lambda i: (not i.is_open, i.target.deadline))


def review_queue(*, user) -> QuerySet[EvidenceSubmission]:
    if not roles.is_staff_role(user):
        return EvidenceSubmission.objects.none()
    return (
        EvidenceSubmission.objects.filter(status=EvidenceSubmission.Status.PENDING)
        .select_related("enterprise", "task", "order", "submitted_by")
        .prefetch_related("files")
        .order_by("submitted_at", "id")
    )


def extension_queue(*, user) -> QuerySet[DeadlineExtension]:
    if not roles.is_manager(user):
        return DeadlineExtension.objects.none()
    return (
        DeadlineExtension.objects.filter(status=DeadlineExtension.Status.PENDING)
        .select_related("enterprise", "task", "order", "requested_by")
        .order_by("requested_at", "id")
    )


def evidence_file_get(*, user, pk: int) -> EvidenceFile:
    """A file the user may download: staff any, an enterprise account only its own; else 404."""
    files = roles.scope_to_user(
        EvidenceFile.objects.select_related("submission"),
        user,
        enterprise_field="submission__enterprise",
    )
    try:
        return files.get(pk=pk)
    except EvidenceFile.DoesNotExist as error:
        raise Http404 from error


def target_get(*, user, kind: str, pk: int) -> RemediationTask | RectificationOrder:
    """A task or issued order the user may act on (own enterprise for an account, any for staff)."""
    qs: QuerySet
    if kind == "task":
        qs = roles.scope_to_user(
            RemediationTask.objects.select_related("plan__enterprise"),
            user,
            enterprise_field="plan__enterprise",
        )
    elif kind == "order":
        qs = roles.scope_to_user(
            RectificationOrder.objects.issued().select_related("enterprise"), user
        )
    else:
        raise Http404
    try:
        return qs.get(pk=pk)
    except (RemediationTask.DoesNotExist, RectificationOrder.DoesNotExist) as error:
        raise Http404 from error
