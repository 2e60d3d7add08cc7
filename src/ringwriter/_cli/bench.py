"""``python -m ringwriter bench``: a quick side-by-side of ringwriter and io.BufferedWriter.

The workloads are the full benchmark suite's (``ringwriter._cli.workloads``), written to a
regular file in a temporary directory with the default buffer size, in this process and
with nothing to install. The two writers take turns within every repetition (so a noisy
neighbour hurts both alike) and the best repetition counts. The number that matters is
the ratio, not the nanoseconds. ``benchmarks/run.py`` is the full, pyperf-based run.
"""
import io
from typing import Dict, List

from ringwriter._cli.sinks import FileSink
from ringwriter._cli.workloads import BASELINE, IMPLEMENTATIONS, Case, cases, time_runs

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
