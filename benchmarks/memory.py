"""Memory: peak RSS per writer, traced allocations per 1M writes, growth over 10M writes.

Every measurement runs in a fresh child Python (this file run as a script), one writer
per child, so that no writer inherits another's heap:

- peak RSS: the resident high-water mark after one run of every workload into a file
  with a 64 KiB buffer, beside the resident memory the child had when it started
  writing. On Linux the mark is reset just before (``clear_refs``), so the peak is the
  writing's own, not the imports'.
- allocations: ``tracemalloc`` over 1M 32-byte writes into the null device. The writer
  is built before tracing starts, so its buffer is not counted; what remains allocated
  after the writes, and the highest point above the start, are.
- growth: the same writes continued to 10M for the writers in ``GROWTH``; the 9M writes
  after the first million must leave nothing allocated and the resident memory as it was.
"""
import io
import json
import os
import subprocess
import sys
import tracemalloc
from typing import Any, Dict, List

from ringwriter._cli.sinks import FileSink
from ringwriter._cli.workloads import IMPLEMENTATIONS, WORKLOADS, Implementation, cases, time_runs

MILLION = 1_000_000
# ringwriter is the writer checked for growth; io.BufferedWriter is the control that
# shows whether growth, if any, comes from the harness.
GROWTH = ("ringwriter", "io.BufferedWriter")
GROWTH_WRITES = 10 * MILLION
PEAK_RSS_BUFFER_SIZE = 64 * 1024


def _peak_rss_kib() -> int:
    """The process's resident high-water mark.

    On Linux it is read from /proc (VmHWM): there ``getrusage().ru_maxrss`` of a process
    started by another also counts the starting process's RSS at exec time (the kernel
    carries it over), which would report the runner's size, not the writer's.
    """
    try:
        with open("/proc/self/status") as status:
            return int(status.read().split("VmHWM:")[1].split()[0])
    except (OSError, IndexError):
        import resource  # POSIX only: imported where it is used

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        # macOS reports bytes, the others KiB.
        return peak // 1024 if sys.platform == "darwin" else peak


def _current_rss_kib() -> int:
    """Resident memory now (Linux); elsewhere the peak, which can only be higher."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
    except OSError:
        return _peak_rss_kib()


def _reset_peak_rss() -> bool:
    """Make the high-water mark the current RSS (Linux); False where that cannot be done."""
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
        return True
    except OSError:
        return False


def _implementation(name: str) -> Implementation:
    return next(implementation for implementation in IMPLEMENTATIONS if implementation.name == name)


def _child_peak_rss(implementation: Implementation) -> Dict[str, Any]:
    with FileSink() as sink:
        peak_reset = _reset_peak_rss()
        before = _current_rss_kib()
        for case in cases(implementations=[implementation], targets=("file",),
                          buffer_sizes=(PEAK_RSS_BUFFER_SIZE,)):
            time_runs(case, sink, runs=1)
        return {"rss_before_kib": before, "peak_kib": _peak_rss_kib(), "peak_since_start": not peak_reset}


def _child_traced_writes(implementation: Implementation, checkpoints: List[int]) -> List[Dict[str, int]]:
    """For each stretch of 32-byte writes up to the next checkpoint: the traced bytes it
    left allocated, its traced peak above its start, and the RSS at its end."""
    write_32_bytes = next(workload for workload in WORKLOADS if workload.name == "32 B writes").run
    writer = implementation.open(io.FileIO(os.devnull, "w"), io.DEFAULT_BUFFER_SIZE)
    stretches = []
    done = 0
    tracemalloc.start()
    for checkpoint in checkpoints:
        # Read before the peak is reset: this stretch's own peak, over what the previous
        # stretches and the bookkeeping below left allocated.
        start = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        write_32_bytes(writer, checkpoint - done)
        traced, peak = tracemalloc.get_traced_memory()
        stretches.append({"from_writes": done, "to_writes": checkpoint, "left_allocated_bytes": traced - start,
                          "peak_above_start_bytes": peak - start, "rss_kib": _current_rss_kib()})
        done = checkpoint
    tracemalloc.stop()
    writer.close()
    return stretches


def _in_child(*arguments: str) -> object:
    output = subprocess.run([sys.executable, __file__, *arguments],
                            check=True, capture_output=True, text=True).stdout
    return json.loads(output)


def measure_memory() -> Dict[str, Dict[str, Any]]:
    """Every measurement for every writer, keyed by writer name."""
    results: Dict[str, Dict[str, Any]] = {}
    for implementation in IMPLEMENTATIONS:
        checkpoints = [MILLION, GROWTH_WRITES] if implementation.name in GROWTH else [MILLION]
        results[implementation.name] = {
            "peak_rss": _in_child("peak-rss", implementation.name),
            "traced_writes": _in_child("traced-writes", implementation.name, *map(str, checkpoints)),
        }
    return results


if __name__ == "__main__":
    _mode, _name, *_checkpoints = sys.argv[1:]
    if _mode == "peak-rss":
        print(json.dumps(_child_peak_rss(_implementation(_name))))
    else:
        print(json.dumps(_child_traced_writes(_implementation(_name), [int(c) for c in _checkpoints])))
