"""Forms of the inspection pages."""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.models import District, Sector, Tier
from govern import roles
from govern.forms import DateTimeLocalInput
from govern.models import User

from .models import ChecklistResult, SiteVisit


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
        if visit.ended_at:
            self.fields["ended_at"].initial = timezone.localtime(visit.ended_at)

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
        field.queryset = visit.results.filter(outcome=ChecklistResult.Outcome.FAIL).select_related(
            "item"
        )
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
    inspectors = StaffChoiceField(
        label=_("Inspector pool"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    due_date = forms.DateField(
        label=_("Inspect by"), widget=forms.DateInput(attrs={"type": "date"})
    )
    seed = forms.IntegerField(
        label=_("Seed"),
        required=False,
        min_value=0,
        help_text=_("Empty: a fresh random seed. Give a recorded seed to reproduce a draw."),
    )
    DEFAULT_QUOTAS = {"A": 5, "B": 10, "C": 25, "D": 25, "-": 5}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspectors"].queryset = staff_users().filter(groups__name=roles.INSPECTOR)
        for tier, label in [*Tier.choices, ("-", _("Not yet graded"))]:
            self.fields[f"quota_{tier}"] = forms.DecimalField(
                label=_("Quota %(tier)s (%%)") % {"tier": label},
                min_value=0,
                max_value=100,
                initial=self.DEFAULT_QUOTAS[tier],
            )

    def quotas(self) -> dict[str, float]:
        return {
            key[6:]: float(value)
            for key, value in self.cleaned_data.items()
            if key.startswith("quota_")
        }

    def filters(self) -> dict[str, int]:
        return {
            k: self.cleaned_data[k].pk for k in ("sector", "district") if self.cleaned_data.get(k)
        }
