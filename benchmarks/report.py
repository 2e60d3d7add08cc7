"""The results as a reader sees them: one row per case, the probe's and memory facts, the
Markdown page, the README section and the numbers for results.json.

Ratios are always against io.BufferedWriter in the same run, with the same workload,
target and buffer size: ``speed-up`` is its time divided by the writer's (above 1 is
faster), ``syscalls`` the writer's system calls divided by its. The file workloads have
a table of their own: ringwriter.open() against the built-in open(), the same way.
"""
import math
from typing import Any, Dict, List, NamedTuple, Optional, Sequence, Tuple

from common import NOISE_EXPLAINED, first_of_groups, number, ratio, skipped_note, speedup_with_error, table_head
from ringwriter._cli.workloads import BASELINE, BUILTIN_OPEN, OPENERS, Case, FileCase, skipped_combinations

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


class FileRow(NamedTuple):
    """One file workload: each opener's mean and standard deviation (ns per operation), and
    the built-in's time over ringwriter's with its standard deviation."""

    case: FileCase
    builtin: Tuple[float, float]
    ringwriter: Tuple[float, float]
    speedup: float
    speedup_error: float


def summarize_files(selected: Sequence[FileCase], times: Dict[str, Tuple[float, float]]) -> List[FileRow]:
    """A row per file workload whose two openers both have times, in workload order."""
    by_workload: Dict[str, Dict[str, FileCase]] = {}
    for case in selected:
        if case.name in times:
            by_workload.setdefault(case.workload.name, {})[case.opener.name] = case
    rows = []
    for openers in by_workload.values():
        if len(openers) < len(OPENERS):
            continue
        builtin, ringwriter = (times[openers[opener.name].name] for opener in OPENERS)
        speedup, error = speedup_with_error(builtin, ringwriter)
        rows.append(FileRow(openers[BUILTIN_OPEN], _in_ns(builtin), _in_ns(ringwriter), speedup, error))
    return rows


def _in_ns(seconds: Tuple[float, float]) -> Tuple[float, float]:
    mean, stdev = seconds
    return mean * 1e9, stdev * 1e9


def file_rows_json(rows: Sequence[FileRow]) -> Dict[str, Dict[str, Any]]:
    """Every file workload's numbers for results.json, by workload name."""
    return {row.case.workload.name: {"builtin_ns_per_operation": row.builtin[0], "builtin_stdev_ns": row.builtin[1],
                                     "ringwriter_ns_per_operation": row.ringwriter[0],
                                     "ringwriter_stdev_ns": row.ringwriter[1], "speedup": row.speedup,
                                     "speedup_error": row.speedup_error}
            for row in rows}


FILES_EXPLAINED = (
    f"The built-in open() against ringwriter.open(), on a path, opening and closing included, in a "
    f"file on /dev/shm (a tmpfs) where there is one. Speed-up: {BUILTIN_OPEN}'s mean time divided by "
    f"{OPENERS[1].name}'s (above 1: ringwriter is faster), same run."
)


def file_table(rows: Sequence[FileRow]) -> str:
    """The file workloads: each opener's time and ringwriter's speed-up."""
    lines = table_head(["workload (operations per run)"],
                       [f"{opener.name} ns/op" for opener in OPENERS] + [f"{OPENERS[1].name} speed-up"])
    for row in rows:
        workload = f"{row.case.workload.name} ({row.case.operations:,} {row.case.workload.unit}s)"
        cells = [f"{mean:,.1f} ±{stdev:,.1f}" for mean, stdev in (row.builtin, row.ringwriter)]
        lines.append(f"| {workload} | {' | '.join(cells)} | **{ratio(row.speedup, row.speedup_error)}** |")
    return "\n".join(lines)


def _file_part(file_rows: Sequence[FileRow]) -> List[str]:
    return [FILES_EXPLAINED, "", file_table(file_rows), ""] if file_rows else []


