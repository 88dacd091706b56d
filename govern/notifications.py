"""Notifications: in-app, and by email after commit; the unique key stops any duplicate."""

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
):
    """Create the notification unless one with this key already reached this recipient.

    Returns the new notification, or None when it was sent before (a second run, a retried task).
    """
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient,
                key=key[:120],
                title=title[:200],
                body=body,
                url=url,
                level=level,
            )
    except IntegrityError:  # the unique (recipient, key) constraint: already notified
        return None
    if recipient.email:
        from .tasks import send_notification_email  # tasks import this module

        send_notification_email.delay_on_commit(notification.pk)
    return notification


def mark_read(*, user: User, notification_id: int | None = None) -> int:
    """Mark one (or, without an id, every) unread notification of the user as read."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())
