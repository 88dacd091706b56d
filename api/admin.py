"""API tokens in the admin: when each expires, and an action to revoke them."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy

from .authentication import token_expired, token_expires_at

admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class ExpiringTokenAdmin(TokenAdmin):
    list_display = ("key", "user", "created", "expires", "expired")
    actions = ["revoke"]

    @admin.display(description=_("expires"))
    def expires(self, token):
        return token_expires_at(token)

    @admin.display(description=_("expired"), boolean=True)
    def expired(self, token):
        return token_expired(token)

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        count = queryset.count()
        queryset.delete()
        self.message_user(request, _("%(count)d token(s) revoked.") % {"count": count})
