"""The logging benchmark's results as a reader sees them: rows, the Markdown, the numbers.

Ratios are against logging.FileHandler in the same run, with the same thread count and
kind of record: ``speed-up`` is its time per record divided by the stack's (above 1 is
faster). The cost above the floor compares what a handler adds to the no-op handler's
time with what logging.FileHandler adds: (t - t_noop) / (t_FileHandler - t_noop).
"""
import io
import math
from typing import Any, Dict, List, NamedTuple, Optional, Sequence, Tuple

from common import (NOISE_EXPLAINED, Times, first_of_groups, number, ratio, skipped_note, speedup_with_error,
                    table_head)
from logging_workloads import (BASELINE, COALESCING_INTERVAL, FLOOR, FORMAT, HIGHLIGHTED, MEMORY_CAPACITY, PICOLOGGING,
                               WITH_FACTORY, WITH_INSTALL, LoggingCase)

# ringwriter.handlers.FileHandler's default buffer_size: write syscalls are also given
# per this much output.
BUFFER_SIZE = io.DEFAULT_BUFFER_SIZE
PER_RECORDS = 100_000


class LoggingRow(NamedTuple):
    """One case's measurements and its ratios."""

    case: LoggingCase
    mean_ns: float
    stdev_ns: float
    speedup: float
    speedup_error: float
    # (t - t_noop) / (t_FileHandler - t_noop), and one standard deviation of it.
    above_floor: float
    above_floor_error: float
    # Per PER_RECORDS records: write, writev and pwrite64 calls, and bytes written.
    writes: Optional[float]
    output_bytes: Optional[float]
    # The same as counted, over the traced run's records.
    traced_writes: Optional[int]
    traced_bytes: Optional[int]

    @property
    def records_per_second(self) -> float:
        """Records per second, from the mean time per record."""
        return 1e9 / self.mean_ns

    @property
    def writes_per_buffer(self) -> Optional[float]:
        """Write syscalls per BUFFER_SIZE bytes of output (None with no output)."""
        if self.writes is None or not self.output_bytes:
            return None
        return self.writes / (self.output_bytes / BUFFER_SIZE)


OURS = (HIGHLIGHTED, WITH_FACTORY, WITH_INSTALL)


def group_of(case: LoggingCase) -> str:
    """The thread count and kind of record: what rows compared with each other share."""
    return f"{'1 thread' if case.threads == 1 else f'{case.threads} threads'}, {case.record.name}"


def _above_floor(time: Tuple[float, float], floor: Tuple[float, float],
                 baseline: Tuple[float, float]) -> Tuple[float, float]:
    added, added_error = time[0] - floor[0], math.hypot(time[1], floor[1])
    reference, reference_error = baseline[0] - floor[0], math.hypot(baseline[1], floor[1])
    ratio = added / reference
    return ratio, math.hypot(added_error / reference, added * reference_error / reference ** 2)


def summarize(selected: Sequence[LoggingCase], times: Times, syscalls: Dict[str, Dict[str, int]],
              traced_records: int) -> List[LoggingRow]:
    """Rows for the cases that have times (seconds per record: mean and standard
    deviation), in case order; ``syscalls`` counted over ``traced_records`` records."""
    measured = [case for case in selected if case.name in times]
    by_group = {(group_of(case), case.stack.name): case.name for case in measured}
    scale = PER_RECORDS / traced_records
    rows = []
    for case in measured:
        time = times[case.name]
        baseline = times.get(by_group.get((group_of(case), BASELINE), ""))
        floor = times.get(by_group.get((group_of(case), FLOOR), ""))
        speedup, speedup_error = speedup_with_error(baseline, time) if baseline else (math.nan, math.nan)
        above, above_error = _above_floor(time, floor, baseline) if baseline and floor else (math.nan, math.nan)
        counted = syscalls.get(case.name)
        traced_writes = sum(counted[name] for name in ("write", "writev", "pwrite64")) if counted else None
        traced_bytes = counted["bytes"] if counted else None
        rows.append(LoggingRow(case, time[0] * 1e9, time[1] * 1e9, speedup, speedup_error, above, above_error,
                               None if traced_writes is None else scale * traced_writes,
                               None if traced_bytes is None else scale * traced_bytes, traced_writes, traced_bytes))
    return rows


