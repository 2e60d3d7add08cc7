"""What the demo's steps are seen through: everything here looks from outside the writer
under demonstration (the kernel's counters, a file's size, a pipe's or a terminal's other
end), so what the demo prints after a step is what another process could have seen."""
import contextlib
import errno
import os
import select
from typing import Iterator, Optional, Tuple

PROC_IO = "/proc/self/io"


def write_syscalls() -> Optional[int]:
    """The write-family system calls (write, writev, pwrite...) this process has made, its
    threads included, as the kernel counts them (``syscw`` in /proc/self/io, Linux); None
    where the kernel does not say."""
    try:
        with open(PROC_IO, "rb") as counters:
            for line in counters:
                if line.startswith(b"syscw:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def read_now(fd: int) -> bytes:
    """What the reading end ``fd`` (a pipe, a pty's master side) holds right now; b''
    when nothing arrives within 50 ms."""
    received = b""
    while select.select([fd], [], [], 0.05)[0]:
        try:
            chunk = os.read(fd, 65536)
        except OSError as error:
            if error.errno != errno.EIO:
                raise
            chunk = b""  # a pty's master once the terminal side is closed: nothing more
        if not chunk:
            break
        received += chunk
    return received


def file_bytes(path: str) -> bytes:
    """The file's contents as another process opening it now would read them."""
    with open(path, "rb") as file:
        return file.read()


class OtherEnd:
    """The reading end of a pipe or pty: each look returns what arrived since the last."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def got(self) -> str:
        """``got b'...'``: what arrived since the last look."""
        return f"got {read_now(self.fd)!r}"


@contextlib.contextmanager
def raw_terminal() -> Iterator[Tuple[int, int]]:
    """``(master, slave)``: a new pty whose slave side passes bytes as they are (no "\\n"
    -> "\\r\\n" on the way); the master is closed at the end, the slave is the caller's."""
    import tty

    master, slave = os.openpty()
    try:
        tty.setraw(slave)
        yield master, slave
    finally:
        os.close(master)
