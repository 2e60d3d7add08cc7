"""``python -m ringwriter bench --instructions``: the file workloads in instructions and in
write(2) calls, counts that the machine's load does not move.

Instructions: each counted file workload runs in a child interpreter under ``valgrind
--tool=callgrind``: its ``counted_operations``, again, then 6 times as many. The
difference of the last two runs' counts over the difference of their operations is what
one operation costs in user space: the work every run does once (opening and closing a
text file) cancels out, and the first run, not counted, takes the process's one-off
work (the interpreter specialising the loop, the codec's first lookup, creating the
file). callgrind writes its counts out each time the child calls ``getppid()``, which
it does before each run and after the last (and which neither the interpreter's
start-up nor the workloads call), so the start-up and the exit, which vary by some
300,000 instructions from one process to the next, are left out. The child runs with
``PYTHONHASHSEED=0`` (the same dict layouts every run), ``-B`` (no .pyc written) and only
the environment variables it reads (see ``child_environment``).

System calls: 8 MB of 80-character lines through each opener under ``strace -c -f``
(their write(2) and writev(2) calls), and 1,000 files of the workloads of one file per
operation (every call), each minus a run of no operations, so that only the calls of the
operations count.

The child is this module run as a script: ``python -B -m ringwriter._cli.counts WORKLOAD
OPENER OPERATIONS...`` runs one file workload once per count of operations, in turn, on
a file in a directory of its own.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
from typing import Dict, List, Optional, Sequence

from ringwriter._cli.sinks import ScratchFile
from ringwriter._cli.workloads import FILE_WORKLOADS, OPENERS, FileWorkload, Opener

# The longer callgrind run makes this many times the shorter's operations.
LONGER_RUN = 6
# 8 MB of 80-character lines, as issue 21's target states it.
LINES_WORKLOAD = "open('w'): 80-char ASCII lines"
LINES_FOR_8_MB = 100_000
WRITE_CALLS = ("write", "writev")
FILES_FOR_SYSTEM_CALLS = 1_000

_TOTALS = re.compile(r"^totals: (\d+)$", re.M)
# The variables a child keeps, beside LC_* and PYTHON* (see child_environment).
_KEPT_VARIABLES = frozenset({"PATH", "LANG", "LANGUAGE", "TMPDIR"})
# Where callgrind writes its counts out: the marker the child calls between runs.
_MARKER_FUNCTION = "getppid"


def valgrind_missing() -> Optional[str]:
    """Why instructions cannot be counted here, or None when they can."""
    return None if shutil.which("valgrind") else "valgrind not found: no instruction counts"


def strace_missing() -> Optional[str]:
    """Why system calls cannot be counted here, or None when they can."""
    return None if shutil.which("strace") else "strace not found: no system call counts"


def child_command(workload: FileWorkload, opener: Opener, runs: Sequence[int]) -> List[str]:
    """The interpreter running ``workload`` once per count of operations in ``runs``, as
    a list of arguments."""
    return [sys.executable, "-B", "-m", "ringwriter._cli.counts", workload.name, opener.name,
            *(str(operations) for operations in runs)]


def child_environment() -> Dict[str, str]:
    """The children's environment: of this process's, only what the interpreter and the
    workloads read (where to find programs and modules, the locale, Python's flags, the
    temporary directory), and ``PYTHONHASHSEED=0``. The rest (the working directory, the
    shell's own variables) changes from one shell and directory to the next, and the
    environment's strings shift the allocator's layout: callgrind counted print(line)
    from 2,787 to 2,817 instructions with nothing else changed. For the same reason the
    children run in the root directory, which ``-m`` puts first on their sys.path."""
    environment = {name: value for name, value in os.environ.items()
                   if name in _KEPT_VARIABLES or name.startswith(("LC_", "PYTHON"))}
    environment["PYTHONHASHSEED"] = "0"
    return environment


def _run_child(wrapper: Sequence[str], command: Sequence[str]) -> "subprocess.CompletedProcess[str]":
    return subprocess.run([*wrapper, *command], env=child_environment(), cwd=os.sep, check=True, capture_output=True,
                          text=True)


def dump_total(dump: str) -> int:
    """The instructions of one callgrind dump (its "totals:" line)."""
    totals = _TOTALS.findall(dump)
    if len(totals) != 1:
        raise ValueError(f"expected one 'totals:' line in a callgrind dump, found {len(totals)}")
    return int(totals[0])


def instructions_of_runs(workload: FileWorkload, opener: Opener, runs: Sequence[int]) -> List[int]:
    """What callgrind counts for each run of a child making ``runs[i]`` operations of
    ``workload`` in turn, the child's start-up and exit left out."""
    with tempfile.TemporaryDirectory(prefix="ringwriter-callgrind-") as directory:
        out = os.path.join(directory, "callgrind.out")
        callgrind = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", "--dump-instr=no",
                     "--collect-atstart=yes", f"--dump-before={_MARKER_FUNCTION}"]
        _run_child(callgrind, child_command(workload, opener, runs))
        # Dump 1 is the start-up, up to the first marker; dump i + 2 is run i, up to the
        # marker after it; the last file, without a number, is the exit.
        dumps = sorted((name for name in os.listdir(directory) if name.startswith("callgrind.out.")),
                       key=lambda name: int(name.rsplit(".", 1)[1]))
        if len(dumps) != len(runs) + 1:
            raise RuntimeError(f"callgrind wrote {len(dumps)} dumps for {len(runs)} runs: expected one per "
                               f"{_MARKER_FUNCTION}() call, {len(runs) + 1}")
        totals = []
        for name in dumps[1:]:
            with open(os.path.join(directory, name)) as dump:
                totals.append(dump_total(dump.read()))
        return totals


