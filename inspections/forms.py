"""Forms of the inspection pages."""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.models import District, Enterprise, SamplingCategory, Sector
from govern import roles
from govern.forms import DateInput, DateTimeLocalInput
from govern.models import User

from .models import ChecklistResult, InspectionItem, Officer, SiteVisit


def staff_users():
    return (
        User.objects.filter(Q(groups__name__in=[roles.INSPECTOR, roles.MANAGER]), is_active=True)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class StaffChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class VisitStartForm(forms.Form):
    co_inspectors = StaffChoiceField(
        label=_("Co-inspectors"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A site visit needs at least two inspectors: you and at least one more."),
    )
    started_at = forms.DateTimeField(label=_("Started at"), widget=DateTimeLocalInput())
    location = forms.CharField(label=_("Location"), max_length=300)
    is_follow_up = forms.BooleanField(
        label=_("Follow-up visit to verify rectification"), required=False
    )
    # Filled by the phone's geolocation when the inspector allows it (static/js/field.js).
    checkin_latitude = forms.CharField(
        required=False, widget=forms.HiddenInput(attrs={"data-geo": "latitude"})
    )
    checkin_longitude = forms.CharField(
        required=False, widget=forms.HiddenInput(attrs={"data-geo": "longitude"})
    )
    checkin_accuracy_m = forms.CharField(
        required=False, widget=forms.HiddenInput(attrs={"data-geo": "accuracy"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["co_inspectors"].queryset = staff_users().exclude(pk=user.pk)
        self.fields["started_at"].initial = timezone.localtime().replace(second=0, microsecond=0)


class VisitRecordForm(forms.Form):
    """The checklist, conclusion and end time; one outcome and note field per checklist result."""

    conclusion = forms.ChoiceField(
        label=_("Conclusion"),
        choices=[("", "—")] + list(SiteVisit.Conclusion.choices),
        required=False,
        widget=forms.RadioSelect,
    )
    conclusion_text = forms.CharField(
        label=_("Conclusion details"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    ended_at = forms.DateTimeField(label=_("Ended at"), required=False, widget=DateTimeLocalInput())
    party_representative = forms.CharField(
        label=_("Name of the inspected party's representative"), max_length=100, required=False
    )
    party_refused = forms.CharField(
        label=_("If the representative refuses to sign: what happened, and the witness"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, visit: SiteVisit, **kwargs):
        super().__init__(*args, **kwargs)
        self.visit = visit
        self.results = list(visit.results.select_related("item").prefetch_related("photos"))
        for result in self.results:
            self.fields[f"outcome_{result.pk}"] = forms.ChoiceField(
                label=result.item.text,
                choices=ChecklistResult.Outcome.choices,
                required=False,
                widget=forms.RadioSelect,
                initial=result.outcome,
            )
            self.fields[f"note_{result.pk}"] = forms.CharField(
                label=_("Note"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=result.note,
            )
        self.fields["conclusion"].initial = visit.conclusion
        self.fields["conclusion_text"].initial = visit.conclusion_text
        self.fields["party_representative"].initial = visit.party_representative
        self.fields["party_refused"].initial = visit.party_refused
        if visit.ended_at:
            self.fields["ended_at"].initial = timezone.localtime(visit.ended_at)
        # A signature drawn on the page arrives as a PNG data URL (static/js/field.js).
        self.inspectors = list(visit.inspectors.order_by("pk"))
        for key in ["party", *(u.pk for u in self.inspectors)]:
            self.fields[f"signature_{key}"] = forms.CharField(
                required=False, widget=forms.HiddenInput, max_length=600_000
            )

    def signature_pads(self):
        """(field, who signs, current signature or None) for the template."""
        current = {(s.role, s.signer_id): s for s in self.visit.signatures.all()}
        pads = [
            (
                self["signature_party"],
                _("Representative of the inspected party"),
                current.get(("party", None)),
            )
        ]
        pads += [
            (self[f"signature_{u.pk}"], u.display_name, current.get(("inspector", u.pk)))
            for u in self.inspectors
        ]
        return pads

    def refresh_photos(self) -> None:
        """Re-read the photos after a save, so those just uploaded show when the page is re-shown."""
        fresh = {
            r.pk: r for r in self.visit.results.select_related("item").prefetch_related("photos")
        }
        self.results = [fresh.get(r.pk, r) for r in self.results]

    def rows(self):
        """(result, outcome field, note field) for the template."""
        return [(r, self[f"outcome_{r.pk}"], self[f"note_{r.pk}"]) for r in self.results]

    def result_values(self) -> dict[int, tuple[str, str]]:
        return {
            r.pk: (self.cleaned_data[f"outcome_{r.pk}"], self.cleaned_data[f"note_{r.pk}"])
            for r in self.results
        }


class OrderForm(forms.Form):
    finding = forms.ModelChoiceField(
        label=_("Finding"), queryset=ChecklistResult.objects.none(), required=False
    )
    requirement = forms.CharField(label=_("Requirement"), widget=forms.Textarea(attrs={"rows": 3}))
    legal_basis = forms.CharField(
        label=_("Legal basis"),
        required=False,
        max_length=300,
        help_text=_("Empty: the legal basis of the failed checklist item."),
    )
    deadline = forms.DateField(
        label=_("Deadline"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: the tier policy's rectification deadline."),
    )

    def __init__(self, *args, visit: SiteVisit, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["finding"]
        # Every item of the visit: one just marked failed (saved with the order) can be chosen at once;
        # the service refuses an item that did not fail.
        field.queryset = visit.results.select_related("item")
        field.label_from_instance = lambda r: r.item.text


class AddendumForm(forms.Form):
    text = forms.CharField(
        label=_("Correction"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the correction.")},
    )


class DrawForm(forms.Form):
    period = forms.CharField(label=_("Period"), max_length=20, help_text=_("e.g. 2026-Q4"))
    sector = forms.ModelChoiceField(
        label=_("Sector"), queryset=Sector.objects.all(), required=False
    )
    district = forms.ModelChoiceField(
        label=_("District"), queryset=District.objects.all(), required=False
    )
    items = forms.ModelMultipleChoiceField(
        label=_("Items checked"),
        queryset=InspectionItem.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose the items the inspections check.")},
    )
    inspectors = StaffChoiceField(
        label=_("Officers drawn from"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Empty: every officer in the register with a valid certificate."),
    )
    due_date = forms.DateField(label=_("Inspect by"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = InspectionItem.objects.filter(active=True)
        self.fields["inspectors"].queryset = (
            User.objects.filter(officer__active=True, is_active=True)
            .select_related("officer")
            .order_by("last_name", "first_name", "username")
        )

    def filters(self) -> dict[str, int]:
        return {
            k: self.cleaned_data[k].pk for k in ("sector", "district") if self.cleaned_data.get(k)
        }


class OfficerForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Account"), queryset=User.objects.none())
    certificate_no = forms.CharField(label=_("Enforcement certificate number"), max_length=40)
    certificate_valid_until = forms.DateField(
        label=_("Certificate valid until"), widget=DateInput()
    )
    active = forms.BooleanField(label=_("In the register"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = staff_users()
        self.fields["user"].label_from_instance = lambda u: u.display_name


class ConflictForm(forms.Form):
    officer = forms.ModelChoiceField(label=_("Officer"), queryset=Officer.objects.none())
    enterprise = forms.CharField(
        label=_("Enterprise"),
        max_length=100,
        help_text=_("Its unified social credit code or its full name."),
    )
    reason = forms.CharField(label=_("Conflict of interest"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = Officer.objects.select_related("user")

    def clean_enterprise(self):
        text = self.cleaned_data["enterprise"].strip()
        found = list(Enterprise.objects.filter(Q(uscc=text.upper()) | Q(name=text))[:2])
        if len(found) != 1:
            raise forms.ValidationError(_("No single enterprise has this credit code or name."))
        return found[0]


class ItemForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    name = forms.CharField(label=_("Item"), max_length=200)
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=300)


class RatioForm(forms.Form):
    def __init__(self, *args, ratios=None, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in SamplingCategory.choices:
            self.fields[f"ratio_{value}"] = forms.DecimalField(
                label=label,
                min_value=0,
                max_value=100,
                decimal_places=2,
                initial=(ratios or {}).get(value, 0),
                help_text=_("Share drawn per quarter (%)"),
            )


class PublishForm(forms.Form):
    result = forms.IntegerField(widget=forms.HiddenInput)
    summary = forms.CharField(
        label=_("Public summary"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("No names, no business secrets: what was checked and what was found."),
    )


class ReassignForm(forms.Form):
    planned = forms.IntegerField(widget=forms.HiddenInput)
    inspectors = StaffChoiceField(
        label=_("Officers"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspectors"].queryset = User.objects.filter(
            officer__active=True, is_active=True
        ).order_by("last_name", "first_name", "username")
