"""Forms of the registry pages; they validate input and hand it to the services."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from govern import roles
from govern.forms import DateInput

from .models import (
    CRITERION_MAX,
    Criterion,
    Enterprise,
    IndustrialPark,
    PermitClass,
    ReductionBasis,
    RemediationTask,
    SamplingCategory,
    ScatteredCluster,
    Tier,
    TierPolicy,
)
from .services import REGISTRY_FIELDS, uscc_accept


class EnterpriseForm(forms.ModelForm):
    uscc_override_reason = forms.CharField(
        label=_("Reason for accepting a failing check character"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Managers only: a real code that fails the GB 32100-2015 check, e.g. an early pilot code."
        ),
    )

    class Meta:
        model = Enterprise
        fields = ("uscc", *REGISTRY_FIELDS)
        widgets = {
            "performance_graded_on": DateInput,
            "main_voc_materials": forms.Textarea(attrs={"rows": 2}),
            "treatment_facilities": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # Particulate came with the emergency lists: an older form or file without it means 0.
        self.fields["baseline_pm_tpa"].required = False
        # The random-inspection category came with the registers: left out, it is "general".
        self.fields["sampling_category"].required = False
        if self.instance.pk:
            self.fields["uscc"].disabled = True
            del self.fields["uscc_override_reason"]
        elif not roles.is_manager(user):
            del self.fields["uscc_override_reason"]

    def clean_baseline_pm_tpa(self):
        value = self.cleaned_data.get("baseline_pm_tpa")
        return Decimal("0") if value is None else value

    def clean_sampling_category(self):
        return self.cleaned_data.get("sampling_category") or SamplingCategory.GENERAL

    def clean_uscc(self):
        value = self.cleaned_data["uscc"]
        if self.instance.pk:
            return self.instance.uscc
        override = (
            self.data.get(self.add_prefix("uscc_override_reason"), "")
            if roles.is_manager(self.user)
            else ""
        )
        try:
            return uscc_accept(code=value, by=self.user, override_reason=override)
        except ValidationError as error:
            if error.code == "checksum" and roles.is_manager(self.user):
                raise ValidationError(
                    [
                        *error.messages,
                        _("If the code is real, give a reason below to register it anyway."),
                    ]
                ) from error
            raise

    def registry_data(self) -> dict:
        return {f: self.cleaned_data[f] for f in REGISTRY_FIELDS if f in self.cleaned_data}


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    expected_state = forms.CharField(widget=forms.HiddenInput, required=False)


class StepForm(ReasonForm):
    """A lifecycle step: a step off the enterprise's path also asks for the override's reason."""

    override_reason = forms.CharField(
        label=_("Reason for leaving the tier policy's path"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Managers only; logged and shown on the enterprise page."),
    )
    field_order = ["reason", "override_reason"]

    def __init__(self, *args, off_path: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if off_path:
            self.fields["override_reason"].required = True
        else:
            del self.fields["override_reason"]


class RelocationForm(StepForm):
    park = forms.ModelChoiceField(
        label=_("Target industrial park"),
        queryset=IndustrialPark.objects.none(),
        help_text=_("Only the parks the sector, hazardous-chemical and capacity rules allow."),
    )

    def __init__(self, *args, parks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["park"].queryset = IndustrialPark.objects.filter(pk__in=[p.pk for p in parks])
        self.fields["park"].empty_label = None if parks else _("No suitable park has room")


class GradingForm(ReasonForm):
    tier = forms.ChoiceField(
        label=_("Tier"),
        choices=[("", _("As the policy suggests"))] + list(Tier.choices),
        required=False,
    )
    override_reason = forms.CharField(
        label=_("Reason for overriding the suggestion"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    field_order = [*Criterion.values, "tier", "override_reason", "reason", "expected_state"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for criterion in Criterion:
            self.fields[criterion.value] = forms.IntegerField(
                label=criterion.label,
                min_value=0,
                max_value=CRITERION_MAX,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
        self.order_fields(self.field_order)

    def scores(self) -> dict[str, int]:
        return {c: self.cleaned_data[c] for c in Criterion.values}


class TierPolicyForm(forms.ModelForm):
    class Meta:
        model = TierPolicy
        fields = (
            "min_score",
            "governance_path",
            "remediation_deadline_days",
            "inspection_interval_days",
            "rectification_deadline_days",
            "description",
        )
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or Excel (.xlsx) file"))
    skip_bad_rows = forms.BooleanField(
        label=_("Import the good rows and skip the bad ones"),
        required=False,
        help_text=_("Otherwise a file with any bad row imports nothing."),
    )


class CertifyForm(StepForm):
    verified_voc_reduction_tpa = forms.DecimalField(
        label=_("Verified VOC reduction (t/a)"),
        min_value=0,
        max_digits=10,
        decimal_places=3,
        help_text=_("As measured; the plan's declared figure is shown for comparison."),
    )
    reduction_basis = forms.ChoiceField(
        label=_("Verified by"), choices=[("", "---------"), *ReductionBasis.choices]
    )
    reduction_reference = forms.CharField(
        label=_("Reference"),
        max_length=200,
        help_text=_("The test report's number, the ledger's period or the monitoring period."),
    )


class ClusterForm(forms.ModelForm):
    class Meta:
        model = ScatteredCluster
        fields = ("name", "district", "description")
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class ConsolidateForm(RelocationForm):
    """Consolidate a cluster: the park and reason; the override covers members off their path."""


class PlanForm(forms.Form):
    summary = forms.CharField(
        label=_("Plan summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class TaskForm(forms.ModelForm):
    class Meta:
        model = RemediationTask
        fields = ("measure", "description", "deadline", "owner", "expected_voc_reduction_tpa")
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "deadline": forms.DateInput(attrs={"type": "date"}),
        }
        help_texts = {"deadline": _("Empty: the tier policy's remediation deadline.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deadline"].required = False


class MilestoneDoneForm(forms.Form):
    actual_date = forms.DateField(
        label=_("Done on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class MilestonePlanForm(forms.Form):
    planned_date = forms.DateField(
        label=_("Planned date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ClosureCheckForm(forms.Form):
    verified_on = forms.DateField(
        label=_("Verified on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ImportRowForm(EnterpriseForm):
    """One import row, checked like the registration form but without a query per row: sectors,
    districts and parks are resolved from tables loaded once, and credit-code uniqueness is checked
    for the whole file at once (``importing.validate_rows``)."""

    REFERENCE_FIELDS = ("sector", "district", "park")

    def __init__(self, *args, references: dict[str, dict[int, object]], **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.REFERENCE_FIELDS:
            model_field = self.fields[name]
            rows = references[name]
            self.fields[name] = forms.TypedChoiceField(
                label=model_field.label,
                required=model_field.required,
                choices=[("", "")] + [(str(pk), str(pk)) for pk in rows],
                coerce=lambda value, rows=rows: rows[int(value)],
                empty_value=None,
            )

    def _get_validation_exclusions(self):
        # The references come from the loaded tables, so they exist: no query to check them.
        return super()._get_validation_exclusions() | set(self.REFERENCE_FIELDS)

    def validate_unique(self):
        """Checked for all rows at once by the import."""


class PermitForm(forms.Form):
    number = forms.CharField(label=_("Permit number"), max_length=40)
    permit_class = forms.ChoiceField(label=_("Management class"), choices=PermitClass.choices)
    authority = forms.CharField(label=_("Issuing authority"), max_length=100)
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput())
    valid_until = forms.DateField(
        label=_("Valid until"),
        widget=DateInput(),
        help_text=_("Renewal is applied for at least 60 days before (排污许可管理条例第十四条)."),
    )
