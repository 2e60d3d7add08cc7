"""The bar charts of speed-ups: over io.BufferedWriter, one panel per target and buffer
size (``plot_speedups``), and any ratios over a baseline (``plot_ratios``)."""
from typing import NamedTuple, Sequence

import matplotlib

matplotlib.use("Agg")  # no display: the chart only goes to a file

import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)
from matplotlib.ticker import FuncFormatter, NullFormatter  # noqa: E402

from ringwriter._cli.workloads import BASELINE  # noqa: E402
from report import HIGHLIGHTED, Row  # noqa: E402

TICKS = (0.01, 0.03, 0.1, 0.3, 1, 2, 3, 5, 10)


class Bar(NamedTuple):
    """One bar: in panel ``panel``, on the line ``label``, the series ``series``."""

    panel: str
    label: str
    series: str
    ratio: float
    error: float


def plot_speedups(rows: Sequence[Row], path: str, title: str) -> None:
    """Write a PNG: for each target and buffer size, every workload's speed-up per writer
    (log scale, 1 = io.BufferedWriter), with one standard deviation as error bars and
    ringwriter's value written out."""
    bars = [Bar(f"{row.case.target}, {row.case.buffer_size // 1024} KiB buffer", row.case.workload.name,
                row.case.implementation.name, row.speedup, row.speedup_error)
            for row in rows if row.case.implementation.name != BASELINE]
    plot_ratios(bars, path, title, BASELINE, annotated=(HIGHLIGHTED,))


def plot_ratios(bars: Sequence[Bar], path: str, title: str, baseline: str, annotated: Sequence[str],
                ticks: Sequence[float] = TICKS) -> None:
    """Write a PNG of horizontal bars, one panel per ``panel``, the ratios over
    ``baseline`` on a log scale starting at 1, each series in its colour with one
    standard deviation as error bars, the values of the ``annotated`` series written out."""
    panels = list(dict.fromkeys(bar.panel for bar in bars))
    labels = list(dict.fromkeys(bar.label for bar in bars))
    series = list(dict.fromkeys(bar.series for bar in bars))
    bar_height = 0.8 / max(1, len(series))
    figure, axes = plt.subplots(len(panels), 1, figsize=(9, 2.2 + 1.9 * len(panels) * len(labels) / 6),
                                sharex=True, squeeze=False)
    legend = {}
    for axis, panel in zip(axes[:, 0], panels, strict=True):
        for index, name in enumerate(series):
            found = {bar.label: bar for bar in bars if (bar.panel, bar.series) == (panel, name)}
            positions = [position + index * bar_height for position, label in enumerate(labels) if label in found]
            measured = [found[label] for label in labels if label in found]
            if not measured:
                continue
            # Bars start at 1 (the baseline): right is faster, left is slower.
            legend[name] = axis.barh(positions, [bar.ratio - 1 for bar in measured], left=1,
                                     height=bar_height, color=f"C{index}",
                                     xerr=[bar.error for bar in measured], error_kw={"elinewidth": 0.8})
            if name in annotated:
                for position, bar in zip(positions, measured, strict=True):
                    axis.annotate(f"{bar.ratio:.2f}x", (max(bar.ratio, 1), position), xytext=(4, 0),
                                  textcoords="offset points", va="center", fontsize=7)
        axis.axvline(1.0, color="black", linewidth=0.8)
        axis.set_xscale("log")
        axis.set_xticks(ticks)
        axis.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}x"))
        axis.xaxis.set_minor_formatter(NullFormatter())
        axis.set_yticks([position + 0.4 - bar_height / 2 for position in range(len(labels))])
        axis.set_yticklabels(labels, fontsize=8)
        axis.invert_yaxis()
        axis.set_title(panel, fontsize=9)
        axis.grid(axis="x", which="both", alpha=0.3)
    axes[-1, 0].set_xlabel(f"speed-up over {baseline} (log scale; right of the line is faster)")
    # Handles and labels given explicitly: matplotlib hides labels that start with "_".
    figure.suptitle(title, fontsize=10)
    figure.tight_layout(rect=(0, 0, 1, 0.95))
    if legend:
        figure.legend(list(legend.values()), list(legend), fontsize=8, loc="upper center", ncol=len(legend),
                      bbox_to_anchor=(0.5, 0.975), frameon=False)
    figure.savefig(path, dpi=110)
    plt.close(figure)
