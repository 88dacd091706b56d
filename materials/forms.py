from django import forms
from django.utils.translation import gettext_lazy as _

from govern.forms import MonthField, MultipleFileField

from .models import MaterialCategory, Unit


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.get_product_display()} · {obj}"


class LedgerEntryForm(forms.Form):
    month = MonthField(label=_("Month of use"))
    product_name = forms.CharField(label=_("Product name"), max_length=100)
    supplier = forms.CharField(label=_("Supplier"), max_length=100, required=False)
    category = CategoryChoiceField(
        label=_("Category"),
        queryset=MaterialCategory.objects.order_by("product", "id"),
        help_text=_(
            "As in the national VOC limit tables; the limit in force in the month applies."
        ),
    )
    voc_content = forms.DecimalField(
        label=_("VOC content"), max_digits=8, decimal_places=2, min_value=0
    )
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices)
    density = forms.DecimalField(
        label=_("Density (kg/L)"),
        max_digits=5,
        decimal_places=3,
        required=False,
        help_text=_("Needed when the VOC content is in g/L."),
    )
    quantity_kg = forms.DecimalField(label=_("Quantity used (kg)"), max_digits=12, decimal_places=3)
    documents = MultipleFileField(
        label=_("Test report or safety data sheet"),
        required=False,
        help_text=_("PDF or photos; up to 5 files."),
    )


class LedgerImportForm(forms.Form):
    file = forms.FileField(
        label=_("Ledger file (.xlsx or .csv)"),
        help_text=_("Use the template: one row per material and month."),
    )
    skip_bad_rows = forms.BooleanField(
        label=_("Import the good rows and skip the rows with errors"), required=False
    )
