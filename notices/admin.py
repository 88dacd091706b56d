from django.contrib import admin

from .models import Notice, NoticeBatch, NoticeSequence


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    """Read-only: notices are issued and corrected through the services, never edited."""

    list_display = ("number", "kind", "enterprise", "status", "issued_at", "sha256")
    list_filter = ("kind", "status", "year")
    search_fields = ("number", "enterprise__name", "verification_code", "sha256")
    list_select_related = ("enterprise",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(NoticeBatch, NoticeSequence)
class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
