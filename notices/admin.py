from django.contrib import admin

from govern.admin import ReadOnlyAdmin

from .models import Notice, NoticeBatch, NoticeSequence


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    """Read-only: notices are issued and corrected through the services, never edited."""

    list_display = ("number", "kind", "enterprise", "status", "issued_at", "sha256")
    list_filter = ("kind", "status", "year")
    search_fields = ("number", "enterprise__name", "verification_code", "sha256")
    list_select_related = ("enterprise",)


admin.site.register((NoticeBatch, NoticeSequence), ReadOnlyAdmin)