def rows_json(rows: Sequence[LoggingRow], syscalls: Dict[str, Dict[str, int]]) -> Dict[str, Dict[str, Any]]:
    """Every case's numbers for logging.json, by case name (``syscalls`` as counted)."""
    return {row.case.name: {"ns_per_record": row.mean_ns, "stdev_ns": row.stdev_ns,
                            "records_per_second": row.records_per_second, "speedup": row.speedup,
                            "speedup_error": row.speedup_error, "above_floor": row.above_floor,
                            "above_floor_error": row.above_floor_error, "syscalls": syscalls.get(row.case.name)}
            for row in rows}


def results_table(rows: Sequence[LoggingRow]) -> str:
    """Every case: records/s, spread, ratios, syscalls and output, one line each."""
    lines = table_head(["threads, record", "logging stack"],
                       ["records/s", "± std dev", "ns/record", "speed-up", "cost above floor",
                        "write syscalls per 100k records", "output per 100k records",
                        f"write syscalls per {BUFFER_SIZE // 1024} KiB of output"])
    for row, first in zip(rows, first_of_groups([group_of(row.case) for row in rows]), strict=True):
        spread = row.records_per_second * row.stdev_ns / row.mean_ns
        speedup = ratio(row.speedup, row.speedup_error)
        if row.case.stack.name in OURS:
            speedup = f"**{speedup}**"
        above_floor = "n/a" if math.isnan(row.above_floor) else f"{row.above_floor:.2f} ±{row.above_floor_error:.2f}"
        output = "n/a" if row.output_bytes is None else f"{row.output_bytes / 1e6:.2f} MB"
        lines.append(f"| {group_of(row.case) if first else ''} | {row.case.stack.name} | "
                     f"{row.records_per_second:,.0f} | {spread:,.0f} | {row.mean_ns:,.0f} | {speedup} | {above_floor} | "
                     f"{number(row.writes)} | {output} | {number(row.writes_per_buffer, 2)} |")
    return "\n".join(lines)


def against_picologging(rows: Sequence[LoggingRow]) -> List[str]:
    """Ringwriter's stacks' records/s over picologging's, where both ran."""
    found = {(group_of(row.case), row.case.stack.name): row for row in rows}
    parts = []
    for (group, stack), row in found.items():
        pico = found.get((group, PICOLOGGING))
        if stack in OURS and pico is not None:
            parts.append(f"{stack}, {group}: {row.records_per_second / pico.records_per_second:.2f}x")
    return [f"Against picologging (records/s over picologging's, same run): {'; '.join(parts)}."] if parts else []


def summary_table(rows: Sequence[LoggingRow]) -> str:
    """One line per stack: records/s and speed-up for each thread count and record, and
    the write syscalls per 100k records of one thread's simple records."""
    groups = list(dict.fromkeys(group_of(row.case) for row in rows))
    stacks = list(dict.fromkeys(row.case.stack.name for row in rows))
    found = {(group_of(row.case), row.case.stack.name): row for row in rows}
    lines = table_head(["logging stack"], [*groups, f"write syscalls per 100k records ({groups[0]})"])
    for stack in stacks:
        cells = []
        for group in groups:
            row = found.get((group, stack))
            cell = ("n/a" if row is None
                    else f"{row.records_per_second / 1000:,.0f}k/s ({ratio(row.speedup, row.speedup_error)})")
            cells.append(f"**{cell}**" if stack in OURS and row is not None else cell)
        first = found.get((groups[0], stack))
        lines.append(f"| {stack} | {' | '.join(cells)} | {number(first.writes if first else None)} |")
    return "\n".join(lines)


