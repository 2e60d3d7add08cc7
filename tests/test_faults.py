"""Fault injection sweeps over mock raws (the portable path), against io.BufferedWriter.

ringwriter's portable path promises call-for-call equality with the stdlib: for every
raw that is not exactly io.FileIO, the sequence of ``raw.write()`` calls (what each was
offered), every return value and exception (type, errno, message,
``characters_written``) and the bytes that reached the raw must be the stdlib's. The
single cases live in test_contract.py; here every short-write length, every blocking
position, every failing call is swept over several buffer and payload sizes.
"""
import errno
import io
import os

import pytest

import ringwriter
from differential import IMPLEMENTATIONS, describe_exception, outcome, payload
from rawmocks import RecordingRaw, accept, fail, raise_, raise_blocking, returns, would_block

BUFFER_SIZES = [1, 2, 3, 7, 16]
MAX_ATTEMPTS = 60


def plans(buffer_size):
    """Payload plans: lists of write sizes around the buffer's edges."""
    bs = buffer_size
    singles = sorted({0, 1, max(bs - 1, 0), bs, bs + 1, 2 * bs, 2 * bs + 1, 3 * bs + 2})
    return [[n] for n in singles] + [
        [1] * (bs + 2),
        [max(bs - 1, 1), 2, bs + 1, 1],
        [3 * bs, 1, bs],
        [bs, bs, 0, bs],
    ]


def chunks_for(plan, seed):
    return [payload(n, (seed, i, n)) for i, n in enumerate(plan)]


def drive(writer_class, buffer_size, make_raw, program):
    """Run ``program`` on a writer over a fresh mock raw: (log, raw.calls, raw.data)."""
    raw = make_raw()
    log = []
    writer = writer_class(raw, buffer_size)
    for op in program:
        kind = op[0]
        if kind == "write":
            log.append(("write", outcome(writer.write, op[1])))
        elif kind == "write_retrying":
            # The documented caller loop: after BlockingIOError, resend what was not
            # accepted (characters_written tells how much was); ``on_block`` lets the
            # raw make progress. After another OSError: flush (retrying) then resend.
            _, data, on_block = op
            remaining = data
            for _attempt in range(MAX_ATTEMPTS):
                result = outcome(writer.write, bytearray(remaining))
                log.append(("write", len(remaining), result))
                if result[0] == "ok":
                    break
                if result[1] == "BlockingIOError":
                    written = result[4] or 0
                    remaining = remaining[written:]
                    on_block(raw)
                elif result[2] is not None:  # any other OSError
                    on_block(raw)
                    _flush_retrying(writer, raw, on_block, log)
                else:
                    break
            else:
                log.append("gave up")
        elif kind == "flush":
            log.append(("flush", outcome(writer.flush)))
        elif kind == "flush_retrying":
            _flush_retrying(writer, raw, op[1], log)
        elif kind == "raw":
            op[1](raw)
        elif kind == "tell":
            log.append(("tell", outcome(writer.tell)))
        elif kind == "close":
            result = outcome(writer.close)
            log.append(("close", result, writer.closed, raw.closed))
        else:
            raise AssertionError(kind)
    return log, list(raw.calls), raw.data


def _flush_retrying(writer, raw, on_block, log):
    for _attempt in range(MAX_ATTEMPTS):
        result = outcome(writer.flush)
        log.append(("flush", result))
        if result[0] == "ok":
            return
        on_block(raw)
    log.append("gave up flushing")


def _blocking_errno_neutral(log):
    """The errno of BlockingIOError made neutral (see test_blocking_errno_is_the_stdlibs,
    which checks it on its own so that one difference does not fail every sweep)."""
    text = repr(log)
    for errno_value in (0, errno.EAGAIN):
        text = text.replace(f"'BlockingIOError', {errno_value}, '[Errno {errno_value}] ", "'BlockingIOError', ?, '[Errno ?] ")
    return text


