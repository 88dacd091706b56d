"""Notifications: in-app always; by email and text message after commit where the user has an address
or a mobile number. The unique key stops any duplicate."""

from collections.abc import Iterable
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone

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


def mark_read(*, user: User, notification_id: int | None = None) -> int:
    """Mark one (or, without an id, every) unread notification of the user as read."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())
