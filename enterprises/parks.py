"""Which park an enterprise may move into, and how full each park is.

The rules, in the order they are checked (each refusal names its rule):

1. A petrochemical enterprise moves only into the Meizhou Bay petrochemical base (Quangang, Quanhui),
   and a sector whose rule is "chemical parks only" only into a chemical park: the city's air plan
   ("石化、化工项目只能进入湄洲湾石化基地（泉港、泉惠）/ 化工园区").
2. An enterprise handling hazardous chemicals moves only into a chemical park that accepts them: the
   State Council's guidance on hazardous-chemical producers in populated areas (国办发〔2017〕77号:
   "搬迁进入规范化工园区或关闭退出").
3. A park that lists the sectors it accepts takes no other.
4. A park with a capacity takes no enterprise beyond it (plots; area where both sides know it).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from .models import Enterprise, IndustrialPark, ParkRule, State


@dataclass
class ParkFill:
    """A park's capacity and what takes it: enterprises there and those moving in."""

    park: IndustrialPark
    plots_taken: int = 0
    plots_incoming: int = 0
    area_taken: Decimal = Decimal("0")
    area_incoming: Decimal = Decimal("0")

    @property
    def plots_used(self) -> int:
        return self.plots_taken + self.plots_incoming

    @property
    def area_used(self) -> Decimal:
        return self.area_taken + self.area_incoming

    @property
    def plots_free(self) -> int | None:
        cap = self.park.capacity_plots
        return None if cap is None else max(cap - self.plots_used, 0)

    @property
    def percent(self) -> int | None:
        """Fill in per cent, by plots (else area); None when the park has no capacity set."""
        if self.park.capacity_plots:
            return round(100 * self.plots_used / self.park.capacity_plots)
        if self.park.capacity_area_m2:
            return round(100 * self.area_used / self.park.capacity_area_m2)
        return None


def park_fill(parks=None) -> dict[int, ParkFill]:
    """Every park's fill from two aggregate queries (enterprises there; enterprises moving in)."""
    parks = list(parks if parks is not None else IndustrialPark.objects.select_related("district"))
    fill = {p.pk: ParkFill(park=p) for p in parks}
    operating = Enterprise.objects.exclude(state=State.CLOSED)
    for row in (
        operating.filter(park__in=fill)
        .values("park_id")
        .annotate(n=Count("id"), area=Sum("site_area_m2"))
    ):
        fill[row["park_id"]].plots_taken = row["n"]
        fill[row["park_id"]].area_taken = row["area"] or Decimal("0")
    for row in (
        operating.filter(
            state=State.RELOCATING,
            relocation_project__target_park__in=fill,
            relocation_project__completed_at__isnull=True,
            relocation_project__cancelled_at__isnull=True,
        )
        .values("relocation_project__target_park_id")
        .annotate(n=Count("id"), area=Sum("site_area_m2"))
    ):
        entry = fill[row["relocation_project__target_park_id"]]
        entry.plots_incoming = row["n"]
        entry.area_incoming = row["area"] or Decimal("0")
    return fill


def park_refusal(
    *, enterprises: list[Enterprise], park: IndustrialPark, fill: ParkFill | None = None
) -> str | None:
    """Why these enterprises (one, or a cluster moving together) may not move into the park; None
    when they may. ``fill`` saves the query when the caller already has it."""
    accepted = {s.pk for s in park.accepted_sectors.all()}
    for enterprise in enterprises:
        sector = enterprise.sector
        name = {"name": enterprise.name, "park": park.name, "sector": sector.name}
        if sector.park_rule == ParkRule.PETROCHEMICAL_BASE and not park.is_petrochemical_base:
            return (
                _(
                    "%(name)s: a %(sector)s enterprise may move only into the Meizhou Bay "
                    "petrochemical base (Quangang or Quanhui); %(park)s is not part of it."
                )
                % name
            )
        if sector.park_rule == ParkRule.CHEMICAL_PARK and not park.is_chemical_park:
            return (
                _(
                    "%(name)s: a %(sector)s enterprise may move only into a chemical park; "
                    "%(park)s is not one."
                )
                % name
            )
        if enterprise.handles_hazardous_chemicals and not (
            park.is_chemical_park and park.accepts_hazardous_chemicals
        ):
            return (
                _(
                    "%(name)s handles hazardous chemicals and may move only into a chemical park "
                    "that accepts them (国办发〔2017〕77号); %(park)s does not."
                )
                % name
            )
        if accepted and sector.pk not in accepted:
            return _("%(name)s: %(park)s does not accept the %(sector)s sector.") % name
    fill = fill or park_fill([park])[park.pk]
    if park.capacity_plots is not None and fill.plots_used + len(enterprises) > park.capacity_plots:
        return _(
            "%(park)s is full: %(used)d of %(cap)d plots are taken or promised, and %(n)d more "
            "are needed."
        ) % {
            "park": park.name,
            "used": fill.plots_used,
            "cap": park.capacity_plots,
            "n": len(enterprises),
        }
    area = sum((e.site_area_m2 or Decimal("0") for e in enterprises), Decimal("0"))
    if park.capacity_area_m2 is not None and area and fill.area_used + area > park.capacity_area_m2:
        return _("%(park)s has %(free)s m² left; %(area)s m² are needed.") % {
            "park": park.name,
            "free": max(park.capacity_area_m2 - fill.area_used, Decimal("0")),
            "area": area,
        }
    return None


def suitable_parks(*, enterprises: list[Enterprise]) -> list[IndustrialPark]:
    """The parks these enterprises may move into now (other than where they already are)."""
    parks = list(
        IndustrialPark.objects.select_related("district").prefetch_related("accepted_sectors")
    )
    fill = park_fill(parks)
    here = {e.park_id for e in enterprises}
    return [
        p
        for p in parks
        if p.pk not in here
        and park_refusal(enterprises=enterprises, park=p, fill=fill[p.pk]) is None
    ]
