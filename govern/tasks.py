"""Project-wide Celery tasks: deliver a notification by email or text message, once."""

import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .models import Notification
from .sms import send_sms

# Mail retries on any transient failure: a connection refused or reset, a timeout, an SMTP error.
TRANSIENT = (OSError, smtplib.SMTPException)


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, retry_backoff_max=600, max_retries=8)
def send_notification_email(notification_id: int) -> bool:
    """Email a notification once: ``emailed_at`` is set in the same transaction that claims it."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None or notification.emailed_at or not notification.recipient.email:
            return False
        link = (
            f"\n\n{settings.GOVERN_PUBLIC_URL.rstrip('/')}{notification.url}"
            if notification.url
            else ""
        )
        send_mail(
            notification.title, notification.body + link, None, [notification.recipient.email]
        )
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, retry_backoff_max=600, max_retries=8)
def send_notification_sms(notification_id: int) -> bool:
    """Text a notification's title once, claimed under a row lock like the email."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None or notification.sms_sent_at or not notification.recipient.mobile:
            return False
        send_sms(to=notification.recipient.mobile, text=notification.title)
        notification.sms_sent_at = timezone.now()
        notification.save(update_fields=["sms_sent_at"])
    return True


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, retry_backoff_max=600, max_retries=8)
def deliver_notifications(notification_ids: list[int]) -> int:
    """Email and text the notifications of a bulk insert whose recipients have an address or a
    number; each is claimed as by the single tasks, so a retry never sends twice."""
    sent = 0
    targets = Notification.objects.filter(pk__in=notification_ids).values_list(
        "pk", "recipient__email", "recipient__mobile"
    )
    for pk, email, mobile in targets:
        if email:
            sent += send_notification_email(pk)
        if mobile:
            sent += send_notification_sms(pk)
    return sent
