"""Who is told what, and when: every fact a person must act on becomes a notification (in-app, and by
email and text message where the user has an address or a mobile number). Handlers run after commit.

| event                                    | told                                        | why                                    |
| ---------------------------------------- | ------------------------------------------- | -------------------------------------- |
| inspections.OrderIssued                  | the enterprise's accounts                   | rectify by the deadline                |
| inspections.OrdersOverdue                | the enterprise's accounts, per order        | the order is overdue                   |
| inspections.OrderAccepted                | the enterprise's accounts                   | the order is closed                    |
| inspections.InspectionsPlanned           | the assigned inspectors                     | inspect by the due date                |
| enterprises.RemediationStarted           | the enterprise's accounts                   | carry out the plan's tasks             |
| enterprises.RemediationTaskAccepted      | the enterprise's accounts                   | the task is done                       |
| enterprises.EnterpriseCertifiedCompliant | the enterprise's accounts                   | remediation is over                    |
| enterprises.RelocationOrdered            | the enterprise's accounts                   | relocate by the milestones             |
| enterprises.RelocationCompleted          | the enterprise's accounts                   | relocation is confirmed                |
| enterprises.EnterpriseClosed             | the enterprise's accounts                   | shut down by the deadline              |
| evidence.EvidenceSubmitted               | the inspectors responsible for the item     | review within the review deadline      |
| evidence.EvidenceRejected                | the enterprise's accounts                   | fix and resubmit (with the comment)    |
| evidence.ExtensionRequested              | every manager                               | decide the request                     |
| evidence.ExtensionDecided                | the enterprise's accounts                   | the deadline moved, or did not         |
| notices.NoticeIssued                     | the enterprise's accounts                   | a formal notice was served             |
| notices.NoticeBatchIssued (grading)      | each notice's enterprise accounts (in bulk) | a formal notice was served             |
| monitoring.AlertOpened                   | the enterprise's inspectors and accounts    | explain (enterprise), check (inspectors) |
| monitoring.AlertExplained                | the enterprise's inspectors                 | resolve the alert                      |
| materials.OverLimitMaterialRecorded      | the enterprise's inspectors                 | check the material at the next visit   |

Reminders before deadlines and escalations after them come from the daily job (``services.run_daily``).
Messages are written in the bureau's language (Simplified Chinese), whoever's request caused them.
"""

import functools
from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from emergency import events as emergency_events
from emergency.models import Instruction, Level, ReductionList, Warning
from enterprises import events as enterprise_events
from enterprises.models import ClosureRecord, RemediationTask
from evidence import events as evidence_events
from evidence.models import DeadlineExtension, EvidenceSubmission
from govern import clock
from govern.events import subscribe
from govern.models import Notification, User
from govern.notifications import Message, notify_all, notify_bulk
from inspections import events as inspection_events
from inspections.models import PlannedInspection, RectificationOrder
from inspections.selectors import enterprise_inspectors, latest_visit_team
from materials import events as material_events
from materials.models import LedgerEntry
from monitoring import events as monitoring_events
from monitoring.models import Alert
from notices import events as notice_events
from notices.models import Notice, NoticeKind

from . import recipients

PORTAL = "/portal/"


def _tell(
    people: Iterable[User],
    *,
    key: str,
    title: str,
    body: str = "",
    url: str = PORTAL,
    level: str = Notification.Level.INFO,
) -> int:
    return notify_all(recipients=people, key=key, title=title, body=body, url=url, level=level)


def _tell_enterprise(enterprise_id: int, **message) -> int:
    """Tell the enterprise's own accounts."""
    return _tell(recipients.enterprise_accounts(enterprise_id), **message)


def tells(event_type):
    """Subscribe a handler (after commit) that writes its messages in the bureau's language."""

    def register(handler):
        return subscribe(event_type)(_in_bureau_language(handler))

    return register


def _in_bureau_language(handler):
    """Write the message in the bureau's language whatever language the actor's request used."""

    @functools.wraps(handler)
    def wrapped(event):
        with translation.override(settings.LANGUAGE_CODE):
            return handler(event)

    return wrapped


# Rectification orders and inspections


@tells(inspection_events.OrderIssued)
def tell_enterprise_order_issued(event: inspection_events.OrderIssued) -> None:
    order = RectificationOrder.objects.get(pk=event.order_id)
    _tell_enterprise(
        event.enterprise_id,
        key=f"order-issued:{order.pk}",
        title=_("New rectification order, due %(due)s") % {"due": order.deadline.isoformat()},
        body=order.requirement,
    )


