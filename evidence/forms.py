"""Forms of the portal and the review queues."""

from django import forms
from django.utils.translation import gettext_lazy as _

from govern.forms import MultipleFileField


class EvidenceForm(forms.Form):
    files = MultipleFileField(
        label=_("Files"),
        help_text=_("Photos, PDF, Excel (.xlsx) or Word (.docx); up to 10 files of 20 MB each."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ExtensionForm(forms.Form):
    requested_deadline = forms.DateField(
        label=_("New deadline"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("yes", _("Accept")), ("no", _("Reject"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_decision(self) -> bool:
        return self.cleaned_data["decision"] == "yes"
