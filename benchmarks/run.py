"""The full benchmark suite: ringwriter against the alternatives, reproducible anywhere.

    python -m pip install ".[bench]"
    python benchmarks/run.py

Every workload of ``ringwriter._cli.workloads``, into a regular file and into a pipe that
another process drains, with 8 KiB and 64 KiB buffers, through io.BufferedWriter,
_pyio.BufferedWriter, os.write per call and ringwriter, all in one pyperf run (worker
processes, calibrated loops, warm-ups, mean and standard deviation). Then, outside the
timing: the system calls of one run of each case (strace, Linux), the zero-copy check of
1 MiB writes, and memory (peak RSS, tracemalloc, growth over 10M writes).

Writes to ``benchmarks/results/`` (or ``--results-dir``): ``results.md`` (the tables,
machine and settings), ``speedups.png`` (the chart), ``pyperf.json`` (pyperf's raw
suite: ``python -m pyperf stats/compare_to`` read it) and ``results.json`` (syscalls,
memory, targets, machine); ``--update-readme`` also rewrites the README's results.
pyperf's own options apply (``--fast``, ``--rigorous``, ``-p N``, ...); ``--only TEXT``
runs the cases whose name contains TEXT.
"""
import argparse
import atexit
import json
import os
import platform
import shlex
import subprocess
import sys
import time
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import pyperf

from memory import measure_memory
from report import evaluate_targets, readme_section, results_page, summarize
from ringwriter import __version__
from ringwriter._cli.sinks import Sink, open_sink
from ringwriter._cli.workloads import Case, cases, time_runs
from syscalls import count_syscalls, strace_available, zero_copy_probe

REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS_DIR = os.path.join(REPOSITORY, "benchmarks", "results")
README = os.path.join(REPOSITORY, "README.md")
README_BEGIN = "<!-- benchmark results: begin"
README_END = "<!-- benchmark results: end -->"
CHART_FILE = "speedups.png"
# Chosen so that the full suite (84 cases) takes about 10 minutes on 2 quiet cores:
# 24 values per case, from few enough processes that starting them (an interpreter, a
# pipe reader) does not eat the budget. pyperf calibrates each case's loops, so a slow
# writer (_pyio, os.write per call) runs fewer loops and every case costs about the
# same. pyperf's --rigorous or -p/-n buy steadier numbers with more time.
PROCESSES = 6
VALUES = 4

# A worker measures one case, in one process: what the case writes to (a sink, a
# logger) is made on the first call and kept for the calibration, the warm-ups and the
# values, then closed at exit.
_kept: Dict[str, Any] = {}


def kept(key: str, make: Callable[[], Any]) -> Any:
    """What ``make()`` returned on this worker's first call for ``key`` (something with a
    ``close()``, called at exit)."""
    found = _kept.get(key)
    if found is None:
        found = _kept[key] = make()
        atexit.register(found.close)
    return found


def time_case(loops: int, case: Case) -> float:
    """pyperf's time function: seconds for ``loops`` runs of ``case``."""
    sink: Sink = kept(case.target, lambda: open_sink(case.target))
    return time_runs(case, sink, loops)


def source_revision() -> str:
    """The commit measured, "+modified" when the package's sources differ from it, or
    "unknown" outside a git checkout: results are only comparable for the same build."""
    def git(*arguments: str) -> str:
        return subprocess.run(["git", *arguments], cwd=REPOSITORY, capture_output=True, text=True,
                              check=True).stdout.strip()

    try:
        commit = git("rev-parse", "--short", "HEAD")
        modified = git("status", "--porcelain", "--", "src/ringwriter")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + ("+modified" if modified else "")


def forward_options(command: List[str], args: argparse.Namespace) -> None:
    """pyperf's add_cmdline_args: what a worker process must be told beside pyperf's own."""
    # Workers must see the same --only, or pyperf's task numbers would name other cases.
    command.extend(["--only", args.only])


def machine_info(suite: pyperf.BenchmarkSuite) -> Dict[str, Any]:
    """The machine, versions and load average of a run, for the results."""
    metadata = suite.get_metadata()
    loads = [run.get_metadata()["load_avg_1min"] for benchmark in suite
             for run in benchmark.get_runs() if "load_avg_1min" in run.get_metadata()]
    return {
        "cpu_model": metadata.get("cpu_model_name", platform.processor() or "unknown"),
        "logical_cpus": os.cpu_count(),
        "architecture": platform.machine(),
        "kernel": f"{platform.system()} {platform.release()}",
        "platform": metadata.get("platform", platform.platform()),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "ringwriter": __version__,
        "ringwriter_revision": metadata.get("ringwriter_revision", "unknown"),
        "pyperf": pyperf.__version__,
        "load_avg_1min_during_runs": [min(loads), max(loads)] if loads else None,
    }


