from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.utils.translation import gettext_lazy as _

from govern import roles

from .models import User


class ReadOnlyAdmin(admin.ModelAdmin):
    """An admin page that only shows: every write goes through the services and their pages."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class GovernUserChangeForm(UserChangeForm):
    def clean(self):
        cleaned = super().clean()
        groups = cleaned.get("groups")
        in_enterprise_group = bool(groups) and any(g.name == roles.ENTERPRISE for g in groups)
        if in_enterprise_group and not cleaned.get("enterprise"):
            raise forms.ValidationError(
                _("A user in the enterprise group must belong to an enterprise.")
            )
        if cleaned.get("enterprise") and not in_enterprise_group:
            raise forms.ValidationError(
                _("Only users in the enterprise group belong to an enterprise.")
            )
        return cleaned


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = GovernUserChangeForm
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Enterprise account and contact"), {"fields": ("enterprise", "mobile")}),
    )
    list_display = ("username", "first_name", "last_name", "enterprise", "is_staff", "is_superuser")
    list_select_related = ("enterprise",)
    autocomplete_fields = ("enterprise",)
