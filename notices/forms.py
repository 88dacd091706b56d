"""The notice register's search form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from govern.forms import DateInput

from .models import NoticeKind


class RegisterForm(forms.Form):
    number = forms.CharField(label=_("Document number"), max_length=40, required=False)
    enterprise = forms.CharField(
        label=_("Enterprise"), max_length=60, required=False, help_text=_("Name or credit code")
    )
    kind = forms.ChoiceField(
        label=_("Type"), choices=[("", "—"), *NoticeKind.choices], required=False
    )
    since = forms.DateField(label=_("Issued from"), required=False, widget=DateInput())
    until = forms.DateField(label=_("Issued until"), required=False, widget=DateInput())
