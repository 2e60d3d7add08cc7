"""The full benchmark suite: ringwriter against the alternatives, reproducible anywhere.

    python -m pip install ".[bench]"
    python benchmarks/run.py

Every workload of ``ringwriter._cli.workloads``, into a regular file and into a pipe that
another process drains, with 8 KiB and 64 KiB buffers, through io.BufferedWriter,
_pyio.BufferedWriter, os.write per call and ringwriter, all in one pyperf run (worker
processes, calibrated loops, warm-ups, mean and standard deviation), and in the same run
the file workloads: the built-in ``open()`` against ``ringwriter.open()``, opening and
closing included (open, a 100-byte write and close per file; the text workloads through
``open(path, "w")``), on /dev/shm where there is one. Then, outside the
timing: the system calls of one run of each case (strace, Linux), the zero-copy probe of
1 MiB writes, and memory (peak RSS, tracemalloc, growth over 10M writes).

Writes to ``benchmarks/results/cpython-3.X/`` (X: the running Python's minor version)
or ``--results-dir``: ``results.md`` (the tables, machine and settings),
``speedups.png`` (the chart), ``pyperf.json`` (pyperf's raw suite: ``python -m pyperf
stats/compare_to`` read it) and ``results.json`` (per case: ns/op, standard deviation,
speed-up and its error, syscalls; the syscall counts, the zero-copy probe, memory, the
machine). ``--update-readme`` also rewrites this Python's section of the README's
results (added after the others when there is none yet).
pyperf's own options apply (``--fast``, ``--rigorous``, ``-p N``, ...); ``--only TEXT``
runs the cases whose name contains TEXT.
"""
import os
import time
from typing import Any, Dict, List, Optional, Tuple, Union

from common import (chart_title, finished, header_lines, kept, machine_info, mean_and_stdev,
                    new_runner, relative_results_dir, time_in_pyperf, update_readme, write_results)
from memory import measure_memory
from report import file_rows_json, readme_section, results_page, rows_json, summarize, summarize_files
from ringwriter._cli.sinks import ScratchFile, Sink, open_sink
from ringwriter._cli.workloads import Case, FileCase, cases, file_cases, time_file_runs, time_runs
from syscalls import count_syscalls, if_strace, zero_copy_case, zero_copy_probe

CHART_FILE = "speedups.png"
SCRIPT = "benchmarks/run.py"
# The README's markers: "<!-- benchmark results (CPython 3.X): begin" ... "end -->".
README_KIND = "benchmark results"
# Chosen so that the full suite (186 cases) takes about 30 minutes on 2 quiet cores:
# 24 values per case, from few enough processes that starting them (an interpreter, a
# pipe reader) does not eat the budget. pyperf calibrates each case's loops, so a slow
# writer (_pyio, os.write per call) runs fewer loops and every case costs about the
# same. pyperf's --rigorous or -p/-n buy steadier numbers with more time.
PROCESSES = 6
VALUES = 4


def time_case(loops: int, case: Union[Case, FileCase]) -> float:
    """pyperf's time function: seconds for ``loops`` runs of ``case``."""
    if isinstance(case, FileCase):
        scratch: ScratchFile = kept("open", ScratchFile)
        return time_file_runs(case, scratch.path, loops)
    sink: Sink = kept(case.target, lambda: open_sink(case.target))
    return time_runs(case, sink, loops)


def _count_and_probe(selected: List[Case]) -> Tuple[Dict[str, Dict[str, int]], Optional[Dict[str, Any]]]:
    probe_case = zero_copy_case(selected)
    return count_syscalls(selected), zero_copy_probe(probe_case) if probe_case else None


def main() -> None:
    """Time every selected case with pyperf, then count, measure and write the results."""
    runner = new_runner(PROCESSES, VALUES, example="pipe | 64 KiB")
    runner.argparser.add_argument("--no-memory", action="store_true", help="skip the memory measurements")
    args = runner.parse_args()
    selected = [case for case in cases() if args.only in case.name]
    selected_files = [case for case in file_cases() if args.only in case.name]
    started = time.monotonic()
    suite = time_in_pyperf(runner, [*selected, *selected_files], time_case, lambda case: case.operations)
    if suite is None:
        return

    traced = if_strace(lambda: _count_and_probe(selected),
                       f"syscalls: one untimed run of each of the {len(selected)} cases under strace",
                       "no syscall counts, no zero-copy probe") if selected else None
    syscalls, zero_copy = traced or ({}, None)
    memory = None
    if not args.no_memory:
        print("memory: peak RSS, tracemalloc, 10M writes", flush=True)
        memory = measure_memory()
    elapsed = time.monotonic() - started

    times = mean_and_stdev(suite)
    rows = summarize(selected, times, syscalls)
    file_rows = summarize_files(selected_files, times)
    machine = machine_info(suite)
    header = header_lines(machine, args, elapsed, SCRIPT)
    page = results_page(header, rows, file_rows, zero_copy, memory, CHART_FILE)
    write_results(args.results_dir, suite, {
        "pyperf": "pyperf.json",
        "json": ("results.json", {"machine": machine, "elapsed_seconds": round(elapsed, 1), "cases": rows_json(rows),
                                  "file_cases": file_rows_json(file_rows), "syscalls": syscalls,
                                  "zero_copy": zero_copy, "memory": memory}),
        "page": ("results.md", page),
    })
    # Imported here, not at the top: matplotlib takes about a second to import, which
    # every pyperf worker process (over 500 in the full run) would pay for nothing.
    from chart import plot_speedups

    if rows:  # none when --only selected file workloads alone
        plot_speedups(rows, os.path.join(args.results_dir, CHART_FILE),
                      chart_title("speed-up over io.BufferedWriter", machine))
    print(page)
    if args.update_readme:
        update_readme(README_KIND, SCRIPT,
                      readme_section(header, rows, file_rows, zero_copy, memory, relative_results_dir(args.results_dir),
                                     CHART_FILE))
    finished(args.results_dir, elapsed)


if __name__ == "__main__":
    main()
