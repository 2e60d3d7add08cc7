"""Serial lines on a pseudo-terminal (os.openpty, the slave in raw mode so that no byte is
translated, the master drained from a thread: pyserial's flush is tcdrain, which on a
pty blocks until the master reads, pyserial issue 625).

The slave is opened as a pyserial ``serial.Serial`` (an io.RawIOBase: ringwriter's
portable raw.write() path) and as a plain ``io.FileIO`` (its fd path). What the master
reads must be exactly what was written, in order. "Nothing arrived yet" is checked
without timing: a sentinel is written straight to the slave descriptor, and everything
the master read before the sentinel must be what was expected (for instance nothing).
"""
import io
import os
import threading
import time

import pytest

from differential import REF, FdDrainer, compared_with_stdlib, payload, write_sizes

serial = pytest.importorskip("serial", reason="pyserial is a test dependency (pip install '.[test]')")
termios = pytest.importorskip("termios", reason="no termios: not a POSIX system")
tty = pytest.importorskip("tty")


RAW_KINDS = ["serial", "fileio-path", "fileio-fd"]


HANG_GUARD_SECONDS = 60  # conftest.py's hang guard


class ClosingSerial(serial.Serial):
    """pyserial's Serial whose close() also marks the io.IOBase closed.

    Serial.close() closes the port but leaves ``closed`` False, so a writer over it
    that was closed still looks open, and its finalizer tries again: "flush of closed
    file", reported as unraisable from 3.13 on, by the stdlib's writer and by ours alike
    (test_plain_serial_close_leaves_the_writer_looking_open pins that). The other tests
    use this subclass, which is still a RawIOBase (ringwriter's portable path), to keep
    their runs free of that noise."""

    def close(self):
        super().close()
        try:
            io.RawIOBase.close(self)  # sets closed; its flush() (tcdrain) refuses a closed port
        except serial.PortNotOpenError:
            pass


class Pty:
    def __init__(self):
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        self.name = os.ttyname(self.slave)
        self.drainer = FdDrainer(self.master)
        self.opened = []

    def open_raw(self, kind, **serial_options):
        if kind == "serial":
            raw = ClosingSerial(self.name, **serial_options)
        elif kind == "plain-serial":
            raw = serial.Serial(self.name, **serial_options)
        elif kind == "fileio-path":
            raw = io.FileIO(self.name, "wb")
        else:
            raw = io.FileIO(self.slave, "wb", closefd=False)
        self.opened.append(raw)
        return raw

    def mark(self, sentinel):
        """Write ``sentinel`` straight to the slave, wait until the master has it, and
        return everything the master read so far."""
        before = len(self.drainer.snapshot())
        os.write(self.slave, sentinel)
        data = self.drainer.wait_for(before + len(sentinel), timeout=20)
        deadline = time.monotonic() + 20
        while not data.endswith(sentinel) and time.monotonic() < deadline:
            data = self.drainer.wait_for(len(data) + 1, timeout=0.5)
        assert data.endswith(sentinel), f"sentinel {sentinel!r} never arrived: {data[-80:]!r}"
        return data

    def close(self):
        for raw in self.opened:
            try:
                if isinstance(raw, serial.Serial) or not raw.closed:
                    raw.close()
            except OSError:
                pass
        os.close(self.slave)
        self.drainer.stop()
        self.drainer.join(5)
        os.close(self.master)


@pytest.fixture
def pty():
    p = Pty()
    p.drainer.start()
    yield p
    p.close()


@pytest.mark.parametrize("raw_kind", RAW_KINDS)
@pytest.mark.parametrize("buffer_size", [1, 7, 4096, 65536])
def test_bytes_read_back_on_the_master(AnyWriter, pty, raw_kind, buffer_size):
    """All 256 byte values, in writes of every size around the buffer, more in total than
    the tty holds (so writes block until the master drains): exactly those bytes."""
    chunks = [bytes(range(256))] + [payload(n, (buffer_size, i)) for i, n in enumerate(write_sizes(buffer_size, 5, 40000 if buffer_size > 64 else 12000))]
    writer = AnyWriter(pty.open_raw(raw_kind), buffer_size)
    for chunk in chunks:
        assert writer.write(chunk) == len(chunk)
    writer.flush()
    expected = b"".join(chunks)
    assert pty.mark(b"<end>") == expected + b"<end>"
    writer.close()


@pytest.mark.parametrize("raw_kind", RAW_KINDS)
def test_nothing_arrives_before_flush(Writer, pty, raw_kind):
    writer = Writer(pty.open_raw(raw_kind), 4096)
    writer.write(b"hello ")
    writer.write(b"x" * 4000)  # 4006 < 4096: still buffered
    assert pty.mark(b"#1") == b"#1"
    writer.flush()
    assert pty.mark(b"#2") == b"#1hello " + b"x" * 4000 + b"#2"
    writer.write(b"tail")
    assert pty.mark(b"#3").endswith(b"#2#3")
    writer.close()
    assert pty.mark(b"#4").endswith(b"#2#3tail#4")