EXPLAINED = (
    f"Records go to a regular file in a temporary directory, formatted \"{FORMAT}\" (structlog: the "
    "same fields as JSON: timestamp, level, logger name, event). *simple*: `log.info(\"message text\")`; "
    "*with args*: `log.info(\"user %s did %d things\", name, n)`. Each pyperf worker sets its logger up "
    "once and keeps it: what one timed batch leaves buffered, the next writes. With 4 threads a batch of "
    "records is split evenly over 4 threads started for it; the time runs from before they start to after "
    "the last one ends (starting 4 threads is under 1% of a batch). "
    f"Stacks: {BASELINE} (the reference); a MemoryHandler (capacity {MEMORY_CAPACITY}, flushLevel ERROR) "
    f"around it; {FLOOR}: a logging.Handler whose emit does nothing (record creation, dispatch, filter "
    f"and lock only); {HIGHLIGHTED} with its defaults ({BUFFER_SIZE // 1024} KiB buffer, flush_level "
    "ERROR, flush_interval 1 s), alone, with `logging.setLogRecordFactory(ringwriter.records.make_log_record)` and with "
    "`ringwriter.records.install()` (the compiled logger and the compiled factory); "
    "picologging end-to-end (its own logger and FileHandler, with datefmt "
    "\"%Y-%m-%d %H:%M:%S\" because 0.9.3 writes garbage for the default asctime); structlog's "
    "BytesLogger (a write and a flush per record) on `open(path, \"ab\")` and on "
    f"`ringwriter.open(path, \"ab\", flush_interval={COALESCING_INTERVAL})`, with the same processors "
    "(add_log_level, TimeStamper(fmt=\"iso\"), JSONRenderer to bytes)."
)
RATIOS_EXPLAINED = (
    f"Speed-up: {BASELINE}'s mean time per record over the stack's, same threads and record, same run "
    "(± one standard deviation from both). Cost above floor: (t − t_noop) / (t_FileHandler − t_noop). "
    "Write syscalls (write, writev, pwrite64) and output bytes: counted by strace on a separate, untimed "
    "run of {traced:,} records per case, closing the handler included, scaled to 100k records; "
    f"write syscalls per {BUFFER_SIZE // 1024} KiB of output: the traced run's writes over its output "
    f"in {BUFFER_SIZE // 1024} KiB ({HIGHLIGHTED}'s buffer_size)."
)


def _skipped(skipped: Dict[str, str]) -> List[str]:
    return skipped_note([f"{name}: {reason}" for name, reason in skipped.items()])


def results_page(header: Sequence[str], rows: Sequence[LoggingRow], skipped: Dict[str, str], traced_records: int,
                 chart_file: str) -> str:
    """The logging benchmark's whole page."""
    return "\n".join([
        "# ringwriter logging benchmark results", "", *header, "",
        "## Records per second and system calls", "",
        f"![speed-up of each logging stack over {BASELINE}]({chart_file})", "",
        EXPLAINED, "", RATIOS_EXPLAINED.format(traced=traced_records), "", NOISE_EXPLAINED, "",
        results_table(rows), "", *against_picologging(rows), "", *_skipped(skipped),
    ])


def readme_section(header: Sequence[str], rows: Sequence[LoggingRow], skipped: Dict[str, str], traced_records: int,
                   results_dir: str, chart_file: str) -> str:
    """What goes between the README's logging markers: paths relative to the repository."""
    return "\n".join([
        *header, "",
        f"![speed-up of each logging stack over {BASELINE}]({results_dir}/{chart_file})", "",
        summary_table(rows), "", *against_picologging(rows), "", EXPLAINED, "", RATIOS_EXPLAINED.format(traced=traced_records), "",
        NOISE_EXPLAINED, "", *_skipped(skipped),
        f"Every case with its standard deviation, cost above the floor and syscalls: "
        f"[{results_dir}/logging.md]({results_dir}/logging.md); the numbers: `{results_dir}/logging.json`, "
        f"pyperf's raw data: `{results_dir}/logging-pyperf.json`.",
    ])
