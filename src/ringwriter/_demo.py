"""``python -m ringwriter demo``: write() vs flush() vs fsync()/tcdrain, seen from outside.

Every step is checked by a second reader (another file descriptor, a pipe's read end, a
pty's master side) so what is printed is observed, not asserted.
"""
import io
import os
import select
import tempfile
import time
from typing import TextIO

from ringwriter._writer import BufferedWriter

MESSAGE = b"hello, world\n"


def _readable_now(fd: int) -> bool:
    return bool(select.select([fd], [], [], 0.05)[0])


def _step(out: TextIO, call: str, result: str) -> None:
    out.write(f"   {call:<34} {result}\n")


def demo_file(out: TextIO, directory: str) -> None:
    path = os.path.join(directory, "demo.log")
    out.write(f"1. A regular file ({path})\n")
    with BufferedWriter(io.FileIO(path, "w")) as writer:
        returned = writer.write(MESSAGE)
        _step(out, f"w.write({MESSAGE!r})", f"returned {returned}; the file holds "
              f"{os.path.getsize(path)} bytes: the data is in this process's buffer")
        writer.flush()
        _step(out, "w.flush()", f"the file holds {os.path.getsize(path)} bytes: the kernel has "
              "them, every process can read them, a power cut can still lose them")
        start = time.perf_counter()
        os.fsync(writer.fileno())
        elapsed = (time.perf_counter() - start) * 1000
        _step(out, "os.fsync(w.fileno())", f"took {elapsed:.2f} ms: now the data is on the disk")


def demo_pipe(out: TextIO) -> None:
    out.write("2. A pipe (another process would hold the read end)\n")
    read_end, write_end = os.pipe()
    try:
        with BufferedWriter(io.FileIO(write_end, "w")) as writer:
            writer.write(MESSAGE)
            _step(out, f"w.write({MESSAGE!r})", "the reader sees nothing: "
                  f"readable={_readable_now(read_end)}")
            writer.flush()
            received = os.read(read_end, 1024) if _readable_now(read_end) else b""
            _step(out, "w.flush()", f"the reader reads {received!r}")
            try:
                os.fsync(writer.fileno())
                fsync_result = "succeeded"
            except OSError as error:
                fsync_result = f"fails with {type(error).__name__} ({error.strerror}): no disk behind a pipe"
            _step(out, "os.fsync(w.fileno())", f"{fsync_result}; flush() is all there is")
    finally:
        os.close(read_end)


def demo_pty(out: TextIO) -> None:
    import termios
    import tty

    out.write("3. A serial line (a pty; a real port behaves the same)\n")
    master, slave = os.openpty()
    tty.setraw(slave)
    try:
        with BufferedWriter(io.FileIO(slave, "w")) as writer:
            writer.write(MESSAGE)
            _step(out, f"w.write({MESSAGE!r})", "the other end sees nothing: "
                  f"readable={_readable_now(master)}")
            writer.flush()
            received = os.read(master, 1024) if _readable_now(master) else b""
            _step(out, "w.flush()", f"the other end reads {received!r}")
            termios.tcdrain(writer.fileno())
            _step(out, "termios.tcdrain(w.fileno())", "returned once the bytes left the "
                  "line; this is what pyserial's Serial.flush() does")
    finally:
        os.close(master)


def run_demo(out: TextIO) -> None:
    """Print the walk-through to ``out``."""
    out.write("write() puts bytes in the writer's buffer, flush() hands them to the kernel,\n"
              "fsync()/tcdrain() waits until they reach the disk or the wire.\n\n")
    with tempfile.TemporaryDirectory(prefix="ringwriter-demo-") as directory:
        demo_file(out, directory)
    out.write("\n")
    demo_pipe(out)
    if hasattr(os, "openpty"):
        out.write("\n")
        demo_pty(out)
