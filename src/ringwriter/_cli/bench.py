"""``python -m ringwriter bench``: a quick side-by-side of ringwriter and io.BufferedWriter.

The workloads are the full benchmark suite's (``ringwriter._cli.workloads``), written to a
regular file in a temporary directory with the default buffer size, in this process and
with nothing to install. The two writers take turns within every repetition (so a noisy
neighbour hurts both alike) and the best repetition counts. The number that matters is
the ratio, not the nanoseconds. ``benchmarks/run.py`` is the full, pyperf-based run.

``measure_files()`` does the same for the file workloads, the built-in ``open()`` against
``ringwriter.open()``, on a tmpfs where there is one, and gives the median ratio of the
repetitions beside the best one's.
"""
import io
import statistics
from typing import Dict, List

from ringwriter._cli.sinks import FileSink, ScratchFile
from ringwriter._cli.workloads import (BASELINE, BUILTIN_OPEN, IMPLEMENTATIONS, OPENERS, Case, file_cases, cases,
                                       time_file_runs, time_runs)

QUICK_IMPLEMENTATIONS = tuple(
    implementation for implementation in IMPLEMENTATIONS
    if implementation.name in (BASELINE, "ringwriter")
)


def measure(repeat: int = 5, scale: float = 1.0) -> List[Dict[str, object]]:
    """Best-of-``repeat`` ns/op for every workload and both writers, with ratios."""
    rows: List[Dict[str, object]] = []
    quick_cases = list(cases(scale, QUICK_IMPLEMENTATIONS, targets=("file",),
                             buffer_sizes=(io.DEFAULT_BUFFER_SIZE,)))
    with FileSink() as sink:
        for workload_cases in _by_workload(quick_cases):
            best = {case.implementation.name: float("inf") for case in workload_cases}
            for _ in range(repeat):
                for case in workload_cases:
                    ns_per_op = time_runs(case, sink, runs=1) * 1e9 / case.operations
                    best[case.implementation.name] = min(best[case.implementation.name], ns_per_op)
            for case in workload_cases:
                rows.append({
                    "workload": case.workload.name,
                    "unit": case.workload.unit,
                    "implementation": case.implementation.name,
                    "ns_per_op": best[case.implementation.name],
                    "speedup_vs_io": best[BASELINE] / best[case.implementation.name],
                })
    return rows


def _by_workload(quick_cases: List[Case]) -> List[List[Case]]:
    groups: Dict[str, List[Case]] = {}
    for case in quick_cases:
        groups.setdefault(case.workload.name, []).append(case)
    return list(groups.values())


def format_table(rows: List[Dict[str, object]]) -> str:
    """A Markdown table: ns per operation and speed-up over io.BufferedWriter."""
    lines = [
        "| workload | implementation | ns/op | speed-up vs io.BufferedWriter |",
        "|---|---|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['workload']} | {row['implementation']} | "
            f"{row['ns_per_op']:,.0f} | {row['speedup_vs_io']:.2f}x |"
        )
    return "\n".join(lines)


def measure_files(repeat: int = 5, scale: float = 1.0) -> List[Dict[str, object]]:
    """Per file workload: the best ns/op through each opener over ``repeat`` repetitions,
    the openers in turn within each, and the built-in's over ringwriter's (above 1:
    ringwriter is faster), from the best times and as the median of the repetitions'."""
    rows: List[Dict[str, object]] = []
    ringwriter_name = OPENERS[1].name
    with ScratchFile() as scratch:
        all_cases = list(file_cases(scale))
        for builtin_case, ringwriter_case in zip(all_cases[::2], all_cases[1::2], strict=True):
            times: Dict[str, List[float]] = {BUILTIN_OPEN: [], ringwriter_name: []}
            for _ in range(repeat):
                for case in (builtin_case, ringwriter_case):
                    times[case.opener.name].append(time_file_runs(case, scratch.path, runs=1) * 1e9 / case.operations)
            builtin, ringwriter = times[BUILTIN_OPEN], times[ringwriter_name]
            rows.append({
                "workload": builtin_case.workload.name,
                "unit": builtin_case.workload.unit,
                "builtin_ns_per_op": min(builtin),
                "ringwriter_ns_per_op": min(ringwriter),
                "best_ratio": min(builtin) / min(ringwriter),
                "median_ratio": statistics.median(b / r for b, r in zip(builtin, ringwriter, strict=True)),
            })
    return rows


def format_file_table(rows: List[Dict[str, object]]) -> str:
    """A Markdown table: ns per operation through each opener and the built-in's over
    ringwriter's."""
    lines = [
        f"| workload | {BUILTIN_OPEN} ns/op | {OPENERS[1].name} ns/op | ratio, best | ratio, median |",
        "|---|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['workload']} (per {row['unit']}) | {row['builtin_ns_per_op']:,.0f} | "
            f"{row['ringwriter_ns_per_op']:,.0f} | {row['best_ratio']:.2f}x | {row['median_ratio']:.2f}x |"
        )
    return "\n".join(lines)