def compare(buffer_size, make_raw, program, *, context, intact=None):
    """Drive the stdlib and ringwriter identically; assert identical observations.

    ``intact``: the bytes that must reach the raw exactly (checked on the stdlib
    first, so a wrong expectation is the test's fault, then on ours)."""
    ref = drive(io.BufferedWriter, buffer_size, make_raw, program)
    ours = drive(ringwriter.BufferedWriter, buffer_size, make_raw, program)
    if intact is not None:
        assert ref[2] == intact, f"premise wrong on the stdlib: {context}"
    assert _blocking_errno_neutral(ours[0]) == _blocking_errno_neutral(ref[0]), f"outcomes differ: {context}"
    assert [_call_shape(c) for c in ours[1]] == [_call_shape(c) for c in ref[1]], f"raw calls differ: {context}"
    assert ours[1] == ref[1], f"raw call contents differ: {context}"
    assert ours[2] == ref[2], f"bytes at the raw differ: {context}"
    return ref


def _call_shape(call):
    return (call[0], len(call[1])) if call[0] == "write" else call


def _nothing(raw):
    pass


# -- short writes --------------------------------------------------------------------------


@pytest.mark.parametrize("buffer_size", BUFFER_SIZES)
def test_short_writes_of_every_length(buffer_size):
    """A raw that takes at most k bytes per call, for every k from 1 to beyond the
    largest offer: the same calls, the same results, the same bytes, in order."""
    checked = 0
    for p_index, plan in enumerate(plans(buffer_size)):
        chunks = chunks_for(plan, p_index)
        program = [("write", c) for c in chunks] + [("tell",), ("flush",), ("close",)]
        for k in range(1, 3 * buffer_size + 4):
            compare(
                buffer_size,
                lambda k=k: RecordingRaw(default=accept(k), seekable=True),
                program,
                context=f"bs={buffer_size} plan={plan} k={k}",
                intact=b"".join(chunks),
            )
            checked += 1
    assert checked > 0


@pytest.mark.parametrize("buffer_size", BUFFER_SIZES)
def test_short_write_then_zero_progress(buffer_size):
    """Short writes that reach 0 (a raw returning 0, not None) before recovering."""
    for p_index, plan in enumerate(plans(buffer_size)):
        chunks = chunks_for(plan, p_index)
        program = [("write", c) for c in chunks] + [("raw", lambda raw: setattr(raw, "script", [])), ("flush",), ("close",)]
        for k in range(0, buffer_size + 2):
            for zeros in (1, 2):
                compare(
                    buffer_size,
                    lambda k=k, zeros=zeros: RecordingRaw([accept(k)] + [accept(0)] * zeros),
                    program,
                    context=f"bs={buffer_size} plan={plan} k={k} zeros={zeros}",
                    intact=b"".join(chunks),
                )


# -- would block: None and BlockingIOError -----------------------------------------------


def _drain_by(step):
    def on_block(raw):
        raw.capacity = (raw.capacity or 0) + step

    return on_block


@pytest.mark.parametrize("buffer_size", BUFFER_SIZES)
@pytest.mark.parametrize("per_call", [None, 1, 2])
def test_would_block_at_every_position(buffer_size, per_call):
    """A non-blocking raw (None once full) that fills after c bytes, for every c;
    the caller resends what ``characters_written`` says was not accepted and lets the
    raw drain by a step: nothing lost, nothing doubled, every observation the
    stdlib's."""
    for p_index, plan in enumerate(plans(buffer_size)):
        chunks = chunks_for(plan, p_index)
        total = sum(plan)
        for step in sorted({1, buffer_size, 3}):
            on_block = _drain_by(step)
            program = [("write_retrying", c, on_block) for c in chunks] + [
                ("flush_retrying", on_block),
                ("close",),
            ]
            for capacity in range(0, total + 2):
                compare(
                    buffer_size,
                    lambda c=capacity: RecordingRaw(default=accept(per_call), capacity=c),
                    program,
                    context=f"bs={buffer_size} plan={plan} per_call={per_call} capacity={capacity} step={step}",
                    intact=b"".join(chunks),
                )


