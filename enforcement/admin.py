"""Read-only admin pages: every write goes through the services (the pages under /enforcement/)."""

from django.contrib import admin

from govern.admin import ReadOnlyAdmin

from .models import CaseOfficer, CaseStep, DailyPenalty, PenaltyCase, Seizure


@admin.register(PenaltyCase)
class PenaltyCaseAdmin(ReadOnlyAdmin):
    list_display = ("number", "enterprise", "stage", "opened_on", "due_on", "fine")
    list_filter = ("stage",)
    search_fields = ("number", "enterprise__name")
    list_select_related = ("enterprise",)


for model in (CaseOfficer, CaseStep, DailyPenalty, Seizure):
    admin.site.register(model, ReadOnlyAdmin)
