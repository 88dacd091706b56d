"""The national rules the emergency lists are checked against, with their sources.

Source: 《关于加强重污染天气应对夯实应急减排措施的指导意见》(环办大气函〔2019〕648号) and the technical
guide for emergency emission-reduction measures in key industries (《重污染天气重点行业应急减排措施制定
技术指南（2020年修订版）》, 环办大气函〔2020〕340号):

- a city's reduction list must cut, during a warning, at least 10 % (yellow), 20 % (orange) and 30 %
  (red) of its total emissions of SO2, NOx, particulate and VOCs (648号, 二(三)); govern checks VOCs, NOx
  and particulate per district, because the district is where Quanzhou's lists are assembled;
- measures must be "可操作、可监测、可核查" (operable, measurable, checkable) — here every line names
  how it is checked, and a monitoring point when that is the method;
- grade A and leading (引领性) enterprises may set their own measures during a warning; grades B, C
  and D take the measures prescribed for their grade, stricter as the grade falls.

Not confirmed against the stored pages (the texts were not found there): the exact article numbers
above, and treating an enterprise without a grade like grade D (govern's choice: nothing lighter than
the strictest graded treatment, until it is graded). The thresholds are settings
(``GOVERN_WARNING_THRESHOLDS``) so a bureau can follow its own plan.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from .models import LEVEL_RANK, LEVELS, POLLUTANTS, CheckMethod, Measure

# How much of its emissions a list's lines may leave uncounted (rounding, small sources) or overcount.
COVERAGE_TOLERANCE = Decimal("0.05")


def threshold(level: str) -> Decimal:
    """The share (0–1) of emissions a level must cut."""
    return Decimal(str(settings.GOVERN_WARNING_THRESHOLDS[level])) / 100


def pollutant_name(code: str) -> str:
    return {"voc": "VOCs", "nox": "NOx", "pm": _("particulate")}[code]


@dataclass
class ListCheck:
    """What is wrong with a list: ``problems`` refuse it; ``warnings`` are shown to the reviewer."""

    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    totals: dict = field(default_factory=dict)  # (level, pollutant) → reduction t/a

    @property
    def ok(self) -> bool:
        return not self.problems

    def figures(self, enterprise) -> list[dict]:
        """Per level: the threshold and, per pollutant, the cut (t/a) and its share of the
        enterprise's emissions (%), for the list and review pages."""
        rows = []
        for level in LEVELS:
            cells = []
            for p in POLLUTANTS:
                total = getattr(enterprise, f"baseline_{p}_tpa")
                cut = self.totals.get((level, p))
                pct = (
                    (cut / total * 100).quantize(Decimal("0.1"))
                    if cut is not None and total
                    else None
                )
                cells.append({"pollutant": pollutant_name(p), "cut": cut, "pct": pct})
            rows.append({"level": level, "needed": int(threshold(level) * 100), "cells": cells})
        return rows


def check_list(*, enterprise, lines) -> ListCheck:
    """Check a list's lines against the enterprise's emissions and the rules above.

    Refused: no lines; a line with a limit but no percentage, or a percentage without a limit; a
    monitoring check without a point of the enterprise; a level lighter than the level below it on a
    line; lines whose emissions do not add up to the enterprise's (within 5 %); for B, C, D and ungraded
    enterprises a level cutting less than its threshold of a pollutant the enterprise emits. For A and
    leading enterprises a low cut is only shown to the reviewer."""
    result = ListCheck()
    lines = list(lines)
    if not lines:
        result.problems.append(_("Add at least one production line or process."))
        return result
    for line in lines:
        name = line.name or _("(unnamed line)")
        for level in LEVELS:
            measure, keep = line.measure(level)
            label = _("%(line)s, %(level)s warning") % {"line": name, "level": _(level)}
            if measure == Measure.LIMIT and keep is None:
                result.problems.append(
                    _("%(where)s: give the output kept (%%) for “limit output”.") % {"where": label}
                )
            if measure != Measure.LIMIT and keep is not None:
                result.problems.append(
                    _("%(where)s: an output percentage only goes with “limit output”.")
                    % {"where": label}
                )
        cuts = [line.cut(level) for level in LEVELS]
        if cuts != sorted(cuts):
            result.problems.append(
                _("%(line)s: a higher warning level must cut at least as much as a lower one.")
                % {"line": name}
            )
        if line.check_method == CheckMethod.MONITORING and (
            line.monitoring_point_id is None or line.monitoring_point.enterprise_id != enterprise.pk
        ):
            result.problems.append(
                _("%(line)s: choose the enterprise's monitoring point used for the check.")
                % {"line": name}
            )
        if not line.check_method:
            result.problems.append(_("%(line)s: say how compliance is checked.") % {"line": name})
    for pollutant in POLLUTANTS:
        total = getattr(enterprise, f"baseline_{pollutant}_tpa")
        counted = sum((getattr(line, f"{pollutant}_tpa") for line in lines), Decimal(0))
        if total > 0 and abs(counted - total) > total * COVERAGE_TOLERANCE:
            result.problems.append(
                _(
                    "The lines' %(pollutant)s add up to %(counted)s t/a, but the enterprise emits "
                    "%(total)s t/a: list every line or process, or correct the figures."
                )
                % {"pollutant": pollutant_name(pollutant), "counted": counted, "total": total}
            )
        elif total == 0 and counted > 0:
            result.problems.append(
                _(
                    "The lines emit %(counted)s t/a of %(pollutant)s, but the enterprise's registered "
                    "emissions are 0: ask the bureau to correct the registry first."
                )
                % {"pollutant": pollutant_name(pollutant), "counted": counted}
            )
        for level in LEVELS:
            cut = sum((line.reduction(level, pollutant) for line in lines), Decimal(0))
            result.totals[(level, pollutant)] = cut
            if total <= 0:
                continue
            needed = threshold(level)
            if cut < total * needed:
                message = _(
                    "%(level)s warning: the list cuts %(pct)s%% of the %(pollutant)s, less than "
                    "the %(needed)s%% required."
                ) % {
                    "level": _(level),
                    "pct": (cut / total * 100).quantize(Decimal("0.1")),
                    "pollutant": pollutant_name(pollutant),
                    "needed": int(needed * 100),
                }
                if enterprise.follows_stricter_measures:
                    result.problems.append(message)
                else:
                    result.warnings.append(message)
    return result


def level_is_higher(new: str, old: str) -> bool:
    return LEVEL_RANK[new] > LEVEL_RANK[old]
