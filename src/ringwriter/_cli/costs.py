"""What write(), flush() and sync() each cost on this machine: the numbers behind the
README's write/flush/fsync table, printed by ``python -m ringwriter bench``.

Each step is timed alone, many times, and the median counts (a step that waits for a
device has a long tail; the median is what a program usually pays):

- write: one 32-byte ``write()`` into the buffer (no system call);
- flush: ``flush()`` of 4 KiB pending, to a regular file and to a pipe (one ``write(2)``);
- sync: ``sync()`` (flush, then ``fsync``) and ``sync(data_only=True)`` (``fdatasync``)
  after 4 KiB appended to a file in ``directory``: the cost depends on that file system
  and the device under it, so run it where your data will live.
"""
import io
import os
import statistics
import tempfile
import time
from typing import Callable, Dict, List, NamedTuple, Optional

from ringwriter import BufferedWriter
from ringwriter._cli.workloads import _line

WRITE_SIZE = 32
FLUSH_SIZE = 4096


class Cost(NamedTuple):
    step: str
    target: str
    median_seconds: float
    samples: int


def _median_of(step: Callable[[], object], prepare: Callable[[], object], samples: int) -> float:
    """The median time of ``step()``, each sample after an untimed ``prepare()``."""
    times: List[float] = []
    for _ in range(samples):
        prepare()
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _write_cost(directory: str, samples: int) -> Cost:
    writes_per_sample = 1000
    payload = _line(WRITE_SIZE)
    with BufferedWriter(io.FileIO(os.path.join(directory, "write"), "w"),
                        buffer_size=WRITE_SIZE * writes_per_sample) as writer:
        write = writer.write

        def thousand_writes() -> None:
            for _ in range(writes_per_sample):
                write(payload)

        seconds = _median_of(thousand_writes, writer.flush, samples)
    return Cost(f"write() of {WRITE_SIZE} B", "the buffer", seconds / writes_per_sample, samples)


def _flush_cost(writer: BufferedWriter, target: str, samples: int,
                after: Optional[Callable[[], object]] = None) -> Cost:
    block = _line(FLUSH_SIZE)

    def fill() -> None:
        if after is not None:
            after()
        writer.write(block)

    return Cost(f"flush() of {FLUSH_SIZE // 1024} KiB", target, _median_of(writer.flush, fill, samples), samples)


def _sync_cost(path: str, where: str, data_only: bool, samples: int) -> Cost:
    block = _line(FLUSH_SIZE)
    with BufferedWriter(io.FileIO(path, "a")) as writer:
        seconds = _median_of(lambda: writer.sync(data_only=data_only), lambda: writer.write(block), samples)
    call = "sync(data_only=True) (fdatasync)" if data_only else "sync() (fsync)"
    return Cost(f"{call} of {FLUSH_SIZE // 1024} KiB", f"a file in {where}", seconds, samples)


def measure_costs(sync_directory: Optional[str] = None, samples: int = 200,
                  sync_samples: int = 30) -> List[Cost]:
    """Median cost of each step; fsync files go in ``sync_directory`` (default: the
    temporary directory)."""
    costs: List[Cost] = []
    with tempfile.TemporaryDirectory(prefix="ringwriter-costs-") as scratch:
        costs.append(_write_cost(scratch, samples))
        with BufferedWriter(io.FileIO(os.path.join(scratch, "flush"), "w")) as writer:
            costs.append(_flush_cost(writer, "a regular file", samples))
        read_end, write_end = os.pipe()
        os.set_blocking(read_end, False)

        def drain() -> None:
            try:
                while os.read(read_end, 65536):
                    pass
            except BlockingIOError:
                pass

        try:
            with BufferedWriter(io.FileIO(write_end, "w")) as writer:
                costs.append(_flush_cost(writer, "a pipe", samples, after=drain))
        finally:
            os.close(read_end)
        with tempfile.TemporaryDirectory(prefix="ringwriter-costs-", dir=sync_directory) as sync_dir:
            path = os.path.join(sync_dir, "sync")
            where = os.path.dirname(sync_dir)
            costs.append(_sync_cost(path, where, data_only=False, samples=sync_samples))
            if hasattr(os, "fdatasync"):
                costs.append(_sync_cost(path, where, data_only=True, samples=sync_samples))
    return costs


def _readable(seconds: float) -> str:
    units: Dict[str, float] = {"ns": 1e9, "µs": 1e6, "ms": 1e3}
    for unit, scale in units.items():
        if seconds * scale < 1000:
            return f"{seconds * scale:,.1f} {unit}"
    return f"{seconds:,.2f} s"


def format_costs(costs: List[Cost]) -> str:
    """A Markdown table of the costs."""
    lines = ["| step | into | median cost | samples |", "|---|---|---:|---:|"]
    for cost in costs:
        lines.append(f"| {cost.step} | {cost.target} | {_readable(cost.median_seconds)} | {cost.samples} |")
    return "\n".join(lines)
