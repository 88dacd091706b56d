"""The user model: a bureau staff member, or an enterprise's account bound to exactly one enterprise."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


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