@pytest.mark.parametrize("buffer_size", BUFFER_SIZES)
def test_none_at_every_call_position(buffer_size):
    """``None`` from the j-th raw write call (then recovery), for every j."""
    for p_index, plan in enumerate(plans(buffer_size)):
        chunks = chunks_for(plan, p_index)
        for per_call in (None, 1):
            for j in range(0, 8):
                for nones in (1, 2):
                    script = [accept(per_call)] * j + [would_block()] * nones
                    program = [("write_retrying", c, _nothing) for c in chunks] + [
                        ("flush_retrying", _nothing),
                        ("close",),
                    ]
                    compare(
                        buffer_size,
                        lambda s=script, pc=per_call: RecordingRaw(list(s), default=accept(pc)),
                        program,
                        context=f"bs={buffer_size} plan={plan} per_call={per_call} j={j} nones={nones}",
                        intact=b"".join(chunks),
                    )


@pytest.mark.parametrize("where", ["flush", "write-buffering", "write-direct"])
@pytest.mark.parametrize("c_errno", [0, errno.EAGAIN, errno.EBADF])
def test_blocking_errno_is_the_stdlibs(where, c_errno):
    """When raw.write() returns None the stdlib builds its BlockingIOError from the C
    ``errno`` the call left behind (0 for a raw that made no failing system call,
    EAGAIN for one whose os.write() failed with it): errno and message show it."""

    def set_errno_then_block(raw, view):
        if c_errno:
            try:
                os.write(-1 if c_errno == errno.EBADF else _nonblocking_full_pipe(), b"x")
            except OSError:
                pass
        return None

    def scenario(writer_class):
        raw = RecordingRaw([set_errno_then_block])
        writer = writer_class(raw, 4)
        if where == "flush":
            writer.write(b"ab")
            return outcome(writer.flush)
        if where == "write-buffering":
            writer.write(b"abc")
            return outcome(writer.write, b"de")
        return outcome(writer.write, b"abcdefghij")

    ref = scenario(io.BufferedWriter)
    assert ref[1] == "BlockingIOError"
    assert scenario(ringwriter.BufferedWriter) == ref


_FULL_PIPE = []


def _nonblocking_full_pipe():
    if not _FULL_PIPE:
        from differential import fill_pipe

        r, w = os.pipe()
        os.set_blocking(w, False)
        fill_pipe(w)
        _FULL_PIPE.extend([r, w])
    return _FULL_PIPE[1]


@pytest.mark.parametrize("buffer_size", BUFFER_SIZES)
def test_blocking_io_error_with_and_without_progress(buffer_size):
    """The raw itself raises BlockingIOError (characters_written n = 0, 1, 2) at the
    j-th call. What the stdlib does with the raw's own count is the reference: the
    same exception object data and the same bytes must come out of ours."""
    for p_index, plan in enumerate(plans(buffer_size)):
        chunks = chunks_for(plan, p_index)
        for j in range(0, 6):
            for n in (0, 1, 2):
                script = [accept()] * j + [raise_blocking(n)]
                for program in (
                    [("write", c) for c in chunks] + [("flush",), ("flush",), ("close",)],
                    [("write_retrying", c, _nothing) for c in chunks] + [("flush_retrying", _nothing), ("close",)],
                ):
                    compare(
                        buffer_size,
                        lambda s=script: RecordingRaw(list(s)),
                        program,
                        context=f"bs={buffer_size} plan={plan} j={j} n={n} program={program[0][0]}",
                    )


# -- other OSErrors, EINTR, foreign exceptions ---------------------------------------------


@pytest.mark.parametrize("buffer_size", BUFFER_SIZES)
@pytest.mark.parametrize("err", [errno.EIO, errno.ENOSPC, errno.EPIPE, errno.EPERM])
def test_oserror_mid_flush_then_retry(buffer_size, err):
    """An OSError from the j-th raw call, then a successful retry (flush, then resend
    the write that failed). When every write fits in the buffer the raw must end
    with every byte exactly once; in all cases ours must do what the stdlib does."""
    for p_index, plan in enumerate(plans(buffer_size)):
        chunks = chunks_for(plan, p_index)
        fits = max(plan) <= buffer_size
        for per_call in (None, 1, 3):
            for j in range(0, 7):
                script = [accept(per_call)] * j + [fail(err)]
                program = [("write_retrying", c, _nothing) for c in chunks] + [
                    ("flush_retrying", _nothing),
                    ("close",),
                ]
                ref = compare(
                    buffer_size,
                    lambda s=script, pc=per_call: RecordingRaw(list(s), default=accept(pc)),
                    program,
                    context=f"bs={buffer_size} plan={plan} per_call={per_call} j={j} err={err}",
                    intact=b"".join(chunks) if fits else None,
                )
                assert ref is not None


