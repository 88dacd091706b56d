from django import forms
from django.utils.translation import gettext_lazy as _

from govern.forms import MultipleFileField
from monitoring.models import MonitoringPoint

from .models import TreatmentFacility

DATE = {"type": "date"}


class FacilityForm(forms.ModelForm):
    class Meta:
        model = TreatmentFacility
        fields = [
            "name",
            "kind",
            "design_air_volume",
            "design_efficiency",
            "outlet",
            "monitoring_points",
            "commissioned_on",
            "carbon_mass_kg",
            "iodine_value",
            "adsorption_ratio",
            "inlet_concentration",
            "running_hours",
            "retired_on",
        ]
        widgets = {
            "commissioned_on": forms.DateInput(attrs=DATE),
            "retired_on": forms.DateInput(attrs=DATE),
            "monitoring_points": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["monitoring_points"].queryset = MonitoringPoint.objects.filter(
            enterprise=enterprise
        )
        if not self.instance.pk:
            del self.fields["retired_on"]

    def _post_clean(self):
        """The service validates the model (with its messages on the fields); not the form."""


class ReplacementForm(forms.Form):
    replaced_on = forms.DateField(label=_("Replaced on"), widget=forms.DateInput(attrs=DATE))
    mass_kg = forms.DecimalField(
        label=_("Mass of new carbon (kg)"), max_digits=12, decimal_places=1, min_value=0
    )
    iodine_value = forms.IntegerField(
        label=_("Iodine value of the new carbon (mg/g)"),
        min_value=0,
        max_value=3000,
        help_text=_("At least 800 mg/g is the usual requirement."),
    )
    transfer_form_no = forms.CharField(
        label=_("Hazardous-waste transfer form number"),
        max_length=40,
        help_text=_("The spent carbon (HW49 900-039-49) handed over to a licensed unit."),
    )
    photos = MultipleFileField(label=_("Photos"), help_text=_("Up to 6 photos."))
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
