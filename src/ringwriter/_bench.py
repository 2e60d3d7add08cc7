"""``python -m ringwriter bench``: a quick side-by-side of ringwriter and io.BufferedWriter.

Each workload writes to a regular file in a temporary directory. Implementations take
turns within every repetition (so a noisy neighbour hurts both alike) and the best
repetition counts. The number that matters is the ratio, not the nanoseconds.
"""
import io
import os
import tempfile
import time
from typing import Callable, Dict, List, NamedTuple

from ringwriter._writer import BufferedWriter

IMPLEMENTATIONS: Dict[str, Callable[..., io.BufferedIOBase]] = {
    "io.BufferedWriter": io.BufferedWriter,
    "ringwriter": BufferedWriter,
}


class Workload(NamedTuple):
    name: str
    unit: str
    operations: int
    run: Callable[[io.BufferedIOBase, int], None]


def _writes(payload: bytes) -> Callable[[io.BufferedIOBase, int], None]:
    def run(writer: io.BufferedIOBase, count: int) -> None:
        write = writer.write
        for _ in range(count):
            write(payload)

    return run


def _writelines(lines: List[bytes]) -> Callable[[io.BufferedIOBase, int], None]:
    def run(writer: io.BufferedIOBase, count: int) -> None:
        writelines = writer.writelines
        for _ in range(count):
            writelines(lines)

    return run


def workloads(scale: float) -> List[Workload]:
    """The quick set, with operation counts multiplied by ``scale``."""
    def n(count: int) -> int:
        return max(1, int(count * scale))

    return [
        Workload("write 32 B", "write", n(200_000), _writes(b"x" * 31 + b"\n")),
        Workload("write 200 B", "write", n(100_000), _writes(b"y" * 199 + b"\n")),
        Workload("writelines 1000 x 32 B", "call", n(300), _writelines([b"z" * 31 + b"\n"] * 1000)),
        Workload("write 1 MiB", "write", n(200), _writes(b"w" * (1 << 20))),
    ]


def time_once(factory: Callable[..., io.BufferedIOBase], workload: Workload, path: str) -> float:
    """Nanoseconds per operation for one run, flush and close included."""
    writer = factory(io.FileIO(path, "w"))
    start = time.perf_counter_ns()
    workload.run(writer, workload.operations)
    writer.close()
    return (time.perf_counter_ns() - start) / workload.operations


def measure(repeat: int = 5, scale: float = 1.0) -> List[Dict[str, object]]:
    """Best-of-``repeat`` ns/op for every workload and implementation, with ratios."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="ringwriter-bench-") as directory:
        path = os.path.join(directory, "out")
        for workload in workloads(scale):
            best = {name: float("inf") for name in IMPLEMENTATIONS}
            for _ in range(repeat):
                for name, factory in IMPLEMENTATIONS.items():
                    best[name] = min(best[name], time_once(factory, workload, path))
            baseline = best["io.BufferedWriter"]
            for name, ns in best.items():
                rows.append({
                    "workload": workload.name,
                    "unit": workload.unit,
                    "implementation": name,
                    "ns_per_op": ns,
                    "speedup_vs_io": baseline / ns,
                })
    return rows


def format_table(rows: List[Dict[str, object]]) -> str:
    """A Markdown table: ns per operation and speed-up over io.BufferedWriter."""
    lines = [
        "| workload | implementation | ns/op | speed-up vs io.BufferedWriter |",
        "|---|---|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['workload']} | {row['implementation']} | "
            f"{row['ns_per_op']:,.0f} | {row['speedup_vs_io']:.2f}x |"
        )
    return "\n".join(lines)