@pytest.mark.parametrize("buffer_size", BUFFER_SIZES)
def test_oserror_propagates_unchanged(buffer_size):
    """errno, strerror, filename and the exception's class are the raw's."""
    error = PermissionError(errno.EACCES, "custom strerror", "some-file")
    for plan in plans(buffer_size):
        chunks = chunks_for(plan, 0)
        program = [("write", c) for c in chunks] + [("flush",), ("close",)]
        compare(buffer_size, lambda: RecordingRaw([raise_(error)]), program, context=f"plan={plan}")


@pytest.mark.parametrize("buffer_size", BUFFER_SIZES)
def test_eintr_is_retried_transparently(buffer_size):
    """InterruptedError from raw.write is retried with the same offer, at every call
    position: the caller sees no error and the bytes arrive once."""
    for p_index, plan in enumerate(plans(buffer_size)):
        chunks = chunks_for(plan, p_index)
        for per_call in (None, 1):
            for j in range(0, 6):
                for times in (1, 3):
                    script = [accept(per_call)] * j + [fail(errno.EINTR)] * times
                    program = [("write", c) for c in chunks] + [("flush",), ("close",)]
                    ref = compare(
                        buffer_size,
                        lambda s=script, pc=per_call: RecordingRaw(list(s), default=accept(pc)),
                        program,
                        context=f"bs={buffer_size} plan={plan} per_call={per_call} j={j} times={times}",
                        intact=b"".join(chunks),
                    )
                    assert all(entry[1][0] == "ok" for entry in ref[0])


@pytest.mark.parametrize("buffer_size", BUFFER_SIZES)
def test_non_oserror_exceptions_from_raw_write(buffer_size):
    for plan in plans(buffer_size):
        chunks = chunks_for(plan, 1)
        for j in range(0, 4):
            for exc in (ValueError("raw says no"), RuntimeError("boom"), TypeError("odd")):
                script = [accept()] * j + [raise_(exc)]
                program = [("write", c) for c in chunks] + [("flush",), ("close",)]
                compare(buffer_size, lambda s=script: RecordingRaw(list(s)), program, context=f"plan={plan} j={j} {exc!r}")


# -- invalid lengths ---------------------------------------------------------------------

INVALID_RESULTS = {
    "-1": -1,
    "-100": -100,
    "n+1": lambda n: n + 1,
    "2n+5": lambda n: 2 * n + 5,
    "2**70": 2**70,
    "-(2**70)": -(2**70),
    "str": "3",
    "float": 1.0,
    "True": True,
    "index-object": lambda n: _Index(n),
}


class _Index:
    def __init__(self, value):
        self.value = value

    def __index__(self):
        return self.value


@pytest.mark.parametrize("buffer_size", BUFFER_SIZES)
@pytest.mark.parametrize("result", list(INVALID_RESULTS))
def test_invalid_lengths_at_every_position(buffer_size, result):
    """A raw write returning a negative count, more than offered, or not an int, at
    the j-th call: the same exception (OSError "raw write() returned invalid length
    ..." or the conversion's own error) and the same state for a later flush."""
    value = INVALID_RESULTS[result]
    for p_index, plan in enumerate(plans(buffer_size)):
        chunks = chunks_for(plan, p_index)
        for j in range(0, 5):
            script = [accept()] * j + [returns(value)]
            program = [("write", c) for c in chunks] + [("flush",), ("tell",), ("flush",), ("close",)]
            compare(
                buffer_size,
                lambda s=script: RecordingRaw(list(s)),
                program,
                context=f"bs={buffer_size} plan={plan} j={j} result={result}",
            )


def test_invalid_length_message_is_the_stdlibs():
    for writer_class in (io.BufferedWriter, ringwriter.BufferedWriter):
        writer = writer_class(RecordingRaw([returns(-1), returns(lambda n: n + 1)]), 4)
        writer.write(b"abc")
        with pytest.raises(OSError) as first:
            writer.flush()
        with pytest.raises(OSError) as second:
            writer.flush()
        assert type(first.value) is OSError
        assert str(first.value) == "raw write() returned invalid length -1 (should have been between 0 and 3)"
        assert str(second.value) == "raw write() returned invalid length 4 (should have been between 0 and 3)"


