"""What the benchmarks measure: the workloads, the writers compared, and one timed run.

This is the one definition of them. ``python -m ringwriter bench`` (quick, in-process)
and ``benchmarks/run.py`` (pyperf, strace, memory) both take their cases from here, and
``tests/test_benchmarks.py`` runs every case once to check the bytes each writer wrote.
To add a workload, append it to ``WORKLOADS``; to add a writer, to ``IMPLEMENTATIONS``.

The stream workloads put each writer over a raw stream made for it, and time only the
writes and the flush. The file workloads (``FILE_WORKLOADS``) compare what a program
calls, the built-in ``open()`` against ``ringwriter.open()`` (``OPENERS``), on a path:
opening and closing are part of what they time.
"""
import _pyio  # type: ignore[import-not-found]  # typeshed has no stub for it
import builtins
import csv
import functools
import io
import json
import os
import random
import time
from itertools import cycle, islice, repeat
from typing import Any, Callable, Iterator, List, NamedTuple, Sequence

from ringwriter._cli.sinks import Sink
from ringwriter._open import open as ringwriter_open
from ringwriter._text import TextWriter
from ringwriter._writer import BufferedWriter

BUFFER_SIZES = (8 * 1024, 64 * 1024)
TARGETS = ("file", "pipe")
BASELINE = "io.BufferedWriter"


class OsWritePerCall(io.RawIOBase):
    """No buffer at all: every ``write()`` is one ``os.write()`` on the descriptor, which
    is what code calling ``os.write`` itself pays. ``writelines`` is IOBase's: one
    ``write()``, so one ``os.write()``, per item."""

    def __init__(self, raw: io.FileIO, buffer_size: int) -> None:
        super().__init__()
        self._raw = raw
        # An instance attribute holding a C callable: no Python frame between the
        # caller and os.write, so the cost measured is the system call's.
        self.write = functools.partial(os.write, raw.fileno())  # type: ignore[method-assign]

    def writable(self) -> bool:
        """True: this only writes."""
        return True

    def fileno(self) -> int:
        """The raw stream's descriptor."""
        return self._raw.fileno()

    def close(self) -> None:
        """Close the raw stream too, as a buffered writer does."""
        super().close()
        self._raw.close()


class Implementation(NamedTuple):
    """A writer to compare: ``open(raw, buffer_size)`` puts it over an ``io.FileIO``."""

    name: str
    open: Callable[[io.FileIO, int], Any]
    # False for a writer with no buffer of its own: its buffer size means nothing, and
    # text goes through TextIOWrapper with write_through, one write per line.
    buffered: bool = True
    # The text layer over this writer: io.TextIOWrapper's arguments, the text class.
    text_class: Any = io.TextIOWrapper


IMPLEMENTATIONS = (
    Implementation(BASELINE, io.BufferedWriter),
    Implementation("_pyio.BufferedWriter", _pyio.BufferedWriter),
    Implementation("os.write per call", OsWritePerCall, buffered=False),
    Implementation("ringwriter", BufferedWriter, text_class=TextWriter),
)


class Workload(NamedTuple):
    """What one run writes: ``run(stream, operations)`` performs that many operations."""

    name: str
    unit: str
    operations: int
    run: Callable[[Any, int], None]
    # True: the stream is the implementation's text layer over the writer (utf-8), and
    # operations write str.
    text: bool = False
    line_buffering: bool = False


