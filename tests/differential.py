"""Shared helpers for the conformance suite (issue 3).

Every scenario runs the same script against ``io.BufferedWriter`` (the judge),
``ringwriter.BufferedWriter`` and, where it helps, ``_pyio.BufferedWriter``, and compares
what a caller can observe: return values, exception types and messages,
``characters_written``, and the bytes that reached the other end, in order.
"""
import contextlib
import errno
import faulthandler
import io
import os
import random
import re
import select
import sys
import threading
import time

import _pyio

import ringwriter

IMPLEMENTATIONS = {
    "io": io.BufferedWriter,
    "pyio": _pyio.BufferedWriter,
    "ringwriter": ringwriter.BufferedWriter,
}

# The names each writer shows in reprs and messages; replaced by one placeholder so
# that "reentrant call inside <_io.BufferedWriter name=3>" compares equal to ours.
_TYPE_NAMES = re.compile(r"(?:_io|_pyio|ringwriter\._writer|ringwriter)\.BufferedWriter")
_ADDRESSES = re.compile(r" at 0x[0-9a-fA-F]+")


def normalize(message):
    """A message with the writer's type name and object addresses made neutral."""
    return _ADDRESSES.sub(" at 0x?", _TYPE_NAMES.sub("<BufferedWriter>", str(message)))


def _characters_written(error):
    try:
        return error.characters_written
    except AttributeError:
        return None


def describe_exception(error):
    """What a caller can see of an exception: type, errno, message, characters_written."""
    return (
        type(error).__name__,
        getattr(error, "errno", None),
        normalize(error),
        _characters_written(error),
    )


def outcome(function, *args, **kwargs):
    """``("ok", result)`` or ``("raise", type name, errno, message, characters_written)``."""
    try:
        result = function(*args, **kwargs)
    except Exception as error:  # noqa: BLE001 - every exception is an observable
        return ("raise",) + describe_exception(error)
    return ("ok", result)


def payload(n, seed):
    """``n`` deterministic, seed-dependent bytes (order and duplication show up)."""
    return random.Random(repr(seed)).randbytes(n) if n else b""


def write_sizes(buffer_size, seed, total, *, limit=None):
    """A sequence of write sizes around ``buffer_size``: 0, 1, the buffer's edges,
    several buffers at once, and random sizes, adding up to about ``total`` bytes."""
    rng = random.Random(seed)
    edges = [0, 1, buffer_size - 1, buffer_size, buffer_size + 1, 2 * buffer_size + 3, 3 * buffer_size]
    sizes, written = [], 0
    while written < total:
        choice = rng.random()
        if choice < 0.35:
            n = rng.choice(edges)
        elif choice < 0.7:
            n = rng.randint(0, min(64, 3 * buffer_size))
        else:
            n = rng.randint(0, 3 * buffer_size)
        n = max(0, n)
        if limit is not None:
            n = min(n, limit)
        sizes.append(n)
        written += n
    return sizes


_HANG_DUMP_FD = None


def set_hang_dump_fd(fd):
    """Where hang_guard() dumps tracebacks: conftest passes the terminal's stderr, since
    pytest's fd capture would swallow a dump written to descriptor 2 by a dying process."""
    global _HANG_DUMP_FD
    _HANG_DUMP_FD = fd


@contextlib.contextmanager
def hang_guard(seconds=60):
    """Dump every thread's traceback and exit the process if the block hangs."""
    if _HANG_DUMP_FD is not None:
        faulthandler.dump_traceback_later(seconds, exit=True, file=_HANG_DUMP_FD)
    else:
        faulthandler.dump_traceback_later(seconds, exit=True)
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()


