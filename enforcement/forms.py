"""Forms of the case pages: each step of a case is a small form, re-shown with its input on error."""

from django import forms
from django.utils.translation import gettext_lazy as _

from govern.forms import DateInput
from govern.models import User

from .models import Seizure


class OfficerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name}（{obj.officer.certificate_no}）"


def certified_officers():
    return (
        User.objects.filter(officer__active=True, is_active=True)
        .select_related("officer")
        .order_by("last_name", "first_name", "username")
    )


class OpenForm(forms.Form):
    facts = forms.CharField(
        label=_("Facts of the violation"), widget=forms.Textarea(attrs={"rows": 4})
    )
    legal_basis = forms.CharField(label=_("Provisions violated"), max_length=300)
    officers = OfficerChoiceField(
        label=_("Officers"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("At least two officers holding enforcement certificates, none in conflict."),
    )
    opened_on = forms.DateField(label=_("Filed on"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officers"].queryset = certified_officers()


class ReviewForm(forms.Form):
    proposed_fine = forms.DecimalField(
        label=_("Proposed fine (yuan)"), max_digits=12, decimal_places=2
    )
    penalty_basis = forms.CharField(label=_("Basis of the penalty"), max_length=300)
    other_penalties = forms.CharField(label=_("Other penalties"), max_length=300, required=False)


class AdvanceNoticeForm(forms.Form):
    served_on = forms.DateField(label=_("Served on"), widget=DateInput())
    hearing_right = forms.BooleanField(
        label=_("The penalty gives a right to a hearing"),
        required=False,
        help_text=_("A large fine, suspension of production or business, revocation of a permit…"),
    )


class StatementForm(forms.Form):
    text = forms.CharField(
        label=_("Statement and defence"), widget=forms.Textarea(attrs={"rows": 3})
    )
    received_on = forms.DateField(label=_("Received on"), widget=DateInput())


class HearingRequestForm(forms.Form):
    requested_on = forms.DateField(label=_("Requested on"), widget=DateInput())


class HearingScheduleForm(forms.Form):
    notified_on = forms.DateField(label=_("Parties told on"), widget=DateInput())
    hearing_on = forms.DateField(label=_("Hearing on"), widget=DateInput())


class HearingRecordForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DateInput())
    record = forms.CharField(label=_("Hearing record"), widget=forms.Textarea(attrs={"rows": 3}))


class DecideForm(forms.Form):
    fine = forms.DecimalField(label=_("Fine (yuan)"), max_digits=12, decimal_places=2)
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput())
    other_penalties = forms.CharField(label=_("Other penalties"), max_length=300, required=False)


class ServeForm(forms.Form):
    served_on = forms.DateField(label=_("Served on"), widget=DateInput())
    method = forms.CharField(
        label=_("Served how"), max_length=100, help_text=_("In person, by post, electronically…")
    )


class PaymentForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())
    amount = forms.DecimalField(label=_("Amount paid (yuan)"), max_digits=14, decimal_places=2)


class EnforcementForm(forms.Form):
    applied_on = forms.DateField(label=_("Applied on"), widget=DateInput())


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class OfficerAddForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Officer"), queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = certified_officers()
        self.fields["user"].label_from_instance = lambda u: u.display_name


class RecuseForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Officer"), queryset=User.objects.none())
    reason = forms.CharField(label=_("Reason for the recusal"), max_length=200)

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is not None:
            self.fields["user"].queryset = User.objects.filter(
                case_assignments__case=case, case_assignments__recused_at__isnull=True
            )
        self.fields["user"].label_from_instance = lambda u: u.display_name


class DailyPenaltyForm(forms.Form):
    correction_served_on = forms.DateField(
        label=_("Order to correct served on"), widget=DateInput()
    )


class ReinspectionForm(forms.Form):
    penalty = forms.IntegerField(widget=forms.HiddenInput)
    checked_on = forms.DateField(label=_("Re-inspected on"), widget=DateInput())
    still_violating = forms.TypedChoiceField(
        label=_("Finding"),
        choices=[("1", _("discharge continuing")), ("0", _("corrected"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("What was found"), required=False)


class SeizureForm(forms.Form):
    kind = forms.ChoiceField(label=_("Measure"), choices=Seizure.Kind.choices)
    items = forms.CharField(
        label=_("Facilities or goods"), widget=forms.Textarea(attrs={"rows": 2})
    )
    started_on = forms.DateField(label=_("From"), widget=DateInput())


class SeizureExtendForm(forms.Form):
    seizure = forms.IntegerField(widget=forms.HiddenInput)
    days = forms.IntegerField(label=_("Extend by (days)"), min_value=1, max_value=30)
    reason = forms.CharField(label=_("Reason"), max_length=300)


class SeizureReleaseForm(forms.Form):
    seizure = forms.IntegerField(widget=forms.HiddenInput)
    released_on = forms.DateField(label=_("Released on"), widget=DateInput())
