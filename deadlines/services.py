"""The daily deadline job: reminders before, overdue marks, escalation and follow-ups after.

Set-based, so it handles a province's 300,000 open deadlines in seconds: each step reads the items it
needs with one query per kind and writes notifications in batches (``notify_bulk``: INSERT … ON CONFLICT
DO NOTHING), never a query per item. Every notification has a key unique per recipient, so running the
job twice, or two workers overlapping, sends nothing twice. ``shards`` splits the work by enterprise
across workers (``shard`` of ``shards``), without double work.
"""

import logging
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from django.db.models import F
from django.db.models.functions import Mod
from django.urls import reverse
from django.utils.translation import gettext as _

from govern import clock
from govern.models import Notification, User
from govern.notifications import Message, notify_bulk
from govern.workdays import add_working_days, working_days_between
from inspections.services import follow_ups_schedule, orders_mark_overdue

from .recipients import managers
from .selectors import DUE_FIELD, ENTERPRISE_PATH, KINDS, all_open_querysets

REMINDER_DAYS = (7, 1)  # working days before a deadline
ENTERPRISE_KINDS = (
    "order",
    "task",
    "milestone",
    "closure",
    "carbon",
    "permit",
)  # the enterprise acts on these

logger = logging.getLogger(__name__)


@dataclass
class DailyReport:
    marked_overdue: int = 0
    reminders: int = 0
    escalations: int = 0
    follow_ups: list[int] = field(default_factory=list)
    digests: int = 0
    errors: int = 0  # steps that failed (logged with their traceback); the others went on


@dataclass(frozen=True)
class Due:
    """One open item, as the job needs it (no model instance)."""

    kind: str
    pk: int
    enterprise_id: int
    enterprise_name: str
    title: str
    due: date
    url: str


def _key(prefix: str, item: Due) -> str:
    return f"{prefix}:{item.kind}:{item.pk}:{item.due.isoformat()}"


def _sharded(qs, kind: str, shard: int, shards: int):
    if shards <= 1:
        return qs
    path = f"{ENTERPRISE_PATH[kind]}_id"
    return qs.annotate(shard_of=Mod(F(path), shards)).filter(shard_of=shard)


def due_items(
    *,
    kinds,
    since: date | None,
    until: date | None,
    shard: int = 0,
    shards: int = 1,
    problems: list | None = None,
) -> Iterator[Due]:
    """Open items of these kinds due in [since, until] (either end open), one query per kind.

    A row that cannot be read (it would stop the job for everyone) is logged, counted in
    ``problems`` and skipped."""
    for kind in kinds:
        due_field = DUE_FIELD[kind]
        enterprise = ENTERPRISE_PATH[kind]
        qs = all_open_querysets()[kind].order_by()
        if since is not None:
            qs = qs.filter(**{f"{due_field}__gte": since})
        if until is not None:
            qs = qs.filter(**{f"{due_field}__lte": until})
        qs = _sharded(qs, kind, shard, shards)
        fields = ["pk", f"{enterprise}_id", f"{enterprise}__name", due_field]
        extra = {
            "order": ["requirement", "visit_id"],
            "task": ["description"],
            "milestone": ["kind"],
            "closure": [],
            "review": ["version", "task__description", "order__requirement"],
            "carbon": ["name"],
            "case": ["number", "due_what"],
            "seizure": ["case__number", "kind", "case_id"],
            "permit": ["number", "valid_until"],
            "publication": ["inspected_on"],
        }[kind]
        for row in qs.values_list(*fields, *extra).iterator(chunk_size=5000):
            pk, enterprise_id, name, due, *rest = row
            try:
                title, url = _title_and_url(kind, pk, enterprise_id, rest)
            except Exception:  # noqa: BLE001 - a bad row is reported, the others go on
                logger.exception("Daily job: %s %s cannot be read", kind, pk)
                if problems is not None:
                    problems.append((kind, pk))
                continue
            yield Due(
                kind=kind,
                pk=pk,
                enterprise_id=enterprise_id,
                enterprise_name=name,
                title=title,
                due=due,
                url=url,
            )


def _title_and_url(kind: str, pk: int, enterprise_id: int, rest: list) -> tuple[str, str]:
    if kind == "order":
        requirement, visit_id = rest
        return requirement, reverse("inspections:visit", args=[visit_id])
    if kind == "task":
        return rest[0], reverse("dossier:plan", args=[enterprise_id])
    if kind == "milestone":
        from enterprises.models import RelocationMilestone

        return (
            str(RelocationMilestone.Kind(rest[0]).label),
            f"{reverse('dossier:detail', args=[enterprise_id])}#lifecycle-projects",
        )
    if kind == "closure":
        return (
            _("Shutdown verified (two cuts, three clears)"),
            f"{reverse('dossier:detail', args=[enterprise_id])}#lifecycle-projects",
        )
    if kind == "carbon":
        return (
            _("Replace the activated carbon: %(name)s") % {"name": rest[0]},
            reverse("facilities:detail", args=[pk]),
        )
    if kind == "case":
        return f"{rest[0]} · {rest[1]}", reverse("enforcement:case", args=[pk])
    if kind == "seizure":
        return (
            f"{rest[0]} · {_('sealing or seizure ends')}",
            reverse("enforcement:case", args=[rest[2]]),
        )
    if kind == "permit":
        return (
            _("Apply to renew permit %(number)s (expires %(day)s)")
            % {"number": rest[0], "day": rest[1].isoformat()},
            f"{reverse('dossier:detail', args=[enterprise_id])}#permits",
        )
    if kind == "publication":
        return (
            _("Publish the random inspection of %(day)s") % {"day": rest[0].isoformat()},
            reverse("inspections:results"),
        )
    version, task_text, order_text = rest
    return f"v{version} · {task_text or order_text}", reverse("evidence:reviews")


