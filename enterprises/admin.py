"""Admin for the registry. Lifecycle changes are never made here directly: they go through services."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from govern.errors import ApplicationError

from . import services
from .forms import EnterpriseForm
from .models import (
    District,
    Enterprise,
    GradingAssessment,
    IndustrialPark,
    RemediationPlan,
    RemediationTask,
    Sector,
    TierPolicy,
    TransitionLog,
)


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "is_key_sector")


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "kind", "division_code")


@admin.register(IndustrialPark)
class IndustrialParkAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "district", "is_chemical_park")
    list_filter = ("district", "is_chemical_park")


@admin.register(TierPolicy)
class TierPolicyAdmin(admin.ModelAdmin):
    list_display = (
        "tier",
        "min_score",
        "governance_path",
        "remediation_deadline_days",
        "inspection_interval_days",
    )
    readonly_fields = ("updated_at", "updated_by")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.tier_policy_update(policy=obj, data=form.cleaned_data, by=request.user)


class ReadOnlyTransitionInline(admin.TabularInline):
    model = TransitionLog
    fields = ("created_at", "transition", "from_state", "to_state", "actor", "reason")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class AdminEnterpriseForm(EnterpriseForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("user", self.request_user)
        super().__init__(*args, **kwargs)


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ("name", "uscc", "sector", "district", "park", "tier", "state")
    list_filter = ("state", "tier", "sector", "district", "park")
    search_fields = ("name", "uscc")
    list_select_related = ("sector", "district", "park")
    readonly_fields = (
        "state",
        "tier",
        "governance_path",
        "path_override_reason",
        "relocation_project",
        "lifecycle_links",
        "created_at",
        "updated_at",
    )
    inlines = [ReadOnlyTransitionInline]

    def get_form(self, request, obj=None, change=False, **kwargs):
        return type(
            "BoundAdminEnterpriseForm", (AdminEnterpriseForm,), {"request_user": request.user}
        )

    def get_fieldsets(self, request, obj=None):
        form_fields = list(self.get_form(request, obj).base_fields)
        if obj is None:
            return [(None, {"fields": form_fields})]
        form_fields.remove("uscc_override_reason")  # only asked when registering
        return [(None, {"fields": form_fields}), (_("Lifecycle"), {"fields": self.readonly_fields})]

    @admin.display(description=_("lifecycle steps"))
    def lifecycle_links(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("dossier:detail", args=[obj.pk]),
            _("Take lifecycle steps on the enterprise page"),
        )

    def save_model(self, request, obj, form, change):
        try:
            if change:
                services.enterprise_update(
                    enterprise=obj, data=form.registry_data(), by=request.user
                )
            else:
                created = services.enterprise_register(
                    data=form.registry_data(),
                    uscc=form.cleaned_data["uscc"],
                    uscc_override_reason=form.cleaned_data.get("uscc_override_reason", ""),
                    by=request.user,
                )
                obj.pk = created.pk
        except ApplicationError as error:
            messages.error(request, str(error.message))

    def has_delete_permission(self, request, obj=None):
        return False  # enterprises are closed through the lifecycle, never deleted


@admin.register(TransitionLog)
class TransitionLogAdmin(admin.ModelAdmin):
    list_display = ("created_at", "enterprise", "transition", "from_state", "to_state", "actor")
    list_filter = ("transition", "to_state")
    search_fields = ("enterprise__name", "enterprise__uscc", "reason")
    list_select_related = ("enterprise", "actor")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(GradingAssessment)
class GradingAssessmentAdmin(admin.ModelAdmin):
    list_display = (
        "enterprise",
        "total_score",
        "suggested_tier",
        "tier",
        "assessed_by",
        "assessed_at",
    )
    list_select_related = ("enterprise", "assessed_by")

    def has_add_permission(self, request):
        return False  # assessments are recorded by grading, which moves the lifecycle

    def has_change_permission(self, request, obj=None):
        return False


class RemediationTaskInline(admin.TabularInline):
    model = RemediationTask
    extra = 1
    readonly_fields = ("status",)  # moved only by evidence review


@admin.register(RemediationPlan)
class RemediationPlanAdmin(admin.ModelAdmin):
    list_display = ("enterprise", "created_by", "created_at")
    list_select_related = ("enterprise", "created_by")
    inlines = [RemediationTaskInline]
    autocomplete_fields = ("enterprise",)
    readonly_fields = ("created_by",)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
