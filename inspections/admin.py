"""Admin for inspections: checklists are edited here; a version in use is read-only and revised instead."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from govern.errors import ApplicationError

from . import services
from .models import (
    ChecklistItem,
    ChecklistTemplate,
    PlannedInspection,
    RandomDraw,
    RectificationOrder,
    SiteVisit,
    VisitAddendum,
)


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 1

    def has_change_permission(self, request, obj=None):
        return obj is None or not obj.in_use

    def has_add_permission(self, request, obj=None):
        return obj is None or not obj.in_use

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.in_use


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(admin.ModelAdmin):
    list_display = ("title", "sector", "version", "published", "created_at")
    list_filter = ("published", "sector")
    inlines = [ChecklistItemInline]
    actions = ["revise"]

    def get_readonly_fields(self, request, obj=None):
        return ("sector", "version", "title") if obj and obj.in_use else ()

    @admin.action(description=_("Create a new version of the selected checklists"))
    def revise(self, request, queryset):
        for template in queryset:
            try:
                revised = services.checklist_revise(template=template, by=request.user)
            except ApplicationError as error:
                messages.error(request, str(error.message))
            else:
                messages.success(request, _("Created %(name)s (unpublished).") % {"name": revised})


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written by the inspection services; the admin shows them, never edits them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SiteVisit)
class SiteVisitAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "started_at", "status", "conclusion", "is_follow_up")
    list_filter = ("status", "conclusion", "is_follow_up")
    list_select_related = ("enterprise",)
    search_fields = ("enterprise__name", "enterprise__uscc")


@admin.register(RectificationOrder)
class RectificationOrderAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "deadline", "status", "visit")
    list_filter = ("status",)
    list_select_related = ("enterprise", "visit")
    search_fields = ("enterprise__name", "requirement")


@admin.register(RandomDraw)
class RandomDrawAdmin(ReadOnlyAdmin):
    list_display = ("period", "seed", "created_by", "created_at", "due_date")


@admin.register(PlannedInspection)
class PlannedInspectionAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "reason", "due_date", "status")
    list_filter = ("reason", "status")
    list_select_related = ("enterprise",)


@admin.register(VisitAddendum)
class VisitAddendumAdmin(ReadOnlyAdmin):
    list_display = ("visit", "author", "created_at")