def _line(size: int) -> bytes:
    """``size`` bytes of printable text ending in a newline, like a log line."""
    body = b"0123456789abcdefghijklmnopqrstuvwxyz" * (size // 36 + 1)
    return body[: size - 1] + b"\n"


def _writes(payload: Any) -> Callable[[Any, int], None]:
    def run(stream: Any, count: int) -> None:
        write = stream.write
        # repeat() rather than range(): no int object per iteration, so the loop costs
        # little beside the writer and allocates nothing that tracemalloc would see.
        for _ in repeat(None, count):
            write(payload)

    return run


def _writes_in_turn(payloads: Sequence[bytes]) -> Callable[[Any, int], None]:
    def run(stream: Any, count: int) -> None:
        write = stream.write
        for payload in islice(cycle(payloads), count):
            write(payload)

    return run


def _writelines(lines: List[bytes]) -> Callable[[Any, int], None]:
    def run(stream: Any, count: int) -> None:
        writelines = stream.writelines
        for _ in repeat(None, count):
            writelines(lines)

    return run


def _prints(line: str) -> Callable[[Any, int], None]:
    def run(stream: Any, count: int) -> None:
        for _ in repeat(None, count):
            print(line, file=stream)

    return run


def _csv_rows() -> Callable[[Any, int], None]:
    rows = [[i, f"user{i}", i * 1.5, "café" if i % 3 else "plain", "a,b"] for i in range(100)]

    def run(stream: Any, count: int) -> None:
        writerow = csv.writer(stream).writerow
        for row in islice(cycle(rows), count):
            writerow(row)

    return run


_DOCUMENT = [{"id": i, "name": f"item {i}", "tags": ["a", "b", "ü"], "price": i * 0.25, "ok": i % 2 == 0}
             for i in range(10_000)]


def _json_dump(stream: Any, count: int) -> None:
    for _ in repeat(None, count):
        json.dump(_DOCUMENT, stream)


def _random_sizes(count: int, smallest: int, largest: int, seed: int) -> List[bytes]:
    """``count`` payloads of seeded random sizes: every writer sees the same sequence."""
    sizes = random.Random(seed).choices(range(smallest, largest + 1), k=count)
    longest = _line(largest)
    return [longest[-size:] for size in sizes]


_NON_ASCII_LINE = ("é ß 日本 " * 10)[:79] + "\n"

# Operation counts make one run write about 1 MiB (more for the large payloads), so that
# even a 64 KiB buffer fills and drains many times within a run.
WORKLOADS = (
    Workload("32 B writes", "write", 32_768, _writes(_line(32))),
    Workload("200 B writes", "write", 5_243, _writes(_line(200))),
    Workload("random 1 B-16 KiB writes", "write", 256, _writes_in_turn(_random_sizes(256, 1, 16 * 1024, seed=4))),
    Workload("1 MiB writes", "write", 16, _writes(_line(1 << 20))),
    Workload("writelines 1000 x 32 B", "writelines call", 32, _writelines([_line(32)] * 1000)),
    Workload("text: 80-char ASCII lines", "line", 13_107, _writes(_line(80).decode()), text=True),
    Workload("text: 80-char lines, non-ASCII", "line", 9_000, _writes(_NON_ASCII_LINE), text=True),
    Workload("text: print(line)", "line", 13_107, _prints(_line(80).decode()[:-1]), text=True),
    Workload("text: csv rows", "row", 36_000, _csv_rows(), text=True),
    Workload("text: json.dump of 10,000 objects", "dump", 2, _json_dump, text=True),
    Workload("text: line-buffered lines", "line", 13_107, _writes(_line(80).decode()), text=True,
             line_buffering=True),
    Workload("text: 1 MiB strings", "write", 16, _writes(_line(1 << 20).decode()), text=True),
)


def open_text(binary: Any, write_through: bool, text_class: Any = io.TextIOWrapper,
              line_buffering: bool = False) -> Any:
    """The text stream a text workload writes to, over ``binary``."""
    return text_class(binary, encoding="utf-8", line_buffering=line_buffering, write_through=write_through)


class Case(NamedTuple):
    """One workload, through one writer, into one kind of target."""

    workload: Workload
    implementation: Implementation
    target: str
    buffer_size: int
    operations: int

    @property
    def name(self) -> str:
        """A unique, readable name: also the pyperf benchmark's name."""
        return (f"{self.workload.name} | {self.target} | {self.buffer_size // 1024} KiB"
                f" | {self.implementation.name}")

    def open_stream(self, raw: io.FileIO) -> Any:
        """The writer over ``raw`` (wrapped in a TextIOWrapper for a text workload)."""
        writer = self.implementation.open(raw, self.buffer_size)
        if self.workload.text:
            return open_text(writer, not self.implementation.buffered, self.implementation.text_class,
                             self.workload.line_buffering)
        return writer


def cases(scale: float = 1.0, implementations: Sequence[Implementation] = IMPLEMENTATIONS,
          targets: Sequence[str] = TARGETS, buffer_sizes: Sequence[int] = BUFFER_SIZES) -> Iterator[Case]:
    """Every case, workload by workload and target by target, the writers of one
    workload, target and buffer size next to each other (so they run close in time).

    A writer without a buffer runs with the first buffer size only: under any other it
    would repeat the same measurement. ``scale`` multiplies the operations of a run.
    """
    for workload in WORKLOADS:
        operations = max(1, round(workload.operations * scale))
        for target in targets:
            for buffer_size in buffer_sizes:
                for implementation in implementations:
                    if implementation.buffered or buffer_size == buffer_sizes[0]:
                        yield Case(workload, implementation, target, buffer_size, operations)


def skipped_combinations(buffer_sizes: Sequence[int] = BUFFER_SIZES) -> List[str]:
    """What ``cases()`` leaves out, and why, for the reports to say."""
    return [
        f"{implementation.name} with a {size // 1024} KiB buffer: it has no buffer, so it is"
        f" measured once, beside the {buffer_sizes[0] // 1024} KiB rows"
        for implementation in IMPLEMENTATIONS if not implementation.buffered
        for size in buffer_sizes[1:]
    ]


def time_runs(case: Case, sink: Sink, runs: int) -> float:
    """Seconds spent in ``runs`` runs of ``case`` into ``sink``.

    A run puts a new writer over a new raw stream, performs the workload's operations
    and flushes. Building and closing the writer are not timed: they happen once per
    stream, the writes and flushes all the time.
    """
    elapsed = 0.0
    for _ in repeat(None, runs):
        stream = case.open_stream(sink.raw())
        start = time.perf_counter()
        case.workload.run(stream, case.operations)
        stream.flush()
        elapsed += time.perf_counter() - start
        stream.close()
    return elapsed


def expected_output(case: Case) -> bytes:
    """The bytes one run of ``case`` must leave in its target: the workload written to
    memory, which no writer under test touches."""
    memory = io.BytesIO()
    stream = open_text(memory, write_through=True) if case.workload.text else memory
    case.workload.run(stream, case.operations)
    stream.flush()
    return memory.getvalue()


# -- the file workloads: the built-in open() against ringwriter.open() -------------------
BUILTIN_OPEN = "open()"


class Opener(NamedTuple):
    """What a program calls to get a file: the built-in ``open`` or ringwriter's."""

    name: str
    open: Callable[..., Any]


OPENERS = (Opener(BUILTIN_OPEN, builtins.open), Opener("ringwriter.open()", ringwriter_open))


class FileWorkload(NamedTuple):
    """What one run does with an opener: ``run(open, path, operations)`` performs that many
    operations on ``path``, opening and closing included."""

    name: str
    unit: str
    operations: int
    run: Callable[[Callable[..., Any], str, int], None]
    # The operations of callgrind's shorter run (the longer makes 6 times as many), or 0:
    # not counted, as for the workloads whose instructions no target names.
    counted_operations: int = 0


def _open_write_close(mode: str, payload: Any) -> Callable[[Callable[..., Any], str, int], None]:
    def run(open_file: Callable[..., Any], path: str, count: int) -> None:
        for _ in repeat(None, count):
            opened = open_file(path, mode)
            opened.write(payload)
            opened.close()

    return run


def _through_open(workload: Workload) -> Callable[[Callable[..., Any], str, int], None]:
    # Line buffering as a program asks for it: buffering=1 in a text mode.
    arguments = ({"mode": "w", "encoding": "utf-8", "buffering": 1 if workload.line_buffering else -1}
                 if workload.text else {"mode": "wb"})

    def run(open_file: Callable[..., Any], path: str, count: int) -> None:
        with open_file(path, **arguments) as opened:
            workload.run(opened, count)

    return run


def _file_workload(workload: Workload, counted_operations: int = 0) -> FileWorkload:
    """A stream workload through ``open()``, one file per run."""
    mode = ("'w', buffering=1" if workload.line_buffering else "'w'") if workload.text else "'wb'"
    return FileWorkload(f"open({mode}): {workload.name.removeprefix('text: ')}", workload.unit,
                        workload.operations, _through_open(workload), counted_operations)


# The workloads whose instructions issue 21 states a target for.
_TEXT_COUNTED = {"text: 80-char ASCII lines", "text: 80-char lines, non-ASCII", "text: print(line)"}
# 1,000 files per run: a few milliseconds, long enough for the clock, short enough to
# repeat; the text workloads are the stream workloads', one file per run. The 80 B
# writes in binary mode are what an 80-char line costs at least: the loop, the call and
# the copy, with no text layer.
FILE_WORKLOADS = (
    FileWorkload("open('wb'), 100 B write, close", "file", 1_000, _open_write_close("wb", _line(100)),
                 counted_operations=2_000),
    FileWorkload("open('w'), 100-char write, close", "file", 1_000, _open_write_close("w", _line(100).decode()),
                 counted_operations=2_000),
    *(_file_workload(workload, counted_operations=2_000 if workload.name in _TEXT_COUNTED else 0)
      for workload in WORKLOADS if workload.text),
    _file_workload(Workload("80 B writes", "write", 13_107, _writes(_line(80))), counted_operations=2_000),
)


class FileCase(NamedTuple):
    """One file workload through one opener."""

    workload: FileWorkload
    opener: Opener
    operations: int

    @property
    def name(self) -> str:
        """A unique, readable name: also the pyperf benchmark's name."""
        return f"{self.workload.name} | {self.opener.name}"


def file_cases(scale: float = 1.0, openers: Sequence[Opener] = OPENERS) -> Iterator[FileCase]:
    """Every file workload through every opener, the openers of a workload next to each
    other. ``scale`` multiplies the operations of a run."""
    for workload in FILE_WORKLOADS:
        operations = max(1, round(workload.operations * scale))
        for opener in openers:
            yield FileCase(workload, opener, operations)


def time_file_runs(case: FileCase, path: str, runs: int) -> float:
    """Seconds spent in ``runs`` runs of ``case`` on ``path``, which each run finds absent
    (removed before it, untimed: see ``FileSink``)."""
    elapsed = 0.0
    for _ in repeat(None, runs):
        if os.path.exists(path):
            os.unlink(path)
        start = time.perf_counter()
        case.workload.run(case.opener.open, path, case.operations)
        elapsed += time.perf_counter() - start
    return elapsed
