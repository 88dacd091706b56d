"""Filters of the enterprise list, shared by the page, the export and the API."""

import re

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import District, Enterprise, IndustrialPark, PerformanceGrade, Sector, State, Tier

USCC_SHAPE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{18}")


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
    performance_grade = django_filters.ChoiceFilter(
        choices=[*PerformanceGrade.choices, ("-", _("no performance grade"))],
        label=_("Performance grade"),
        method="filter_grade",
    )

    class Meta:
        model = Enterprise
        fields = ["q", "sector", "district", "state", "tier", "park", "performance_grade"]

    def filter_grade(self, queryset, name, value):
        return queryset.filter(performance_grade="" if value == "-" else value)

    def filter_tier(self, queryset, name, value):
        return queryset.filter(tier="" if value == "-" else value)

    def search(self, queryset, name, value):
        """A whole credit code is looked up by its unique index; otherwise every word must appear in
        the name (or the code), so "锦华 彩印" finds 石狮锦华彩印有限公司. On PostgreSQL the name
        search uses a trigram index (pg_trgm), so it stays fast at a province's 100,000 rows."""
        words = value.split()
        if not words:
            return queryset
        if len(words) == 1 and USCC_SHAPE.fullmatch(words[0].upper()):
            return queryset.filter(uscc=words[0].upper())
        for word in words[:8]:
            queryset = queryset.filter(Q(name__icontains=word) | Q(uscc__icontains=word.upper()))
        return queryset
