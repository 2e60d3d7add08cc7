"""Fault injection: exhaustive sweeps with scripted mock raws, compared to the stdlib.

Single contract cases live in test_contract.py; here every sweep runs hundreds of
combinations (short-write length x buffer size x payload sizes x fault position) through
``io.BufferedWriter`` and ``ringwriter.BufferedWriter`` over identical ``ScriptedRaw``
instances and compares everything a caller or the raw stream can observe: return values,
exception type, errno, message, ``characters_written``, the exception chain at close, the
raw's call sequence (ringwriter makes the stdlib's raw.write() calls one for one on a
non-FileIO raw) and the bytes the raw accepted. Where the contract promises it, the bytes
are also checked against what was written (nothing lost, nothing doubled), on the
stdlib first (the premise) and then on ours, and ``_pyio`` gives a second opinion.
"""
import errno
import os

import pytest

import ringwriter
from differential import (
    PYIO, REF, Mismatches, compared_with_stdlib, neutral_blocking_errno, outcome, outcome_chain, payload, run_ops,
)
from rawmocks import ScriptedRaw, accept, fail, raise_, raise_blocking, returns, would_block



def size_patterns(bs):
    """Write-size sequences that cross the buffer's edges in different ways."""
    patterns = [
        [bs + 1],
        [1, bs],
        [bs, 1, 1],
        [3 * bs + 2],
        [0, 3 * bs, 1, bs - 1 if bs > 1 else 2],
        [2, 2 * bs + 1, bs + 3],
    ]
    if bs > 2:
        patterns.append([bs - 1, bs - 1, 2])
    return patterns


def run(writer_class, raw, buffer_size, ops):
    """``ops`` (differential.run_ops) on a writer over ``raw``, BlockingIOError's errno
    made neutral (it has tests of its own)."""
    return run_ops(writer_class(raw, buffer_size), ops, raw=raw, neutral_errno=True)


def both(Writer, make_raw, buffer_size, ops):
    """The reference's observations and ``Writer``'s, over raws made alike."""
    return run(REF, make_raw(), buffer_size, ops), run(Writer, make_raw(), buffer_size, ops)


def writes_of(sizes, seed, kind="write"):
    return [(kind, payload(n, (seed, i))) for i, n in enumerate(sizes)]


def expected_of(ops):
    return b"".join(op[1] for op in ops if op[0] in ("write", "write_all"))


# -- short writes ----------------------------------------------------------------------


@pytest.mark.parametrize("buffer_size", [1, 2, 3, 7, 16])
@compared_with_stdlib
def test_every_short_write_length_matches_stdlib(Writer, buffer_size):
    """A raw that takes at most k bytes per call, for every k from 1 to past the largest
    payload, and a raw that is short (k = 0..) only once, at the j-th call."""
    mismatches = Mismatches()
    for p, sizes in enumerate(size_patterns(buffer_size)):
        ops = writes_of(sizes, (buffer_size, p)) + [("flush",)] + writes_of([buffer_size, 1], p) + [("close",)]
        expected = expected_of(ops)
        for k in range(1, max(sizes) + 3):
            case = f"bs={buffer_size} sizes={sizes} accept({k}) every call"
            ref, ours = both(Writer, lambda: ScriptedRaw(accept(k)), buffer_size, ops)
            if ref["data"] != expected:
                mismatches.add(case, "premise: the stdlib itself lost or doubled bytes")
            mismatches.compare(case, ref, ours)
        for j in range(4):
            for k in range(0, max(sizes) + 2):
                case = f"bs={buffer_size} sizes={sizes} accept({k}) at call {j}"
                script = [accept()] * j + [accept(k)]
                ref, ours = both(Writer, lambda: ScriptedRaw(list(script)), buffer_size, ops)
                mismatches.compare(case, ref, ours)
                if ours["data"] != expected:
                    mismatches.add(case, "ringwriter lost or doubled bytes")
    mismatches.check()


