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

Writes to ``benchmarks/results/`` (or ``--results-dir``): ``logging.md`` (the tables,
machine and settings), ``logging.png`` (the chart), ``logging.json`` (per case: times,
records/s, ratios, syscalls; the targets; the machine) and ``logging-pyperf.json``
(pyperf's raw suite); ``--update-readme`` also rewrites the README's logging results.
pyperf's own options apply; ``--only TEXT`` runs the cases whose name contains TEXT.
Takes about 4 minutes on 2 cores.
"""
import atexit
import json
import os
import time

from logging_report import evaluate_targets, readme_section, results_page, summarize
from ringwriter import __version__
from logging_workloads import BASELINE, LoggingCase, OpenLogger, logging_cases, time_records
from ringwriter._cli.sinks import FileSink
from run import (REPOSITORY, header_lines, kept, machine_info, mean_and_stdev, new_runner, time_in_pyperf,
                 update_readme)
from syscalls import LOGGING_RECORDS, count_logging_syscalls, strace_available

README_BEGIN = "<!-- logging benchmark results: begin"
README_END = "<!-- logging benchmark results: end -->"
CHART_FILE = "logging.png"
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

    if strace_available():
        print(f"syscalls: {LOGGING_RECORDS:,} records of each of the {len(selected)} cases under strace", flush=True)
        syscalls = count_logging_syscalls(selected)
    else:
        print("strace not found: no syscall counts", flush=True)
        syscalls = {}
    elapsed = time.monotonic() - started

    rows = summarize(selected, mean_and_stdev(suite), syscalls, LOGGING_RECORDS)
    evaluated = evaluate_targets(rows)
    machine = machine_info(suite)
    header = header_lines(machine, args, elapsed, script="benchmarks/logging_run.py")
    os.makedirs(args.results_dir, exist_ok=True)
    suite.dump(os.path.join(args.results_dir, "logging-pyperf.json"), replace=True)
    with open(os.path.join(args.results_dir, "logging.json"), "w") as results:
        json.dump({
            "machine": machine, "elapsed_seconds": round(elapsed, 1), "targets": evaluated, "skipped": skipped,
            "syscalls_traced_records": LOGGING_RECORDS,
            "cases": {row.case.name: {"ns_per_record": row.mean_ns, "stdev_ns": row.stdev_ns,
                                      "records_per_second": row.records_per_second, "speedup": row.speedup,
                                      "speedup_error": row.speedup_error, "above_floor": row.above_floor,
                                      "above_floor_error": row.above_floor_error,
                                      "syscalls": syscalls.get(row.case.name)}
                      for row in rows},
        }, results, indent=1)
    # Imported here, not at the top: matplotlib takes about a second to import, which
    # every pyperf worker process would pay for nothing.
    from chart import Bar, plot_ratios
    from logging_report import group_of

    bars = [Bar(group_of(row.case).split(", ")[0], row.case.stack.name, row.case.record.name, row.speedup,
                row.speedup_error) for row in rows if row.case.stack.name != BASELINE]
    plot_ratios(bars, os.path.join(args.results_dir, CHART_FILE),
                f"ringwriter {__version__}: records/s over {BASELINE} "
                f"({machine['python']}, {machine['kernel']}, {machine['cpu_model']})",
                BASELINE, annotated=[row.case.record.name for row in rows], ticks=(0.3, 0.5, 1, 2, 3, 5))
    page = results_page(header, rows, evaluated, skipped, LOGGING_RECORDS, CHART_FILE)
    with open(os.path.join(args.results_dir, "logging.md"), "w") as results_page_file:
        results_page_file.write(page)
    print(page)
    if args.update_readme:
        update_readme(readme_section(header, rows, evaluated, skipped, LOGGING_RECORDS,
                                     os.path.relpath(args.results_dir, REPOSITORY), CHART_FILE),
                      README_BEGIN, README_END)
    print(f"\nwritten to {args.results_dir} in {elapsed // 60:.0f} min {elapsed % 60:.0f} s")


if __name__ == "__main__":
    main()
