"""System calls per run, counted with strace on separate, untimed runs.

The parent starts ``strace -f`` on one child Python (this file run as a script) that
does one run of each case, exactly as a timed run does (ringwriter._cli.workloads.time_runs),
each between two marker writes to the null device that name the case. Only the calls
the child's own process makes between a case's markers count for it: the interpreter's
start-up and the pipes' readers (traced children too) are left out. One child for all
cases, so the trace costs one interpreter start-up, not one per case.

``count_logging_syscalls()`` does the same for the logging benchmark's cases
(logging_workloads): the logger is set up before a case's begin marker, and
the records and the closing of the handler fall between its markers; since loggers run
threads (the 4-thread cases, ringwriter's background flusher), the calls of every
thread count, and the child reports the bytes each case left in its file.

``zero_copy_probe()`` also shows, from a trace and ringwriter's counters, how 1 MiB
payloads leave after a buffered line (in the same writev(2)?) and what was copied.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from typing import Any, Callable, Dict, List, NamedTuple, Optional, Sequence, Tuple, TypeVar

from logging_workloads import LoggingCase, log_records, logging_cases
from ringwriter._cli.sinks import FileSink, open_sink
from ringwriter._cli.workloads import Case, cases, expected_output, time_runs

TRACED = ("write", "writev", "lseek", "pwrite64")
# Short enough for strace to print whole (it cuts strings at 32 characters).
BEGIN = "rw-bench:begin:"
END = "rw-bench:end:"
# A buffered line written before the 1 MiB payloads in the zero-copy probe.
PROBE_PREFIX = b"x" * 99 + b"\n"

_CALL = re.compile(r"^(\d+)\s+(\w+)\((.*)$")
_MARKER = re.compile(r'"(rw-bench:(?:begin|end):)(\d+)"')
_IOV_LEN = re.compile(r"iov_len=(\d+)")
# A write's or pwrite64's byte count, the argument before the closing parenthesis (and
# pwrite64's offset): 'write(3, "..."..., 4096) = 4096'.
_COUNTS = {"write": re.compile(r", (\d+)\) += -?\d+"), "pwrite64": re.compile(r", (\d+), -?\d+\) += -?\d+")}


class TracedCall(NamedTuple):
    """One traced system call of the measuring process."""

    name: str
    # The bytes handed over: a writev's iovec lengths (as far as strace shows them), a
    # write's or pwrite64's count; empty for the others.
    lengths: List[int]


def strace_available() -> bool:
    """Whether strace can be run here (Linux with strace installed)."""
    return shutil.which("strace") is not None


Counted = TypeVar("Counted")


def if_strace(count: Callable[[], Counted], tracing: str, missing: str) -> Optional[Counted]:
    """``count()`` where strace can run (printing ``tracing`` first), else None (printing
    ``missing``, what the results will lack)."""
    if not strace_available():
        print(f"strace not found: {missing}", flush=True)
        return None
    print(tracing, flush=True)
    return count()


def _calls_by_case(log: str, every_thread: bool) -> Dict[int, List[TracedCall]]:
    """The calls between each case's markers, by case number, made by the thread that
    wrote the markers (or, with ``every_thread``, by any traced thread or process)."""
    by_case: Dict[int, List[TracedCall]] = {}
    marker_pid = current = None
    for line in log.splitlines():
        match = _CALL.match(line)
        if match is None:
            continue
        pid, name, arguments = match.groups()
        marker = _MARKER.search(arguments) if name == "write" else None
        if marker is not None:
            marker_pid = pid
            current = int(marker.group(2)) if marker.group(1) == BEGIN else None
            if current is not None:
                by_case[current] = []
        elif current is not None and (every_thread or pid == marker_pid) and name in TRACED:
            by_case[current].append(TracedCall(name, _lengths(name, arguments)))
    return by_case


def _lengths(name: str, arguments: str) -> List[int]:
    """The bytes a traced call hands over, from strace's text of its arguments."""
    if name == "writev":
        return [int(length) for length in _IOV_LEN.findall(arguments)]
    counts = _COUNTS[name].findall(arguments) if name in _COUNTS else []
    return [int(counts[-1])] if counts else []


def _trace(mode: str, traced_cases: Sequence[Any], every_thread: bool = False) -> Tuple[List[List[TracedCall]], str]:
    """Every case's calls, in order, and what the child printed."""
    with tempfile.TemporaryDirectory(prefix="ringwriter-strace-") as directory:
        log_path = os.path.join(directory, "trace")
        child = subprocess.run(
            # --seccomp-bpf: the child stops only for the traced calls, not for every call
            # (a GIL hand-off between threads is a futex call each time), so the trace
            # slows the child down far less; what is counted is the same.
            ["strace", "-f", "--seccomp-bpf", "-qq", "-e", "signal=none", "-e", "trace=" + ",".join(TRACED),
             "-o", log_path, sys.executable, __file__, mode, *(case.name for case in traced_cases)],
            check=True, capture_output=True, text=True,
        )
        with open(log_path) as log:
            by_case = _calls_by_case(log.read(), every_thread)
    missing = [case.name for number, case in enumerate(traced_cases) if number not in by_case]
    if missing:
        raise RuntimeError(f"no markers in the trace for {missing}: the traced run failed")
    return [by_case[number] for number in range(len(traced_cases))], child.stdout


