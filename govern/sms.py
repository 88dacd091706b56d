"""Text messages (SMS) through a pluggable backend, like Django's email backends.

``GOVERN_SMS_BACKEND`` names the class. Shipped: ``ConsoleBackend`` (the default: prints), ``FileBackend``
(appends JSON lines to ``GOVERN_SMS_FILE_PATH``) and ``LocmemBackend`` (keeps messages in ``outbox``, for
tests). A real gateway is a subclass of ``BaseBackend`` whose ``send_messages`` posts to the provider's
API and returns how many messages it accepted; it raises ``OSError`` (or a subclass) on a transient
failure so the Celery task retries.
"""

import json
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import ClassVar

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

# One SMS segment holds 70 Chinese characters; longer texts are cut to fit one.
SMS_MAX_CHARS = 70


@dataclass(frozen=True)
class SmsMessage:
    to: str
    text: str


class BaseBackend:
    def send_messages(self, messages: Sequence[SmsMessage]) -> int:
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    def send_messages(self, messages: Sequence[SmsMessage]) -> int:
        for message in messages:
            sys.stdout.write(f"SMS to {message.to}: {message.text}\n")
        sys.stdout.flush()
        return len(messages)


class FileBackend(BaseBackend):
    def send_messages(self, messages: Sequence[SmsMessage]) -> int:
        with open(settings.GOVERN_SMS_FILE_PATH, "a", encoding="utf-8") as out:
            for message in messages:
                record = {**asdict(message), "at": timezone.now().isoformat()}
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        return len(messages)


class LocmemBackend(BaseBackend):
    outbox: ClassVar[list[SmsMessage]] = []

    def send_messages(self, messages: Sequence[SmsMessage]) -> int:
        type(self).outbox.extend(messages)
        return len(messages)


def get_backend() -> BaseBackend:
    backend: BaseBackend = import_string(settings.GOVERN_SMS_BACKEND)()
    return backend


def sms_text(title: str) -> str:
    """The message as sent: the title on one line, cut to one segment."""
    text = " ".join(title.split())
    return text if len(text) <= SMS_MAX_CHARS else text[: SMS_MAX_CHARS - 1] + "…"


def send_sms(*, to: str, text: str) -> int:
    return get_backend().send_messages([SmsMessage(to=to, text=sms_text(text))])