def instructions_per_operation(workload: FileWorkload, opener: Opener, operations: int) -> float:
    """User-space instructions per operation: the difference of a run of ``operations``
    and one of ``LONGER_RUN`` times as many, divided by the operations between them,
    after a first run of ``operations`` that takes the process's one-off work."""
    _, shorter, longer = instructions_of_runs(workload, opener, [operations, operations, operations * LONGER_RUN])
    return (longer - shorter) / (operations * (LONGER_RUN - 1))


def strace_calls(strace_summary: str) -> Dict[str, int]:
    """The calls of each system call in the table that ``strace -c`` prints."""
    calls = {}
    for line in strace_summary.splitlines():
        fields = line.split()
        # "% time, seconds, usecs/call, calls, [errors,] syscall": calls is the 4th.
        if len(fields) >= 5 and fields[3].isdigit() and fields[-1] != "total":
            calls[fields[-1]] = int(fields[3])
    return calls


def system_calls(workload: FileWorkload, opener: Opener, operations: int,
                 traced: Sequence[str] = ()) -> Dict[str, int]:
    """The system calls (those in ``traced``, or all) of a child running ``operations``
    of ``workload``, every process and thread of it, by name."""
    with tempfile.TemporaryDirectory(prefix="ringwriter-strace-") as directory:
        summary = os.path.join(directory, "summary")
        only = ["-e", "trace=" + ",".join(traced)] if traced else []
        _run_child(["strace", "-c", "-f", *only, "-o", summary], child_command(workload, opener, [operations]))
        with open(summary) as table:
            return strace_calls(table.read())


def system_calls_per_operation(workload: FileWorkload, opener: Opener, operations: int,
                               traced: Sequence[str] = ()) -> Dict[str, float]:
    """The system calls one operation of ``workload`` makes, on average over
    ``operations`` (those of a child making none taken away), by name: the calls that
    change with the operations only."""
    run, none = (system_calls(workload, opener, count, traced) for count in (operations, 0))
    per_operation = {name: (run.get(name, 0) - none.get(name, 0)) / operations for name in {*run, *none}}
    return {name: calls for name, calls in sorted(per_operation.items()) if calls}


def workload_named(name: str) -> FileWorkload:
    """The file workload called ``name``."""
    return next(workload for workload in FILE_WORKLOADS if workload.name == name)


