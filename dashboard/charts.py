"""Small server-rendered SVG charts; every bar is a link to the list behind it."""

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#0f5d4a", "#3b82f6", "#f59e0b", "#8b5cf6", "#ef4444", "#10b981", "#6b7280")


def _short(label: str, limit: int = 5) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _value(value: float) -> str:
    return f"{value:.0f}" if abs(value) >= 10 or value == int(value) else f"{value:.1f}"


def _n(*numbers: float) -> list[str]:
    """Coordinates as text: format_html escapes its arguments, so numbers are formatted first."""
    return [f"{n:.1f}" for n in numbers]


@dataclass
class Bar:
    label: str
    values: tuple[float, ...]  # one per series
    href: str = ""


def bar_chart(
    bars: list[Bar], *, series: tuple[str, ...] = ("",), width: int = 560, height: int = 220
) -> SafeString:
    """Grouped vertical bars with value labels and a legend when there is more than one series."""
    top, bottom, left = 24, 44, 8
    plot_h = height - top - bottom
    peak = max((v for b in bars for v in b.values), default=0) or 1
    slot = (width - left * 2) / max(len(bars), 1)
    bar_w = max(4.0, min(40.0, slot * 0.8 / len(series)))
    parts = []
    for i, bar in enumerate(bars):
        x0 = left + i * slot + (slot - bar_w * len(series)) / 2
        rects = []
        for j, value in enumerate(bar.values):
            h = plot_h * value / peak
            x, y = x0 + j * bar_w, top + plot_h - h
            title = f"{bar.label} {series[j]} {value:g}".strip()
            rects.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}</title></rect>'
                    '<text x="{}" y="{}" class="v">{}</text>',
                    *_n(x, y, bar_w - 1, h),
                    PALETTE[j % len(PALETTE)],
                    title,
                    *_n(x + bar_w / 2, y - 3),
                    _value(value),
                )
            )
        label = format_html(
            '<text x="{}" y="{}" class="l">{}</text>',
            *_n(x0 + bar_w * len(series) / 2, height - bottom + 14),
            _short(bar.label),
        )
        group = mark_safe("".join(rects)) + label
        parts.append(format_html('<a href="{}">{}</a>', bar.href, group) if bar.href else group)
    legend = ""
    if len(series) > 1:
        legend = format_html_join(
            "",
            '<rect x="{}" y="{}" width="10" height="10" fill="{}"></rect><text x="{}" y="{}" class="k">{}</text>',
            (
                (
                    left + k * 110,
                    height - 14,
                    PALETTE[k % len(PALETTE)],
                    left + k * 110 + 14,
                    height - 5,
                    name,
                )
                for k, name in enumerate(series)
            ),
        )
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" xmlns="http://www.w3.org/2000/svg">'
        '<line x1="{}" y1="{}" x2="{}" y2="{}" class="axis"></line>{}{}</svg>',
        width,
        height,
        left,
        top + plot_h,
        width - left,
        top + plot_h,
        mark_safe("".join(parts)),
        legend,
    )
