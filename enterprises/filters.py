"""Filters of the enterprise list, shared by the page, the export and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import District, Enterprise, IndustrialPark, Sector, State, Tier


class EnterpriseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or credit code"), method="search")
    sector = django_filters.ModelChoiceFilter(queryset=Sector.objects.all(), label=_("Sector"))
    district = django_filters.ModelChoiceFilter(
        queryset=District.objects.all(), label=_("District")
    )
    state = django_filters.ChoiceFilter(choices=State.choices, label=_("State"))
    tier = django_filters.ChoiceFilter(
        choices=[*Tier.choices, ("-", _("ungraded"))], label=_("Tier"), method="filter_tier"
    )
    park = django_filters.ModelChoiceFilter(
        queryset=IndustrialPark.objects.all(), label=_("Industrial park")
    )

    class Meta:
        model = Enterprise
        fields = ["q", "sector", "district", "state", "tier", "park"]

    def filter_tier(self, queryset, name, value):
        return queryset.filter(tier="" if value == "-" else value)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(uscc__icontains=value.upper()))
