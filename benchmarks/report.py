"""The results as a reader sees them: one row per case, the targets, the Markdown page.

Ratios are always against io.BufferedWriter in the same run, with the same workload,
target and buffer size: ``speed-up`` is its time divided by the writer's (above 1 is
faster), ``syscalls`` the writer's system calls divided by its.
"""
import math
from typing import Any, Dict, List, NamedTuple, Optional, Sequence, Tuple

from common import speedup_with_error
from ringwriter._cli.workloads import BASELINE, Case, skipped_combinations

HIGHLIGHTED = "ringwriter"


class Row(NamedTuple):
    """One case's measurements and its ratios against the baseline."""

    case: Case
    mean_ns: float
    stdev_ns: float
    speedup: float
    # One standard deviation of the speed-up, from both means' standard deviations.
    speedup_error: float
    syscalls: Optional[int]
    syscall_ratio: Optional[float]


def _baseline_key(case: Case) -> Tuple[str, str, int]:
    return case.workload.name, case.target, case.buffer_size


def summarize(selected: Sequence[Case], times: Dict[str, Tuple[float, float]],
              syscalls: Dict[str, Dict[str, int]]) -> List[Row]:
    """Rows for the cases that have times (``times``: name -> mean and standard
    deviation in seconds per operation), in case order."""
    measured = [case for case in selected if case.name in times]
    baselines = {_baseline_key(case): case.name for case in measured if case.implementation.name == BASELINE}
    rows = []
    for case in measured:
        mean, stdev = times[case.name]
        baseline_name = baselines.get(_baseline_key(case))
        if baseline_name is None:
            speedup = speedup_error = math.nan
        else:
            speedup, speedup_error = speedup_with_error(times[baseline_name], (mean, stdev))
        calls = sum(syscalls[case.name].values()) if case.name in syscalls else None
        baseline_calls = sum(syscalls[baseline_name].values()) if baseline_name in syscalls else None
        syscall_ratio = calls / baseline_calls if calls is not None and baseline_calls else None
        rows.append(Row(case, mean * 1e9, stdev * 1e9, speedup, speedup_error, calls, syscall_ratio))
    return rows


class Target(NamedTuple):
    """A goal for ringwriter on one workload, checked in every target and buffer size."""

    wording: str
    workload: str
    # "speed-up": at least ``bound``; "syscalls": at most ``bound``.
    measure: str
    bound: float


TARGETS = (
    Target("32 B writes: at least 2.0x faster", "32 B writes", "speed-up", 2.0),
    Target("writelines 1000 x 32 B: at least 5x faster", "writelines 1000 x 32 B", "speed-up", 5.0),
    Target("random 1 B-16 KiB: at least 1.3x faster", "random 1 B-16 KiB writes", "speed-up", 1.3),
    Target("random 1 B-16 KiB: at most 0.6x the syscalls", "random 1 B-16 KiB writes", "syscalls", 0.6),
    Target("1 MiB writes: at least 0.98x", "1 MiB writes", "speed-up", 0.98),
    Target("TextIOWrapper lines: no slower", "TextIOWrapper 80-char lines", "speed-up", 1.0),
)


def _verdict(target: Target, row: Row) -> Tuple[str, str]:
    """The cell for one row ("2.31x") and "met", "within noise" or "missed"."""
    if target.measure == "syscalls":
        if row.syscall_ratio is None:
            return "n/a", "not measured"
        return f"{row.syscall_ratio:.2f}x", "met" if row.syscall_ratio <= target.bound else "missed"
    return f"{row.speedup:.2f}x ±{row.speedup_error:.2f}", at_least(row.speedup, row.speedup_error, target.bound)


def at_least(value: float, error: float, bound: float) -> str:
    """"met" when ``value`` reaches ``bound``, "within noise" when it falls short by
    less than its own uncertainty ``error`` (it cannot be told apart from meeting it in
    this run), else "missed"."""
    if value >= bound:
        return "met"
    return "within noise" if value + error >= bound else "missed"


def at_most(value: float, error: float, bound: float) -> str:
    """The same for an upper bound: ``value`` must not exceed ``bound``."""
    return at_least(-value, error, -bound)


def overall_verdict(verdicts: Sequence[str]) -> str:
    for verdict in ("not measured", "missed", "within noise"):
        if verdict in verdicts:
            return verdict
    return "met" if verdicts else "not measured"


def evaluate_targets(rows: Sequence[Row], zero_copy: Optional[Dict[str, Any]],
                     memory: Optional[Dict[str, Dict[str, Any]]]) -> List[Dict[str, Any]]:
    """Every target with its measured values per target and buffer size, and a verdict."""
    evaluated = []
    for target in TARGETS:
        cells, verdicts = {}, []
        for row in rows:
            if row.case.workload.name == target.workload and row.case.implementation.name == HIGHLIGHTED:
                cell, verdict = _verdict(target, row)
                cells[f"{row.case.target}, {row.case.buffer_size // 1024} KiB"] = cell
                verdicts.append(verdict)
        evaluated.append({"target": target.wording, "values": cells, "verdict": overall_verdict(verdicts)})
    evaluated.append(_zero_copy_target(zero_copy))
    evaluated.append(_growth_target(memory))
    return evaluated


