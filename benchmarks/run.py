"""The full benchmark suite: ringwriter against the alternatives, reproducible anywhere.

    python -m pip install ".[bench]"
    python benchmarks/run.py

Every workload of ``ringwriter._cli.workloads``, into a regular file and into a pipe that
another process drains, with 8 KiB and 64 KiB buffers, through io.BufferedWriter,
_pyio.BufferedWriter, os.write per call and ringwriter, all in one pyperf run (worker
processes, calibrated loops, warm-ups, mean and standard deviation). Then, outside the
timing: the system calls of one run of each case (strace, Linux), the zero-copy check of
1 MiB writes, and memory (peak RSS, tracemalloc, growth over 10M writes).

Writes to ``benchmarks/results/cpython-3.X/``, X the running Python's minor version
(or ``--results-dir``): ``results.md`` (the tables,
machine and settings), ``speedups.png`` (the chart), ``pyperf.json`` (pyperf's raw
suite: ``python -m pyperf stats/compare_to`` read it) and ``results.json`` (syscalls,
memory, targets, machine); ``--update-readme`` also rewrites the README's results for this Python
(the section whose markers name it, added after the others if there is none yet).
pyperf's own options apply (``--fast``, ``--rigorous``, ``-p N``, ...); ``--only TEXT``
runs the cases whose name contains TEXT.
"""
import os
import time
from typing import List, Optional

from common import (chart_title, finished, header_lines, kept, machine_info, mean_and_stdev,
                    new_runner, relative_results_dir, time_in_pyperf, update_readme, write_results)
from memory import measure_memory
from report import evaluate_targets, readme_section, results_page, summarize
from ringwriter._cli.sinks import Sink, open_sink
from ringwriter._cli.workloads import Case, cases, time_runs
from syscalls import count_syscalls, strace_available, zero_copy_probe

CHART_FILE = "speedups.png"
SCRIPT = "benchmarks/run.py"
# The README's markers: "<!-- benchmark results (CPython 3.X): begin" ... "end -->".
README_KIND = "benchmark results"
# Chosen so that the full suite (84 cases) takes about 10 minutes on 2 quiet cores:
# 24 values per case, from few enough processes that starting them (an interpreter, a
# pipe reader) does not eat the budget. pyperf calibrates each case's loops, so a slow
# writer (_pyio, os.write per call) runs fewer loops and every case costs about the
# same. pyperf's --rigorous or -p/-n buy steadier numbers with more time.
PROCESSES = 6
VALUES = 4


def time_case(loops: int, case: Case) -> float:
    """pyperf's time function: seconds for ``loops`` runs of ``case``."""
    sink: Sink = kept(case.target, lambda: open_sink(case.target))
    return time_runs(case, sink, loops)


def _zero_copy_case(selected: List[Case]) -> Optional[Case]:
    return next((case for case in selected if case.workload.name == "1 MiB writes"
                 and case.implementation.name == "ringwriter" and case.target == "file"), None)


def main() -> None:
    """Time every selected case with pyperf, then count, measure and write the results."""
    runner = new_runner(PROCESSES, VALUES, example="pipe | 64 KiB")
    runner.argparser.add_argument("--no-memory", action="store_true", help="skip the memory measurements")
    args = runner.parse_args()
    selected = [case for case in cases() if args.only in case.name]
    started = time.monotonic()
    suite = time_in_pyperf(runner, selected, time_case, lambda case: case.operations)
    if suite is None:
        return

    if strace_available():
        print(f"syscalls: one untimed run of each of the {len(selected)} cases under strace", flush=True)
        syscalls = count_syscalls(selected)
        probe_case = _zero_copy_case(selected)
        zero_copy = zero_copy_probe(probe_case) if probe_case else None
    else:
        print("strace not found: no syscall counts, no zero-copy check", flush=True)
        syscalls, zero_copy = {}, None
    memory = None
    if not args.no_memory:
        print("memory: peak RSS, tracemalloc, 10M writes", flush=True)
        memory = measure_memory()
    elapsed = time.monotonic() - started

    rows = summarize(selected, mean_and_stdev(suite), syscalls)
    evaluated = evaluate_targets(rows, zero_copy, memory)
    machine = machine_info(suite)
    header = header_lines(machine, args, elapsed, SCRIPT)
    page = results_page(header, rows, evaluated, memory, CHART_FILE)
    write_results(args.results_dir, suite, {
        "pyperf": "pyperf.json",
        "json": ("results.json", {"machine": machine, "elapsed_seconds": round(elapsed, 1), "targets": evaluated,
                                  "syscalls": syscalls, "zero_copy": zero_copy, "memory": memory}),
        "page": ("results.md", page),
    })
    # Imported here, not at the top: matplotlib takes about a second to import, which
    # every pyperf worker process (over 500 in the full run) would pay for nothing.
    from chart import plot_speedups

    plot_speedups(rows, os.path.join(args.results_dir, CHART_FILE),
                  chart_title("speed-up over io.BufferedWriter", machine))
    print(page)
    if args.update_readme:
        update_readme(README_KIND, SCRIPT,
                      readme_section(header, rows, evaluated, relative_results_dir(args.results_dir), CHART_FILE))
    finished(args.results_dir, elapsed)


if __name__ == "__main__":
    main()
