"""Signals: a SIGALRM handler (signal.setitimer) runs while a write or flush is blocked
on a full pipe.

- A handler that returns: the interrupted system call is retried (PEP 475) and every
  byte arrives exactly once. The reader starts draining only after the handler has run
  several times, so the write really was blocked and interrupted (and the GIL was
  released: the reader is Python code).
- A handler that raises: the exception propagates out of write()/flush(); what arrives
  is a prefix of what was written (nothing doubled, nothing skipped), everything
  accepted before arrives, and a flush interrupted this way keeps the rest buffered
  (a later flush delivers exactly the remainder).
- A handler that writes to (or flushes) the same writer: RuntimeError("reentrant call
  inside <writer repr>"), not a deadlock.

Run against io.BufferedWriter and ringwriter.BufferedWriter, over an exact io.FileIO
(ringwriter's fd path) and a FileIO subclass (its raw.write() path). _pyio is left out:
its reentrant case deadlocks by design (test_io skips it too). Every test runs under a
faulthandler hang guard; the reader thread blocks SIGALRM so that the signal always
interrupts the main thread's system call.
"""
import errno
import os
import signal
import sys
import threading

import pytest
from differential import payload

fcntl = pytest.importorskip("fcntl", reason="no fcntl (and no signal.setitimer) on this OS")

pytestmark = pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="no signal.setitimer on this OS")

F_SETPIPE_SZ = getattr(fcntl, "F_SETPIPE_SZ", 1031 if sys.platform.startswith("linux") else None)


HANG_GUARD_SECONDS = 60  # conftest.py's hang guard


@pytest.fixture(autouse=True)
def _restore_sigalrm():
    previous = signal.getsignal(signal.SIGALRM)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def small_pipe():
    """A pipe shrunk to one page where the OS allows it (it fills faster)."""
    r, w = os.pipe()
    if F_SETPIPE_SZ is not None:
        try:
            fcntl.fcntl(w, F_SETPIPE_SZ, 4096)
        except OSError:
            pass
    fds = {"r": r, "w": w}
    yield fds
    for fd in fds.values():
        try:
            os.close(fd)
        except OSError:
            pass


class Reader(threading.Thread):
    """Reads the pipe to EOF once ``start_reading`` is set; SIGALRM blocked here."""

    def __init__(self, fd):
        super().__init__(daemon=True)
        self.fd = fd
        self.start_reading = threading.Event()
        self.released_by_timeout = False
        self.data = bytearray()
        self.error = None

    def run(self):
        try:
            signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGALRM])
            if not self.start_reading.wait(15):
                self.released_by_timeout = True
            while True:
                chunk = os.read(self.fd, 1 << 16)
                if not chunk:
                    return
                self.data += chunk
        except BaseException as error:  # noqa: BLE001 - reported by finish()
            self.error = error

    def finish(self):
        self.start_reading.set()
        self.join(30)
        assert not self.is_alive(), "the reader did not reach EOF"
        if self.error is not None:
            raise self.error
        return bytes(self.data)


def close_writer_end(writer, fds):
    writer.close()
    try:
        os.close(fds["w"])
    except OSError:
        pass


@pytest.mark.parametrize("buffer_size", [1, 4096, 1 << 20])
@pytest.mark.parametrize("operation", ["write", "flush"])
def test_handler_that_returns_the_write_completes(Writer, small_pipe, raw_path, buffer_size, operation):
    data = payload(256 * 1024, (raw_path.__name__, buffer_size))
    writer = Writer(raw_path(small_pipe["w"], "wb", closefd=False), buffer_size)
    reader = Reader(small_pipe["r"])
    reader.start()
    calls = []

    def handler(signum, frame):
        calls.append(signum)
        if len(calls) == 3:
            reader.start_reading.set()

    signal.signal(signal.SIGALRM, handler)
    if operation == "flush":
        head = max(buffer_size - 1, 1)  # fits: buffered (a whole buffer is written through from 3.13 on)
        writer.write(data[:head])
        rest = data[head:]
    signal.setitimer(signal.ITIMER_REAL, 0.02, 0.02)
    try:
        if operation == "write":
            assert writer.write(data) == len(data)
        else:
            writer.flush()
            assert writer.write(rest) == len(rest)
        writer.flush()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    close_writer_end(writer, small_pipe)
    received = reader.finish()
    assert not reader.released_by_timeout, "the handler did not run while the write was blocked"
    assert len(calls) >= 3
    assert received == data


def _prefix_check(received, expected, accepted_before):
    assert len(received) >= accepted_before, "bytes accepted before the signal were lost"
    assert received == expected[: len(received)], "bytes doubled or skipped"