@tells(inspection_events.OrdersOverdue)
def tell_enterprises_orders_overdue(event: inspection_events.OrdersOverdue) -> None:
    """One notice per overdue order to its enterprise's accounts; in bulk (the daily job may mark
    thousands at once)."""
    orders = list(
        RectificationOrder.objects.filter(pk__in=event.order_ids).values_list(
            "pk", "enterprise_id", "deadline", "requirement"
        )
    )
    accounts = recipients.accounts_by_enterprise({e for _o, e, _d, _r in orders})
    notify_bulk(
        Message(
            recipient_id=account,
            key=f"order-overdue:{pk}:{deadline.isoformat()}",
            level=Notification.Level.ESCALATION,
            title=_("Rectification order overdue since %(due)s") % {"due": deadline.isoformat()},
            body=requirement,
            url=PORTAL,
        )
        for pk, enterprise_id, deadline, requirement in orders
        for account in accounts.get(enterprise_id, [])
    )


@tells(inspection_events.OrderAccepted)
def tell_enterprise_order_accepted(event: inspection_events.OrderAccepted) -> None:
    order = RectificationOrder.objects.get(pk=event.order_id)
    _tell_enterprise(
        event.enterprise_id,
        key=f"order-accepted:{order.pk}",
        title=_("Rectification order accepted"),
        body=order.requirement,
    )


@tells(inspection_events.InspectionsPlanned)
def tell_inspectors_planned(event: inspection_events.InspectionsPlanned) -> None:
    """A draw: one notice per inspector listing their enterprises. Follow-ups: one per order and
    inspector. In bulk either way (a day may plan thousands of follow-ups)."""
    planned = {
        pk: (order_id, due, name, requirement)
        for pk, order_id, due, name, requirement in PlannedInspection.objects.filter(
            pk__in=event.planned_ids
        )
        .order_by("due_date", "id")
        .values_list("pk", "order_id", "due_date", "enterprise__name", "order__requirement")
    }
    assigned = PlannedInspection.inspectors.through.objects.filter(
        plannedinspection_id__in=list(planned), user__is_active=True
    ).values_list("plannedinspection_id", "user_id")
    url = reverse("inspections:due")
    if event.follow_up:
        notify_bulk(
            Message(
                recipient_id=inspector,
                key=f"follow-up:{planned[pk][0]}",
                title=_("Follow-up inspection by %(due)s: %(enterprise)s")
                % {"due": planned[pk][1].isoformat(), "enterprise": planned[pk][2]},
                body=planned[pk][3] or "",
                url=url,
            )
            for pk, inspector in assigned
        )
        return
    by_inspector: dict[int, list[int]] = {}
    for pk, inspector in assigned:
        by_inspector.setdefault(inspector, []).append(pk)
    notify_bulk(
        Message(
            recipient_id=inspector,
            key=f"planned:{min(event.planned_ids)}:{len(event.planned_ids)}",
            title=_("%(count)d inspection(s) assigned to you, by %(due)s")
            % {"count": len(items), "due": min(planned[p][1] for p in items).isoformat()},
            body="\n".join(planned[p][2] for p in items),
            url=url,
        )
        for inspector, items in by_inspector.items()
    )


# The lifecycle


@tells(enterprise_events.RemediationStarted)
def tell_enterprise_remediation_started(event: enterprise_events.RemediationStarted) -> None:
    tasks = RemediationTask.objects.filter(plan__enterprise_id=event.enterprise_id).order_by(
        "deadline", "id"
    )
    _tell_enterprise(
        event.enterprise_id,
        key=f"remediation-started:{event.enterprise_id}:{tasks.count()}",
        title=_("Remediation started: %(count)d task(s) to complete") % {"count": tasks.count()},
        body="\n".join(f"{t.deadline.isoformat()} {t.description}" for t in tasks),
    )


@tells(enterprise_events.RemediationTaskAccepted)
def tell_enterprise_task_accepted(event: enterprise_events.RemediationTaskAccepted) -> None:
    task = RemediationTask.objects.get(pk=event.task_id)
    _tell_enterprise(
        event.enterprise_id,
        key=f"task-accepted:{task.pk}",
        title=_("Remediation task accepted"),
        body=task.description,
    )


