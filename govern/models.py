"""The user model (a bureau staff member, or an enterprise's account bound to one enterprise) and shared bases."""

from datetime import date

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from govern import clock
from govern.errors import InvalidInput

# The status every task and order ends in when its evidence is accepted: the one meaning of "done";
# and the status of one whose enterprise was closed before it was done (it is no longer asked for).
ACCEPTED = "accepted"
CANCELLED = "cancelled"
CLOSED_STATUSES = (ACCEPTED, CANCELLED)

mobile_validator = RegexValidator(
    r"^1[3-9]\d{9}$", _("Enter an 11-digit mainland mobile number, e.g. 13912345678.")
)


class User(AbstractUser):
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accounts",
        help_text=_("Required for, and only for, users in the enterprise group."),
    )
    mobile = models.CharField(
        _("mobile number"),
        max_length=11,
        blank=True,
        validators=[mobile_validator],
        help_text=_("Notifications are also sent by text message to this number."),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def display_name(self) -> str:
        """The name as people write it: family name first for Chinese names, else Django's order."""
        if self.last_name and any(
            "\u4e00" <= ch <= "\u9fff" for ch in self.last_name + self.first_name
        ):
            return f"{self.last_name}{self.first_name}"
        return self.get_full_name() or self.username

    def __str__(self) -> str:
        return self.display_name


class StoredFileBase(models.Model):
    """A file kept under its SHA-256 through the storage API (see ``govern.uploads``)."""

    file = models.FileField(_("file"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=100)
    original_name = models.CharField(_("original name"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name or self.sha256[:12]

    @classmethod
    def stored_fields(cls, stored) -> dict:
        """The model fields for a ``govern.uploads.StoredFile``."""
        return {
            "file": stored.name,
            "sha256": stored.sha256,
            "size": stored.size,
            "content_type": stored.content_type,
            "original_name": stored.original_name,
        }


class Notification(models.Model):
    """An in-app message (optionally also emailed). ``key`` makes each reminder unique per recipient,
    so a job that runs twice, or a retried task, never notifies twice."""

    class Level(models.TextChoices):
        INFO = "info", _("information")
        REMINDER = "reminder", _("reminder")
        ESCALATION = "escalation", _("escalation")

    recipient = models.ForeignKey(
        User, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    key = models.CharField(_("deduplication key"), max_length=120)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices, default=Level.INFO)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)
    sms_sent_at = models.DateTimeField(_("text message sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="one_notification_per_key")
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title


class UploadedFileBase(StoredFileBase):
    """A stored file with who uploaded it and when."""

    uploaded_by = models.ForeignKey(
        User, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=clock.now)

    class Meta:
        abstract = True


def check_new_deadline(*, deadline: date, current: date | None) -> None:
    """An approved extension moves a deadline forward: after today and after the current one."""
    if deadline <= clock.today():
        raise InvalidInput(
            _("A new deadline must lie after today (%(today)s).")
            % {"today": clock.today().isoformat()},
            field="deadline",
        )
    if current is not None and deadline <= current:
        raise InvalidInput(
            _("A new deadline must be later than the current one (%(current)s).")
            % {"current": current.isoformat()},
            field="deadline",
        )


class DeadlineMixin:
    """Days left and overdue for a model with a ``deadline`` date, done once its status is ACCEPTED."""

    deadline: date
    status: str

    @property
    def is_accepted(self) -> bool:
        return self.status == ACCEPTED

    @property
    def is_closed(self) -> bool:
        """Accepted, or cancelled with its enterprise: nothing is asked for any more."""
        return self.status in CLOSED_STATUSES

    @property
    def days_left(self) -> int:
        return (self.deadline - clock.today()).days

    @property
    def is_overdue(self) -> bool:
        return not self.is_closed and self.days_left < 0
