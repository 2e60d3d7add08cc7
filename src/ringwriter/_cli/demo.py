"""``python -m ringwriter demo``: write() -> buffer, flush() -> kernel, sync() -> disk or wire.

Every step is observed from outside the writer (the file's size, a pipe's read end, a
pty's master side), so what is printed is seen, not asserted; beside it, the writer's own
``pending`` bytes and ``stats.raw_writes`` system calls.
"""
import io
import os
import select
import tempfile
import time
from typing import Callable, TextIO

from ringwriter._writer import BufferedWriter

MESSAGE = b"hello, world\n"


def _readable_now(fd: int) -> bool:
    return bool(select.select([fd], [], [], 0.05)[0])


def _read_now(fd: int) -> bytes:
    return os.read(fd, 1024) if _readable_now(fd) else b""


class _Steps:
    """Prints one line per step: the call, what the outside sees, the writer's counters."""

    def __init__(self, out: TextIO, writer: BufferedWriter) -> None:
        self.out = out
        self.writer = writer

    def show(self, call: str, seen: str) -> None:
        self.out.write(
            f"   {call:<28} pending={self.writer.pending:<3} "
            f"syscalls={self.writer.stats.raw_writes:<2} {seen}\n"
        )

    def timed(self, call: str, action: Callable[[], None], seen: Callable[[], str]) -> None:
        """Run ``action``, then show how long it took and what is ``seen`` after it."""
        start = time.perf_counter()
        action()
        self.show(call, f"({(time.perf_counter() - start) * 1000:.2f} ms) {seen()}")


def _walk_through(out: TextIO, writer: BufferedWriter, observe: Callable[[], str],
                  after_flush: str, after_sync: str) -> None:
    """write, flush, write, sync: after each, what the outside ``observe``s."""
    steps = _Steps(out, writer)
    writer.write(MESSAGE)
    steps.show(f"w.write({MESSAGE!r})", f"{observe()}: still in this process")
    writer.flush()
    steps.show("w.flush()", f"{observe()}: {after_flush}")
    writer.write(MESSAGE)
    steps.timed("w.sync()", writer.sync, lambda: f"{observe()}: {after_sync}")


def demo_file(out: TextIO, directory: str) -> None:
    path = os.path.join(directory, "demo.log")
    out.write("1. A regular file: another process looks at its size\n")
    with BufferedWriter(io.FileIO(path, "w")) as writer:
        _walk_through(out, writer, lambda: f"file has {os.path.getsize(path)} bytes",
                      "in the kernel, safe from a crash of this process",
                      "flushed, then fsync: on the disk, safe from a power cut")


def demo_pipe(out: TextIO) -> None:
    out.write("2. A pipe: the reading end is what another process would read\n")
    read_end, write_end = os.pipe()
    try:
        with BufferedWriter(io.FileIO(write_end, "w")) as writer:
            _walk_through(out, writer, lambda: f"reader gets {_read_now(read_end)!r}",
                          "in the pipe", "a pipe has no disk: sync() is flush()")
    finally:
        os.close(read_end)


def demo_pty(out: TextIO) -> None:
    import tty

    out.write("3. A serial line (a pty; a real port behaves the same): the other end reads\n")
    master, slave = os.openpty()
    tty.setraw(slave)
    try:
        with BufferedWriter(io.FileIO(slave, "w")) as writer:
            _walk_through(out, writer, lambda: f"other end gets {_read_now(master)!r}",
                          "queued in the tty driver",
                          "flushed, then tcdrain: the bytes have left the line")
    finally:
        os.close(master)


def run_demo(out: TextIO) -> None:
    """Print the walk-through to ``out``."""
    out.write("write() puts bytes in the writer's buffer; flush() hands them to the kernel;\n"
              "sync() also waits until they are on the disk (fsync) or on the wire (tcdrain).\n\n")
    with tempfile.TemporaryDirectory(prefix="ringwriter-demo-") as directory:
        demo_file(out, directory)
    out.write("\n")
    demo_pipe(out)
    if hasattr(os, "openpty"):
        out.write("\n")
        demo_pty(out)
