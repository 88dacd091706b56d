from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MonitoringPoint, PollutantLimit


class ExplainForm(forms.Form):
    explanation = forms.CharField(
        label=_("What happened and what you did"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("How it was resolved"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class LimitForm(forms.ModelForm):
    class Meta:
        model = PollutantLimit
        fields = ["limit", "legal_source"]


class PointForm(forms.ModelForm):
    default_pollutants = forms.BooleanField(
        label=_("Report NMHC, benzene, toluene, xylene and flow with the default limits"),
        required=False,
        initial=True,
    )

    class Meta:
        model = MonitoringPoint
        fields = ["mn", "password", "outlet", "st"]