def _zero_copy_target(zero_copy: Optional[Dict[str, Any]]) -> Dict[str, Any]:
    wording = "1 MiB writes: zero bytes copied into the buffer"
    if zero_copy is None:
        return {"target": wording, "values": {"check": "not run: it needs strace and the ringwriter 1 MiB file case"},
                "verdict": "not measured"}
    detail = (f"strace: {zero_copy['payloads']} payloads of {zero_copy['payload_size']:,} B left in "
              f"{zero_copy['write_syscalls']} syscalls, the first a {zero_copy['first_write']} (100 B "
              f"buffered just before); bytes copied into the buffer: {zero_copy['bytes_copied']} "
              "(the 100 B line only)")
    return {"target": wording, "values": {"check": detail}, "verdict": "met" if zero_copy["passed"] else "missed"}


# A leak of even one byte per write would leave 9 MB behind over the 9M writes compared;
# resident memory moves by a few pages for reasons of its own.
RSS_GROWTH_ALLOWED_KIB = 1024


def _growth_target(memory: Optional[Dict[str, Dict[str, Any]]]) -> Dict[str, Any]:
    wording = "no memory growth over 10M writes"
    if memory is None:
        return {"target": wording, "values": {"check": "not run (--no-memory)"},
                "verdict": "not measured"}
    first, rest = memory[HIGHLIGHTED]["traced_writes"]
    rss_growth = rest["rss_kib"] - first["rss_kib"]
    detail = (f"writes 1M to 10M left {rest['left_allocated_bytes']} B allocated (tracemalloc); "
              f"RSS {first['rss_kib']:,} KiB at 1M, {rest['rss_kib']:,} KiB at 10M")
    met = rest["left_allocated_bytes"] <= 0 and rss_growth <= RSS_GROWTH_ALLOWED_KIB
    return {"target": wording, "values": {"check": detail}, "verdict": "met" if met else "missed"}


def results_table(rows: Sequence[Row]) -> str:
    """Times, ratios and syscalls: one line per case, its group's columns shown once."""
    lines = [
        "| workload (operations per run) | target | buffer | writer | ns/op | ± std dev | speed-up "
        "| syscalls | syscalls vs io |",
        "|---|---|---|---|---:|---:|---:|---:|---:|",
    ]
    previous = None
    for row in rows:
        case = row.case
        group = _baseline_key(case)
        workload = f"{case.workload.name} ({case.operations:,} {case.workload.unit}s)"
        first_columns = ([workload, case.target, f"{case.buffer_size // 1024} KiB"] if group != previous
                         else ["", "", ""])
        previous = group
        speedup = f"**{row.speedup:.2f}x**" if case.implementation.name == HIGHLIGHTED else f"{row.speedup:.2f}x"
        calls = "n/a" if row.syscalls is None else f"{row.syscalls:,}"
        ratio = "n/a" if row.syscall_ratio is None else f"{row.syscall_ratio:.2f}x"
        lines.append(f"| {' | '.join(first_columns)} | {case.implementation.name} | {row.mean_ns:,.1f} | "
                     f"{row.stdev_ns:,.1f} | {speedup} | {calls} | {ratio} |")
    return "\n".join(lines)


def targets_table(evaluated: Sequence[Dict[str, Any]]) -> str:
    """The ratio targets as a table, each with its value per target and buffer size and
    its verdict; then the checks (zero copy, memory growth) as a list."""
    ratios = [target for target in evaluated if "check" not in target["values"]]
    checks = [target for target in evaluated if "check" in target["values"]]
    columns = list(dict.fromkeys(key for target in ratios for key in target["values"]))
    lines = [f"| target | {' | '.join(columns)} | verdict |", "|---|" + "---:|" * len(columns) + "---|"]
    for target in ratios:
        cells = [target["values"].get(column, "n/a") for column in columns]
        lines.append(f"| {target['target']} | {' | '.join(cells)} | **{target['verdict']}** |")
    lines.append("")
    lines += [f"- {target['target']}: **{target['verdict']}**. {target['values']['check']}." for target in checks]
    return "\n".join(lines)


