"""The city map drawn from data shipped with the project (no tile service: the bureau's network may
be closed): the outline, district areas, built-up areas and parks from ``data/quanzhou_map.json``,
projected to SVG coordinates.

District areas are each district centre's nearest-centre cell inside the outline (a Voronoi
partition clipped to the city): schematic, with shared borders and no gaps, good enough to see where
enterprises are. A bureau replaces the JSON with its own data for surveyed boundaries.
"""

import json
import math
import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "quanzhou_map.json"
WIDTH = 1000  # SVG user units across; the height follows the city's aspect


Point = tuple[float, float]


@cache
def map_data() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Projection:
    """Equirectangular, scaled by the cosine of the city's middle latitude (metres stay square)."""

    west: float
    north: float
    scale: float  # SVG units per degree of longitude
    cos_lat: float
    width: float
    height: float

    def xy(self, lng: float, lat: float) -> Point:
        return (
            round((lng - self.west) * self.scale, 1),
            round((self.north - lat) * self.scale / self.cos_lat, 1),
        )

    def lnglat(self, x: float, y: float) -> Point:
        return (self.west + x / self.scale, self.north - y * self.cos_lat / self.scale)


@cache
def projection() -> Projection:
    outline = map_data()["outline"]
    west = min(p[0] for p in outline) - 0.03
    east = max(p[0] for p in outline) + 0.03
    south = min(p[1] for p in outline) - 0.03
    north = max(p[1] for p in outline) + 0.03
    cos_lat = math.cos(math.radians((north + south) / 2))
    scale = WIDTH / (east - west)
    height = (north - south) * scale / cos_lat
    return Projection(west, north, scale, cos_lat, WIDTH, round(height, 1))


def _clip(polygon: list[Point], keep) -> list[Point]:
    """Sutherland-Hodgman: the part of the polygon where ``keep(point) >= 0`` (a half-plane)."""
    out: list[Point] = []
    for i, current in enumerate(polygon):
        previous = polygon[i - 1]
        a, b = keep(previous), keep(current)
        if b >= 0:
            if a < 0:
                t = a / (a - b)
                out.append(
                    (
                        previous[0] + t * (current[0] - previous[0]),
                        previous[1] + t * (current[1] - previous[1]),
                    )
                )
            out.append(current)
        elif a >= 0:
            t = a / (a - b)
            out.append(
                (
                    previous[0] + t * (current[0] - previous[0]),
                    previous[1] + t * (current[1] - previous[1]),
                )
            )
    return out


@cache
def district_cells() -> dict[str, list[Point]]:
    """Each district's area in SVG coordinates: the outline's points nearer its centre than any other."""
    p = projection()
    outline = [p.xy(*q) for q in map_data()["outline"]]
    centres = {code: p.xy(*q) for code, q in map_data()["districts"].items()}
    cells = {}
    for code, (cx, cy) in centres.items():
        cell = outline
        for other, (ox, oy) in centres.items():
            if other == code:
                continue
            # Keep the side of the bisector nearer this centre: |q-c|^2 <= |q-o|^2.
            mx, my = (cx + ox) / 2, (cy + oy) / 2
            dx, dy = cx - ox, cy - oy
            cell = _clip(
                cell, lambda q, mx=mx, my=my, dx=dx, dy=dy: (q[0] - mx) * dx + (q[1] - my) * dy
            )
            if not cell:
                break
        cells[code] = [(round(x, 1), round(y, 1)) for x, y in cell]
    return cells


def contains(polygon: list[Point], point: Point) -> bool:
    """Ray casting: is the point inside the polygon."""
    x, y = point
    inside = False
    for i, (x1, y1) in enumerate(polygon):
        x2, y2 = polygon[i - 1]
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def path(points: list[Point]) -> str:
    return "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z" if points else ""


def built_up_areas() -> list[dict]:
    p = projection()
    return [
        {**area, "points": [p.xy(*q) for q in area["polygon"]]} for area in map_data()["built_up"]
    ]


def park_point(code: str) -> Point | None:
    where = map_data()["parks"].get(code)
    return projection().xy(*where) if where else None


def district_centre(code: str) -> Point | None:
    where = map_data()["districts"].get(code)
    return projection().xy(*where) if where else None


def point_in_district(code: str, rng: random.Random, *, built_up: bool = False) -> Point | None:
    """A random position (longitude, latitude) inside a district's area, or inside one of its
    built-up areas: the demo places its enterprises with it."""
    cell = district_cells().get(code)
    if not cell:
        return None
    p = projection()
    areas = [a["points"] for a in built_up_areas() if contains(cell, _centre(a["points"]))]
    region = rng.choice(areas) if built_up and areas else cell
    xs, ys = [q[0] for q in region], [q[1] for q in region]
    for _ in range(200):
        candidate = (rng.uniform(min(xs), max(xs)), rng.uniform(min(ys), max(ys)))
        if contains(region, candidate) and (region is cell or contains(cell, candidate)):
            return p.lnglat(*candidate)
    return p.lnglat(*_centre(region))


def _centre(points: list[Point]) -> Point:
    return (sum(q[0] for q in points) / len(points), sum(q[1] for q in points) / len(points))
