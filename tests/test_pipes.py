"""Pipes and sockets: blocking with a reader thread or process, non-blocking with a paused
reader, broken pipes, socket pairs (FileIO over the socket: the fd path; SocketIO from
``makefile("wb", buffering=0)``: the portable path).

A pipe's timing decides how writes split, so these tests do not compare two runs with
each other: every implementation, the stdlib included (which checks the test's premise),
must deliver exactly the bytes it accepted, in order.
"""
import errno
import hashlib
import io
import os
import socket
import subprocess
import sys

import pytest

from differential import REF, FdDrainer, compared_with_stdlib, drain_nonblocking, outcome, payload, write_sizes

BUFFER_SIZES = [1, 7, 4096, 65536]


HANG_GUARD_SECONDS = 120  # conftest.py's hang guard


@pytest.fixture
def pipe():
    r, w = os.pipe()
    fds = [r, w]
    yield fds
    for fd in fds:
        try:
            os.close(fd)
        except OSError:
            pass


def _stream(buffer_size, seed, total):
    """Chunks around the buffer's edges; for tiny buffers, sizes up to a few KiB so the
    pipe fills in a few thousand calls, not a million."""
    if buffer_size >= 1000:
        sizes = write_sizes(buffer_size, seed, total)
    else:
        sizes = write_sizes(buffer_size, seed, total // 300)
        sizes = [n * (1 + i % 600) for i, n in enumerate(sizes)]
    return [payload(n, (seed, i)) for i, n in enumerate(sizes)]


# -- blocking --------------------------------------------------------------------------


@pytest.mark.parametrize("buffer_size", BUFFER_SIZES)
def test_blocking_pipe_with_reader_thread(AnyWriter, pipe, buffer_size):
    r, w = pipe
    chunks = _stream(buffer_size, buffer_size, 600_000)  # well over a pipe's capacity
    reader = FdDrainer(r)
    reader.start()
    writer = AnyWriter(io.FileIO(w, "wb"), buffer_size)
    pipe[1] = -1  # the writer owns it now
    results = [writer.write(chunk) for chunk in chunks]
    writer.writelines(chunks[:5])
    writer.close()
    assert results == [len(c) for c in chunks]
    assert reader.finish() == b"".join(chunks) + b"".join(chunks[:5])


@pytest.mark.parametrize("buffer_size", [1, 8192, 1 << 20])
def test_blocking_pipe_with_reader_subprocess(AnyWriter, buffer_size):
    code = (
        "import hashlib, sys\n"
        "data = sys.stdin.buffer.read()\n"
        "print(len(data), hashlib.sha256(data).hexdigest())\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        fd = os.dup(proc.stdin.fileno())
        proc.stdin.close()
        proc.stdin = None
        writer = AnyWriter(io.FileIO(fd, "wb"), buffer_size)
        chunks = _stream(min(buffer_size, 65536), 3, 1_500_000)
        for chunk in chunks:
            assert writer.write(chunk) == len(chunk)
        writer.close()
        out, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    expected = b"".join(chunks)
    assert out.split() == [str(len(expected)).encode(), hashlib.sha256(expected).hexdigest().encode()]
    assert proc.returncode == 0


# -- non-blocking ------------------------------------------------------------------------


def _nonblocking_session(writer, read_fd, chunks, *, drain_on_block):
    """Write every chunk, resending what BlockingIOError says was not accepted.

    Returns (accepted stream, every BlockingIOError's description, bytes read)."""
    accepted = bytearray()
    received = bytearray()
    blocks = []
    for chunk in chunks:
        remaining = chunk
        for _attempt in range(10_000):
            try:
                n = writer.write(remaining)
            except BlockingIOError as error:
                blocks.append((error.errno, error.strerror, error.characters_written, len(remaining)))
                assert 0 <= error.characters_written <= len(remaining)
                accepted += remaining[: error.characters_written]
                remaining = remaining[error.characters_written :]
                if drain_on_block:
                    received += drain_nonblocking(read_fd)
                else:
                    break  # a paused reader: give up on this chunk's rest
                continue
            assert n == len(remaining)
            accepted += remaining
            break
        else:
            raise AssertionError("no progress")
    for _attempt in range(10_000):
        try:
            writer.flush()
            break
        except BlockingIOError as error:
            blocks.append((error.errno, error.strerror, error.characters_written, None))
            assert error.characters_written == 0
            received += drain_nonblocking(read_fd)
    else:
        raise AssertionError("flush made no progress")
    received += drain_nonblocking(read_fd)
    return bytes(accepted), blocks, bytes(received)


@pytest.mark.parametrize("buffer_size", BUFFER_SIZES)
@pytest.mark.parametrize("drain_on_block", [True, False])
def test_nonblocking_pipe_accounting(AnyWriter, pipe, buffer_size, drain_on_block):
    """After draining, the bytes received equal exactly the bytes accepted (the
    returned lengths plus every characters_written), with a reader that drains when
    the writer blocks, and with one that stays paused until the end."""
    r, w = pipe
    os.set_blocking(w, False)
    os.set_blocking(r, False)
    writer = AnyWriter(io.FileIO(w, "wb"), buffer_size)
    pipe[1] = -1
    chunks = _stream(buffer_size, 11, 400_000)
    accepted, blocks, received = _nonblocking_session(writer, r, chunks, drain_on_block=drain_on_block)
    writer.close()
    received += drain_nonblocking(r)
    assert blocks, "the pipe never filled: the test did not exercise blocking"
    for err, strerror, _written, _offered in blocks:
        assert err in (errno.EAGAIN, errno.EWOULDBLOCK)
        assert strerror == "write could not complete without blocking"
    assert received == accepted
    if drain_on_block:
        assert accepted == b"".join(chunks)


@pytest.mark.parametrize("buffer_size", [1, 7, 4096])
def test_nonblocking_flush_on_full_pipe(Writer, pipe, buffer_size):
    """A full pipe: flush raises BlockingIOError(EAGAIN, ..., 0) and keeps every byte;
    the stdlib's exception text, errno and count."""
    from differential import fill_pipe

    r, w = pipe
    os.set_blocking(r, False)
    prefill = fill_pipe(w)
    os.set_blocking(w, False)
    writer = Writer(io.FileIO(w, "wb"), buffer_size)
    pipe[1] = -1
    data = payload(buffer_size, "flush")
    assert writer.write(data) == len(data)
    first = outcome(writer.flush)
    second = outcome(writer.flush)
    assert first == second == ("raise", "BlockingIOError", errno.EAGAIN, "[Errno 11] write could not complete without blocking", 0)
    received = drain_nonblocking(r)
    writer.flush()
    received += drain_nonblocking(r)
    assert received == b"\xee" * prefill + data
    writer.close()


def test_pipe_gets_whole_buffers_not_more(pipe):
    """On a pipe, an overflowing write smaller than the buffer tops the buffer up and
    the buffer leaves alone (a pipe write larger than the pipe holds would wait for the
    reader halfway); on a regular file the pending bytes and the payload leave together."""
    import ringwriter

    r, w = pipe
    writer = ringwriter.BufferedWriter(io.FileIO(w, "wb", closefd=False), 4096)
    for n in range(3):
        writer.write(bytes([65 + n]) * 3000)
    assert (writer.pending, writer.stats.raw_writes, writer.stats.bytes_zero_copy) == (808, 2, 0)
    assert os.read(r, 65536) == (b"A" * 3000 + b"B" * 3000 + b"C" * 3000)[:8192]
    writer.close()


@pytest.mark.parametrize("pending", [1, 3000])
def test_nonblocking_overflow_on_full_pipe_keeps_what_fits(Writer, pending):
    """Pending bytes, a full pipe, and a write that does not fit: BlockingIOError with
    characters_written = what fitted in the buffer, as the stdlib counts it."""
    from differential import fill_pipe

    r, w = os.pipe()
    try:
        os.set_blocking(r, False)
        prefill = fill_pipe(w)
        os.set_blocking(w, False)
        writer = Writer(io.FileIO(w, "wb", closefd=False), 4096)
        head, tail = payload(pending, "head"), payload(3000 + 4096 - pending - 1000, "tail")
        assert writer.write(head) == pending
        result = outcome(writer.write, tail)
        assert result == ("raise", "BlockingIOError", errno.EAGAIN,
                          "[Errno 11] write could not complete without blocking", 4096 - pending)
        received = drain_nonblocking(r)
        writer.flush()
        received += drain_nonblocking(r)
        assert received == b"\xee" * prefill + head + tail[: 4096 - pending]
        writer.close()
    finally:
        os.close(r)
        os.close(w)


# -- broken pipes ------------------------------------------------------------------------


def _broken_pipe_log(writer_class, make_ends, buffer_size, sizes):
    raw, other_end = make_ends()
    writer = writer_class(raw, buffer_size)
    other_end()  # the reader goes away
    log = [outcome(writer.write, b"x" * n) for n in sizes]
    log.append(outcome(writer.flush))
    log.append(outcome(writer.close))
    log += [writer.closed, outcome(writer.close), outcome(writer.write, b"y"), outcome(writer.flush)]
    return log


def _pipe_ends():
    r, w = os.pipe()
    return io.FileIO(w, "wb"), lambda: os.close(r)


def _socket_ends(kind):
    def make():
        a, b = socket.socketpair()
        if kind == "makefile":
            raw = a.makefile("wb", buffering=0)
            a.close()  # the SocketIO keeps the socket open
        else:
            raw = io.FileIO(a.detach(), "wb")

        def close_other():
            b.shutdown(socket.SHUT_RDWR)
            b.close()

        return raw, close_other

    return make


@pytest.mark.parametrize("buffer_size", [1, 7, 4096])
@pytest.mark.parametrize("sizes", [[3], [5000], [0, 1, 2], [100_000]])
@pytest.mark.parametrize("ends", ["pipe", "socket-fileio", "socket-makefile"])
@compared_with_stdlib
def test_broken_pipe(Writer, buffer_size, sizes, ends):
    """The reader closed: BrokenPipeError (or what the stdlib raises) at the same call,
    with the same errno and message; close() still closes; later use is refused."""
    make = _pipe_ends if ends == "pipe" else _socket_ends(ends.split("-")[1])
    ref = _broken_pipe_log(REF, make, buffer_size, sizes)
    assert any(entry[0] == "raise" and entry[1] in ("BrokenPipeError", "ConnectionResetError") for entry in ref if isinstance(entry, tuple))
    assert ref[-4] is True  # closed
    assert _broken_pipe_log(Writer, make, buffer_size, sizes) == ref


# -- sockets ------------------------------------------------------------------------------


@pytest.mark.parametrize("buffer_size", [1, 7, 4096, 65536])
@pytest.mark.parametrize("kind", ["makefile", "fileio"])
def test_socketpair_blocking(AnyWriter, buffer_size, kind):
    a, b = socket.socketpair()
    with b:
        if kind == "makefile":
            raw = a.makefile("wb", buffering=0)
            a.close()
        else:
            raw = io.FileIO(a.detach(), "wb")
        reader = FdDrainer(b.fileno(), reader=lambda fd, n: b.recv(n))
        reader.start()
        writer = AnyWriter(raw, buffer_size)
        chunks = _stream(buffer_size, 5, 500_000)
        for chunk in chunks:
            assert writer.write(chunk) == len(chunk)
        writer.close()
        assert reader.finish() == b"".join(chunks)


@pytest.mark.parametrize("buffer_size", [1, 7, 4096, 65536])
@pytest.mark.parametrize("kind", ["makefile", "fileio"])
@pytest.mark.parametrize("drain_on_block", [True, False])
def test_socketpair_nonblocking_accounting(AnyWriter, buffer_size, kind, drain_on_block):
    """SocketIO.write returns None when the socket would block (the portable path's
    None handling); FileIO over the same socket gets EAGAIN (the fd path)."""
    a, b = socket.socketpair()
    a.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 8192)  # fills after a few KiB
    with b:
        a.setblocking(False)
        b.setblocking(False)
        if kind == "makefile":
            raw = a.makefile("wb", buffering=0)
            a.close()
        else:
            raw = io.FileIO(a.detach(), "wb")
        writer = AnyWriter(raw, buffer_size)
        chunks = _stream(buffer_size, 13, 300_000)
        accepted, blocks, received = _nonblocking_session(writer, b.fileno(), chunks, drain_on_block=drain_on_block)
        writer.close()
        received += drain_nonblocking(b.fileno())
    assert blocks, "the socket never filled: the test did not exercise blocking"
    assert received == accepted
    if drain_on_block:
        assert accepted == b"".join(chunks)