class FdDrainer(threading.Thread):
    """Reads a descriptor into ``self.data`` until EOF (or ``stop()``), from a thread.

    ``delay`` postpones the first read; ``pause()``/``resume()`` stop and restart
    reading. It polls with a timeout, so it never blocks forever."""

    def __init__(self, fd, *, delay=0.0, chunk=65536, reader=None):
        super().__init__(daemon=True)
        self.fd = fd
        self.delay = delay
        self.chunk = chunk
        self.data = bytearray()
        self.eof = False
        self.error = None
        self._stop_event = threading.Event()
        self._running = threading.Event()
        self._running.set()
        self._lock = threading.Lock()
        self._reader = reader or (lambda fd, n: os.read(fd, n))

    def pause(self):
        self._running.clear()

    def resume(self):
        self._running.set()

    def stop(self):
        self._stop_event.set()

    def snapshot(self):
        with self._lock:
            return bytes(self.data)

    def run(self):
        try:
            if self.delay and self._stop_event.wait(self.delay):
                return
            while not self._stop_event.is_set():
                if not self._running.wait(0.05):
                    continue
                ready, _, _ = select.select([self.fd], [], [], 0.05)
                if not ready:
                    continue
                try:
                    chunk = self._reader(self.fd, self.chunk)
                except BlockingIOError:
                    continue
                except OSError as error:
                    if error.errno == errno.EIO:  # a pty master after the slave closed
                        self.eof = True
                        return
                    raise
                if not chunk:
                    self.eof = True
                    return
                with self._lock:
                    self.data += chunk
        except BaseException as error:  # reported by finish()
            self.error = error

    def wait_for(self, n, timeout=30.0):
        """Wait until at least ``n`` bytes arrived (or EOF, or the timeout): the data."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.data) >= n:
                    return bytes(self.data)
            if self.eof or not self.is_alive():
                break
            time.sleep(0.002)
        return self.snapshot()

    def finish(self, timeout=30.0):
        """Wait for EOF (the writing end closed), then return everything read."""
        self.join(timeout)
        if self.is_alive():
            self.stop()
            self.join(5)
            raise AssertionError(f"reader did not see EOF within {timeout} s")
        if self.error is not None:
            raise self.error
        return bytes(self.data)


def drain_nonblocking(fd):
    """Everything readable on ``fd`` right now, without blocking."""
    chunks = []
    while True:
        ready, _, _ = select.select([fd], [], [], 0)
        if not ready:
            break
        try:
            chunk = os.read(fd, 1 << 20)
        except BlockingIOError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def fill_pipe(fd):
    """Fill a pipe's kernel buffer through non-blocking writes: the bytes written."""
    was_blocking = os.get_blocking(fd)
    os.set_blocking(fd, False)
    written = 0
    try:
        block = b"\xee" * 65536
        while True:
            try:
                n = os.write(fd, block)
            except BlockingIOError:
                break
            written += n
        # A pipe may still take a few bytes below one page: take them too.
        while True:
            try:
                written += os.write(fd, b"\xee")
            except BlockingIOError:
                break
    finally:
        os.set_blocking(fd, was_blocking)
    return written


def running_python_has_dev_mode():
    return bool(sys.flags.dev_mode)


def describe_chain(error, depth=3):
    """``describe_exception`` plus the ``__context__``/``__cause__`` chain (for close)."""
    if error is None or depth == 0:
        return None
    return describe_exception(error) + (
        describe_chain(error.__context__, depth - 1),
        describe_chain(error.__cause__, depth - 1),
        error.__suppress_context__,
    )


def outcome_chain(function, *args, **kwargs):
    """Like ``outcome``, but an exception is described with its context chain."""
    try:
        result = function(*args, **kwargs)
    except Exception as error:  # noqa: BLE001
        return ("raise",) + describe_chain(error)
    return ("ok", result)


def first_difference(ref, ours):
    """A short text showing where two logs (lists) first differ, or None."""
    if ref == ours:
        return None
    if isinstance(ref, (list, tuple)) and isinstance(ours, (list, tuple)):
        for index, (a, b) in enumerate(zip(ref, ours)):
            if a != b:
                return f"at step {index}: stdlib {a!r} != ringwriter {b!r}"
        return f"lengths differ: stdlib {len(ref)}, ringwriter {len(ours)}"
    return f"stdlib {ref!r} != ringwriter {ours!r}"


class Mismatches:
    """Collects the cases of a sweep that differ from the stdlib; ``check()`` fails with
    the first few, so one test can sweep thousands of cases and still say which failed."""

    def __init__(self):
        self.items = []
        self.cases = 0

    def compare(self, case, ref, ours):
        self.cases += 1
        for key in ref:
            difference = first_difference(ref[key], ours[key])
            if difference is not None:
                self.items.append(f"{case}: {key} {difference}")
                return False
        return True

    def add(self, case, text):
        self.items.append(f"{case}: {text}")

    def check(self, limit=6):
        assert self.cases > 0, "the sweep ran no case"
        if self.items:
            shown = "\n  ".join(item[:600] for item in self.items[:limit])
            raise AssertionError(f"{len(self.items)} of {self.cases} cases differ from the stdlib:\n  {shown}")