def memory_table(memory: Dict[str, Dict[str, Any]]) -> str:
    """Peak RSS, traced allocations over 1M writes, and growth to 10M where measured."""
    lines = [
        "| writer | RSS when writing starts | peak RSS while writing | rise | left allocated after 1M 32 B writes "
        "| traced peak during them | left allocated by writes 1M to 10M | RSS at 1M / 10M |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, measured in memory.items():
        peak = measured["peak_rss"]
        first, *rest = measured["traced_writes"]
        growth = f"{rest[0]['left_allocated_bytes']:,} B" if rest else "not measured"
        rss = f"{first['rss_kib']:,} / {rest[0]['rss_kib']:,} KiB" if rest else "not measured"
        lines.append(
            f"| {name} | {peak['rss_before_kib']:,} KiB | {peak['peak_kib']:,} KiB | "
            f"{peak['peak_kib'] - peak['rss_before_kib']:,} KiB | {first['left_allocated_bytes']:,} B | "
            f"{first['peak_above_start_bytes']:,} B | {growth} | {rss} |"
        )
    return "\n".join(lines)


def summary_table(rows: Sequence[Row]) -> str:
    """One line per workload, target and buffer size: io.BufferedWriter's time, every
    other writer's speed-up (ringwriter's first) and the syscalls of io and ringwriter."""
    others = list(dict.fromkeys(row.case.implementation.name for row in rows
                                if row.case.implementation.name != BASELINE))
    others.sort(key=lambda name: name != HIGHLIGHTED)
    groups: Dict[Tuple[str, str, int], Dict[str, Row]] = {}
    for row in rows:
        groups.setdefault(_baseline_key(row.case), {})[row.case.implementation.name] = row
    lines = [f"| workload | target | buffer | {BASELINE} ns/op | "
             + " | ".join(f"{name} speed-up" for name in others)
             + f" | syscalls per run: io / {HIGHLIGHTED} |",
             "|---|---|---|---:|" + "---:|" * len(others) + "---:|"]
    for (workload, target, buffer_size), by_writer in groups.items():
        baseline = by_writer.get(BASELINE)
        speedups = []
        for name in others:
            found = by_writer.get(name)
            cell = "n/a" if found is None else f"{found.speedup:.2f}x"
            speedups.append(f"**{cell}**" if name == HIGHLIGHTED and found is not None else cell)
        highlighted = by_writer.get(HIGHLIGHTED)
        calls = (f"{baseline.syscalls:,} / {highlighted.syscalls:,}"
                 if baseline and highlighted and baseline.syscalls is not None and highlighted.syscalls is not None
                 else "n/a")
        time_cell = f"{baseline.mean_ns:,.1f}" if baseline else "n/a"
        lines.append(f"| {workload} | {target} | {buffer_size // 1024} KiB | {time_cell} | "
                     f"{' | '.join(speedups)} | {calls} |")
    return "\n".join(lines)


RATIOS_EXPLAINED = (
    "Speed-up: io.BufferedWriter's mean time divided by the writer's (above 1 is faster), "
    "same workload, target and buffer size, same run. Syscalls: write, writev, lseek and "
    "pwrite64 calls in one run (constructing the writer, the operations, the flush), "
    "counted by strace on a separate, untimed run."
)
NOISE_EXPLAINED = ("A speed-up is *within noise* when it falls short of its bound by less than its own "
                   "standard deviation (both writers' standard deviations combined).")


def _skipped_note() -> List[str]:
    skipped = skipped_combinations()
    return ["Not measured: " + "; ".join(skipped) + ".", ""] if skipped else []


def results_page(header: Sequence[str], rows: Sequence[Row], evaluated: Sequence[Dict[str, Any]],
                 memory: Optional[Dict[str, Dict[str, Any]]], chart_file: str) -> str:
    """The whole results page: every writer's time, spread and syscalls, and memory."""
    parts = ["# ringwriter benchmark results", "", *header, "",
             "## Targets", "", targets_table(evaluated), "", NOISE_EXPLAINED, "",
             "## Time per operation and system calls per run", "",
             f"![speed-up of each writer over io.BufferedWriter]({chart_file})", "",
             RATIOS_EXPLAINED, "", results_table(rows), "", *_skipped_note()]
    if memory is not None:
        parts += ["## Memory", "", memory_table(memory), "",
                  "Peak RSS: one run of every workload into a file, 64 KiB buffer, in a fresh process "
                  "per writer. Allocations: tracemalloc over 32-byte writes into the null device, 8 KiB "
                  "buffer, the writer built before tracing starts.", ""]
    return "\n".join(parts)


def readme_section(header: Sequence[str], rows: Sequence[Row], evaluated: Sequence[Dict[str, Any]],
                   results_dir: str, chart_file: str) -> str:
    """What goes between the README's result markers: paths relative to the repository."""
    return "\n".join([
        *header, "",
        f"![speed-up of each writer over io.BufferedWriter]({results_dir}/{chart_file})", "",
        summary_table(rows), "", RATIOS_EXPLAINED, "", *_skipped_note(),
        "Targets:", "", targets_table(evaluated), "", NOISE_EXPLAINED, "",
        f"Every writer's ns/op with its standard deviation, the syscalls of each and memory: "
        f"[{results_dir}/results.md]({results_dir}/results.md); pyperf's raw data: "
        f"`{results_dir}/pyperf.json`.",
    ])