@pytest.mark.parametrize("raw_kind", RAW_KINDS)
@pytest.mark.parametrize("encoding", ["utf-8", "latin-1", "utf-16-le"])
@compared_with_stdlib
def test_line_buffered_text_delivers_each_line_at_its_newline(Writer, raw_kind, encoding):
    """TextIOWrapper(line_buffering=True): a line arrives when its newline is written,
    not before; the same snapshots with the stdlib's writer."""

    def scenario(writer_class):
        p = Pty()
        p.drainer.start()
        try:
            text = io.TextIOWrapper(writer_class(p.open_raw(raw_kind), 4096), encoding=encoding, line_buffering=True)
            snapshots = []
            for index, piece in enumerate(["abc", "déf\n", "no newline yet", " still", "\n", "x\ny", "z", "\n\n"]):
                text.write(piece)
                sentinel = f"<{index}>".encode()
                snapshots.append(p.mark(sentinel))
            text.close()
            snapshots.append(p.mark(b"<closed>"))
            return snapshots
        finally:
            p.close()

    ref = scenario(REF)
    enc = lambda s: s.encode(encoding)  # noqa: E731
    assert ref[0] == b"<0>"  # the premise, on the stdlib: "abc" has no newline
    assert ref[1] == b"<0>" + enc("abcdéf\n") + b"<1>"
    assert ref[5].endswith(b"<4>" + enc("x\ny") + b"<5>")
    assert scenario(Writer) == ref


def test_writer_flush_does_not_drain_the_serial_line(Writer):
    """flush() hands bytes to the kernel and returns; it does not call Serial.flush()
    (tcdrain), which on a pty would block until the master reads. The master is not
    read at all here until a watchdog (5 s) gives up waiting."""
    p = Pty()
    try:
        port = p.open_raw("serial")
        writer = Writer(port, 64)
        writer.write(b"queued on the line")
        rescued = threading.Event()
        done = threading.Event()

        def watchdog():
            if not done.wait(5):
                rescued.set()
                p.drainer.start()  # let a blocked tcdrain finish

        guard = threading.Thread(target=watchdog, daemon=True)
        guard.start()
        writer.flush()
        done.set()
        guard.join()
        assert not rescued.is_set(), "flush() waited for the line to drain"
        if not p.drainer.is_alive():
            p.drainer.start()
        assert p.mark(b"!") == b"queued on the line!"
        writer.close()
    finally:
        p.close()


def _timing_out_port():
    """A Serial on a fresh pty whose master is not read yet: the line fills up and
    Serial.write() raises SerialTimeoutException after writing some bytes (how many
    depends on the kernel's timing)."""
    p = Pty()
    return p, p.open_raw("serial", write_timeout=0.2)


def _drain_and_close(p, writer):
    """Let the master read again, flush and close ``writer``: all the master received."""
    p.drainer.start()
    writer.flush()
    writer.close()
    return p.mark(b"<end>")[: -len(b"<end>")]


def test_serial_write_timeout_in_flush_keeps_everything_buffered(Writer):
    """flush() of 32 KiB (more than the line holds) times out: SerialTimeoutException (an
    OSError) propagates; pyserial does not say how much it wrote, so the writer keeps all
    of it, and the next flush sends it again: the master reads P + data, P a prefix of
    data (pyserial's partial write), nothing lost."""
    p, port = _timing_out_port()
    try:
        writer = Writer(port, 64 * 1024)
        data = payload(32 * 1024, "flush-timeout")
        assert writer.write(data) == len(data)
        with pytest.raises(serial.SerialTimeoutException) as info:
            writer.flush()
        assert isinstance(info.value, OSError) and str(info.value) == "Write timeout"
        received = _drain_and_close(p, writer)
    finally:
        p.close()
    partial = len(received) - len(data)
    assert partial > 0, "premise: pyserial wrote part of the data before timing out"
    assert received == data[:partial] + data


@pytest.mark.parametrize("buffer_size", [16, 4096])
def test_serial_write_timeout_in_write_propagates(Writer, buffer_size):
    """A write larger than the buffer times out: the exception propagates out of
    write(); what the master reads is a prefix of everything written (nothing doubled,
    nothing skipped), including every byte accepted before."""
    p, port = _timing_out_port()
    try:
        writer = Writer(port, buffer_size)
        head = payload(10, "head")
        data = payload(256 * 1024, ("write-timeout", buffer_size))
        assert writer.write(head) == len(head)
        with pytest.raises(serial.SerialTimeoutException):
            writer.write(data)
        received = _drain_and_close(p, writer)
    finally:
        p.close()
    assert len(head) <= len(received) < len(head) + len(data)
    assert received == (head + data)[: len(received)]


@compared_with_stdlib
def test_plain_serial_close_leaves_the_writer_looking_open(Writer):
    """With pyserial's own Serial, writer.close() closes the port but ``closed`` stays
    False (pyserial does not mark the IOBase closed); the dropped writer's finalizer
    then fails with "flush of closed file". What reaches sys.unraisablehook (3.13+, or
    -X dev) and what the writer reports must be the stdlib's."""
    import gc
    import sys

    from differential import normalize

    def scenario(writer_class):
        p = Pty()
        p.drainer.start()
        seen = []
        previous = sys.unraisablehook
        sys.unraisablehook = lambda u: seen.append((type(u.exc_value).__name__, str(u.exc_value), normalize(repr(u.object))))
        try:
            writer = writer_class(p.open_raw("plain-serial"), 64)
            writer.write(b"abc")
            writer.close()
            state = [writer.closed, writer.raw.is_open, p.mark(b"!")]
            del writer
            gc.collect()
        finally:
            sys.unraisablehook = previous
            p.close()
        return state, seen

    ref = scenario(REF)
    assert ref[0] == [False, False, b"abc!"]
    assert scenario(Writer) == ref
