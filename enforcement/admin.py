"""Read-only admin pages: every write goes through the services (the pages under /enforcement/)."""

from django.contrib import admin

from .models import CaseOfficer, CaseStep, DailyPenalty, PenaltyCase, Seizure


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PenaltyCase)
class PenaltyCaseAdmin(ReadOnly):
    list_display = ("number", "enterprise", "stage", "opened_on", "due_on", "fine")
    list_filter = ("stage",)
    search_fields = ("number", "enterprise__name")
    list_select_related = ("enterprise",)


for model in (CaseOfficer, CaseStep, DailyPenalty, Seizure):
    admin.site.register(model, ReadOnly)
