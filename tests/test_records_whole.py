"""Records kept whole, in one process: what each write(2) holds.

A ``SOCK_SEQPACKET`` socket keeps every write(2) a message of its own, so reading the
other end shows exactly how the writer cut its output. Over a descriptor that is not a
regular file, every write of buffered bytes must hold whole records and at most
``PIPE_BUF`` bytes (a longer record goes alone); over a regular file nothing changes.
The bytes themselves are always the stdlib's (compared with ``logging``'s handlers on the
same records).
"""
import io
import logging
import os
import select
import socket
import struct
import sys
import threading
import time

import pytest

if sys.platform != "linux":
    pytest.skip("SOCK_SEQPACKET socket pairs and their TIOCOUTQ as Linux has them", allow_module_level=True)

import fcntl  # noqa: E402
import termios  # noqa: E402

import ringwriter  # noqa: E402
import ringwriter.handlers  # noqa: E402
from differential import FdDrainer  # noqa: E402
from ringwriter._writer import PIPE_BUF, is_regular_file  # noqa: E402

HANG_GUARD_SECONDS = 60


class Packets(threading.Thread):
    """The reading end of a SOCK_SEQPACKET pair, drained from a thread (so that a writer
    never waits for room); ``received()`` is every message since the last call, once the
    socket holds nothing unread."""

    def __init__(self):
        super().__init__(daemon=True)
        self.reading, self.writing = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.reading.setblocking(False)
        self.lock = threading.Lock()
        self.messages = []
        self.done = threading.Event()

    def run(self):
        while not self.done.is_set():
            select.select([self.reading], [], [], 0.05)
            with self.lock:
                try:
                    self.messages.append(self.reading.recv(1 << 20))
                except BlockingIOError:
                    pass

    def received(self):
        while True:
            with self.lock:
                unread = struct.unpack("i", fcntl.ioctl(self.writing, termios.TIOCOUTQ, b"\0" * 4))[0]
                if unread == 0:
                    messages, self.messages = self.messages, []
                    return messages
            time.sleep(0.001)


@pytest.fixture
def packets():
    """(a descriptor whose every write(2) is one message, a function reading them all)."""
    reader = Packets()
    reader.start()
    yield reader.writing.fileno(), reader.received
    reader.done.set()
    reader.join()
    reader.reading.close()
    reader.writing.close()


def record(i, size):
    head = b"%d:" % i
    return head + b"x" * (size - len(head) - 1) + b"\n"


def test_pipe_buf_is_the_kernels():
    assert PIPE_BUF == select.PIPE_BUF


def test_is_regular_file(tmp_path):
    with open(tmp_path / "f", "wb") as f:
        assert is_regular_file(f.fileno())
    r, w = os.pipe()
    try:
        assert not is_regular_file(w)
    finally:
        os.close(r)
        os.close(w)
    with pytest.raises(OSError):
        is_regular_file(w)


def test_not_over_a_regular_file(tmp_path):
    with ringwriter.BufferedWriter(io.FileIO(tmp_path / "f", "w"), 8192) as writer:
        assert writer._keep_records_whole(PIPE_BUF, True) is False
        for i in range(100):
            writer.write(record(i, 300))
        assert writer.stats.raw_writes == 3  # 8192-byte buffers, as before: 30000 B


def test_not_over_a_raw_without_a_descriptor():
    writer = ringwriter.BufferedWriter(io.BytesIO(), 8192)
    assert writer._keep_records_whole(PIPE_BUF, True) is False


@pytest.mark.parametrize("buffer_size", [8192, 65536, 3000])
def test_each_write_is_a_record(packets, buffer_size):
    fd, received = packets
    writer = ringwriter.BufferedWriter(io.FileIO(fd, "w", closefd=False), buffer_size)
    assert writer._keep_records_whole(PIPE_BUF, True)
    sizes = [40, 900, 3000, 4096, 100, 5000, 17, 4095, 2, 9000, 60] * 5
    records = [record(i, size) for i, size in enumerate(sizes)]
    for r in records:
        writer.write(r)
    writer.close()
    messages = received()
    assert b"".join(messages) == b"".join(records)
    limit = min(PIPE_BUF, buffer_size)
    bounds = set()
    end = 0
    for r in records:
        end += len(r)
        bounds.add(end)
    end = 0
    for message in messages:
        end += len(message)
        assert end in bounds  # every write ends where a record does
        if len(message) > limit:
            assert message in records  # a long record goes alone
    # Greedy: a write and the next hold more than the limit, except around long records.
    for first, second in zip(messages, messages[1:], strict=False):
        assert len(first) + len(second) > limit or first in records or second in records


def test_a_record_ends_at_end_record(packets):
    """The coalescing writer's records: what was written up to _end_record()."""
    fd, received = packets
    writer = ringwriter.BufferedWriter(io.FileIO(fd, "w", closefd=False), 8192)
    assert writer._keep_records_whole(PIPE_BUF, False)
    lines = []
    for i in range(60):
        line = record(i, 700)
        writer.write(line[:300])   # a record in pieces, as a logger may write it
        writer.write(line[300:])
        writer._end_record()
        lines.append(line)
    assert writer.pending <= PIPE_BUF
    writer.write(b"unfinished ")
    writer._flush_records()          # what the interval flush and the fork hook do
    assert writer.pending == len(b"unfinished ")
    writer.write(b"record\n")
    writer._end_record()
    writer.close()
    messages = received()
    assert b"".join(messages) == b"".join(lines) + b"unfinished record\n"
    for message in messages:
        assert len(message) <= PIPE_BUF and message.endswith(b"\n")
        assert len(message.split(b"\n")[0]) in (699, len("unfinished record"))


