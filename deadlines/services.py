"""The daily deadline job: reminders before, overdue marks, escalation and follow-ups after."""

from dataclasses import dataclass, field
from datetime import date

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


@dataclass
class DailyReport:
    marked_overdue: int = 0
    reminders: int = 0
    escalations: int = 0
    follow_ups: list[int] = field(default_factory=list)


def _key(prefix: str, item: DeadlineItem) -> str:
    return f"{prefix}:{item.kind}:{item.pk}:{item.due.isoformat()}"


def send_reminders(*, today: date) -> int:
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
            created = notify(
                recipient=account,
                key=_key(f"remind{level}", item),
                level=Notification.Level.REMINDER,
                title=_("%(kind)s due %(due)s: %(title)s")
                % {"kind": item.kind_label, "due": item.due.isoformat(), "title": item.title[:80]},
                body=_("%(days)d working day(s) left until %(due)s.")
                % {"days": left, "due": item.due.isoformat()},
                url="/portal/",
            )
            sent += created is not None
    return sent


def escalate_overdue(*, today: date) -> int:
    """Tell every manager about each overdue item, once per item and deadline."""
    recipients = list(managers())
    sent = 0
    for item in all_deadline_items(state="overdue", today=today):
        for manager in recipients:
            created = notify(
                recipient=manager,
                key=_key("escalate", item),
                level=Notification.Level.ESCALATION,
                title=_("Overdue %(kind)s: %(enterprise)s")
                % {"kind": item.kind_label, "enterprise": item.enterprise.name},
                body=_("%(title)s — due %(due)s.")
                % {"title": item.title[:200], "due": item.due.isoformat()},
                url=item.url,
            )
            sent += created is not None
    return sent


def schedule_follow_ups(*, today: date) -> list[int]:
    """A follow-up inspection for each overdue rectification order (the inspections app plans it and
    its inspectors are told through the InspectionsPlanned event)."""
    created = []
    overdue = RectificationOrder.objects.issued().filter(
        status=RectificationOrder.Status.OVERDUE, follow_ups__isnull=True
    )
    for order in overdue.select_related("visit"):
        planned = follow_up_schedule(order=order, today=today)
        if planned is not None:
            created.append(planned.pk)
    return created


def run_daily(*, today: date | None = None) -> DailyReport:
    """The whole daily job; safe to run any number of times a day."""
    today = today or clock.today()
    report = DailyReport()
    report.marked_overdue = len(orders_mark_overdue(today=today))
    report.reminders = send_reminders(today=today)
    report.escalations = escalate_overdue(today=today)
    report.follow_ups = schedule_follow_ups(today=today)
    return report
