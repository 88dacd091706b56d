"""The notice register's search form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from govern.forms import DateInput

from .models import NoticeKind, ServiceMethod


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


class ServiceForm(forms.Form):
    method = forms.ChoiceField(
        label=_("How it was served"), choices=ServiceMethod.choices, widget=forms.RadioSelect
    )
    served_on = forms.DateField(label=_("Served on"), widget=DateInput())
    recipient = forms.CharField(
        label=_("Received by"),
        max_length=100,
        required=False,
        help_text=_("Name and position of the person who signed"),
    )
    address = forms.CharField(
        label=_("Served at"),
        max_length=200,
        required=False,
        help_text=_(
            "Address; for electronic service the mailbox or number; for an announcement where it was published"
        ),
    )
    witness = forms.CharField(label=_("Witness"), max_length=100, required=False)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    consent = forms.BooleanField(
        label=_("The party signed its consent to electronic service (送达地址确认书)"),
        required=False,
    )
    receipt = forms.FileField(
        label=_("Receipt"),
        required=False,
        help_text=_(
            "The signed receipt, the postal receipt, or a photo of the notice left (JPG, PNG or PDF)"
        ),
    )