@pytest.mark.parametrize("k", [1, 2, 3, 5, 8, 13])
@compared_with_stdlib
def test_short_writes_pyio_second_opinion(Writer, k):
    """_pyio splits raw writes its own way; the bytes must still be the same."""
    for buffer_size in (1, 2, 7, 16):
        for p, sizes in enumerate(size_patterns(buffer_size)):
            ops = writes_of(sizes, (k, p)) + [("close",)]
            results = {cls: run(cls, ScriptedRaw(accept(k)), buffer_size, ops) for cls in (REF, PYIO, Writer)}
            for cls, result in results.items():
                assert result["data"] == expected_of(ops), (cls, buffer_size, sizes)
                assert [entry[0] for entry in result["log"]] == [entry[0] for entry in results[REF]["log"]]


# -- would block: None and BlockingIOError -------------------------------------------------


@pytest.mark.parametrize("buffer_size", [1, 2, 7, 16])
@compared_with_stdlib
def test_would_block_at_every_call_matches_stdlib(Writer, buffer_size):
    """raw.write() returns None at the j-th call (after an optional short write): the
    BlockingIOError, its characters_written, and after retrying the rest, every byte
    exactly once."""
    mismatches = Mismatches()
    for p, sizes in enumerate(size_patterns(buffer_size)):
        ops = writes_of(sizes, (buffer_size, p), "write_all") + [("flush_all",)]
        ops += writes_of([buffer_size + 2], p, "write_all") + [("flush_all",), ("close",)]
        expected = expected_of(ops)
        for j in range(6):
            for before in ([], [accept(1)], [accept(buffer_size // 2 + 1)]):
                for blocks in (1, 2):
                    case = f"bs={buffer_size} sizes={sizes} None at call {j} after {len(before)} short, x{blocks}"
                    script = [accept()] * j + before + [would_block()] * blocks
                    ref, ours = both(Writer, lambda: ScriptedRaw(list(script)), buffer_size, ops)
                    if ref["data"] != expected or ref["accepted"] != expected:
                        mismatches.add(case, "premise: the stdlib lost or doubled bytes")
                    mismatches.compare(case, ref, ours)
                    if ours["data"] != expected:
                        mismatches.add(case, f"ringwriter delivered {len(ours['data'])} bytes, expected {len(expected)}")
    mismatches.check()


@pytest.mark.parametrize("buffer_size", [1, 3, 8, 32])
@compared_with_stdlib
def test_full_raw_accounting_matches_stdlib(Writer, buffer_size):
    """A pipe-like raw full after ``capacity`` bytes: writes raise BlockingIOError; the
    bytes accepted (returns + characters_written) are exactly the bytes that arrive
    once the raw is drained and the writer flushed."""
    mismatches = Mismatches()
    for p, sizes in enumerate(size_patterns(buffer_size) + [[5] * 12, [buffer_size] * 6]):
        ops = writes_of(sizes, (buffer_size, p)) + [("flush",), ("drain",), ("flush",), ("close",)]
        for capacity in range(0, sum(sizes) + 2):
            case = f"bs={buffer_size} sizes={sizes} capacity={capacity}"
            ref, ours = both(Writer, lambda: ScriptedRaw(capacity=capacity), buffer_size, ops)
            if ref["data"] != ref["accepted"]:
                mismatches.add(case, "premise: the stdlib's accounting is off")
            mismatches.compare(case, ref, ours)
            if ours["data"] != ours["accepted"]:
                mismatches.add(case, f"ringwriter: raw got {ours['data']!r}, writer reported {ours['accepted']!r}")
    mismatches.check()


@pytest.mark.parametrize("buffer_size", [1, 2, 7, 16])
@compared_with_stdlib
def test_raw_raising_blocking_io_error_matches_stdlib(Writer, buffer_size):
    """raw.write() raises BlockingIOError itself, with characters_written 0 or after
    taking some bytes (the stdlib passes the raw's own exception on from flush, and
    ignores its count in write: whatever it does, ours must do the same)."""
    mismatches = Mismatches()
    for p, sizes in enumerate(size_patterns(buffer_size)):
        ops = writes_of(sizes, (buffer_size, p), "write_all") + [("flush_all",), ("close",)]
        for j in range(5):
            for n in sorted({0, 1, buffer_size // 2, buffer_size}):
                case = f"bs={buffer_size} sizes={sizes} raise_blocking({n}) at call {j}"
                script = [accept()] * j + [raise_blocking(n)]
                ref, ours = both(Writer, lambda: ScriptedRaw(list(script)), buffer_size, ops)
                mismatches.compare(case, ref, ours)
                if n == 0 and ours["data"] != expected_of(ops):
                    mismatches.add(case, "ringwriter lost or doubled bytes after BlockingIOError(0)")
    mismatches.check()


@compared_with_stdlib
def test_blocking_errno_after_none_matches_stdlib(Writer):
    """The BlockingIOError a writer raises when raw.write() returned None carries the
    stdlib's errno (the C errno left by the call: 0 for a pure-Python raw), in flush()
    and in write()."""

    def scenario(writer_class):
        raw = ScriptedRaw([would_block(), would_block()])
        writer = writer_class(raw, 4)
        writer.write(b"abc")
        return [outcome(writer.flush), outcome(writer.write, b"0123456789"), outcome(writer.flush)]

    ref = scenario(REF)
    assert ref[0][:2] == ("raise", "BlockingIOError")
    assert scenario(Writer) == ref


# -- errors -----------------------------------------------------------------------------------

# Exceptions are made fresh for every raise (a factory, not an instance): a reused
# instance keeps its last traceback, and with it the frames and the memoryview the writer
# passed, alive (_pyio then cannot resize its buffer).
ERRORS = [
    fail(errno.EIO),
    fail(errno.ENOSPC),
    fail(errno.EPIPE),  # OSError(EPIPE, ...) is a BrokenPipeError
    fail(errno.EINTR),  # an EINTR OSError from raw.write() is retried by both
    raise_(lambda: ValueError("raw says no")),
    raise_(lambda: RuntimeError("raw broke")),
    raise_(lambda: TypeError("odd raw")),
]


@pytest.mark.parametrize("buffer_size", [1, 2, 7, 16])
@compared_with_stdlib
def test_error_at_every_call_then_retry_matches_stdlib(Writer, buffer_size):
    """An exception from the j-th raw.write() (after an optional short write); later
    calls succeed. Every outcome, and the bytes after a retried flush, as the stdlib."""
    mismatches = Mismatches()
    for p, sizes in enumerate(size_patterns(buffer_size)):
        ops = writes_of(sizes, (buffer_size, p)) + [("flush",), ("flush",), ("tell",)]
        ops += writes_of([1, buffer_size + 1], p) + [("flush",), ("close",)]
        for j in range(6):
            for error in ERRORS:
                for before in ([], [accept(1)]):
                    case = f"bs={buffer_size} sizes={sizes} {error.__qualname__} at call {j} after {len(before)} short"
                    script = [accept()] * j + before + [error]
                    ref, ours = both(Writer, lambda: ScriptedRaw(list(script)), buffer_size, ops)
                    mismatches.compare(case, ref, ours)
    mismatches.check()


@pytest.mark.parametrize("buffer_size", [4, 16, 64])
def test_os_error_mid_flush_then_retry_loses_and_doubles_nothing(AnyWriter, buffer_size):
    """Writes that fit in the buffer, a flush that fails after k bytes went out, a second
    flush that succeeds: the raw holds every byte exactly once."""
    for k in range(0, buffer_size - 1):
        for error in (fail(errno.EIO), fail(errno.ENOSPC), raise_(lambda: ValueError("x"))):
            # less than a whole buffer: from 3.13 on a whole buffer is written through
            data = payload(buffer_size - 1, (k, buffer_size))
            raw = ScriptedRaw([accept(k), error] if k else [error])
            writer = AnyWriter(raw, buffer_size)
            assert writer.write(data) == len(data)
            try:
                writer.flush()
            except Exception as exc:  # noqa: BLE001 - (not pytest.raises: its traceback
                raised = type(exc).__name__  # would keep the mock's memoryview exported)
            else:
                raised = None
            assert raised == ("OSError" if "fail" in error.__qualname__ else "ValueError")
            assert raw.data == data[:k]
            writer.flush()
            assert raw.data == data
            writer.close()
            assert raw.data == data


INVALID_LENGTHS = [-1, -2, -(2**70), 2**63, 2**70, 1.5, "1", b"1", [], True, False]


class IndexLike:
    def __init__(self, value):
        self.value = value

    def __index__(self):
        return self.value


@pytest.mark.parametrize("buffer_size", [1, 2, 7, 16])
@compared_with_stdlib
def test_invalid_lengths_match_stdlib(Writer, buffer_size):
    """raw.write() returning a negative count, more than offered, a non-integer, a bool
    or an __index__ object, at every call position: the same OSError (or success)."""
    mismatches = Mismatches()
    values = INVALID_LENGTHS + [IndexLike(1), IndexLike(-1), IndexLike(10**6)]
    for p, sizes in enumerate(size_patterns(buffer_size)):
        ops = writes_of(sizes, (buffer_size, p)) + [("flush",), ("flush",), ("close",)]
        for j in range(4):
            for value in values + ["n+1", "n+100"]:
                if value == "n+1":
                    action = returns(lambda n: n + 1)
                elif value == "n+100":
                    action = returns(lambda n: n + 100)
                else:
                    action = returns(value)
                case = f"bs={buffer_size} sizes={sizes} returns({value!r}) at call {j}"
                script = [accept()] * j + [action]
                ref, ours = both(Writer, lambda: ScriptedRaw(list(script)), buffer_size, ops)
                mismatches.compare(case, ref, ours)
    mismatches.check()


# -- close ------------------------------------------------------------------------------------


class FlushFailingRaw(ScriptedRaw):
    """raw.flush() raises (once): close() reaches it through raw.close()."""

    def __init__(self, *args, flush_error=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.flush_error = flush_error

    def flush(self):
        super().flush()
        if self.flush_error is not None:
            exc, self.flush_error = self.flush_error, None
            raise exc


@compared_with_stdlib
def test_close_failures_match_stdlib(Writer):
    """Every combination of: data buffered or not; what raw.write() does at close;
    raw.flush() failing; raw.close() failing. close() always closes the raw; which
    exception surfaces and what its __context__ is, as the stdlib."""
    mismatches = Mismatches()
    at_close = {
        "ok": None,
        "short": accept(1),
        "EIO": fail(errno.EIO),
        "None": would_block(),
        "BlockingIOError": raise_blocking(0),
        "invalid": returns(-1),
        "ValueError": raise_(lambda: ValueError("write failed")),
    }
    close_errors = {
        "none": None,
        "OSError": lambda: OSError(errno.EBADF, "close failed"),
        "ValueError": lambda: ValueError("close failed"),
        "KeyError": lambda: KeyError("close"),
    }
    for buffered in (0, 3, 20):
        for write_name, write_action in at_close.items():
            for flush_name in ("none", "OSError"):
                for close_name, close_error in close_errors.items():
                    case = f"buffered={buffered} write={write_name} raw.flush={flush_name} raw.close={close_name}"

                    def make_raw():
                        return FlushFailingRaw(
                            [write_action] if write_action else [],
                            close_error=close_error() if close_error else None,
                            flush_error=OSError(errno.EIO, "raw flush failed") if flush_name == "OSError" else None,
                        )

                    ops = []
                    if buffered:
                        ops.append(("write", payload(buffered, case)))
                    ops += [("close",), ("write", b"late"), ("flush",), ("tell",)]
                    ref, ours = both(Writer, make_raw, 8, ops)
                    mismatches.compare(case, ref, ours)
    mismatches.check()


@pytest.mark.parametrize("value", [False, None, 0, 1, "yes", [True]])
@compared_with_stdlib
def test_raw_not_writable_matches_stdlib(Writer, value):
    """writable() returning anything but True: the same exception at construction."""
    ref = outcome(REF, ScriptedRaw(writable=value))
    ours = outcome(Writer, ScriptedRaw(writable=value))
    assert ref[0] == "raise"
    assert ours == ref


@compared_with_stdlib
def test_raw_writable_raising_matches_stdlib(Writer):
    class Raw(ScriptedRaw):
        def writable(self):
            raise OSError(errno.EBADF, "writable? no idea")

    assert outcome(Writer, Raw()) == outcome(REF, Raw())
    assert outcome(REF, Raw())[0] == "raise"


# -- disk full --------------------------------------------------------------------------------


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="this OS has no /dev/full")
@pytest.mark.parametrize("buffer_size", [1, 7, 4096])
@compared_with_stdlib
def test_dev_full_enospc_like_stdlib(Writer, raw_path, buffer_size):
    """/dev/full accepts the open and fails every write with ENOSPC: buffered writes
    succeed, flush, a write that overflows and close fail the same way, and close()
    still closes the descriptor."""

    def scenario(writer_class):
        raw = raw_path("/dev/full", "wb")
        writer = writer_class(raw, buffer_size)
        log = [
            outcome(writer.write, b"x" * (buffer_size - 1)) if buffer_size > 1 else ("skip",),
            outcome(writer.flush),
            outcome(writer.flush),
            outcome(writer.write, b"y" * (3 * buffer_size)),
            outcome(writer.tell),
            outcome_chain(writer.close),
            writer.closed,
            raw.closed,
            outcome(writer.close),
            outcome(writer.write, b"z"),
        ]
        return log

    ref = scenario(REF)
    assert ("raise", "OSError", errno.ENOSPC) in [entry[:3] for entry in ref if isinstance(entry, tuple)]
    assert scenario(Writer) == ref


@pytest.mark.parametrize("where", ["flush", "write-buffering", "write-direct"])
@pytest.mark.parametrize("c_errno", [0, errno.EAGAIN, errno.EBADF])
@compared_with_stdlib
def test_blocking_errno_follows_the_c_errno_left_by_raw_write(Writer, where, c_errno):
    """When raw.write() returns None the stdlib builds its BlockingIOError from the C
    errno the call left behind (0 for a raw that made no failing system call, EAGAIN for
    one whose os.write() failed with it, like socket.SocketIO): errno and message show it.
    (Ported from the other issue-3 session's first test_faults.py.)"""

    def set_errno_then_block(raw, view):
        if c_errno:
            r, w = os.pipe()
            try:
                if c_errno == errno.EBADF:
                    os.close(w)
                else:
                    os.set_blocking(w, False)
                    try:
                        while True:
                            os.write(w, b"\0" * 65536)
                    except BlockingIOError:
                        pass
                try:
                    os.write(w, b"x")  # leaves errno = EBADF or EAGAIN
                except OSError:
                    pass
            finally:
                os.close(r)
                if c_errno != errno.EBADF:
                    os.close(w)
        return None

    def scenario(writer_class):
        raw = ScriptedRaw([set_errno_then_block])
        writer = writer_class(raw, 4)
        if where == "flush":
            writer.write(b"ab")
            return outcome(writer.flush)
        if where == "write-buffering":
            writer.write(b"abc")
            return outcome(writer.write, b"de")
        return outcome(writer.write, b"abcdefghij")

    ref = scenario(REF)
    assert ref[1] == "BlockingIOError"
    assert scenario(Writer) == ref


@compared_with_stdlib
def test_raw_closed_behind_the_writers_back(Writer):
    def scenario(writer_class):
        raw = ScriptedRaw()
        writer = writer_class(raw, 8)
        writer.write(b"abc")
        raw.close()
        return [
            outcome(writer.write, b"d"),
            outcome(writer.flush),
            outcome(writer.tell),
            outcome(writer.close),
            writer.closed,
            raw.calls,
        ]

    assert scenario(Writer) == scenario(REF)


@compared_with_stdlib
def test_tell_after_failed_close_with_a_raw_that_answers(Writer):
    """A close() whose flush failed (would block after a short write), then tell() on a
    raw that still answers tell() once closed (io.FileIO would raise ValueError): the
    stdlib computes its position from the state the failed flush left (found by the
    state machine in test_stateful.py, whose raws refuse tell() once closed)."""

    def scenario(writer_class):
        raw = ScriptedRaw(seekable=True, capacity=1)
        writer = writer_class(raw, 2)
        log = [outcome(writer.write, b"ab"), outcome(writer.close), outcome(writer.tell)]
        log = [neutral_blocking_errno(entry) for entry in log]
        return log, raw.calls, raw.pos

    ref = scenario(REF)
    assert ref[0][1][1] == "BlockingIOError"
    assert scenario(Writer) == ref


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="this OS has no /dev/full")
@pytest.mark.parametrize("mode", ["wb", "w"])
def test_dev_full_through_open(mode):
    def scenario(opener):
        f = opener("/dev/full", mode)
        data = "abc" if mode == "w" else b"abc"
        return [outcome(f.write, data), outcome_chain(f.close), f.closed, outcome(f.write, data)]

    ref = scenario(open)
    assert ref[1][0] == "raise"
    assert scenario(ringwriter.open) == ref