@tells(enterprise_events.EnterpriseCertifiedCompliant)
def tell_enterprise_compliant(event: enterprise_events.EnterpriseCertifiedCompliant) -> None:
    _tell_enterprise(
        event.enterprise_id,
        key=f"compliant:{event.enterprise_id}:{clock.today().isoformat()}",
        title=_("Your enterprise was certified compliant"),
    )


@tells(enterprise_events.RelocationOrdered)
def tell_enterprise_relocation_ordered(event: enterprise_events.RelocationOrdered) -> None:
    _tell_enterprise(
        event.enterprise_id,
        key=f"relocation-ordered:{event.project_id}",
        level=Notification.Level.ESCALATION,
        title=_("Relocation into an industrial park ordered"),
        body=_("See the relocation notice and its milestones."),
    )


@tells(enterprise_events.RelocationCompleted)
def tell_enterprise_relocated(event: enterprise_events.RelocationCompleted) -> None:
    _tell_enterprise(
        event.enterprise_id,
        key=f"relocated:{event.enterprise_id}:{event.park_id}",
        title=_("Relocation confirmed"),
    )


@tells(enterprise_events.EnterpriseClosed)
def tell_enterprise_closed(event: enterprise_events.EnterpriseClosed) -> None:
    closure = ClosureRecord.objects.get(pk=event.closure_id)
    _tell_enterprise(
        event.enterprise_id,
        key=f"closed:{closure.pk}",
        level=Notification.Level.ESCALATION,
        title=_("Closure ordered: shut down by %(due)s")
        % {"due": closure.deadline.isoformat() if closure.deadline else "-"},
        body=closure.reason,
    )


# Evidence and extensions


def _evidence_reviewers(submission: EvidenceSubmission) -> list[User]:
    """For an order, the inspectors of the visit that issued it; for a task, the plan's author and the
    inspectors of the enterprise's latest visit; every inspector when nobody is on record."""
    people: list[User] = []
    if submission.order is not None:
        people = list(recipients.visit_inspectors(submission.order.visit_id))
    else:
        author = submission.task.plan.created_by if submission.task else None
        if author is not None and author.is_active:
            people.append(author)
        people.extend(latest_visit_team(enterprise_id=submission.enterprise_id))
    return people or list(recipients.inspectors())


@tells(evidence_events.EvidenceSubmitted)
def tell_inspectors_evidence_submitted(event: evidence_events.EvidenceSubmitted) -> None:
    submission = EvidenceSubmission.objects.select_related(
        "order", "task__plan__created_by", "enterprise"
    ).get(pk=event.submission_id)
    _tell(
        _evidence_reviewers(submission),
        key=f"evidence-submitted:{submission.pk}",
        title=_("Evidence to review: %(enterprise)s (v%(version)d)")
        % {"enterprise": submission.enterprise.name, "version": submission.version},
        body=submission.order.requirement
        if submission.order is not None
        else submission.task.description
        if submission.task is not None
        else "",
        url=reverse("evidence:reviews"),
    )


@tells(evidence_events.EvidenceRejected)
def tell_enterprise_evidence_rejected(event: evidence_events.EvidenceRejected) -> None:
    submission = EvidenceSubmission.objects.get(pk=event.submission_id)
    _tell_enterprise(
        event.enterprise_id,
        key=f"evidence-rejected:{submission.pk}",
        level=Notification.Level.REMINDER,
        title=_("Evidence v%(version)d rejected: please resubmit")
        % {"version": submission.version},
        body=event.comment,
    )


@tells(evidence_events.ExtensionRequested)
def tell_managers_extension_requested(event: evidence_events.ExtensionRequested) -> None:
    extension = DeadlineExtension.objects.select_related("enterprise").get(pk=event.extension_id)
    _tell(
        recipients.managers(),
        key=f"extension-requested:{extension.pk}",
        title=_("Extension requested: %(enterprise)s, to %(date)s")
        % {
            "enterprise": extension.enterprise.name,
            "date": extension.requested_deadline.isoformat(),
        },
        body=extension.reason,
        url=reverse("evidence:extensions"),
    )


@tells(evidence_events.ExtensionDecided)
def tell_enterprise_extension_decided(event: evidence_events.ExtensionDecided) -> None:
    extension = DeadlineExtension.objects.get(pk=event.extension_id)
    title = (
        _("Extension approved: new deadline %(date)s")
        if event.approved
        else _("Extension refused: the deadline stays %(date)s")
    ) % {
        "date": (
            extension.requested_deadline if event.approved else extension.current_deadline
        ).isoformat()
    }
    _tell_enterprise(
        event.enterprise_id,
        key=f"extension-decided:{extension.pk}",
        title=title,
        body=extension.decision_comment,
    )


