"""What the two benchmark runners (run.py, logging_run.py) and their reports (report.py,
logging_report.py) share: the paths, the pyperf runner and its options, the machine and
settings a run is made on, the README's results sections, and the ratios' arithmetic.

Results are per CPython minor version: the default results directory is
``benchmarks/results/cpython-3.X/`` and ``--update-readme`` writes the README section
whose markers name the running version, e.g. ``<!-- benchmark results (CPython 3.11):
begin ... -->``; where the README has none yet for this version, it adds one after the
last section of the same kind.
"""
import argparse
import atexit
import json
import math
import os
import platform
import re
import shlex
import subprocess
import sys
import time
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import pyperf

from ringwriter import __version__

REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README = os.path.join(REPOSITORY, "README.md")
# "CPython 3.11" in the README's markers, "cpython-3.11" as the results directory, and
# "python3.11" in the command shown: results are comparable within one minor version.
PYTHON = f"{platform.python_implementation()} {sys.version_info.major}.{sys.version_info.minor}"
PYTHON_COMMAND = f"python{sys.version_info.major}.{sys.version_info.minor}"
RESULTS_DIR = os.path.join(REPOSITORY, "benchmarks", "results", PYTHON.lower().replace(" ", "-"))

Times = Dict[str, Tuple[float, float]]

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


def new_runner(processes: int, values: int, example: str) -> pyperf.Runner:
    """A pyperf runner with the options every benchmark here takes: --only (``example``
    is a name part to show in its help), --results-dir and --update-readme."""
    runner = pyperf.Runner(processes=processes, values=values, add_cmdline_args=forward_options,
                           metadata={"ringwriter_version": __version__,
                                     "ringwriter_revision": source_revision()})
    runner.argparser.add_argument("--only", default="", metavar="TEXT",
                                  help=f"run only the cases whose name contains TEXT, e.g. '{example}'")
    runner.argparser.add_argument("--results-dir", default=RESULTS_DIR, metavar="DIR",
                                  help="where to write the results (default: benchmarks/results/"
                                       f"{os.path.basename(RESULTS_DIR)}, one directory per Python)")
    runner.argparser.add_argument("--update-readme", action="store_true",
                                  help=f"also put the results in README.md, in the section for {PYTHON} "
                                       "(added after the last one of its kind if there is none yet)")
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


def mean_and_stdev(suite: pyperf.BenchmarkSuite) -> Times:
    """Each benchmark's mean and standard deviation (0 for a single value), by name."""
    return {benchmark.get_name(): (benchmark.mean(), benchmark.stdev() if benchmark.get_nvalue() > 1 else 0.0)
            for benchmark in suite}


def speedup_with_error(baseline: Tuple[float, float], measured: Tuple[float, float]) -> Tuple[float, float]:
    """The baseline's mean time over the measured one (above 1 is faster), and one
    standard deviation of that ratio from both means' standard deviations (each a
    (mean, standard deviation) pair). The baseline over itself is exactly 1."""
    if baseline == measured:
        return 1.0, 0.0
    (baseline_mean, baseline_stdev), (mean, stdev) = baseline, measured
    speedup = baseline_mean / mean
    return speedup, speedup * math.hypot(stdev / mean, baseline_stdev / baseline_mean)


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


def header_lines(machine: Dict[str, Any], args: argparse.Namespace, elapsed: float, script: str) -> List[str]:
    """The results' first lines: the command (with this Python's version), when, how
    long, the machine and settings."""
    command = shlex.join([PYTHON_COMMAND, script, *sys.argv[1:]])
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


def chart_title(what: str, machine: Dict[str, Any]) -> str:
    """A chart's title: ringwriter's version, ``what`` it shows, and where it was measured."""
    return f"ringwriter {__version__}: {what} ({machine['python']}, {machine['kernel']}, {machine['cpu_model']})"


NOISE_EXPLAINED = (
    "± is one standard deviation: for a time, of the values pyperf measured; for a ratio, both "
    "means' standard deviations combined (their relative errors added in quadrature). A ratio "
    "whose ± reaches across 1 cannot be told apart from the reference in this run; the load "
    "average above says how busy the machine was."
)