def rows_json(rows: Sequence[Row]) -> Dict[str, Dict[str, Any]]:
    """Every case's numbers for results.json, by case name (times in ns per operation)."""
    return {row.case.name: {"ns_per_operation": row.mean_ns, "stdev_ns": row.stdev_ns, "speedup": row.speedup,
                            "speedup_error": row.speedup_error, "syscalls": row.syscalls,
                            "syscall_ratio": row.syscall_ratio}
            for row in rows}


def zero_copy_fact(zero_copy: Optional[Dict[str, Any]]) -> str:
    """What the zero-copy probe saw (syscalls.zero_copy_probe), in a sentence."""
    if zero_copy is None:
        return "Zero copy: not probed (it needs strace and the ringwriter 1 MiB writes file case)."
    return (f"Zero copy (ringwriter, 1 MiB writes into a file, 100 B buffered just before): strace saw "
            f"{zero_copy['payloads']} payloads of {zero_copy['payload_size']:,} B leave in "
            f"{zero_copy['write_syscalls']} write syscalls ({zero_copy.get('write_syscalls_with_a_whole_payload', 'n/a')} "
            f"of them carrying a whole payload), the first a {zero_copy['first_write']}; "
            f"ringwriter's stats counted {zero_copy['bytes_copied']:,} B copied into its buffer.")


def growth_facts(memory: Optional[Dict[str, Dict[str, Any]]]) -> List[str]:
    """What the writes after the first million left behind, per writer measured to 10M."""
    if memory is None:
        return ["Memory growth: not measured (--no-memory)."]
    facts = []
    for name, measured in memory.items():
        first, *rest = measured["traced_writes"]
        if rest:
            facts.append(f"Memory growth, {name}, 32 B writes 1M to 10M: {rest[0]['left_allocated_bytes']:,} B "
                         f"left allocated (tracemalloc); RSS {first['rss_kib']:,} KiB at 1M, "
                         f"{rest[0]['rss_kib']:,} KiB at 10M.")
    return facts


def facts(zero_copy: Optional[Dict[str, Any]], memory: Optional[Dict[str, Dict[str, Any]]]) -> List[str]:
    """The zero-copy probe and the memory growth as a Markdown list."""
    return [f"- {fact}" for fact in (zero_copy_fact(zero_copy), *growth_facts(memory))]


def results_table(rows: Sequence[Row]) -> str:
    """Times, ratios and syscalls: one line per case, its group's columns shown once."""
    lines = table_head(["workload (operations per run)", "target", "buffer", "writer"],
                       ["ns/op", "± std dev", "speed-up", "syscalls", "syscalls vs io"])
    for row, first in zip(rows, first_of_groups([_baseline_key(row.case) for row in rows]), strict=True):
        case = row.case
        workload = f"{case.workload.name} ({case.operations:,} {case.workload.unit}s)"
        first_columns = [workload, case.target, f"{case.buffer_size // 1024} KiB"] if first else ["", "", ""]
        speedup = ratio(row.speedup, row.speedup_error)
        if case.implementation.name == HIGHLIGHTED:
            speedup = f"**{speedup}**"
        syscall_ratio = "n/a" if row.syscall_ratio is None else ratio(row.syscall_ratio)
        lines.append(f"| {' | '.join(first_columns)} | {case.implementation.name} | {row.mean_ns:,.1f} | "
                     f"{row.stdev_ns:,.1f} | {speedup} | {number(row.syscalls)} | {syscall_ratio} |")
    return "\n".join(lines)