def header_lines(machine: Dict[str, Any], args: argparse.Namespace, elapsed: float,
                 script: str = "benchmarks/run.py") -> List[str]:
    """The results' first lines: the command, when, how long, the machine and settings."""
    command = shlex.join(["python", script, *sys.argv[1:]])
    loads = machine["load_avg_1min_during_runs"]
    load = (f"{loads[0]:.2f} to {loads[1]:.2f} over {machine['logical_cpus']} logical CPUs "
            "(near or above the CPU count means other work shared the machine)") if loads else "not recorded"
    return [
        f"Made by `{command}` on {time.strftime('%Y-%m-%d %H:%M %Z')}; the run took "
        f"{elapsed // 60:.0f} min {elapsed % 60:.0f} s.",
        "",
        f"- Machine: {machine['architecture']}, {machine['logical_cpus']} logical CPUs, {machine['cpu_model']}",
        f"- Kernel: {machine['kernel']} ({machine['platform']})",
        f"- Python: {machine['python']}; ringwriter {machine['ringwriter']} "
        f"(source {machine['ringwriter_revision']}); pyperf {machine['pyperf']}",
        f"- pyperf: {args.processes} worker processes x {args.values} values, {args.warmups} warm-up(s) "
        f"each, loops calibrated to at least {args.min_time} s per value; mean ± standard deviation",
        f"- Load average (1 min) while timing: {load}",
    ]


def update_readme(section: str, begin: str = README_BEGIN, end_marker: str = README_END) -> None:
    """Replace what is between the README's result markers with ``section``."""
    with open(README) as readme:
        text = readme.read()
    start = text.index("\n", text.index(begin)) + 1
    end = text.index(end_marker)
    with open(README, "w") as readme:
        readme.write(text[:start] + section + "\n" + text[end:])


def _zero_copy_case(selected: List[Case]) -> Optional[Case]:
    return next((case for case in selected if case.workload.name == "1 MiB writes"
                 and case.implementation.name == "ringwriter" and case.target == "file"), None)


def new_runner(processes: int, values: int, example: str) -> pyperf.Runner:
    """A pyperf runner with the options every benchmark here takes: --only (``example``
    is a name part to show in its help), --results-dir and --update-readme."""
    runner = pyperf.Runner(processes=processes, values=values, add_cmdline_args=forward_options,
                           metadata={"ringwriter_version": __version__,
                                     "ringwriter_revision": source_revision()})
    runner.argparser.add_argument("--only", default="", metavar="TEXT",
                                  help=f"run only the cases whose name contains TEXT, e.g. '{example}'")
    runner.argparser.add_argument("--results-dir", default=RESULTS_DIR, metavar="DIR",
                                  help="where to write the results (default: benchmarks/results)")
    runner.argparser.add_argument("--update-readme", action="store_true",
                                  help="also put the results in README.md, between its result markers")
    return runner


def time_in_pyperf(runner: pyperf.Runner, selected: Sequence[Any], time_func: Callable[..., float],
                   loops_of: Callable[[Any], int]) -> Optional[pyperf.BenchmarkSuite]:
    """Time each selected case (named by its ``name``) with ``time_func(loops, case)``,
    ``loops_of(case)`` operations per loop: the suite in the main process, None in a
    pyperf worker (which has nothing more to do)."""
    benchmarks = [runner.bench_time_func(case.name, time_func, case, inner_loops=loops_of(case))
                  for case in selected]
    if runner.args.worker:
        return None
    return pyperf.BenchmarkSuite([benchmark for benchmark in benchmarks if benchmark is not None])


def mean_and_stdev(suite: pyperf.BenchmarkSuite) -> Dict[str, Tuple[float, float]]:
    """Each benchmark's mean and standard deviation (0 for a single value), by name."""
    return {benchmark.get_name(): (benchmark.mean(), benchmark.stdev() if benchmark.get_nvalue() > 1 else 0.0)
            for benchmark in suite}


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
    header = header_lines(machine, args, elapsed)
    os.makedirs(args.results_dir, exist_ok=True)
    suite.dump(os.path.join(args.results_dir, "pyperf.json"), replace=True)
    with open(os.path.join(args.results_dir, "results.json"), "w") as results:
        json.dump({"machine": machine, "elapsed_seconds": round(elapsed, 1), "targets": evaluated,
                   "syscalls": syscalls, "zero_copy": zero_copy, "memory": memory}, results, indent=1)
    # Imported here, not at the top: matplotlib takes about a second to import, which
    # every pyperf worker process (over 500 in the full run) would pay for nothing.
    from chart import plot_speedups

    plot_speedups(rows, os.path.join(args.results_dir, CHART_FILE),
                  f"ringwriter {__version__}: speed-up over io.BufferedWriter "
                  f"({machine['python']}, {machine['kernel']}, {machine['cpu_model']})")
    page = results_page(header, rows, evaluated, memory, CHART_FILE)
    with open(os.path.join(args.results_dir, "results.md"), "w") as results_page_file:
        results_page_file.write(page)
    print(page)
    if args.update_readme:
        update_readme(readme_section(header, rows, evaluated, os.path.relpath(args.results_dir, REPOSITORY),
                                      CHART_FILE))
    print(f"\nwritten to {args.results_dir} in {elapsed // 60:.0f} min {elapsed % 60:.0f} s")


if __name__ == "__main__":
    main()