def number(value: Optional[float], digits: int = 0) -> str:
    """A table cell: ``value`` with thousands separators, or "n/a" (None or NaN)."""
    return "n/a" if value is None or math.isnan(value) else f"{value:,.{digits}f}"


def ratio(value: float, error: Optional[float] = None) -> str:
    """A ratio cell: "1.23x", "1.23x ±0.10" with its error, "n/a" when not measured."""
    if math.isnan(value):
        return "n/a"
    return f"{value:.2f}x" if error is None else f"{value:.2f}x ±{error:.2f}"


def table_head(text_columns: Sequence[str], number_columns: Sequence[str]) -> List[str]:
    """A Markdown table's first two lines: the text columns left-aligned, then the
    number columns right-aligned."""
    columns = [*text_columns, *number_columns]
    return ["| " + " | ".join(columns) + " |", "|" + "---|" * len(text_columns) + "---:|" * len(number_columns)]


def first_of_groups(groups: Sequence[Any]) -> List[bool]:
    """For each row's group, in order: whether it is the first row of its run (tables
    show a group's columns only on its first row)."""
    return [index == 0 or group != groups[index - 1] for index, group in enumerate(groups)]


def skipped_note(reasons: Sequence[str]) -> List[str]:
    """A paragraph naming what was not measured and why (nothing when all was)."""
    return ["Not measured: " + "; ".join(reasons) + ".", ""] if reasons else []


def write_results(results_dir: str, suite: pyperf.BenchmarkSuite, files: Dict[str, Any]) -> None:
    """pyperf's suite to ``files["pyperf"]``, the numbers (a dict) to ``files["json"]``
    and the Markdown page to ``files["page"]``: each a (file name, content) pair."""
    os.makedirs(results_dir, exist_ok=True)
    suite.dump(os.path.join(results_dir, files["pyperf"]), replace=True)
    json_file, numbers = files["json"]
    with open(os.path.join(results_dir, json_file), "w") as results:
        json.dump(numbers, results, indent=1)
    page_file, page = files["page"]
    with open(os.path.join(results_dir, page_file), "w") as page_out:
        page_out.write(page)


def relative_results_dir(results_dir: str) -> str:
    """The results directory as the README links it: relative to the repository."""
    return os.path.relpath(results_dir, REPOSITORY)


def _begin_marker(kind: str) -> str:
    return f"<!-- {kind} ({PYTHON}): begin"


def _end_marker(kind: str) -> str:
    return f"<!-- {kind} ({PYTHON}): end -->"


def update_readme(kind: str, script: str, section: str) -> None:
    """Put ``section`` in the README between the markers of ``kind`` ("benchmark
    results", "logging benchmark results") for the running Python; where there are none
    yet, add them, with the section, right after the last section of ``kind`` (for any
    Python). ``script`` is the runner, named in the begin marker."""
    with open(README) as readme:
        text = readme.read()
    begin, end = _begin_marker(kind), _end_marker(kind)
    # Named in the text too: the sections of several Pythons stand one after another.
    section = f"**{PYTHON}**\n\n{section}"
    if begin in text:
        start = text.index("\n", text.index(begin)) + 1
        stop = text.index(end, start)
        text = text[:start] + section + "\n" + text[stop:]
    else:
        ends = list(re.finditer(rf"<!-- {re.escape(kind)} \([^)]*\): end -->", text))
        if not ends:
            raise SystemExit(f"README.md has no '<!-- {kind} (...): end -->' marker to add the {PYTHON} "
                             "section after")
        after = ends[-1].end()
        written_by = f"(written by `{PYTHON_COMMAND} {script} --update-readme`; edits here are overwritten) -->"
        text = text[:after] + f"\n\n{begin} {written_by}\n{section}\n{end}" + text[after:]
    with open(README, "w") as readme:
        readme.write(text)


def finished(results_dir: str, elapsed: float) -> None:
    """The runner's last line: where the results went and how long the run took."""
    print(f"\nwritten to {results_dir} in {elapsed // 60:.0f} min {elapsed % 60:.0f} s")