# -- close with failures, not writable ------------------------------------------------------


@pytest.mark.parametrize("buffer_size", [1, 4, 16])
@pytest.mark.parametrize("flush_fails", ["no", "oserror", "would_block", "valueerror"])
@pytest.mark.parametrize("close_fails", [False, True])
@pytest.mark.parametrize("pending", [0, 3])
def test_close_with_failures(buffer_size, flush_fails, close_fails, pending):
    """close(): flush, then raw.close() even if the flush failed; which error is raised
    and what its __context__ is; the raw is closed either way; a second close is a
    no-op."""
    actions = {
        "no": [],
        "oserror": [fail(errno.EIO)] * 3,
        "would_block": [would_block()] * 3,
        "valueerror": [raise_(ValueError("nope"))] * 3,
    }

    def scenario(writer_class):
        raw = RecordingRaw(
            list(actions[flush_fails]),
            close_error=OSError(errno.EBADF, "close failed") if close_fails else None,
        )
        writer = writer_class(raw, buffer_size)
        if pending:
            writer.write(b"x" * min(pending, buffer_size))
        try:
            writer.close()
        except Exception as error:
            raised = describe_exception(error)
            context = error.__context__
            context = describe_exception(context) if context is not None else None
            cause = error.__cause__
        else:
            raised = context = cause = None
        again = outcome(writer.close)
        return raised, context, cause, writer.closed, raw.closed, raw.calls, raw.data, again, outcome(writer.write, b"z")

    ref = scenario(io.BufferedWriter)
    assert ref[4] is True  # the raw was closed
    assert _blocking_errno_neutral(scenario(ringwriter.BufferedWriter)) == _blocking_errno_neutral(ref)


@pytest.mark.parametrize("writable", [False, None, 1, 0, "yes"])
def test_raw_that_is_not_writable(writable):
    def attempt(writer_class):
        raw = RecordingRaw(writable=writable)
        return outcome(writer_class, raw, 8), raw.calls

    assert attempt(ringwriter.BufferedWriter) == attempt(io.BufferedWriter)


def test_raw_whose_writable_raises():
    class Odd(RecordingRaw):
        def writable(self):
            raise OSError(errno.EIO, "cannot tell")

    assert outcome(ringwriter.BufferedWriter, Odd(), 8) == outcome(io.BufferedWriter, Odd(), 8)


def test_raw_closed_behind_the_writers_back():
    def scenario(writer_class):
        raw = RecordingRaw()
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

    assert scenario(ringwriter.BufferedWriter) == scenario(io.BufferedWriter)


# -- disk full -------------------------------------------------------------------------------


@pytest.fixture
def dev_full():
    if not os.path.exists("/dev/full"):
        pytest.skip("this OS has no /dev/full")
    return "/dev/full"


@pytest.mark.parametrize("buffer_size", [1, 7, 4096, 8192])
@pytest.mark.parametrize("sizes", [[3], [5000], [1, 2, 3], [9000, 1], [0]])
def test_dev_full(dev_full, buffer_size, sizes):
    """ENOSPC from write(2): where it surfaces (write, flush or close) and how (type,
    errno, message) is the stdlib's; close still closes; later use is refused."""

    def scenario(writer_class):
        writer = writer_class(io.FileIO(dev_full, "wb"), buffer_size)
        log = [outcome(writer.write, b"x" * n) for n in sizes]
        log.append(outcome(writer.flush))
        log.append(outcome(writer.flush))
        log.append(outcome(writer.close))
        log += [writer.closed, writer.raw.closed, outcome(writer.close), outcome(writer.write, b"y")]
        return log

    ref = scenario(io.BufferedWriter)
    assert scenario(ringwriter.BufferedWriter) == ref


@pytest.mark.parametrize("text", [False, True])
def test_dev_full_through_open(dev_full, text):
    def scenario(opener):
        f = opener(dev_full, "w" if text else "wb")
        log = [outcome(f.write, "abc" if text else b"abc"), outcome(f.close), f.closed]
        return log

    assert scenario(ringwriter.open) == scenario(open)