@pytest.mark.parametrize("buffer_size", [1, 7, 4096, 65536])
def test_handler_that_raises_during_write(Writer, small_pipe, raw_path, buffer_size):
    """The exception propagates out of write(); what arrives is the bytes accepted
    before, then a prefix of the interrupted payload: nothing doubled."""
    head = payload(min(buffer_size, 3000), "head")
    data = payload(512 * 1024, (raw_path.__name__, buffer_size))
    writer = Writer(raw_path(small_pipe["w"], "wb", closefd=False), buffer_size)

    def handler(signum, frame):
        1 / 0

    signal.signal(signal.SIGALRM, handler)
    assert writer.write(head) == len(head)
    signal.setitimer(signal.ITIMER_REAL, 0.05)
    try:
        with pytest.raises(ZeroDivisionError):
            writer.write(data)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    reader = Reader(small_pipe["r"])
    reader.start()
    reader.start_reading.set()
    close_writer_end(writer, small_pipe)
    received = reader.finish()
    _prefix_check(received, head + data, len(head))
    assert len(received) < len(head) + len(data), "the interrupted write cannot have completed"


@pytest.mark.parametrize("buffer_size", [64 * 1024, 1 << 20])
def test_handler_that_raises_during_flush_keeps_the_rest(Writer, small_pipe, raw_path, buffer_size):
    """flush() interrupted by an exception: the bytes not yet written stay buffered and
    a later flush delivers exactly them: received == everything written, once."""
    # One byte less than the buffer: from 3.13 on, the stdlib writes a payload of a
    # whole buffer or more straight through instead of buffering it.
    data = payload(buffer_size - 1, (raw_path.__name__, buffer_size, "flush"))
    writer = Writer(raw_path(small_pipe["w"], "wb", closefd=False), buffer_size)

    def handler(signum, frame):
        raise KeyError("from the handler")

    signal.signal(signal.SIGALRM, handler)
    assert writer.write(data) == len(data)
    signal.setitimer(signal.ITIMER_REAL, 0.05)
    try:
        with pytest.raises(KeyError):
            writer.flush()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    reader = Reader(small_pipe["r"])
    reader.start()
    reader.start_reading.set()
    writer.flush()
    close_writer_end(writer, small_pipe)
    assert reader.finish() == data


@pytest.mark.parametrize("reentry", ["write", "flush", "writelines"])
@pytest.mark.parametrize("blocked_in", ["write", "flush"])
def test_handler_that_reenters_gets_runtime_error(Writer, small_pipe, raw_path, reentry, blocked_in):
    """The handler calls the writer it interrupted: RuntimeError whose message is
    "reentrant call inside " + repr(writer), as the stdlib's; it propagates out of the
    blocked call; no deadlock; nothing written by the handler; nothing doubled."""
    buffer_size = 8192
    data = payload(256 * 1024, (raw_path.__name__, reentry))
    writer = Writer(raw_path(small_pipe["w"], "wb", closefd=False), buffer_size)
    seen = []

    def handler(signum, frame):
        seen.append(signum)
        {"write": lambda: writer.write(b"!"), "flush": writer.flush, "writelines": lambda: writer.writelines([b"!"])}[reentry]()

    signal.signal(signal.SIGALRM, handler)
    filler = 0
    prefix_len = buffer_size - 1  # buffered (3.13+ writes a whole buffer straight through)
    if blocked_in == "flush":
        writer.write(data[:prefix_len])
    signal.setitimer(signal.ITIMER_REAL, 0.05)
    try:
        with pytest.raises(RuntimeError) as info:
            if blocked_in == "flush":
                # Fill the pipe first so that the flush blocks.
                os.set_blocking(small_pipe["w"], False)
                try:
                    while True:
                        filler += os.write(small_pipe["w"], b"\0" * 4096)
                except BlockingIOError:
                    pass
                os.set_blocking(small_pipe["w"], True)
                writer.flush()
            else:
                writer.write(data)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    assert seen, "the handler did not run"
    assert str(info.value) == f"reentrant call inside {writer!r}"
    reader = Reader(small_pipe["r"])
    reader.start()
    reader.start_reading.set()
    close_writer_end(writer, small_pipe)
    received = reader.finish()
    if blocked_in == "flush":
        assert received[:filler] == b"\0" * filler  # the filler that made the flush block
        assert received[filler:] == data[:prefix_len]
    else:
        _prefix_check(received, data, 0)


def test_eintr_from_a_python_raw_is_retried(Writer):
    """raw.write() raising OSError(EINTR) (a raw that does not retry itself): the
    writer runs the handlers and calls it again, as _PyIO_trap_eintr does."""
    from rawmocks import ScriptedRaw, accept, fail

    raw = ScriptedRaw([fail(errno.EINTR), accept(2), fail(errno.EINTR)])
    writer = Writer(raw, 4)
    writer.write(b"abc")
    writer.flush()
    assert raw.data == b"abc"
    assert raw.writes == [b"abc", b"abc", b"c", b"c"]
