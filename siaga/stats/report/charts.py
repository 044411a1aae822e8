"""Bar charts for the bulletin, drawn with matplotlib's Agg canvas (no pyplot, so no
global figure state shared between requests) as 200 dpi PNGs.

Built for greyscale print: one dark grey with black edges, a title, axis labels, and
each bar's value written beside it."""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

DPI = 200
WIDTH = 6.4  # inches: the A4 text width less a margin
BAR, EDGE = "#555555", "#000000"
MOST_BARS = 12  # a longer list is cut to its biggest; the table beside has them all
LONGEST_LABEL = 38


@dataclass(frozen=True)
class Chart:
    png: bytes
    width: float  # inches
    height: float


def shortened(label: str) -> str:
    if len(label) <= LONGEST_LABEL:
        return label
    return label[: LONGEST_LABEL - 1].rstrip() + "…"


def drawn(figure: Figure) -> Chart:
    FigureCanvasAgg(figure)
    figure.tight_layout()
    out = BytesIO()
    figure.savefig(out, format="png", dpi=DPI)
    width, height = figure.get_size_inches()
    return Chart(out.getvalue(), float(width), float(height))


def titled(axes: Axes, title: str, value_label: str, horizontal: bool) -> None:
    axes.set_title(title, fontsize=10, fontweight="bold", loc="left")
    if horizontal:
        axes.set_xlabel(value_label, fontsize=8)
    else:
        axes.set_ylabel(value_label, fontsize=8)
    axes.tick_params(labelsize=8)
    axes.spines[["top", "right"]].set_visible(False)


def nothing_to_show(axes: Axes, note: str) -> None:
    axes.set_axis_off()
    axes.text(0.5, 0.5, note, ha="center", va="center", fontsize=9)


def ranked_bars(
    title: str, found: list[tuple[str, int]], value_label: str, empty: str
) -> Chart:
    """Horizontal bars, the biggest on top, each labelled with its count."""
    shown = found[:MOST_BARS]
    figure = Figure(figsize=(WIDTH, 0.9 + 0.3 * max(len(shown), 2)))
    axes = figure.add_subplot()
    titled(axes, title, value_label, horizontal=True)
    if not any(n for _, n in shown):
        nothing_to_show(axes, empty)
        return drawn(figure)
    labels = [shortened(label) for label, _ in reversed(shown)]
    values = [n for _, n in reversed(shown)]
    bars = axes.barh(labels, values, color=BAR, edgecolor=EDGE, linewidth=0.6)
    axes.bar_label(bars, fmt="%d", padding=3, fontsize=8)
    axes.set_xlim(0, max(values) * 1.15)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    return drawn(figure)


def hour_bars(title: str, per_hour: list[int], value_label: str, hour: str) -> Chart:
    """24 upright bars, 00 to 23 (WIB), a count above each that is not zero."""
    figure = Figure(figsize=(WIDTH, 2.6))
    axes = figure.add_subplot()
    titled(axes, title, value_label, horizontal=False)
    labels = [f"{h:02d}" for h in range(24)]
    bars = axes.bar(labels, per_hour, color=BAR, edgecolor=EDGE, linewidth=0.6)
    axes.bar_label(
        bars, labels=[str(n) if n else "" for n in per_hour], padding=2, fontsize=7
    )
    axes.set_xlabel(hour, fontsize=8)
    axes.set_ylim(0, max(max(per_hour, default=0), 1) * 1.2)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    return drawn(figure)
