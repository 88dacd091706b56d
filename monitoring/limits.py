"""Default hourly limits offered when a point is created; a manager edits each point's limits and their
legal source (a sector or Fujian standard often applies instead).

Source: GB 16297-1996《大气污染物综合排放标准》表 2 (new sources, maximum allowable emission
concentration): benzene 12, toluene 40, xylene 70, non-methane hydrocarbons 120 mg/m³. These figures
are as widely quoted; this session could not check them against the standard's text (see README).
"""

from decimal import Decimal

GB16297 = "GB 16297-1996 表2"
DEFAULTS: list[tuple[str, Decimal | None, str]] = [
    ("a24088", Decimal("120"), GB16297),
    ("a25002", Decimal("12"), GB16297),
    ("a25003", Decimal("40"), GB16297),
    ("a25005", Decimal("70"), GB16297),
    ("a00000", None, ""),
]