# Notices


@tells(notice_events.NoticeIssued)
def tell_enterprise_notice_issued(event: notice_events.NoticeIssued) -> None:
    notice = Notice.objects.get(pk=event.notice_id)
    _tell_enterprise(
        event.enterprise_id,
        key=f"notice:{notice.pk}",
        title=_("Notice served: %(number)s %(kind)s")
        % {"number": notice.number, "kind": notice.get_kind_display()},
    )


@tells(notice_events.NoticeBatchIssued)
def tell_enterprises_grading_batch(event: notice_events.NoticeBatchIssued) -> None:
    """A batch of grading notices: one message per notice, in bulk (a warning's batch is told by
    ``InstructionsIssued``, with its measures)."""
    rows = list(
        Notice.objects.filter(batch_id=event.batch_id, kind=NoticeKind.GRADING).values_list(
            "pk", "enterprise_id", "number"
        )
    )
    accounts = recipients.accounts_by_enterprise({e for _p, e, _n in rows})
    kind = NoticeKind.GRADING.label
    notify_bulk(
        Message(
            recipient_id=account,
            key=f"notice:{pk}",
            title=_("Notice served: %(number)s %(kind)s") % {"number": number, "kind": kind},
            url=PORTAL,
        )
        for pk, enterprise_id, number in rows
        for account in accounts.get(enterprise_id, ())
    )


# Heavy-pollution warnings


def _instruction_messages(
    ids, *, key: str, title, body, level_of_message=Notification.Level.ESCALATION
) -> None:
    """One message per instruction to its enterprise's accounts, in bulk (thousands at once)."""
    rows = list(
        Instruction.objects.filter(pk__in=list(ids)).values_list("pk", "enterprise_id", "level")
    )
    accounts = recipients.accounts_by_enterprise({e for _p, e, _l in rows})
    url = reverse("portal:emergency")
    notify_bulk(
        Message(
            recipient_id=account,
            key=key.format(pk=pk),
            title=title(level),
            body=body,
            url=url,
            level=level_of_message,
        )
        for pk, enterprise_id, level in rows
        for account in accounts.get(enterprise_id, ())
    )


def _level_name(level: str) -> str:
    return str(Level(level).label)


@tells(emergency_events.InstructionsIssued)
def tell_enterprises_warning_instruction(event: emergency_events.InstructionsIssued) -> None:
    warning = Warning.objects.get(pk=event.warning_id)
    # After a level change the new instructions start at the change, not at the warning's start.
    first = Instruction.objects.filter(pk__in=event.instruction_ids[:1]).first()
    begins = first.starts_at if first is not None else warning.starts_at
    start = timezone.localtime(begins).strftime("%Y-%m-%d %H:%M")
    end = timezone.localtime(warning.ends_at).strftime("%Y-%m-%d %H:%M")
    _instruction_messages(
        event.instruction_ids,
        key="instruction:{pk}",
        title=lambda level: (
            _("Heavy-pollution %(level)s warning: carry out your reduction measures and confirm")
            % {"level": _level_name(level)}
        ),
        body=_("From %(start)s to %(end)s. The notice with your measures is in the portal.")
        % {"start": start, "end": end},
    )


@tells(emergency_events.InstructionsChased)
def tell_enterprises_confirm_instruction(event: emergency_events.InstructionsChased) -> None:
    stamp = clock.now().strftime("%Y%m%d%H%M")
    _instruction_messages(
        event.instruction_ids,
        key="instruction-chase:{pk}:" + stamp,
        title=lambda level: (
            _("Reminder: confirm your %(level)s warning instruction")
            % {"level": _level_name(level)}
        ),
        body=_("The bureau has not received your confirmation. Confirm it in the portal now."),
        level_of_message=Notification.Level.REMINDER,
    )


@tells(emergency_events.WarningLifted)
def tell_enterprises_warning_lifted(event: emergency_events.WarningLifted) -> None:
    ids = Instruction.objects.filter(
        warning_id=event.warning_id, replaced_at__isnull=True
    ).values_list("pk", flat=True)
    _instruction_messages(
        ids,
        key="warning-lifted:{pk}",
        title=lambda level: (
            _("The %(level)s warning was lifted: normal production may resume")
            % {"level": _level_name(level)}
        ),
        body="",
        level_of_message=Notification.Level.INFO,
    )


