"""The daily deadline job: reminders before, overdue marks, escalation and follow-ups after."""

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govern import roles
from govern.models import Notification, User
from govern.notifications import notify
from govern.workdays import add_working_days, working_days_between
from inspections.models import PlannedInspection, RectificationOrder
from inspections.services import orders_mark_overdue

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
    accounts = {}
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
    managers = list(User.objects.filter(groups__name=roles.MANAGER, is_active=True).distinct())
    sent = 0
    for item in all_deadline_items(state="overdue", today=today):
        for manager in managers:
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
    """A follow-up inspection for each overdue rectification order, by the inspectors who issued it."""
    created = []
    overdue = RectificationOrder.objects.filter(
        status=RectificationOrder.Status.OVERDUE, follow_ups__isnull=True
    )
    for order in overdue.select_related("enterprise", "visit").prefetch_related(
        "visit__inspectors"
    ):
        with transaction.atomic():
            planned, is_new = PlannedInspection.objects.get_or_create(
                order=order,
                defaults={
                    "enterprise": order.enterprise,
                    "reason": PlannedInspection.Reason.FOLLOW_UP,
                    "due_date": add_working_days(today, settings.GOVERN_FOLLOW_UP_WORKING_DAYS),
                },
            )
            if not is_new:
                continue
            inspectors = list(order.visit.inspectors.all())
            planned.inspectors.set(inspectors)
            for inspector in inspectors:
                notify(
                    recipient=inspector,
                    key=f"follow-up:{order.pk}",
                    title=_("Follow-up inspection by %(due)s: %(enterprise)s")
                    % {"due": planned.due_date.isoformat(), "enterprise": order.enterprise.name},
                    body=order.requirement,
                    url="/inspections/",
                )
            created.append(planned.pk)
    return created


def run_daily(*, today: date | None = None) -> DailyReport:
    """The whole daily job; safe to run any number of times a day."""
    today = today or timezone.localdate()
    report = DailyReport()
    report.marked_overdue = len(orders_mark_overdue(today=today))
    report.reminders = send_reminders(today=today)
    report.escalations = escalate_overdue(today=today)
    report.follow_ups = schedule_follow_ups(today=today)
    return report
