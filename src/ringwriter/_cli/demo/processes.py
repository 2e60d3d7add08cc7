"""The many-processes section: two child processes log to one pipe, their stderr. A
write(2) of at most PIPE_BUF bytes reaches the pipe whole; a larger one is cut where the
pipe is full, and another process's bytes land inside it.

The pipe is shrunk to one page and read only once both children wait in write(2), so
what happens is the same on every run: the kernel wakes waiting writers one at a time, in
the order they began to wait (Linux has done so since 2020).
"""
import fcntl
import itertools
import os
import struct
import subprocess
import sys
import termios
import time
from typing import List

from ringwriter._cli.demo.story import Story
from ringwriter._writer import PIPE_BUF

F_SETPIPE_SZ = getattr(fcntl, "F_SETPIPE_SZ", 1031)
F_GETPIPE_SZ = getattr(fcntl, "F_GETPIPE_SZ", 1032)
LARGE_RECORD = 10_000  # characters: more than two pages, so that B's write lands inside it
SMALL_RECORD = 99
SMALL_RECORDS = 3
PATIENCE = 60.0  # seconds a child may take to start and reach its write(2) on a busy machine


def _bytes_in_pipe(read_end: int) -> int:
    return int(struct.unpack("i", fcntl.ioctl(read_end, termios.FIONREAD, b"\0\0\0\0"))[0])


class _Child:
    """A child process logging records of ``lengths`` bytes to ``pipe`` (its stderr)."""

    def __init__(self, letter: str, lengths: List[int], pipe: int) -> None:
        self.letter = letter
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ringwriter._cli.demo.pipe_child", letter, *map(str, lengths)],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=pipe)

    def waiting_in_write(self) -> bool:
        """Whether the kernel has the child asleep in a pipe's write (its wchan)."""
        try:
            with open(f"/proc/{self.process.pid}/wchan") as wchan:
                return "pipe_write" in wchan.read()
        except OSError:  # exited and reaped
            return False

    def state(self) -> str:
        """What the child is doing, as the kernel tells: ``A: waiting in write(2)``."""
        if self.waiting_in_write():
            return f"{self.letter}: waiting in write(2)"
        return f"{self.letter}: {'exited' if self.process.poll() is not None else 'running'}"

    def waiting(self) -> "_Child":
        """The child, once it waits in write(2); raise if it never does."""
        deadline = time.monotonic() + PATIENCE
        while not self.waiting_in_write():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"child {self.letter} never waited in write(2) on the full pipe")
            time.sleep(0.005)
        return self

    def write_calls(self) -> str:
        """``A 1``: the write(2) calls the child counted for its records (it prints the
        number at exit)."""
        report, _ = self.process.communicate(timeout=PATIENCE)
        return f"{self.letter} {report.decode().strip()}"


def _start(children: List[_Child], letter: str, lengths: List[int], pipe: int) -> _Child:
    """Start a child, add it to ``children``, and return once it waits in write(2)."""
    child = _Child(letter, lengths, pipe)
    children.append(child)
    return child.waiting()


def _read_to_end_and_reap(read_end: int, children: List[_Child]) -> bytes:
    """Everything the pipe gives until every write end is closed, once the children
    have exited."""
    data = b""
    while chunk := os.read(read_end, 65536):
        data += chunk
    for child in children:
        child.process.wait(timeout=PATIENCE)
    return data


def _pieces(data: bytes) -> List[str]:
    """What the reader got, in order, as runs of one writer's bytes (a newline belongs to
    the record it ends): ``A 8,192 bytes``."""
    owners = []
    owner = 0
    for byte in data:
        if byte != ord("\n"):
            owner = byte
        owners.append(owner)
    return [f"{chr(owner)} {len(list(run)):,} bytes" for owner, run in itertools.groupby(owners)]


def _what_it_shows(data: bytes) -> str:
    runs = _pieces(data)
    a_pieces = sum(run.startswith("A") for run in runs)
    b_whole = f"B {SMALL_RECORDS * (SMALL_RECORD + 1):,} bytes" in runs
    b_said = ("B's write of at most PIPE_BUF arrived in one piece" if b_whole
              else "B's write arrived in pieces")
    if a_pieces > 1:
        return (f"{b_said}, inside A's record: A's write, larger than PIPE_BUF, was cut into "
                f"{a_pieces} pieces where the pipe was full, and a reader of lines gets a "
                "garbled one")
    return f"{b_said}; A's record came whole this time, though nothing promised it"


def processes_section(story: Story) -> None:
    """Two children, one pipe, one record larger than PIPE_BUF."""
    read_end, write_end = os.pipe()
    story.say(f"read_end, write_end = os.pipe(): the children's stderr, read by this process "
              f"only at the end. PIPE_BUF is {PIPE_BUF} bytes here. Each child logs through "
              "ringwriter.handlers.StreamHandler(sys.stderr), which hands the kernel its "
              "records in writes of at most PIPE_BUF bytes, each ending on a record, and a "
              "longer record alone, as the stdlib writes it.")
    children: List[_Child] = []
    story.watch(lambda: f"the pipe holds {_bytes_in_pipe(read_end):,} bytes")
    story.watch(lambda: " | ".join(child.state() for child in children) or "no child yet")
    try:
        story.step("fcntl.fcntl(write_end, F_SETPIPE_SZ, 4096)",
                   lambda: fcntl.fcntl(write_end, F_SETPIPE_SZ, 4096),
                   lambda _: f"the pipe now takes {fcntl.fcntl(write_end, F_GETPIPE_SZ):,} bytes "
                             "before a writer waits")
        story.step(f'child A: log.error("A" * {LARGE_RECORD:_})',
                   lambda: _start(children, "A", [LARGE_RECORD + 1], write_end),
                   f"one record, one write(2) of {LARGE_RECORD + 1:,} bytes: more than "
                   "PIPE_BUF, so the kernel takes what fits and A waits for room")
        story.step(f'child B: log.info("B" * {SMALL_RECORD}) twice, then log.error(...)',
                   lambda: _start(children, "B", [SMALL_RECORD + 1] * SMALL_RECORDS, write_end),
                   f"the ERROR record flushes the three: one write(2) of "
                   f"{SMALL_RECORDS * (SMALL_RECORD + 1)} bytes, at most PIPE_BUF, "
                   "which the kernel writes whole or not at all: B waits for room for all")
        story.step("os.close(write_end)", lambda: os.close(write_end),
                   "the children hold the only write ends now: end of file once both exit")
        data = story.step("data = read_to_end(read_end); A.wait(); B.wait()",
                          lambda: _read_to_end_and_reap(read_end, children),
                          lambda got: "the reader got " + ", then ".join(_pieces(got)))
        story.say("The write(2)s for their records, as the kernel counted them in each child: "
                  + ", ".join(child.write_calls() for child in children) + ".")
        story.say(_what_it_shows(data))
    finally:
        os.close(read_end)