@tells(emergency_events.ReductionListSubmitted)
def tell_inspectors_list_submitted(event: emergency_events.ReductionListSubmitted) -> None:
    reduction_list = ReductionList.objects.select_related("enterprise").get(pk=event.list_id)
    _tell(
        enterprise_inspectors(enterprise_id=event.enterprise_id),
        key=f"list-submitted:{reduction_list.pk}",
        title=_("Emergency reduction list to review: %(name)s")
        % {"name": reduction_list.enterprise.name},
        url=reverse("emergency:review", args=[reduction_list.pk]),
    )


@tells(emergency_events.ReductionListReviewed)
def tell_enterprise_list_reviewed(event: emergency_events.ReductionListReviewed) -> None:
    reduction_list = ReductionList.objects.get(pk=event.list_id)
    _tell_enterprise(
        event.enterprise_id,
        key=f"list-reviewed:{reduction_list.pk}",
        title=_("Your emergency reduction list was approved")
        if event.approved
        else _("Your emergency reduction list was returned for changes"),
        body=reduction_list.review_comment,
        url=reverse("emergency:list", args=[event.enterprise_id]),
    )


# Online monitoring


def _alert_title(alert: Alert) -> str:
    what = alert.get_kind_display()
    subject = alert.subject
    return _("Monitoring alert at %(outlet)s: %(what)s%(subject)s") % {
        "outlet": alert.point.outlet,
        "what": what,
        "subject": f" ({subject})" if subject else "",
    }


@tells(monitoring_events.AlertOpened)
def tell_alert_opened(event: monitoring_events.AlertOpened) -> None:
    """The enterprise's inspectors (with the planned inspection's due date for an exceedance) and the
    enterprise's accounts, who explain it in the portal."""
    alert = Alert.objects.select_related("point", "enterprise").get(pk=event.alert_id)
    planned = alert.planned_inspections.first()
    body = alert.enterprise.name
    if alert.peak is not None and alert.limit is not None:
        body += " · " + _("highest %(peak).1f, limit %(limit)s") % {
            "peak": alert.peak,
            "limit": alert.limit,
        }
    if planned is not None:
        body += " · " + _("inspection planned by %(due)s") % {"due": planned.due_date.isoformat()}
    url = reverse("monitoring:alert", args=[alert.pk])
    level = Notification.Level.INFO
    title = _alert_title(alert)
    _tell(
        enterprise_inspectors(enterprise_id=alert.enterprise_id),
        key=f"alert:{alert.pk}",
        title=title,
        body=body,
        url=url,
        level=level,
    )
    _tell_enterprise(
        alert.enterprise_id,
        key=f"alert:{alert.pk}",
        title=title,
        body=_("Explain in the portal what happened and what you did."),
        url=url,
        level=level,
    )


@tells(monitoring_events.AlertExplained)
def tell_alert_explained(event: monitoring_events.AlertExplained) -> None:
    alert = Alert.objects.select_related("point", "enterprise").get(pk=event.alert_id)
    _tell(
        enterprise_inspectors(enterprise_id=alert.enterprise_id),
        key=f"alert-explained:{alert.pk}:{alert.explained_at:%Y%m%d%H%M%S}",
        title=_("Alert explained by %(enterprise)s") % {"enterprise": alert.enterprise.name},
        body=alert.explanation[:200],
        url=reverse("monitoring:alert", args=[alert.pk]),
    )


@tells(material_events.OverLimitMaterialRecorded)
def tell_inspectors_over_limit_material(event: material_events.OverLimitMaterialRecorded) -> None:
    """The enterprise's inspectors: a material over its VOC limit, to check before the next visit."""
    entries = list(
        LedgerEntry.objects.filter(pk__in=event.entry_ids).select_related("enterprise", "limit")
    )
    if not entries:
        return
    enterprise = entries[0].enterprise
    _tell(
        enterprise_inspectors(enterprise_id=enterprise.pk),
        key=f"over-limit:{min(event.entry_ids)}:{len(event.entry_ids)}",
        title=_("Material over its VOC limit: %(enterprise)s") % {"enterprise": enterprise.name},
        body="; ".join(
            _("%(product)s %(content)s %(unit)s (limit %(limit)s)")
            % {
                "product": e.product_name,
                "content": e.voc_content.normalize(),
                "unit": e.unit,
                "limit": e.limit.limit.normalize(),
            }
            for e in entries[:10]
        ),
        url=reverse("materials:ledger", args=[enterprise.pk]),
        level=Notification.Level.INFO,
    )