def _counts(calls: Sequence[TracedCall]) -> Dict[str, int]:
    counts = dict.fromkeys(TRACED, 0)
    for call in calls:
        counts[call.name] += 1
    return counts


def count_syscalls(counted: Sequence[Case]) -> Dict[str, Dict[str, int]]:
    """How many of each traced call one run of each case makes, by case name."""
    return {case.name: _counts(calls) for case, calls in zip(counted, _trace("cases", counted)[0], strict=True)}


# Records per case in the logging trace. The report gives syscalls per 100k records,
# scaled from these: under strace a write(2) still costs about 50 us here, so 100k
# records written one write per record would take about 2 minutes for the 26 cases.
LOGGING_RECORDS = 50_000


def count_logging_syscalls(counted: Sequence[LoggingCase]) -> Dict[str, Dict[str, int]]:
    """How many of each traced call ``LOGGING_RECORDS`` records of each logging case make
    (closing the handler included), and the bytes they left in the file ("bytes")."""
    traced, printed = _trace("logging", counted, every_thread=True)
    output_bytes = json.loads(printed)
    return {case.name: {**_counts(calls), "bytes": output_bytes[case.name]}
            for case, calls in zip(counted, traced, strict=True)}


def zero_copy_case(selected: Sequence[Case]) -> Optional[Case]:
    """The case the zero-copy probe traces (ringwriter, 1 MiB writes into a file), if
    selected."""
    return next((case for case in selected if case.workload.name == "1 MiB writes"
                 and case.implementation.name == "ringwriter" and case.target == "file"), None)


def zero_copy_probe(case: Case) -> Dict[str, Any]:
    """Trace one run of ``case`` (ringwriter, 1 MiB writes) that starts with a buffered
    100-byte line: how many write syscalls the payloads left in (and how many of those
    carried a whole payload), what the first one was, and the bytes ringwriter's
    counters show copied into the buffer (zero copy: the line's only)."""
    traced, printed = _trace("zero-copy", [case])
    # The lseek is the writer's constructor asking for the position.
    writes = [call for call in traced[0] if call.name != "lseek"]
    payload_size = len(expected_output(case._replace(operations=1)))
    bytes_copied = json.loads(printed)["bytes_copied"]
    return {
        "payloads": case.operations,
        "payload_size": payload_size,
        "write_syscalls": len(writes),
        "first_write": (f"{writes[0].name} with {'iov_len' if writes[0].name == 'writev' else 'count'} "
                        f"{writes[0].lengths}" if writes else "none"),
        "bytes_copied": bytes_copied,
        "write_syscalls_with_a_whole_payload": sum(payload_size in call.lengths for call in writes),
    }


def _probe_run(case: Case, raw: Any) -> int:
    """The probe's run: a buffered line, then the workload. Returns the bytes copied."""
    stream = case.open_stream(raw)
    stream.write(PROBE_PREFIX)
    case.workload.run(stream, case.operations)
    stream.flush()
    bytes_copied = stream.stats.bytes_copied
    stream.close()
    return bytes_copied


def _run_between_markers(mode: str, case_names: Sequence[str]) -> None:
    """The traced child: each case once, between its markers."""
    by_name = {case.name: case for case in cases()}
    marker = os.open(os.devnull, os.O_WRONLY)
    for number, name in enumerate(case_names):
        case = by_name[name]
        with open_sink(case.target) as sink:
            os.write(marker, f"{BEGIN}{number}".encode())
            if mode == "zero-copy":
                bytes_copied = _probe_run(case, sink.raw())
            else:
                time_runs(case, sink, runs=1)
            os.write(marker, f"{END}{number}".encode())
        if mode == "zero-copy":
            print(json.dumps({"bytes_copied": bytes_copied}))
    os.close(marker)


def _log_between_markers(case_names: Sequence[str]) -> None:
    """The traced child of the logging trace: each case's records between its markers,
    the logger set up before them; prints the bytes each case's file received."""
    by_name = {case.name: case for case in logging_cases()}
    marker = os.open(os.devnull, os.O_WRONLY)
    output_bytes = {}
    for number, name in enumerate(case_names):
        case = by_name[name]
        with FileSink() as sink:
            opened = case.stack.open(sink.path)
            os.write(marker, f"{BEGIN}{number}".encode())
            log_records(case, opened.info, LOGGING_RECORDS)
            opened.close()
            os.write(marker, f"{END}{number}".encode())
            output_bytes[name] = os.path.getsize(sink.path) if os.path.exists(sink.path) else 0
    os.close(marker)
    print(json.dumps(output_bytes))


if __name__ == "__main__":
    if sys.argv[1] == "logging":
        _log_between_markers(sys.argv[2:])
    else:
        _run_between_markers(sys.argv[1], sys.argv[2:])
