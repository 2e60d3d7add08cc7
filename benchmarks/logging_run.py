"""The logging benchmark (issue 6): records per second through logging stacks, one run.

    python -m pip install ".[bench]"
    python benchmarks/logging_run.py [--update-readme]

Every case of ``logging_workloads`` (logging.FileHandler, a MemoryHandler
around it, a no-op handler as the floor, ringwriter.handlers.FileHandler, picologging,
structlog's BytesLogger on a plain file and on ringwriter's coalescing writer; 1 and 4
threads; a simple record and one with arguments), all in one pyperf run (worker
processes, calibrated loops, warm-ups, mean and standard deviation). Then, outside the
timing, the write system calls and output bytes of each case (strace, Linux). A stack
whose module is missing, or which cannot log from several threads, is left out and
the reason printed and reported.

Writes to ``benchmarks/results/cpython-3.X/`` (X: the running Python's minor version)
or ``--results-dir``: ``logging.md`` (the tables, machine and settings), ``logging.png``
(the chart), ``logging.json`` (per case: times and their standard deviation, records/s,
ratios and their errors, syscalls; the machine) and ``logging-pyperf.json`` (pyperf's raw
suite). ``--update-readme`` also rewrites this Python's section of the README's logging
results (added after the others when there is none yet).
pyperf's own options apply; ``--only TEXT`` runs the cases whose name contains TEXT.
Takes about 4 minutes on 2 cores.
"""
import atexit
import os
import time

from common import (chart_title, finished, header_lines, kept, machine_info, mean_and_stdev, new_runner,
                    relative_results_dir, time_in_pyperf, update_readme, write_results)
from logging_report import readme_section, results_page, rows_json, summarize
from logging_workloads import BASELINE, LoggingCase, OpenLogger, logging_cases, time_records
from ringwriter._cli.sinks import FileSink
from syscalls import LOGGING_RECORDS, count_logging_syscalls, if_strace

CHART_FILE = "logging.png"
SCRIPT = "benchmarks/logging_run.py"
# The README's markers: "<!-- logging benchmark results (CPython 3.X): begin" ... "end -->".
README_KIND = "logging benchmark results"
# 26 cases in about 3 minutes of timing on 2 cores, which leaves room for the strace run.
PROCESSES = 6
VALUES = 3


def _open_logger(case: LoggingCase) -> OpenLogger:
    sink = FileSink()
    atexit.register(sink.close)  # after the logger's close (atexit runs last in, first out)
    return case.stack.open(sink.path)


def time_case(loops: int, case: LoggingCase) -> float:
    """pyperf's time function: seconds for ``loops`` runs of ``case``. The worker's logger
    is set up on the first call and kept for the calibration, warm-ups and values."""
    return time_records(case, kept(case.name, lambda: _open_logger(case)), loops)


def main() -> None:
    """Time every available case with pyperf, count the syscalls and write the results."""
    runner = new_runner(PROCESSES, VALUES, example="4 threads")
    args = runner.parse_args()
    selected, skipped = [], {}
    for case in logging_cases():
        if args.only in case.name:
            reason = case.unavailable()
            if reason is None:
                selected.append(case)
            else:
                skipped[case.name] = reason
    if not args.worker:
        for name, reason in skipped.items():
            print(f"skipped {name}: {reason}", flush=True)
    started = time.monotonic()
    suite = time_in_pyperf(runner, selected, time_case, lambda case: case.records)
    if suite is None:
        return

    syscalls = if_strace(lambda: count_logging_syscalls(selected),
                         f"syscalls: {LOGGING_RECORDS:,} records of each of the {len(selected)} cases under strace",
                         "no syscall counts") or {}
    elapsed = time.monotonic() - started

    rows = summarize(selected, mean_and_stdev(suite), syscalls, LOGGING_RECORDS)
    machine = machine_info(suite)
    header = header_lines(machine, args, elapsed, SCRIPT)
    page = results_page(header, rows, skipped, LOGGING_RECORDS, CHART_FILE)
    write_results(args.results_dir, suite, {
        "pyperf": "logging-pyperf.json",
        "json": ("logging.json", {
            "machine": machine, "elapsed_seconds": round(elapsed, 1), "skipped": skipped,
            "syscalls_traced_records": LOGGING_RECORDS, "cases": rows_json(rows, syscalls),
        }),
        "page": ("logging.md", page),
    })
    # Imported here, not at the top: matplotlib takes about a second to import, which
    # every pyperf worker process would pay for nothing.
    from chart import Bar, plot_ratios
    from logging_report import group_of

    bars = [Bar(group_of(row.case).split(", ")[0], row.case.stack.name, row.case.record.name, row.speedup,
                row.speedup_error) for row in rows if row.case.stack.name != BASELINE]
    plot_ratios(bars, os.path.join(args.results_dir, CHART_FILE), chart_title(f"records/s over {BASELINE}", machine),
                BASELINE, annotated=[row.case.record.name for row in rows], ticks=(0.3, 0.5, 1, 2, 3, 5))
    print(page)
    if args.update_readme:
        update_readme(README_KIND, SCRIPT, readme_section(header, rows, skipped, LOGGING_RECORDS,
                                                          relative_results_dir(args.results_dir), CHART_FILE))
    finished(args.results_dir, elapsed)


if __name__ == "__main__":
    main()
