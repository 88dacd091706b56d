"""The daily deadline job: reminders before, overdue marks, escalation and follow-ups after."""

import logging
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from govern import clock
from govern.models import Notification, User
from govern.notifications import notify
from govern.workdays import working_days_between
from inspections.models import RectificationOrder
from inspections.services import follow_up_schedule, orders_mark_overdue

from .recipients import managers
from .selectors import DeadlineItem, all_deadline_items

REMINDER_DAYS = (7, 1)  # working days before a deadline


logger = logging.getLogger(__name__)


@dataclass
class DailyReport:
    marked_overdue: int = 0
    reminders: int = 0
    escalations: int = 0
    follow_ups: list[int] = field(default_factory=list)
    errors: int = 0  # items that failed (logged with their traceback); the others went on


def _guarded(what: str, item, call) -> bool:
    """Run one item's work in its own savepoint; a bad row is logged and never stops the job."""
    try:
        with transaction.atomic():
            call()
    except Exception:  # noqa: BLE001 - one broken row must not stop reminders for everyone
        logger.exception("Daily job: %s failed for %r", what, item)
        return False
    return True


def _key(prefix: str, item: DeadlineItem) -> str:
    return f"{prefix}:{item.kind}:{item.pk}:{item.due.isoformat()}"


def send_reminders(*, today: date, report: "DailyReport | None" = None) -> int:
    """Remind the enterprise 7 and 1 working days before each deadline of its own (not reviews)."""
    items = [i for i in all_deadline_items(state="soon", today=today) if i.kind != "review"]
    accounts: dict[int | None, list[User]] = {}
    for user in User.objects.filter(
        enterprise_id__in={i.enterprise.pk for i in items}, is_active=True
    ):
        accounts.setdefault(user.enterprise_id, []).append(user)
    sent = 0
    for item in items:
        left = working_days_between(today, item.due)
        level = next((d for d in sorted(REMINDER_DAYS) if left <= d), None)
        if level is None:
            continue
        for account in accounts.get(item.enterprise.pk, []):
            created: list = []

            def remind(account=account, item=item, level=level, left=left, created=created):
                created.append(
                    notify(
                        recipient=account,
                        key=_key(f"remind{level}", item),
                        level=Notification.Level.REMINDER,
                        title=_("%(kind)s due %(due)s: %(title)s")
                        % {
                            "kind": item.kind_label,
                            "due": item.due.isoformat(),
                            "title": item.title[:80],
                        },
                        body=_("%(days)d working day(s) left until %(due)s.")
                        % {"days": left, "due": item.due.isoformat()},
                        url="/portal/",
                    )
                )

            if not _guarded("reminder", item, remind) and report is not None:
                report.errors += 1
            sent += bool(created and created[0] is not None)
    return sent


def escalate_overdue(*, today: date, report: "DailyReport | None" = None) -> int:
    """Tell every manager about each overdue item, once per item and deadline."""
    recipients = list(managers())
    sent = 0
    for item in all_deadline_items(state="overdue", today=today):
        for manager in recipients:
            created: list = []

            def escalate(manager=manager, item=item, created=created):
                created.append(
                    notify(
                        recipient=manager,
                        key=_key("escalate", item),
                        level=Notification.Level.ESCALATION,
                        title=_("Overdue %(kind)s: %(enterprise)s")
                        % {"kind": item.kind_label, "enterprise": item.enterprise.name},
                        body=_("%(title)s — due %(due)s.")
                        % {"title": item.title[:200], "due": item.due.isoformat()},
                        url=item.url,
                    )
                )

            if not _guarded("escalation", item, escalate) and report is not None:
                report.errors += 1
            sent += bool(created and created[0] is not None)
    return sent


def schedule_follow_ups(*, today: date, report: "DailyReport | None" = None) -> list[int]:
    """A follow-up inspection for each overdue rectification order (the inspections app plans it and
    its inspectors are told through the InspectionsPlanned event)."""
    created = []
    overdue = RectificationOrder.objects.issued().filter(
        status=RectificationOrder.Status.OVERDUE, follow_ups__isnull=True
    )
    for order in overdue.select_related("visit"):
        planned: list = []
        if not _guarded(
            "follow-up",
            order,
            lambda order=order, planned=planned: planned.append(
                follow_up_schedule(order=order, today=today)
            ),
        ):
            if report is not None:
                report.errors += 1
        elif planned[0] is not None:
            created.append(planned[0].pk)
    return created


def run_daily(*, today: date | None = None) -> DailyReport:
    """The whole daily job; safe to run any number of times a day."""
    today = today or clock.today()
    report = DailyReport()
    report.marked_overdue = len(orders_mark_overdue(today=today))
    report.reminders = send_reminders(today=today, report=report)
    report.escalations = escalate_overdue(today=today, report=report)
    report.follow_ups = schedule_follow_ups(today=today, report=report)
    if report.errors:
        logger.error("Daily job for %s: %d item(s) failed, see above", today, report.errors)
    return report
