"""Notifications: in-app always; by email and text message after commit where the user has an address
or a mobile number. The unique key stops any duplicate."""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from . import clock
from .models import Notification, User


def notify(
    *,
    recipient: User,
    key: str,
    title: str,
    body: str = "",
    url: str = "",
    level: str = Notification.Level.INFO,
) -> Notification | None:
    """Create the notification unless one with this key already reached this recipient.

    Returns the new notification, or None when it was sent before (a second run, a retried task).
    """
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient,
                key=key[:120],
                title=" ".join(str(title).split())[:200],  # one line: it becomes a mail subject
                body=str(body),
                url=url,
                level=level,
            )
    except IntegrityError:  # the unique (recipient, key) constraint: already notified
        return None
    from .tasks import send_notification_email, send_notification_sms

    if recipient.email:
        transaction.on_commit(partial(send_notification_email.delay, notification.pk))
    if recipient.mobile:
        transaction.on_commit(partial(send_notification_sms.delay, notification.pk))
    return notification


def notify_all(
    *,
    recipients: Iterable[User],
    key: str,
    title: str,
    body: str = "",
    url: str = "",
    level: str = Notification.Level.INFO,
) -> int:
    """Notify each recipient once (duplicates in the list are skipped); returns how many were new."""
    seen: set[int] = set()
    sent = 0
    for recipient in recipients:
        if recipient.pk in seen:
            continue
        seen.add(recipient.pk)
        created = notify(recipient=recipient, key=key, title=title, body=body, url=url, level=level)
        sent += created is not None
    return sent


@dataclass(frozen=True)
class Message:
    """One notification to create in bulk (see ``notify_bulk``)."""

    recipient_id: int
    key: str
    title: str
    body: str = ""
    url: str = ""
    level: str = Notification.Level.INFO


BULK_BATCH = 5000


def notify_bulk(messages: Iterable[Message]) -> list[int]:
    """Create many notifications with a few statements: ``INSERT … ON CONFLICT DO NOTHING RETURNING``
    per batch, so a key already sent is skipped in the database (jobs run twice, shards overlap).

    Returns the ids created; delivery by email and text message is queued after commit, one task per
    batch. The cost grows with the number of messages divided by the batch size, never per row.
    """
    created: list[int] = []
    table = Notification._meta.db_table
    now = clock.now()
    batch: list[Message] = []

    def flush() -> None:
        if not batch:
            return
        values = [
            (
                m.recipient_id,
                m.key[:120],
                m.level,
                " ".join(str(m.title).split())[:200],
                str(m.body),
                m.url[:300],
                now,
            )
            for m in batch
        ]
        columns = "recipient_id, key, level, title, body, url, created_at"
        conflict = "ON CONFLICT (recipient_id, key) DO NOTHING RETURNING id"
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Seven arrays instead of 14,000 placeholders: the statement stays small to parse.
                cursor.execute(
                    f"INSERT INTO {table} ({columns}) SELECT * FROM unnest("
                    "%s::bigint[], %s::varchar[], %s::varchar[], %s::varchar[], %s::text[], "
                    f"%s::varchar[], %s::timestamptz[]) {conflict}",
                    [list(column) for column in zip(*values, strict=True)],
                )
            else:
                placeholders = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(values))
                cursor.execute(
                    f"INSERT INTO {table} ({columns}) VALUES {placeholders} {conflict}",
                    [value for row in values for value in row],
                )
            created.extend(row[0] for row in cursor.fetchall())
        batch.clear()

    for message in messages:
        batch.append(message)
        if len(batch) >= BULK_BATCH:
            flush()
    flush()
    if created:
        from .tasks import deliver_notifications

        for start in range(0, len(created), BULK_BATCH):
            chunk = created[start : start + BULK_BATCH]
            transaction.on_commit(partial(deliver_notifications.delay, chunk))
    return created


def mark_read(*, user: User, notification_id: int | None = None) -> int:
    """Mark one (or, without an id, every) unread notification of the user as read."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())
