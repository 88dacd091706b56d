"""Server-rendered SVG of hourly values against the limit (no JavaScript; readable on a phone)."""

from datetime import datetime, timedelta

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

HOUR = timedelta(hours=1)


def _f(*numbers: float) -> list[str]:
    return [f"{n:.1f}" for n in numbers]


def hourly_chart(
    values: list[tuple[datetime, float | None, str]],
    *,
    start: datetime,
    end: datetime,
    limit: float | None,
    unit: str,
    title: str,
    width: int = 640,
    height: int = 180,
) -> SafeString:
    """A line per run of consecutive hours (a gap where data is missing or flagged), the limit as a
    dashed red line, exceedances as red dots, day ticks every few days."""
    left, right, top, bottom = 44, 8, 14, 24
    plot_w, plot_h = width - left - right, height - top - bottom
    span = max((end - start) / HOUR, 1)
    peak = max([v for _t, v, _f in values if v is not None] + [limit or 0, 0.001])
    top_value = peak * 1.1

    def x(at: datetime) -> float:
        return left + plot_w * ((at - start) / HOUR) / span

    def y(value: float) -> float:
        return top + plot_h * (1 - value / top_value)

    runs: list[list[str]] = []
    previous = None
    dots = []
    for at, value, flag in values:
        if value is None or flag not in ("N", "S", "T"):
            previous = None
            continue
        if previous is None or at - previous > HOUR:
            runs.append([])
        runs[-1].append("{},{}".format(*_f(x(at), y(value))))
        previous = at
        if limit is not None and value > limit:
            dots.append((x(at), y(value), at, value))
    lines = format_html_join(
        "",
        '<polyline points="{}" fill="none" stroke="#0f5d4a" stroke-width="1.2"/>',
        ((" ".join(run),) for run in runs if run),
    )
    marks = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="2.2" fill="#dc2626"><title>{} {}</title></circle>',
        ((*_f(cx, cy), at.strftime("%m-%d %H:00"), f"{v:g}") for cx, cy, at, v in dots),
    )
    limit_line = SafeString("")
    if limit is not None:
        ly = y(limit)
        limit_line = format_html(
            '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#dc2626" stroke-dasharray="4 3"/>'
            '<text x="{}" y="{}" class="lim">{}</text>',
            *_f(left, width - right, ly, ly),
            *_f(width - right - 2, ly - 3),
            f"{limit:g}",
        )
    ticks = []
    day = (start + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    step = max(int(span / 24 / 6), 1)
    while day < end:
        ticks.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#e5e7eb"/>'
                '<text x="{}" y="{}" class="t">{}</text>',
                *_f(x(day), x(day), top, top + plot_h),
                *_f(x(day), height - 6),
                day.strftime("%m-%d"),
            )
        )
        day += timedelta(days=step)
    axis = format_html(
        '<text x="{}" y="{}" class="a">{}</text><text x="{}" y="{}" class="a">0</text>'
        '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#9ca3af"/>',
        *_f(left - 4, top + 8),
        f"{top_value:.3g}",
        *_f(left - 4, top + plot_h),
        *_f(left, width - right, top + plot_h, top + plot_h),
    )
    return format_html(
        # Styled by govern.css (svg.chart.hourly): a <style> element would be refused by the CSP.
        '<svg class="chart hourly" viewBox="0 0 {} {}" role="img" aria-label="{}">'
        "<title>{}</title>{}{}{}{}{}"
        '<text x="{}" y="10" class="a" style="text-anchor:start">{}</text></svg>',
        width,
        height,
        title,
        title,
        mark_safe("".join(ticks)),
        axis,
        limit_line,
        lines,
        marks,
        left,
        unit,
    )