def measure_instructions(scale: float = 1.0) -> List[Dict[str, object]]:
    """Instructions per operation through each opener for every counted file workload
    (``scale`` multiplies the operations of both runs), and the built-in's over
    ringwriter's (above 1: ringwriter runs fewer)."""
    builtin, ringwriter = OPENERS
    rows: List[Dict[str, object]] = []
    for workload in FILE_WORKLOADS:
        if not workload.counted_operations:
            continue
        operations = max(1, round(workload.counted_operations * scale))
        counts = [instructions_per_operation(workload, opener, operations) for opener in OPENERS]
        rows.append({"workload": workload.name, "unit": workload.unit, "operations": operations,
                     builtin.name: counts[0], ringwriter.name: counts[1], "ratio": counts[0] / counts[1]})
    return rows


def measure_write_calls(lines: int = LINES_FOR_8_MB) -> Dict[str, int]:
    """write(2) and writev(2) calls for ``lines`` 80-character lines through each opener,
    minus those of the same child writing no line."""
    workload = workload_named(LINES_WORKLOAD)

    def calls(opener: Opener, count: int) -> int:
        return sum(system_calls(workload, opener, count, WRITE_CALLS).values())

    return {opener.name: calls(opener, lines) - calls(opener, 0) for opener in OPENERS}


def measure_file_system_calls(files: int = FILES_FOR_SYSTEM_CALLS) -> Dict[str, Dict[str, Dict[str, int]]]:
    """Per workload of one file per operation, through each opener: the system calls one
    file costs, by name (averaged over ``files`` files and rounded: a call made for
    one file in 100, such as the allocator's, is left out)."""
    measured: Dict[str, Dict[str, Dict[str, int]]] = {}
    for workload in FILE_WORKLOADS:
        if workload.unit == "file":
            measured[workload.name] = {}
            for opener in OPENERS:
                per_file = system_calls_per_operation(workload, opener, files)
                measured[workload.name][opener.name] = {name: round(calls) for name, calls in per_file.items()
                                                        if round(calls)}
    return measured


def format_instruction_table(rows: List[Dict[str, object]]) -> str:
    """A Markdown table: instructions per operation through each opener, and the ratio."""
    builtin, ringwriter = (opener.name for opener in OPENERS)
    lines = [f"| workload | {builtin} instructions/op | {ringwriter} instructions/op | ratio |",
             "|---|---:|---:|---:|"]
    for row in rows:
        lines.append(f"| {row['workload']} (per {row['unit']}) | {row[builtin]:,.0f} | {row[ringwriter]:,.0f} | "
                     f"{row['ratio']:.2f}x |")
    return "\n".join(lines)


def format_file_system_calls(measured: Dict[str, Dict[str, Dict[str, int]]]) -> str:
    """A line per workload: each opener's system calls per file, in all and by name."""
    lines = []
    for workload, by_opener in measured.items():
        described = "; ".join(f"{opener} {sum(calls.values())} ({', '.join(f'{name} {count}' for name, count in calls.items())})"
                              for opener, calls in by_opener.items())
        lines.append(f"system calls per file, {workload}: {described}")
    return "\n".join(lines)


def format_write_calls(calls: Dict[str, int], lines: int = LINES_FOR_8_MB) -> str:
    """One sentence: each opener's write(2) and writev(2) calls for the lines."""
    counted = ", ".join(f"{name} {count:,}" for name, count in calls.items())
    return f"write(2) + writev(2) calls for {lines:,} 80-char lines ({lines * 80:,} bytes): {counted}"


def _run_between_markers(workload_name: str, opener_name: str, runs: Sequence[int]) -> None:
    opener = next(opener for opener in OPENERS if opener.name == opener_name)
    workload = workload_named(workload_name)
    with ScratchFile() as scratch:
        for operations in runs:
            os.getppid()  # the marker: callgrind writes out what came before
            workload.run(opener.open, scratch.path, operations)
        os.getppid()


if __name__ == "__main__":
    _run_between_markers(sys.argv[1], sys.argv[2], [int(operations) for operations in sys.argv[3:]])