def send_reminders(
    *, today: date, shard: int = 0, shards: int = 1, problems: list | None = None
) -> int:
    """Remind the enterprise's accounts 7 and 1 working days before each deadline of its own."""
    horizon = add_working_days(today, max(REMINDER_DAYS))
    items = list(
        due_items(
            kinds=ENTERPRISE_KINDS,
            since=today,
            until=horizon,
            shard=shard,
            shards=shards,
            problems=problems,
        )
    )
    accounts: dict[int | None, list[int]] = defaultdict(list)
    for user_id, enterprise_id in User.objects.filter(
        enterprise_id__in={i.enterprise_id for i in items}, is_active=True
    ).values_list("pk", "enterprise_id"):
        accounts[enterprise_id].append(user_id)
    left_by_due: dict[date, int] = {}

    def messages() -> Iterator[Message]:
        for item in items:
            if item.due not in left_by_due:
                left_by_due[item.due] = working_days_between(today, item.due)
            left = left_by_due[item.due]
            level = next((d for d in sorted(REMINDER_DAYS) if left <= d), None)
            if level is None:
                continue
            title = _("%(kind)s due %(due)s: %(title)s") % {
                "kind": KINDS[item.kind],
                "due": item.due.isoformat(),
                "title": item.title[:80],
            }
            body = _("%(days)d working day(s) left until %(due)s.") % {
                "days": left,
                "due": item.due.isoformat(),
            }
            for account in accounts.get(item.enterprise_id, []):
                yield Message(
                    recipient_id=account,
                    key=_key(f"remind{level}", item),
                    level=Notification.Level.REMINDER,
                    title=title,
                    body=body,
                    url="/portal/",
                )

    return len(notify_bulk(messages()))


ESCALATION_WINDOW_DAYS = (
    7  # items overdue this long are escalated one by one; older ones are in the digest
)


def escalate_overdue(
    *, today: date, shard: int = 0, shards: int = 1, problems: list | None = None
) -> int:
    """Tell every manager about each item that became overdue in the last week (once per item and
    deadline: a missed day is caught up), and give each a daily digest of everything overdue.

    At a province's scale a backlog of 200,000 overdue items would otherwise mean a million
    notifications a day that nobody can read; the digest links to the overdue lists instead.
    """
    recipients = list(managers().values_list("pk", flat=True))
    if not recipients:
        return 0
    yesterday = date.fromordinal(today.toordinal() - 1)

    def messages() -> Iterator[Message]:
        for item in due_items(
            kinds=tuple(KINDS),
            since=date.fromordinal(today.toordinal() - ESCALATION_WINDOW_DAYS),
            until=yesterday,
            shard=shard,
            shards=shards,
            problems=problems,
        ):
            title = _("Overdue %(kind)s: %(enterprise)s") % {
                "kind": KINDS[item.kind],
                "enterprise": item.enterprise_name,
            }
            body = _("%(title)s — due %(due)s.") % {
                "title": item.title[:200],
                "due": item.due.isoformat(),
            }
            for manager in recipients:
                yield Message(
                    recipient_id=manager,
                    key=_key("escalate", item),
                    level=Notification.Level.ESCALATION,
                    title=title,
                    body=body,
                    url=item.url,
                )

    return len(notify_bulk(messages()))


def overdue_digest(*, today: date) -> int:
    """One notification per manager a day: how many items of each kind are overdue."""
    recipients = list(managers().values_list("pk", flat=True))
    counts = {
        kind: qs.filter(**{f"{DUE_FIELD[kind]}__lt": today}).order_by().count()
        for kind, qs in all_open_querysets().items()
    }
    total = sum(counts.values())
    if not total:
        return 0
    body = "\n".join(f"{KINDS[kind]}: {n}" for kind, n in counts.items() if n)
    return len(
        notify_bulk(
            Message(
                recipient_id=manager,
                key=f"overdue-digest:{today.isoformat()}",
                level=Notification.Level.ESCALATION,
                title=_("%(count)d items overdue on %(day)s")
                % {"count": total, "day": today.isoformat()},
                body=body,
                url=reverse("dashboard:home"),
            )
            for manager in recipients
        )
    )


def run_daily(*, today: date | None = None, shard: int = 0, shards: int = 1) -> DailyReport:
    """The whole daily job (or one shard of it); safe to run any number of times a day.

    Each step runs on its own: a failing step is logged and the following ones still run.
    """
    today = today or clock.today()
    report = DailyReport()
    problems: list = []

    def overdue() -> None:
        report.marked_overdue = orders_mark_overdue(today=today, shard=shard, shards=shards)

    def reminders() -> None:
        report.reminders = send_reminders(
            today=today, shard=shard, shards=shards, problems=problems
        )

    def escalations() -> None:
        report.escalations = escalate_overdue(
            today=today, shard=shard, shards=shards, problems=problems
        )

    def follow_ups() -> None:
        report.follow_ups = follow_ups_schedule(today=today, shard=shard, shards=shards)

    def digest() -> None:
        if shard == 0:  # one digest a day, written by the first shard
            report.digests = overdue_digest(today=today)

    for name, step in (
        ("overdue", overdue),
        ("reminders", reminders),
        ("escalations", escalations),
        ("follow-ups", follow_ups),
        ("digest", digest),
    ):
        try:
            step()
        except Exception:  # noqa: BLE001 - one failing step must not stop the others
            report.errors += 1
            logger.exception("Daily job for %s: the %s step failed", today, name)
    report.errors += len(problems)
    if report.errors:
        logger.error("Daily job for %s: %d problem(s), see above", today, report.errors)
    return report
