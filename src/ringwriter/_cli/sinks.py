"""Where benchmark runs write: a regular file in a temporary directory, or a pipe that
another process drains.

A sink hands out a fresh ``io.FileIO`` for every run (``raw()``). Opened with
``check=True`` it also records what it received, as ``(byte count, SHA-256)``, once
closed: for a file what the last run left in it, for a pipe everything every run sent.
"""
import hashlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
from typing import Optional, Tuple

# The pipe's reader: it reads into one buffer, so draining costs no allocation, and
# prints the byte count (and the digest, when asked) once the pipe closes.
_DRAIN = """
import hashlib, sys
digest = hashlib.sha256() if sys.argv[1] == "check" else None
buffer = bytearray(1 << 20)
view = memoryview(buffer)
total = 0
source = sys.stdin.buffer.raw
while True:
    n = source.readinto(buffer)
    if not n:
        break
    total += n
    if digest is not None:
        digest.update(view[:n])
print(total, digest.hexdigest() if digest is not None else "-")
"""

Received = Tuple[int, str]


def digest_of(data: bytes) -> Received:
    """What a checking sink records for ``data``."""
    return len(data), hashlib.sha256(data).hexdigest()


class Sink:
    """The common interface: a raw stream per run, then what arrived."""

    received: Optional[Received] = None

    def raw(self) -> io.FileIO:
        """A new raw stream for one run, positioned at the start of an empty target."""
        raise NotImplementedError

    def close(self) -> None:
        """Release the target (and, when checking, record what it received)."""
        raise NotImplementedError

    def __enter__(self) -> "Sink":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class FileSink(Sink):
    """A regular file in a new temporary directory, created anew for every run.

    The previous run's file is unlinked, not truncated: ext4 starts writing a file
    back to disk when it is closed after being truncated to zero (auto_da_alloc), and
    that disk traffic would slow the benchmark down and disturb its measurements.
    """

    def __init__(self, check: bool = False) -> None:
        self._check = check
        self._directory = tempfile.mkdtemp(prefix="ringwriter-bench-")
        self.path = os.path.join(self._directory, "out")

    def raw(self) -> io.FileIO:
        """A new, empty file in place of the previous run's."""
        if os.path.exists(self.path):
            os.unlink(self.path)
        return io.FileIO(self.path, "w")

    def close(self) -> None:
        """Record the file's content when checking, then delete the directory."""
        if self._check and os.path.exists(self.path):
            with open(self.path, "rb") as written:
                self.received = digest_of(written.read())
        shutil.rmtree(self._directory, ignore_errors=True)


class PipeSink(Sink):
    """A pipe whose read end a separate Python process drains as fast as it can.

    Every run gets a FileIO on the same write end (closefd=False), so the reader lives
    as long as the sink. Checking makes the reader hash what it reads, which would slow
    it down in a timed run.
    """

    def __init__(self, check: bool = False) -> None:
        read_end, self._write_end = os.pipe()
        try:
            self._reader = subprocess.Popen(
                [sys.executable, "-S", "-c", _DRAIN, "check" if check else "count"],
                stdin=read_end, stdout=subprocess.PIPE,
            )
        except BaseException:
            os.close(self._write_end)
            raise
        finally:
            os.close(read_end)
        self._check = check

    def raw(self) -> io.FileIO:
        """The pipe's write end, which closing the FileIO leaves open."""
        return io.FileIO(self._write_end, "w", closefd=False)

    def close(self) -> None:
        """Close the write end, wait for the reader and, when checking, record its
        count and digest."""
        if self._write_end < 0:
            return
        os.close(self._write_end)
        self._write_end = -1
        report, _ = self._reader.communicate()
        if self._reader.returncode != 0:
            raise RuntimeError(f"the pipe's reader failed with status {self._reader.returncode}")
        count, digest = report.decode().split()
        if self._check:
            self.received = (int(count), digest)


def scratch_parent() -> str:
    """Where the file workloads' files go: /dev/shm where there is one (a tmpfs, Linux),
    so that what is timed is the writers' and the kernel's work, not the disk's (opening
    a file again with "w" truncates it, and ext4 then writes it back on close);
    elsewhere the temporary directory."""
    memory = "/dev/shm"
    return memory if os.path.isdir(memory) and os.access(memory, os.W_OK) else tempfile.gettempdir()


class ScratchFile:
    """A path in a new directory of ``scratch_parent()``, for the file workloads to open;
    ``close()`` deletes the directory and whatever is in it."""

    def __init__(self) -> None:
        self._directory = tempfile.mkdtemp(prefix="ringwriter-bench-open-", dir=scratch_parent())
        self.path = os.path.join(self._directory, "out")

    def close(self) -> None:
        """Delete the directory."""
        shutil.rmtree(self._directory, ignore_errors=True)

    def __enter__(self) -> "ScratchFile":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def open_sink(target: str, check: bool = False) -> Sink:
    """A sink for ``target``, "file" or "pipe"."""
    if target == "file":
        return FileSink(check)
    if target == "pipe":
        return PipeSink(check)
    raise ValueError(f"unknown target {target!r}: expected 'file' or 'pipe'")
