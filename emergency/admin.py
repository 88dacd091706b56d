"""Read-only admin pages: every write goes through the services (the pages under /emergency/)."""

from django.contrib import admin

from govern.admin import ReadOnlyAdmin

from .models import Instruction, OzoneCampaign, ReductionList, SpotCheckDraw, Warning


@admin.register(ReductionList)
class ReductionListAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "version", "status", "submitted_at", "reviewed_at")
    list_filter = ("status",)
    search_fields = ("enterprise__name",)
    list_select_related = ("enterprise",)


@admin.register(Warning)
class WarningAdmin(ReadOnlyAdmin):
    list_display = ("level", "starts_at", "ends_at", "lifted_at", "declared_by")
    list_select_related = ("declared_by",)


@admin.register(Instruction)
class InstructionAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "warning", "level", "confirmed_at", "chases", "replaced_at")
    list_filter = ("level",)
    search_fields = ("enterprise__name",)
    list_select_related = ("enterprise", "warning")


@admin.register(SpotCheckDraw)
class SpotCheckDrawAdmin(ReadOnlyAdmin):
    list_display = ("warning", "seed", "count", "drawn_by", "drawn_at")
    list_select_related = ("warning", "drawn_by")


@admin.register(OzoneCampaign)
class OzoneCampaignAdmin(ReadOnlyAdmin):
    list_display = ("name", "starts_on", "ends_on", "restricted_from", "restricted_to")
