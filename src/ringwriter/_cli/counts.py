"""``python -m ringwriter bench --instructions``: the file workloads in instructions and in
write(2) calls, counts that the machine's load does not move.

Instructions: each counted file workload runs in a child interpreter under ``valgrind
--tool=callgrind``, once with its ``counted_operations`` and once with 6 times as many;
the difference of the two totals over the difference of the operations is what one
operation costs in user space, the interpreter's start-up, the imports and the one-off
work cancelling out. The child runs with ``PYTHONHASHSEED=0`` (the same dict layouts
every run) and ``-B`` (no .pyc written by one run and not the other).

write(2) calls: 8 MB of 80-character lines through each opener under ``strace -c -f``,
minus a run of no lines, so that only the lines' calls count.

The child is this module run as a script: ``python -B -m ringwriter._cli.counts WORKLOAD
OPENER OPERATIONS`` runs one file workload once, on a file in a directory of its own.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
from typing import Dict, List, Optional, Sequence

from ringwriter._cli.sinks import scratch_directory
from ringwriter._cli.workloads import FILE_WORKLOADS, OPENERS, FileWorkload, Opener

# The longer callgrind run makes this many times the shorter's operations.
LONGER_RUN = 6
# 8 MB of 80-character lines, as issue 21's target states it.
LINES_WORKLOAD = "open('w'): 80-char ASCII lines"
LINES_FOR_8_MB = 100_000
WRITE_CALLS = ("write", "writev")

_COLLECTED = re.compile(r"^==\d+== Collected : (\d+)$", re.M)


def valgrind_missing() -> Optional[str]:
    """Why instructions cannot be counted here, or None when they can."""
    return None if shutil.which("valgrind") else "valgrind not found: no instruction counts"


def strace_missing() -> Optional[str]:
    """Why write(2) calls cannot be counted here, or None when they can."""
    return None if shutil.which("strace") else "strace not found: no write(2) counts"


def child_command(workload: FileWorkload, opener: Opener, operations: int) -> List[str]:
    """The interpreter running one workload once, as a list of arguments."""
    return [sys.executable, "-B", "-m", "ringwriter._cli.counts", workload.name, opener.name, str(operations)]


def _run_child(wrapper: Sequence[str], command: Sequence[str]) -> "subprocess.CompletedProcess[str]":
    environment = {**os.environ, "PYTHONHASHSEED": "0"}
    return subprocess.run([*wrapper, *command], env=environment, check=True, capture_output=True, text=True)


def collected_instructions(callgrind_stderr: str) -> int:
    """The total callgrind reports ("==PID== Collected : N") of the traced process; the
    last one, should the child have started others."""
    totals = _COLLECTED.findall(callgrind_stderr)
    if not totals:
        raise ValueError(f"no 'Collected' total in callgrind's output:\n{callgrind_stderr}")
    return int(totals[-1])


def instructions(workload: FileWorkload, opener: Opener, operations: int) -> int:
    """What callgrind counts for one child running ``operations`` of ``workload``."""
    callgrind = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", "--dump-instr=no",
                 "--collect-atstart=yes"]
    return collected_instructions(_run_child(callgrind, child_command(workload, opener, operations)).stderr)


def instructions_per_operation(workload: FileWorkload, opener: Opener, operations: int) -> float:
    """User-space instructions per operation: the difference of a run of ``operations``
    and one of ``LONGER_RUN`` times as many, divided by the operations between them."""
    shorter = instructions(workload, opener, operations)
    longer = instructions(workload, opener, operations * LONGER_RUN)
    return (longer - shorter) / (operations * (LONGER_RUN - 1))


def strace_write_calls(strace_summary: str) -> int:
    """The write(2) and writev(2) calls in the table that ``strace -c`` prints."""
    calls = 0
    for line in strace_summary.splitlines():
        fields = line.split()
        # "% time, seconds, usecs/call, calls, [errors,] syscall": calls is the 4th.
        if len(fields) >= 5 and fields[-1] in WRITE_CALLS and fields[3].isdigit():
            calls += int(fields[3])
    return calls


def write_calls(workload: FileWorkload, opener: Opener, operations: int) -> int:
    """The write(2) and writev(2) calls of a child running ``operations`` of ``workload``,
    every process and thread of it."""
    with tempfile.TemporaryDirectory(prefix="ringwriter-strace-") as directory:
        summary = os.path.join(directory, "summary")
        _run_child(["strace", "-c", "-f", "-e", "trace=" + ",".join(WRITE_CALLS), "-o", summary],
                   child_command(workload, opener, operations))
        with open(summary) as table:
            return strace_write_calls(table.read())


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
    return {opener.name: write_calls(workload, opener, lines) - write_calls(workload, opener, 0)
            for opener in OPENERS}


def format_instruction_table(rows: List[Dict[str, object]]) -> str:
    """A Markdown table: instructions per operation through each opener, and the ratio."""
    builtin, ringwriter = (opener.name for opener in OPENERS)
    lines = [f"| workload | {builtin} instructions/op | {ringwriter} instructions/op | ratio |",
             "|---|---:|---:|---:|"]
    for row in rows:
        lines.append(f"| {row['workload']} (per {row['unit']}) | {row[builtin]:,.0f} | {row[ringwriter]:,.0f} | "
                     f"{row['ratio']:.2f}x |")
    return "\n".join(lines)


def format_write_calls(calls: Dict[str, int], lines: int = LINES_FOR_8_MB) -> str:
    """One sentence: each opener's write(2) and writev(2) calls for the lines."""
    counted = ", ".join(f"{name} {count:,}" for name, count in calls.items())
    return f"write(2) + writev(2) calls for {lines:,} 80-char lines ({lines * 80:,} bytes): {counted}"


def _run_once(workload_name: str, opener_name: str, operations: int) -> None:
    opener = next(opener for opener in OPENERS if opener.name == opener_name)
    directory = scratch_directory("ringwriter-count-")
    try:
        workload_named(workload_name).run(opener.open, os.path.join(directory, "out"), operations)
    finally:
        shutil.rmtree(directory)


if __name__ == "__main__":
    _run_once(sys.argv[1], sys.argv[2], int(sys.argv[3]))
