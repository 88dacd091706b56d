"""Small server-rendered SVG charts; every bar is a link to the list behind it."""

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#0f5d4a", "#3b82f6", "#f59e0b", "#8b5cf6", "#ef4444", "#10b981", "#6b7280")


def _text_width(text: str) -> float:
    """Approximate width in px at the label's 11 px size: CJK characters are about twice as wide."""
    return sum(11.0 if ord(c) > 0x2E80 else 6.2 for c in text)


def _lines(label: str, width: float, most: int = 2) -> list[str]:
    """The label broken into at most ``most`` lines that fit ``width``: at spaces for words, between
    any two characters for Chinese; only what still does not fit ends in an ellipsis."""
    words = label.split(" ") if " " in label else list(label)
    joiner = " " if " " in label else ""
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current}{joiner}{word}" if current else word
        if _text_width(candidate) <= width or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    lines.append(current)
    if len(lines) > most:
        last = joiner.join(lines[most - 1 :])
        while last and _text_width(last + "…") > width:
            last = last[:-1]
        lines = [*lines[: most - 1], last.rstrip() + "…"]
    return lines


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
    bars: list[Bar],
    *,
    series: tuple[str, ...] = ("",),
    width: int = 560,
    height: int = 220,
    title: str = "",
) -> SafeString:
    """Grouped vertical bars with value labels and a legend when there is more than one series.

    The chart is a named group of links (not an image, which would hide its links from a screen
    reader); each link is named by its label and values."""
    top, left = 24, 8
    bottom = 58 if len(series) > 1 else 44  # two lines of labels, and the legend below them
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
            tip = f"{bar.label} {series[j]} {value:g}".replace("  ", " ").strip()
            rects.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}</title></rect>'
                    '<text x="{}" y="{}" class="v">{}</text>',
                    *_n(x, y, bar_w - 1, h),
                    PALETTE[j % len(PALETTE)],
                    tip,
                    *_n(x + bar_w / 2, y - 3),
                    _value(value),
                )
            )
        centre = x0 + bar_w * len(series) / 2
        label = format_html(
            '<text x="{}" y="{}" class="l">{}<title>{}</title></text>',
            *_n(centre, height - bottom + 14),
            format_html_join(
                "",
                '<tspan x="{}" dy="{}">{}</tspan>',
                (
                    (f"{centre:.1f}", "0" if k == 0 else "1.15em", line)
                    for k, line in enumerate(_lines(bar.label, slot - 4))
                ),
            ),
            bar.label,
        )
        group = mark_safe("".join(rects)) + label
        # The link's accessible name: what it opens, with its numbers (the bars are only drawn).
        name = "；".join(
            f"{bar.label} {series[j]} {_value(v)}".replace("  ", " ").strip()
            for j, v in enumerate(bar.values)
        )
        parts.append(
            format_html('<a href="{}" aria-label="{}">{}</a>', bar.href, name, group)
            if bar.href
            else group
        )
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
        '<svg class="chart" viewBox="0 0 {} {}" role="group" aria-label="{}" '
        'xmlns="http://www.w3.org/2000/svg">'
        '<line x1="{}" y1="{}" x2="{}" y2="{}" class="axis"></line>{}{}</svg>',
        width,
        height,
        title,
        left,
        top + plot_h,
        width - left,
        top + plot_h,
        mark_safe("".join(parts)),
        legend,
    )