def memory_table(memory: Dict[str, Dict[str, Any]]) -> str:
    """Peak RSS, traced allocations over 1M writes, and growth to 10M where measured."""
    lines = table_head(["writer"], ["RSS when writing starts", "peak RSS while writing", "rise",
                                    "left allocated after 1M 32 B writes", "traced peak during them",
                                    "left allocated by writes 1M to 10M", "RSS at 1M / 10M"])
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
    other writer's speed-up (ringwriter's first), each ± one standard deviation, and the
    syscalls of io and ringwriter."""
    others = list(dict.fromkeys(row.case.implementation.name for row in rows
                                if row.case.implementation.name != BASELINE))
    others.sort(key=lambda name: name != HIGHLIGHTED)
    groups: Dict[Tuple[str, str, int], Dict[str, Row]] = {}
    for row in rows:
        groups.setdefault(_baseline_key(row.case), {})[row.case.implementation.name] = row
    lines = table_head(["workload", "target", "buffer"],
                       [f"{BASELINE} ns/op", *(f"{name} speed-up" for name in others),
                        f"syscalls per run: io / {HIGHLIGHTED}"])
    for (workload, target, buffer_size), by_writer in groups.items():
        baseline = by_writer.get(BASELINE)
        speedups = []
        for name in others:
            found = by_writer.get(name)
            cell = "n/a" if found is None else ratio(found.speedup, found.speedup_error)
            speedups.append(f"**{cell}**" if name == HIGHLIGHTED and found is not None else cell)
        highlighted = by_writer.get(HIGHLIGHTED)
        calls = (f"{baseline.syscalls:,} / {highlighted.syscalls:,}"
                 if baseline and highlighted and baseline.syscalls is not None and highlighted.syscalls is not None
                 else "n/a")
        time_cell = f"{baseline.mean_ns:,.1f} ±{baseline.stdev_ns:,.1f}" if baseline else "n/a"
        lines.append(f"| {workload} | {target} | {buffer_size // 1024} KiB | {time_cell} | "
                     f"{' | '.join(speedups)} | {calls} |")
    return "\n".join(lines)


RATIOS_EXPLAINED = (
    "Speed-up: io.BufferedWriter's mean time divided by the writer's (above 1 is faster), "
    "same workload, target and buffer size, same run. Syscalls: write, writev, lseek and "
    "pwrite64 calls in one run (constructing the writer, the operations, the flush), "
    "counted by strace on a separate, untimed run."
)


def results_page(header: Sequence[str], rows: Sequence[Row], file_rows: Sequence[FileRow],
                 zero_copy: Optional[Dict[str, Any]],
                 memory: Optional[Dict[str, Dict[str, Any]]], chart_file: str) -> str:
    """The whole results page: every writer's time, spread and syscalls, the zero-copy
    probe, and memory."""
    parts = ["# ringwriter benchmark results", "", *header, "",
             "## Time per operation and system calls per run", "",
             f"![speed-up of each writer over io.BufferedWriter]({chart_file})", "",
             RATIOS_EXPLAINED, "", NOISE_EXPLAINED, "", results_table(rows), "",
             *skipped_note(skipped_combinations()),
             *(["## open() against ringwriter.open()", "", *_file_part(file_rows)] if file_rows else []),
             "## Zero copy and memory growth", "", *facts(zero_copy, memory), ""]
    if memory is not None:
        parts += ["## Memory", "", memory_table(memory), "",
                  "Peak RSS: one run of every workload into a file, 64 KiB buffer, in a fresh process "
                  "per writer. Allocations: tracemalloc over 32-byte writes into the null device, 8 KiB "
                  "buffer, the writer built before tracing starts.", ""]
    return "\n".join(parts)


def readme_section(header: Sequence[str], rows: Sequence[Row], file_rows: Sequence[FileRow],
                   zero_copy: Optional[Dict[str, Any]],
                   memory: Optional[Dict[str, Dict[str, Any]]], results_dir: str, chart_file: str) -> str:
    """What goes between the README's result markers: paths relative to the repository."""
    return "\n".join([
        *header, "",
        f"![speed-up of each writer over io.BufferedWriter]({results_dir}/{chart_file})", "",
        summary_table(rows), "", RATIOS_EXPLAINED, "", NOISE_EXPLAINED, "",
        *skipped_note(skipped_combinations()), *_file_part(file_rows), *facts(zero_copy, memory), "",
        f"Every writer's ns/op with its standard deviation, the syscalls of each and memory: "
        f"[{results_dir}/results.md]({results_dir}/results.md); the numbers: `{results_dir}/results.json`, "
        f"pyperf's raw data: `{results_dir}/pyperf.json`.",
    ])
