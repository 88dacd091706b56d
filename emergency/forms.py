from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from enterprises.models import District, Sector
from govern.forms import DateInput, DateTimeLocalInput
from monitoring.models import MonitoringPoint

from .models import Level, OzoneCampaign, ProductionLine, ReductionList
from .services import LINE_FIELDS


class LineForm(forms.ModelForm):
    class Meta:
        model = ProductionLine
        fields = LINE_FIELDS

    def __init__(self, *args, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["monitoring_point"].queryset = MonitoringPoint.objects.filter(
            enterprise=enterprise, retired_at__isnull=True
        )
        for name in (
            "voc_tpa",
            "nox_tpa",
            "pm_tpa",
            "yellow_keep_pct",
            "orange_keep_pct",
            "red_keep_pct",
        ):
            self.fields[name].widget.attrs.update({"inputmode": "decimal"})


LineFormSet = inlineformset_factory(
    ReductionList,
    ProductionLine,
    form=LineForm,
    fields=LINE_FIELDS,
    extra=1,
    can_delete=True,
    max_num=50,
    validate_max=True,
)


class ListNoteForm(forms.Form):
    note = forms.CharField(
        label=_("Notes for the inspector"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("approve")), ("return", _("return for changes"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DeclareForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    districts = forms.ModelMultipleChoiceField(
        label=_("Districts"),
        queryset=District.objects.order_by("id"),
        widget=forms.CheckboxSelectMultiple,
    )
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DateTimeLocalInput)
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DateTimeLocalInput)
    reason = forms.CharField(
        label=_("Reason (forecast, instruction received)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    short_notice_reason = forms.CharField(
        label=_("Why it starts within 24 hours"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when the start is less than 24 hours away."),
    )


class LevelForm(forms.Form):
    level = forms.ChoiceField(label=_("New level"), choices=Level.choices)
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class LiftForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for lifting"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class SpotCheckForm(forms.Form):
    count = forms.IntegerField(label=_("Enterprises to check"), min_value=1, max_value=1000)
    due_date = forms.DateField(label=_("Check by"), widget=DateInput)


class CampaignForm(forms.ModelForm):
    sectors = forms.ModelMultipleChoiceField(
        label=_("Sectors"),
        queryset=Sector.objects.order_by("id"),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = OzoneCampaign
        fields = (
            "name",
            "starts_on",
            "ends_on",
            "sectors",
            "restricted_from",
            "restricted_to",
            "measures",
        )
        widgets = {
            "starts_on": DateInput,
            "ends_on": DateInput,
            "restricted_from": forms.TimeInput(attrs={"type": "time"}),
            "restricted_to": forms.TimeInput(attrs={"type": "time"}),
            "measures": forms.Textarea(attrs={"rows": 2}),
        }