def test_coalescing_writer_over_a_socket(packets):
    fd, received = packets
    writer = ringwriter.CoalescingWriter(io.FileIO(fd, "w", closefd=False), flush_interval=60)
    lines = [record(i, 1000) for i in range(50)]
    for line in lines:
        writer.write(line[:10])
        writer.write(line[10:])
        writer.flush()  # within the interval: deferred, but it ends the record
    writer.close()
    messages = received()
    assert b"".join(messages) == b"".join(lines)
    assert all(len(m) <= PIPE_BUF and len(m) % 1000 == 0 for m in messages)
    # The first flush() writes at once (no flush for an interval before it), then four
    # records a write.
    assert [len(m) // 1000 for m in messages] == [1] + [4] * 12 + [1]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_fork_writes_whole_records_and_keeps_the_rest(packets):
    fd, received = packets
    writer = ringwriter.CoalescingWriter(io.FileIO(fd, "w", closefd=False), flush_interval=60)
    writer.write(b"whole record\n")
    writer.flush()
    writer.write(b"half a ")
    pid = os.fork()
    if pid == 0:
        os._exit(0 if writer.pending == 0 else 1)  # the child dropped the parent's bytes
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert received() == [b"whole record\n"]  # before fork(): whole records only
    writer.write(b"record\n")
    writer.close()
    assert received() == [b"half a record\n"]


def test_nonblocking_and_full(packets):
    """A non-blocking destination that is full: BlockingIOError as the stdlib raises it;
    every byte accepted arrives once, in order."""
    fd, received = packets
    os.set_blocking(fd, False)
    writer = ringwriter.BufferedWriter(io.FileIO(fd, "w", closefd=False), 8192)
    assert writer._keep_records_whole(PIPE_BUF, True)
    accepted = []
    blocked = 0
    for i in range(2000):
        r = record(i, 1500)
        try:
            writer.write(r)
            accepted.append(r)
        except BlockingIOError as error:
            accepted.append(r[:error.characters_written])
            blocked += 1
            if blocked == 3:
                break
    assert blocked == 3
    messages = received()
    os.set_blocking(fd, True)
    writer.close()
    messages += received()
    assert b"".join(messages) == b"".join(accepted)


# -- the handlers ----------------------------------------------------------------------

def logger_with(handler, name):
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger(f"test_records_whole.{name}")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return logger


MESSAGES = [("é" * (i % 7) + "日" * (i % 3) + "m%d " % i) * (1 + (i * 37) % 150) for i in range(200)]


def assert_cut_between_records(messages, encoding):
    """Each message ends at the end of a line, and holds at most PIPE_BUF bytes unless it
    is one line."""
    data = b"".join(messages)
    end = lines_before = 0
    for message in messages:
        end += len(message)
        text = data[:end].decode(encoding)
        assert text.endswith("\n")
        lines = text.count("\n")
        assert len(message) <= PIPE_BUF or lines - lines_before == 1
        lines_before = lines


def log_messages(handler, name):
    """Log MESSAGES through ``handler`` and close it: the records handleError got."""
    reports = []
    handler.handleError = lambda record: reports.append(record.getMessage())
    log = logger_with(handler, name)
    for message in MESSAGES:
        log.info(message)
    handler.close()
    return reports


ENCODINGS = ["utf-8", "utf-16", "latin-1", "ascii"]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_stream_handler_writes_hold_whole_records(packets, encoding):
    """StreamHandler over a socket: each write within PIPE_BUF (a longer record alone),
    ending on a record; the stdlib's bytes for the same records, the same errors."""
    fd, received = packets
    outputs = {}
    for implementation, handlers in (("stdlib", logging), ("ringwriter", ringwriter.handlers)):
        with open(fd, "w", encoding=encoding, closefd=False) as stream:
            reports = log_messages(handlers.StreamHandler(stream), f"stream-{encoding}-{implementation}")
        messages = received()
        outputs[implementation] = (b"".join(messages), reports)
    assert outputs["ringwriter"] == outputs["stdlib"]
    written = len(MESSAGES) - len(outputs["ringwriter"][1])
    assert_cut_between_records(messages, encoding)
    if written >= 20:
        assert len(messages) < written / 2


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs mkfifo")
@pytest.mark.parametrize("encoding", ENCODINGS)
def test_file_handler_over_a_fifo_writes_the_stdlibs_bytes(tmp_path, encoding):
    """FileHandler on a FIFO's path (not a regular file): the stdlib's bytes and errors."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    outputs = {}
    for implementation, handlers in (("stdlib", logging), ("ringwriter", ringwriter.handlers)):
        read_end = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        keep_open = os.open(fifo, os.O_WRONLY)  # no EOF before the handler has opened it
        reader = FdDrainer(read_end)
        reader.start()
        try:
            reports = log_messages(handlers.FileHandler(fifo, encoding=encoding), f"fifo-{encoding}-{implementation}")
        finally:
            os.close(keep_open)
            reader.join(30)
            os.close(read_end)
        assert reader.eof and reader.error is None
        outputs[implementation] = (reader.snapshot(), reports)
    assert outputs["ringwriter"] == outputs["stdlib"]
