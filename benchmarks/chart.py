"""The bar chart of speed-ups over io.BufferedWriter, one panel per target and buffer size."""
from typing import Sequence

import matplotlib

matplotlib.use("Agg")  # no display: the chart only goes to a file

import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)
from matplotlib.ticker import FuncFormatter, NullFormatter  # noqa: E402

from ringwriter._workloads import BASELINE  # noqa: E402
from report import HIGHLIGHTED, Row  # noqa: E402

TICKS = (0.01, 0.03, 0.1, 0.3, 1, 2, 3, 5, 10)


def plot_speedups(rows: Sequence[Row], path: str, title: str) -> None:
    """Write a PNG: for each target and buffer size, every workload's speed-up per writer
    (log scale, 1 = io.BufferedWriter), with one standard deviation as error bars and
    ringwriter's value written out."""
    panels = list(dict.fromkeys((row.case.target, row.case.buffer_size) for row in rows))
    workloads = list(dict.fromkeys(row.case.workload.name for row in rows))
    writers = list(dict.fromkeys(row.case.implementation.name for row in rows
                                 if row.case.implementation.name != BASELINE))
    bar_height = 0.8 / max(1, len(writers))
    figure, axes = plt.subplots(len(panels), 1, figsize=(9, 2.2 + 1.9 * len(panels) * len(workloads) / 6),
                                sharex=True, squeeze=False)
    bars = {}
    for axis, (target, buffer_size) in zip(axes[:, 0], panels):
        for index, writer in enumerate(writers):
            found = {row.case.workload.name: row for row in rows
                     if (row.case.target, row.case.buffer_size, row.case.implementation.name)
                     == (target, buffer_size, writer)}
            positions = [position + index * bar_height for position, workload in enumerate(workloads)
                         if workload in found]
            measured = [found[workload] for workload in workloads if workload in found]
            if not measured:
                continue
            # Bars start at 1 (io.BufferedWriter): right is faster, left is slower.
            bars[writer] = axis.barh(positions, [row.speedup - 1 for row in measured], left=1,
                                     height=bar_height, color=f"C{index}",
                                     xerr=[row.speedup_error for row in measured], error_kw={"elinewidth": 0.8})
            if writer == HIGHLIGHTED:
                for position, row in zip(positions, measured):
                    axis.annotate(f"{row.speedup:.2f}x", (max(row.speedup, 1), position), xytext=(4, 0),
                                  textcoords="offset points", va="center", fontsize=7)
        axis.axvline(1.0, color="black", linewidth=0.8)
        axis.set_xscale("log")
        axis.set_xticks(TICKS)
        axis.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}x"))
        axis.xaxis.set_minor_formatter(NullFormatter())
        axis.set_yticks([position + 0.4 - bar_height / 2 for position in range(len(workloads))])
        axis.set_yticklabels(workloads, fontsize=8)
        axis.invert_yaxis()
        axis.set_title(f"{target}, {buffer_size // 1024} KiB buffer", fontsize=9)
        axis.grid(axis="x", which="both", alpha=0.3)
    axes[-1, 0].set_xlabel(f"speed-up over {BASELINE} (log scale; right of the line is faster)")
    # Handles and labels given explicitly: matplotlib hides labels that start with "_".
    figure.suptitle(title, fontsize=10)
    figure.tight_layout(rect=(0, 0, 1, 0.95))
    if bars:
        figure.legend(list(bars.values()), list(bars), fontsize=8, loc="upper center", ncol=len(bars),
                      bbox_to_anchor=(0.5, 0.975), frameon=False)
    figure.savefig(path, dpi=110)
    plt.close(figure)
