"""The project's contract, point by point, judged by io.BufferedWriter.

Almost every test is differential: a *scenario* (a function of the writer class) runs on
``io.BufferedWriter`` (the C stdlib, the reference) and on the writer under test, and
what a caller can observe must be equal (``differential.same``): return values,
exception types, messages, errno, ``characters_written``, the raw calls and the bytes
that reached the raw, in order. Only the writer's class name is made neutral in messages
and reprs ("_io.BufferedWriter" and "ringwriter._writer.BufferedWriter" both become
"<BufferedWriter>"). Expectations are never hard-coded from one Python version: they are
what the running stdlib does. Where a test also states an absolute expectation (the
bytes must be the payload, ...), ``Writer`` is the stdlib too, and there the scenario
runs once and the expectation is checked on the stdlib's own observations (a wrong
premise fails as the test's fault); a test with no such expectation runs on ringwriter
only (``compared_with_stdlib``): the stdlib is never compared with itself.

Raw streams are the scripted mocks of ``rawmocks.py`` (the "portable path", where
ringwriter promises the stdlib's raw.write() calls call for call) and ``io.FileIO`` over
temporary files (the "fd path").
"""
import array
import builtins
import errno
import gc
import importlib.machinery
import io
import mmap
import os
import sys
import warnings
import weakref

import pytest

import ringwriter
import ringwriter._writer
from differential import (
    EXIT_DATA, OURS, REF, Trace, compared_with_stdlib, exc_key, normalize as norm, payload, run_exit_scenario, same,
)
from rawmocks import (
    ScriptedRaw, accept, call, fail, raise_, raise_blocking, returns, would_block,
)

# --- the differential machinery (differential.py), and the raws of this file ---------

def make_raw(raw_kind, tmp_path, W, **options):
    """``(raw, reached)``: a ScriptedRaw, or an io.FileIO over a file of its own per
    writer class, and a function returning the bytes that reached it so far."""
    if raw_kind == "scripted":
        raw = ScriptedRaw(**options)
        return raw, lambda: raw.data
    path = tmp_path / f"{raw_kind}-{W.__module__}"
    raw = io.FileIO(path, "wb")
    return raw, path.read_bytes


# --- the package ----------------------------------------------------------------------

def test_extension_module_and_exports():
    suffixes = tuple(importlib.machinery.EXTENSION_SUFFIXES)
    assert ringwriter._writer.__file__.endswith(suffixes), ringwriter._writer.__file__
    assert ringwriter.BufferedWriter is ringwriter._writer.BufferedWriter
    assert isinstance(ringwriter.__version__, str) and ringwriter.__version__


@pytest.mark.parametrize("mode", ["wb", "ab", "xb"])
def test_open_binary_modes(tmp_path, mode):
    theirs, ours = tmp_path / "builtin", tmp_path / "ringwriter"
    if mode == "ab":
        theirs.write_bytes(b"before|")
        ours.write_bytes(b"before|")
    with builtins.open(theirs, mode) as f:
        f.write(b"binary data")
        expected_mode = f.mode
    w = ringwriter.open(ours, mode)
    assert type(w) is OURS
    assert type(w.raw) is io.FileIO
    assert w.raw.mode == w.mode == expected_mode
    assert w.write(b"binary data") == 11
    w.close()
    assert ours.read_bytes() == theirs.read_bytes()


def test_open_text_mode(tmp_path):
    theirs, ours = tmp_path / "builtin", tmp_path / "ringwriter"
    with builtins.open(theirs, "w", encoding="utf-8") as f:
        f.write("h\u00e9llo\nw\u00f6rld\n")
    t = ringwriter.open(ours, "w", encoding="utf-8")
    assert type(t) is ringwriter.TextWriter
    assert type(t.buffer) is OURS and type(t.buffer.raw) is io.FileIO
    assert t.mode == "w"
    t.write("h\u00e9llo\nw\u00f6rld\n")
    t.close()
    assert ours.read_bytes() == theirs.read_bytes()


@pytest.mark.parametrize("mode", ["r", "rb", "r+", "w+", "wb+", "a+"])
def test_open_reading_modes_refused(tmp_path, mode):
    path = tmp_path / "f"
    path.write_bytes(b"keep")
    with pytest.raises(ValueError):
        ringwriter.open(path, mode)
    assert path.read_bytes() == b"keep"


def test_open_unbuffered(tmp_path):
    raw = ringwriter.open(tmp_path / "f", "wb", buffering=0)
    try:
        assert type(raw) is io.FileIO
    finally:
        raw.close()
    with pytest.raises(ValueError) as theirs:
        builtins.open(tmp_path / "g", "w", buffering=0)
    with pytest.raises(ValueError) as ours:
        ringwriter.open(tmp_path / "h", "w", buffering=0)
    assert str(ours.value) == str(theirs.value)


# --- construction ---------------------------------------------------------------------

@pytest.mark.parametrize("size", [0, -1, -8192])
def test_buffer_size_not_positive(Writer, size):
    def scenario(W):
        t = Trace()
        t.do("positional", W, ScriptedRaw(), size)
        t.do("keyword", W, ScriptedRaw(), buffer_size=size)
        return t

    trace = same(Writer, scenario)
    assert trace[0][2]["str"] == "buffer size must be strictly positive"


@pytest.mark.parametrize("raw_kind", ["scripted", "fileio-readonly"])
def test_raw_not_writable(Writer, tmp_path, raw_kind):
    path = tmp_path / "ro"
    path.write_bytes(b"x")

    def scenario(W):
        t = Trace()
        raw = ScriptedRaw(writable=False) if raw_kind == "scripted" else io.FileIO(path, "r")
        error = t.do("construct", W, raw)
        t.do("construct, size 0", W, raw, 0)
        raw.close()
        return t, isinstance(error, OSError)

    trace, is_oserror = same(Writer, scenario)
    assert is_oserror


def test_default_buffer_size(Writer):
    """Without buffer_size, the buffer holds io.DEFAULT_BUFFER_SIZE bytes (read at run
    time: 8 KiB up to 3.13, larger later): one byte less is buffered without a raw write,
    two more flush it."""
    size = io.DEFAULT_BUFFER_SIZE

    def scenario(W):
        raw = ScriptedRaw()
        w = W(raw)
        t = Trace()
        t.do("fill but one", w.write, payload(size - 1))
        t.note("write sizes after filling", [len(b) for b in raw.writes])
        t.do("two more", w.write, b"++")
        t.note("write sizes after two more", [len(b) for b in raw.writes])
        return t

    trace = same(Writer, scenario)
    assert trace.get("write sizes after filling") == []
    assert trace.get("write sizes after two more") == [size - 1]
    if Writer is OURS:
        assert OURS(ScriptedRaw()).buffer_size == size
        assert OURS(ScriptedRaw(), 5).buffer_size == 5
        assert OURS(ScriptedRaw(), buffer_size=7).buffer_size == 7


def test_isinstance(Writer):
    w = Writer(ScriptedRaw())
    assert isinstance(w, io.BufferedIOBase)
    assert isinstance(w, io.IOBase)
    assert not isinstance(w, (io.RawIOBase, io.TextIOBase))


def test_dict_and_weakref(Writer):
    w = Writer(ScriptedRaw())
    assert vars(w) == {}
    w.extra = 42
    assert w.extra == 42 and vars(w) == {"extra": 42}
    ref = weakref.ref(w)
    assert ref() is w
    del w
    gc.collect()
    assert ref() is None


def _unclosed_file_warnings(caught):
    return [norm(str(w.message)) for w in caught if issubclass(w.category, ResourceWarning)]


def _stdlib_unclosed_warning(path):
    """The ResourceWarning texts the stdlib emits for a writer over FileIO(path) that is
    dropped without close (no cycle)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        w = REF(io.FileIO(path, "wb"), 64)
        w.write(b"reference")
        del w
        gc.collect()
    return _unclosed_file_warnings(caught)


@pytest.mark.parametrize("raw_kind", ["fileio", "scripted"])
def test_cycle_is_collected_and_flushed(Writer, tmp_path, raw_kind):
    """``w.x = w``: the writer is collected; ringwriter's data is flushed (the stdlib may
    lose it, gh-62052: only ringwriter is held to it), with the stdlib's warning."""
    path = tmp_path / "cycle"
    expected_warnings = _stdlib_unclosed_warning(path) if raw_kind == "fileio" else []
    sink = bytearray()

    def make():
        if raw_kind == "fileio":
            raw = io.FileIO(path, "wb")
        else:
            raw = ScriptedRaw()
            raw._data = sink  # what reaches the raw lands in sink
        w = Writer(raw, 64)
        w.write(b"cycle data")
        w.x = w
        return weakref.ref(w), weakref.ref(raw)

    gc.collect()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ref, raw_ref = make()
        gc.collect()
        gc.collect()
    assert ref() is None
    if Writer is OURS:
        got = path.read_bytes() if raw_kind == "fileio" else bytes(sink)
        assert got == b"cycle data"
        assert _unclosed_file_warnings(caught) == expected_warnings
        assert raw_ref() is None or raw_ref().closed


# --- write ----------------------------------------------------------------------------

def _mmap():
    m = mmap.mmap(-1, 12)
    m[:] = b"mmap content"
    return m


def _bytes_likes():
    return {
        "bytes": lambda: b"plain bytes",
        "bytearray": lambda: bytearray(b"a bytearray"),
        "memoryview": lambda: memoryview(b"<a memoryview>")[1:-1],
        "memoryview-itemsize-4": lambda: memoryview(array.array("i", [1, -2, 3, 0x7FFFFFFF])),
        "memoryview-2d": lambda: memoryview(bytearray(b"0123456789AB")).cast("B", [3, 4]),
        "array-d": lambda: array.array("d", [1.5, -2.25]),
        "mmap": _mmap,
        "empty": lambda: b"",
    }


@pytest.mark.parametrize("kind", list(_bytes_likes()))
@pytest.mark.parametrize("buffer_size", [4, 64])
def test_write_bytes_like(Writer, kind, buffer_size):
    make = _bytes_likes()[kind]

    def scenario(W):
        raw = ScriptedRaw()
        w = W(raw, buffer_size)
        t = Trace()
        t.do("write", w.write, make())
        t.do("flush", w.flush)
        return t, raw.data

    trace, data = same(Writer, scenario)
    obj = make()
    expected_bytes = memoryview(obj).tobytes()
    assert trace[0][2] == memoryview(obj).nbytes == len(expected_bytes)
    assert data == expected_bytes


@pytest.mark.parametrize("arg", ["text", "", 3, None, [1, 2], 1.5], ids=repr)
def test_write_not_bytes_like(Writer, arg):
    def scenario(W):
        raw = ScriptedRaw()
        w = W(raw, 8)
        t = Trace()
        t.do("write", w.write, arg)
        t.do("write after", w.write, b"ok")
        t.do("flush", w.flush)
        return t, raw.data

    trace, data = same(Writer, scenario)
    assert trace[0][2]["type"] is TypeError
    assert data == b"ok"


@pytest.mark.parametrize("view", [
    lambda: memoryview(b"abcdefgh")[::2],
    lambda: memoryview(bytearray(b"abcdefgh"))[::-1],
    lambda: memoryview(array.array("h", range(8)))[1::3],
], ids=["step2", "reversed", "itemsize2-step3"])
def test_write_non_contiguous(Writer, view):
    def scenario(W):
        raw = ScriptedRaw()
        w = W(raw, 8)
        t = Trace()
        t.do("write", w.write, view())
        t.do("flush", w.flush)
        return t, raw.data

    trace, data = same(Writer, scenario)
    assert trace[0][1] == "raise" and data == b""


@compared_with_stdlib
def test_write_wrong_argument_count(Writer):
    def scenario(W):
        w = W(ScriptedRaw(), 8)
        t = Trace()
        t.do("no argument", w.write)
        t.do("two arguments", w.write, b"a", b"b")
        t.do("keyword", lambda: w.write(b=b"a"))
        return t

    same(Writer, scenario)


@pytest.mark.parametrize("case", ["buffered", "direct", "partial-then-blocked",
                                  "fileio-buffered", "fileio-direct", "fileio-pending-direct"])
def test_caller_may_mutate_after_write(Writer, tmp_path, case):
    """Whatever write() accepted is already copied (or written): changing the bytearray
    afterwards does not change what reaches the raw."""
    original = payload(40)

    def scenario(W):
        raw, reached = make_raw("fileio" if case.startswith("fileio") else "scripted", tmp_path, W)
        w = W(raw, 16)
        t = Trace()
        if case == "fileio-pending-direct":
            t.do("pending", w.write, b"pending")
        buf = bytearray(original[:10] if case.endswith("buffered") else original)
        if case == "partial-then-blocked":
            raw.script = [accept(5), would_block()]
        result = t.do("write", w.write, buf)
        buf[:] = b"\xff" * len(buf)
        if not case.startswith("fileio"):
            raw.script = []
        t.do("flush", w.flush)
        data = reached()
        w.close()
        if case == "fileio-pending-direct":
            assert data[:7] == b"pending"
            data = data[7:]
        return t, data, result if isinstance(result, int) else result.characters_written

    trace, data, accepted = same(Writer, scenario)
    assert data == original[:accepted]


def test_write_on_closed_and_detached(Writer):
    def scenario(W):
        t = Trace()
        w = W(ScriptedRaw(), 8)
        w.close()
        t.do("write closed", w.write, b"x")
        t.do("write closed empty", w.write, b"")
        t.do("write closed str", w.write, "x")
        t.do("writelines closed", w.writelines, [b"x"])
        t.do("flush closed", w.flush)
        d = W(ScriptedRaw(), 8)
        d.detach()
        t.do("write detached", d.write, b"x")
        t.do("writelines detached", d.writelines, [b"x"])
        t.do("flush detached", d.flush)
        return t

    trace = same(Writer, scenario)
    messages = {label: key.get("str") for label, _, key in trace}
    assert messages["write closed"] == "write to closed file"
    assert messages["flush closed"] == "flush of closed file"
    assert messages["write detached"] == "raw stream has been detached"


# --- flush ----------------------------------------------------------------------------

def test_flush_does_not_call_raw_flush(Writer):
    def scenario(W):
        raw = ScriptedRaw()
        w = W(raw, 8)
        t = Trace()
        t.do("write", w.write, b"abc")
        t.do("flush", w.flush)
        t.do("empty flush", w.flush)
        t.do("big write", w.write, payload(20))
        t.do("flush", w.flush)
        calls = list(raw.calls)
        return t, calls, raw.data

    trace, calls, data = same(Writer, scenario)
    assert ("flush",) not in calls
    assert data == b"abc" + payload(20)


def test_flush_on_fileio_delivers_everything(Writer, tmp_path):
    """On the fd path, flush() alone (no close) puts every buffered byte in the file."""
    path = tmp_path / "f"
    w = Writer(io.FileIO(path, "wb"), 8)
    w.write(b"abcdef")
    assert path.read_bytes() == b""
    w.write(b"ghijklmnop")
    w.write(b"q")
    w.flush()
    assert path.read_bytes() == b"abcdefghijklmnopq"
    w.close()


# --- partial writes -------------------------------------------------------------------

_WRITE_SIZES = [3, 5, 1, 9, 17, 0, 8, 2, 30, 7]


@pytest.mark.parametrize("k", range(1, 34))
def test_partial_writes_call_for_call(Writer, k):
    """A raw accepting at most k bytes per call: same bytes, and the very same sequence
    of raw.write() calls (offered bytes) as the stdlib's."""
    def scenario(W):
        raw = ScriptedRaw(accept(k))
        w = W(raw, 8)
        t = Trace()
        for i, n in enumerate(_WRITE_SIZES):
            t.do(f"write {n}", w.write, payload(n, i))
        t.do("flush", w.flush)
        return t, raw.data, raw.writes

    trace, data, writes = same(Writer, scenario)
    assert data == b"".join(payload(n, i) for i, n in enumerate(_WRITE_SIZES))
    assert all(len(b) > 0 for b in writes)


@pytest.mark.parametrize("buffer_size", [1, 2, 8])
@compared_with_stdlib
def test_write_sizes_around_buffer_size_call_for_call(Writer, buffer_size):
    """With pending bytes 0..buffer_size-1 and a write of 0..2*buffer_size+1 bytes, the
    raw.write() calls are the stdlib's (which of them is buffered, flushed first or
    written straight through changes between CPython versions: follow the running one)."""
    failures = []
    for pending in range(buffer_size):
        for size in range(2 * buffer_size + 2):
            def scenario(W):
                raw = ScriptedRaw()
                w = W(raw, buffer_size)
                w.write(payload(pending, 1))
                calls_before = len(raw.writes)
                w.write(payload(size, 2))
                return raw.writes[calls_before:], raw.data

            expected, actual = scenario(REF), scenario(Writer)
            if actual != expected:
                failures.append(f"pending={pending} size={size}: stdlib raw.write sizes "
                                f"{[len(b) for b in expected[0]]}, got {[len(b) for b in actual[0]]}")
    assert not failures, "\n".join(failures)


# --- would block: None from raw, BlockingIOError from raw ------------------------------

def test_flush_would_block(Writer):
    def scenario(W):
        raw = ScriptedRaw([accept(3), would_block()])
        w = W(raw, 16)
        t = Trace()
        t.do("write", w.write, payload(10))
        error = t.do("flush blocked", w.flush)
        t.note("data while blocked", raw.data)
        t.do("flush again", w.flush)  # the raw accepts everything now
        t.do("flush empty", w.flush)
        return t, raw.data, raw.writes, type(error), error.characters_written

    trace, data, writes, error_type, written = same(Writer, scenario)
    assert error_type is BlockingIOError and written == 0
    assert data == payload(10)


_BLOCK_PATTERNS = {
    "none": lambda: [would_block()],
    "1-none": lambda: [accept(1), would_block()],
    "2-2-none": lambda: [accept(2), accept(2), would_block()],
    "7-none": lambda: [accept(7), would_block()],
    "all-none": lambda: [accept(), would_block()],
    "all-all-none": lambda: [accept(), accept(), would_block()],
    "raises": lambda: [raise_blocking(0)],
    "3-raises": lambda: [accept(3), raise_blocking(0)],
    "raises-after-storing-2": lambda: [raise_blocking(2)],
}
_PURE_NONE = {"none", "1-none", "2-2-none", "7-none", "all-none", "all-all-none"}


def _blocking_scenario(W, pattern, buffer_size, pending, size):
    data = payload(pending + size, buffer_size)
    raw = ScriptedRaw()
    w = W(raw, buffer_size)
    t = Trace()
    if pending:
        t.do("pending", w.write, data[:pending])
    raw.script = _BLOCK_PATTERNS[pattern]()
    result = t.do("write", w.write, data[pending:])
    if isinstance(result, BlockingIOError):
        accepted = result.characters_written
    elif isinstance(result, int):
        accepted = result
    else:
        accepted = None
    t.note("data while blocked", raw.data)
    raw.script = []  # the raw recovers
    t.do("flush after recovery", w.flush)
    t.note("data after recovery", raw.data)
    if accepted is not None:
        t.do("write the rest", w.write, data[pending + accepted:])
    t.do("final flush", w.flush)
    return t, raw.data, raw.writes, accepted


@pytest.mark.parametrize("pattern", list(_BLOCK_PATTERNS))
@pytest.mark.parametrize("buffer_size", [1, 4, 8])
def test_write_would_block(Writer, pattern, buffer_size):
    """characters_written is the number of bytes of b accepted; after the raw recovers,
    flush delivers exactly them, once; retrying the rest completes the payload."""
    for pending in (0, 3):
        for size in (1, 4, 9, 20):
            args = (pattern, buffer_size, pending, size)
            expected = _blocking_scenario(REF, *args)
            actual = expected if Writer is REF else _blocking_scenario(Writer, *args)
            assert actual == expected, f"pending={pending} size={size}"
            trace, data, writes, accepted = actual
            if pattern in _PURE_NONE:
                full = payload(pending + size, buffer_size)
                after_recovery = trace.get("data after recovery")
                assert after_recovery == full[:pending + accepted], f"pending={pending} size={size}"
                assert data == full, f"pending={pending} size={size}"


_ERRNO_SCENARIOS = {
    "flush, raw returns None": ([would_block()], 0, 4, "flush"),
    "write, pending flush returns None": ([would_block()], 3, 20, "write"),
    "write, direct write returns None": ([accept(2), would_block()], 0, 20, "write"),
    "flush, raw raises BlockingIOError": ([raise_blocking(0)], 0, 4, "flush"),
    "write, raw raises BlockingIOError": ([raise_blocking(0)], 3, 20, "write"),
}


@pytest.mark.parametrize("name", list(_ERRNO_SCENARIOS))
def test_would_block_errno_like_stdlib(Writer, name):
    """The whole BlockingIOError, errno and str() included, as the stdlib raises it.

    The stdlib builds the writer's BlockingIOError from C's errno, which it zeroes before
    calling raw.write(): for a Python raw that returns None it is 0, not EAGAIN (it is
    EAGAIN on a FileIO, whose write() failed with it). The project's contract says EAGAIN; the
    stdlib wins."""
    script, pending, size, op = _ERRNO_SCENARIOS[name]

    def scenario(W):
        raw = ScriptedRaw()
        w = W(raw, 8)
        w.write(payload(pending) if op == "write" else payload(size))
        raw.script = list(script)
        try:
            w.write(payload(size)) if op == "write" else w.flush()
        except BlockingIOError as error:
            return exc_key(error, errno_of_blocking=True)
        return "no exception"

    key = same(Writer, scenario)
    assert key["type"] is BlockingIOError


# --- other errors from the raw --------------------------------------------------------

class SerialTimeout(OSError):
    """Like pyserial's SerialTimeoutException: an OSError subclass without errno."""


_ERROR_PATTERNS = {
    "ENOSPC": lambda: [fail(errno.ENOSPC)],
    "3-then-EIO": lambda: [accept(3), fail(errno.EIO)],
    "EPIPE": lambda: [fail(errno.EPIPE)],  # BrokenPipeError
    "EINTR-retried": lambda: [fail(errno.EINTR), accept(2), fail(errno.EINTR)],
    "RuntimeError": lambda: [raise_(RuntimeError("not an OSError"))],
    "custom-OSError-subclass": lambda: [raise_(SerialTimeout("Write timeout"))],
}


@pytest.mark.parametrize("pattern", list(_ERROR_PATTERNS))
def test_error_mid_flush_then_retry(Writer, pattern):
    """The error propagates unchanged; a later flush delivers the rest: nothing lost,
    nothing doubled."""
    def scenario(W):
        raw = ScriptedRaw()
        w = W(raw, 16)
        t = Trace()
        t.do("write", w.write, payload(10))
        raw.script = _ERROR_PATTERNS[pattern]()
        t.do("flush", w.flush)
        t.note("data after failure", raw.data)
        raw.script = []
        t.do("retry", w.flush)
        return t, raw.data, raw.writes

    trace, data, writes = same(Writer, scenario)
    assert data == payload(10)


@pytest.mark.parametrize("pattern", list(_ERROR_PATTERNS))
@pytest.mark.parametrize("pending", [0, 5])
@compared_with_stdlib
def test_error_during_write(Writer, pattern, pending):
    """A failing raw during write() (the pending flush or the direct write of a large b)."""
    def scenario(W):
        raw = ScriptedRaw()
        w = W(raw, 8)
        t = Trace()
        if pending:
            t.do("pending", w.write, payload(pending, 1))
        raw.script = _ERROR_PATTERNS[pattern]()
        t.do("write", w.write, payload(30, 2))
        t.note("data after failure", raw.data)
        raw.script = []
        t.do("retry flush", w.flush)
        t.do("write after", w.write, b"tail")
        t.do("flush", w.flush)
        return t, raw.data, raw.writes

    same(Writer, scenario)


@pytest.mark.parametrize("value", [-1, -2**31, 2**70, "x", 2.5, lambda n: n + 1, lambda n: n + 1000],
                         ids=["-1", "-2**31", "2**70", "str", "float", "len+1", "len+1000"])
@pytest.mark.parametrize("where", ["flush", "direct write"])
def test_invalid_length_from_raw(Writer, value, where):
    def scenario(W):
        raw = ScriptedRaw()
        w = W(raw, 8)
        t = Trace()
        if where == "flush":
            t.do("write", w.write, payload(5))
            raw.script = [returns(value)]
            t.do("flush", w.flush)
        else:
            raw.script = [returns(value)]
            t.do("write", w.write, payload(20))
        raw.script = []
        t.do("retry flush", w.flush)
        return t, raw.data, raw.writes

    trace, data, writes = same(Writer, scenario)
    failure = trace[1][2] if where == "flush" else trace[0][2]
    assert failure["type"] is OSError
    assert failure["str"].startswith("raw write() returned invalid length")


# --- seek / tell / truncate -----------------------------------------------------------

def test_tell_is_raw_position_plus_buffered(Writer):
    def scenario(W):
        raw = ScriptedRaw(seekable=True)
        raw.contents += b"x" * 100
        raw.pos = 100
        w = W(raw, 8)
        t = Trace()
        t.do("tell at start", w.tell)
        t.do("write 5", w.write, payload(5))
        t.do("tell", w.tell)
        t.do("write 20", w.write, payload(20))
        t.do("tell", w.tell)
        raw.script = [accept(2), would_block()]
        t.do("write 6 (blocks)", w.write, payload(6))
        t.do("tell while blocked", w.tell)
        raw.script = []
        t.do("flush", w.flush)
        t.do("tell after flush", w.tell)
        return t, raw.calls, bytes(raw.contents)

    trace, calls, contents = same(Writer, scenario)
    assert [o[2] for o in trace if o[0].startswith("tell")][:3] == [100, 105, 125]


def test_seek_and_truncate_flush_first(Writer):
    def scenario(W):
        raw = ScriptedRaw(seekable=True)
        w = W(raw, 16)
        t = Trace()
        t.do("write", w.write, b"0123456789")
        t.do("seek 2", w.seek, 2)
        t.note("calls after seek", raw.calls)
        t.do("write", w.write, b"ab")
        t.do("tell", w.tell)
        t.do("seek +3 cur", w.seek, 3, 1)
        t.do("write", w.write, b"CD")
        t.do("seek -1 end", w.seek, -1, io.SEEK_END)
        t.do("write", w.write, b"!")
        t.do("truncate none", w.truncate)
        t.do("write", w.write, b"zz")
        t.do("truncate 4", w.truncate, 4)
        t.do("tell after truncate", w.tell)
        t.do("write", w.write, b"end")
        t.do("seekable", w.seekable)
        t.do("flush", w.flush)
        return t, raw.calls, bytes(raw.contents)

    trace, calls, contents = same(Writer, scenario)
    # what was written before a seek or a truncate reaches the raw before it
    assert calls.index(("write", b"0123456789")) < calls.index(("seek", 2, 0))
    assert calls.index(("write", b"zz")) < calls.index(("truncate", 4))


@pytest.mark.parametrize("args", [(0, 3), (0, 4), (0, 5), (0, 7), (0, -1), ("x",), (1.5,), (None,), (2**70,)],
                         ids=repr)
def test_seek_bad_arguments(Writer, args):
    def scenario(W):
        raw = ScriptedRaw(seekable=True)
        w = W(raw, 16)
        t = Trace()
        t.do("write", w.write, b"abc")
        t.do("seek", w.seek, *args)
        t.do("tell", w.tell)
        t.do("flush", w.flush)
        return t, raw.calls, bytes(raw.contents)

    trace, calls, contents = same(Writer, scenario)
    if args in [(0, 5), (0, 7), (0, -1)]:
        assert trace[1][2]["str"] == f"whence value {args[1]} unsupported"


def test_not_seekable_raw(Writer):
    def scenario(W):
        raw = ScriptedRaw(seekable=False)
        w = W(raw, 16)
        t = Trace()
        t.do("write", w.write, b"abc")
        t.do("seekable", w.seekable)
        t.do("tell", w.tell)
        t.do("seek", w.seek, 0)
        t.do("seek end", w.seek, 0, 2)
        t.do("truncate", w.truncate)
        t.do("truncate 0", w.truncate, 0)
        t.do("flush", w.flush)
        return t, raw.data

    trace, data = same(Writer, scenario)
    assert data == b"abc"


@compared_with_stdlib
def test_seek_tell_truncate_on_fileio(Writer, tmp_path):
    """The fd path tracks the position instead of asking: it must agree with the raw."""
    def scenario(W):
        path = tmp_path / f"seek-{W.__module__}"
        raw = io.FileIO(path, "wb")
        w = W(raw, 8)
        t = Trace()
        for step in [("write", b"0123456789"), ("tell",), ("seek", 3), ("write", b"abc"),
                     ("tell",), ("write", payload(20)), ("tell",), ("seek", -2, 2), ("tell",),
                     ("write", b"XY"), ("truncate", 12), ("tell",), ("write", b"q"),
                     ("seek", 0, 1), ("truncate",), ("tell",), ("seek", 100), ("write", b"far"),
                     ("tell",)]:
            t.do(step[0], getattr(w, step[0]), *step[1:])
            t.note("raw position", raw.tell())
        w.close()
        return t, path.read_bytes()

    same(Writer, scenario)


# --- close ----------------------------------------------------------------------------

def test_close_flushes_then_closes_raw(Writer):
    def scenario(W):
        raw = ScriptedRaw()
        w = W(raw, 16)
        t = Trace()
        t.do("write", w.write, b"pending")
        t.do("closed before", lambda: w.closed)
        t.do("close", w.close)
        t.do("closed after", lambda: w.closed)
        t.do("close again", w.close)
        return t, raw.calls, raw.closed

    trace, calls, raw_closed = same(Writer, scenario)
    assert calls.index(("write", b"pending")) < calls.index(("close",))
    assert raw_closed and calls.count(("close",)) == 1


@pytest.mark.parametrize("flush_fails", [False, True])
@pytest.mark.parametrize("close_fails", [False, True])
def test_close_errors(Writer, flush_fails, close_fails):
    """raw.close() runs even when the flush failed; the flush error is raised, or the
    close error with the flush error as its __context__."""
    def scenario(W):
        raw = ScriptedRaw(close_error=OSError(errno.EIO, "close failed") if close_fails else None)
        w = W(raw, 16)
        t = Trace()
        t.do("write", w.write, b"data")
        if flush_fails:
            raw.script = [fail(errno.ENOSPC)]
        try:
            w.close()
        except Exception as error:  # noqa: BLE001
            context = error.__context__
            t.note("close", ("raise", exc_key(error),
                             exc_key(context) if context is not None else None,
                             error.__suppress_context__))
        else:
            t.note("close", "ok")
        t.do("closed", lambda: w.closed)
        t.do("raw closed", lambda: raw.closed)
        t.do("close again", w.close)
        t.do("write after", w.write, b"x")
        return t, raw.calls, raw.data

    trace, calls, data = same(Writer, scenario)
    assert trace[3][2] is True  # the raw is closed in every case
    if flush_fails and close_fails:
        assert trace[1][2][1]["errno"] == errno.EIO
        assert trace[1][2][2]["errno"] == errno.ENOSPC


def test_close_calls_overridden_flush(Writer):
    def scenario(W):
        events = []

        class Sub(W):
            def flush(self):
                events.append(("flush", self.raw.data))
                return super().flush()

        raw = ScriptedRaw()
        w = Sub(raw, 16)
        w.write(b"abc")
        events.append(("close returned", w.close()))
        return events, raw.calls

    events, calls = same(Writer, scenario)
    assert ("flush", b"") in events


@compared_with_stdlib
def test_close_with_raw_already_closed(Writer):
    def scenario(W):
        raw = ScriptedRaw()
        w = W(raw, 16)
        t = Trace()
        t.do("write", w.write, b"abc")
        raw.close()
        t.do("close", w.close)
        t.do("flush", w.flush)
        return t, raw.calls

    same(Writer, scenario)


# --- detach ---------------------------------------------------------------------------

def test_detach(Writer):
    def scenario(W):
        raw = ScriptedRaw(name="the-name")
        w = W(raw, 16)
        t = Trace()
        t.do("write", w.write, b"pending")
        detached = t.do("detach", w.detach)
        t.note("detach returns the raw", detached is raw)
        t.note("raw not closed", raw.closed)
        t.note("data", raw.data)
        t.note("repr", repr(w))
        for name in ["write", "writelines", "flush", "close", "detach", "tell", "seek",
                     "truncate", "fileno", "isatty", "seekable", "writable", "readable"]:
            args = {"write": (b"x",), "writelines": ([b"x"],), "seek": (0,)}.get(name, ())
            t.do(name, getattr(w, name), *args)
        for name in ["name", "mode", "closed", "raw"]:
            t.do(name, getattr, w, name)
        t.do("enter", w.__enter__)
        return t, raw.calls

    trace, calls = same(Writer, scenario)
    assert trace[2][2] is True
    assert trace[4][2] == b"pending"


def test_detach_when_flush_fails(Writer):
    def scenario(W):
        raw = ScriptedRaw()
        w = W(raw, 16)
        t = Trace()
        t.do("write", w.write, b"pending")
        raw.script = [fail(errno.ENOSPC)]
        t.do("detach", w.detach)
        t.do("still usable", w.write, b"+")
        t.do("detach again", lambda: w.detach() is raw)
        return t, raw.data

    trace, data = same(Writer, scenario)
    assert data == b"pending+"


# --- pickling, copying, context manager, repr, delegation -----------------------------

def test_context_manager(Writer):
    def scenario(W):
        raw = ScriptedRaw()
        t = Trace()
        with W(raw, 16) as w:
            t.note("enter returns self", True)
            w.write(b"inside")
        t.note("closed", w.closed)
        t.note("data", raw.data)
        raw2 = ScriptedRaw()
        w2 = W(raw2, 16)
        t.note("enter is self", w2.__enter__() is w2)
        w2.write(b"x")
        try:
            with w2:
                raise KeyError("inside")
        except KeyError:
            t.note("exception propagates", True)
        t.note("closed after exception", (w2.closed, raw2.data))
        t.do("exit return value", w2.__exit__, None, None, None)
        t.do("enter when closed", w2.__enter__)
        return t

    trace = same(Writer, scenario)
    assert ("data", "value", b"inside") in trace


class _NameRaises(ScriptedRaw):
    def __init__(self, exc):
        super().__init__()
        self.exc = exc

    @property
    def name(self):
        raise self.exc


@pytest.mark.parametrize("name", ["file.bin", 3, b"bytes", "quote'\"", "missing",
                                  "ValueError", "RuntimeError", "AttributeError", "self"])
def test_repr(Writer, name):
    def scenario(W):
        if name == "missing":
            raw = ScriptedRaw()
        elif name in ("ValueError", "RuntimeError", "AttributeError"):
            raw = _NameRaises(getattr(builtins, name)("no name"))
        else:
            raw = ScriptedRaw(name=name if name != "self" else "placeholder")
        w = W(raw, 16)
        if name == "self":
            raw.name = w
        t = Trace()
        t.do("repr", repr, w)

        class Sub(W):
            pass

        t.do("subclass repr", repr, Sub(raw, 16))
        t.do("str", str, w)
        return t

    trace = same(Writer, scenario)
    if name == "file.bin":
        assert trace[0][2] == "<<BufferedWriter> name='file.bin'>"


def test_delegation(Writer):
    class Raw(ScriptedRaw):
        def readable(self):
            return True  # the writer still says False, like the stdlib

    def scenario(W):
        raw = Raw(name="n", mode="wb", fileno=7, isatty=True, seekable=True)
        w = W(raw, 16)
        t = Trace()
        for method in ["fileno", "isatty", "seekable", "readable", "writable"]:
            t.do(method, getattr(w, method))
        for attribute in ["name", "mode", "closed"]:
            t.do(attribute, getattr, w, attribute)
        t.note("raw is raw", w.raw is raw)
        plain = W(ScriptedRaw(), 16)
        for method in ["fileno", "isatty", "seekable", "readable", "writable"]:
            t.do("plain " + method, getattr(plain, method))
        for attribute in ["name", "mode"]:
            t.do("plain " + attribute, getattr, plain, attribute)
        return t

    trace = same(Writer, scenario)
    assert ("fileno", "ok", 7) in trace and ("raw is raw", "value", True) in trace


@pytest.mark.parametrize("call", [
    ("read",), ("read", 3), ("read1",), ("read1", 3), ("readline",), ("readline", 2),
    ("readlines",), ("readinto", "buffer"), ("readinto1", "buffer"), ("next",), ("peek",),
], ids=lambda c: "-".join(map(str, c)))
def test_reading_unsupported(Writer, call):
    def scenario(W):
        w = W(ScriptedRaw(), 16)
        t = Trace()
        name, *args = call
        args = [bytearray(4) if a == "buffer" else a for a in args]
        fn = (lambda: next(w)) if name == "next" else getattr(w, name, None)
        if fn is None:
            t.note("has " + name, False)
        else:
            t.do(name, fn, *args)
        w.close()
        if fn is not None and name != "peek":
            t.do(name + " closed", fn, *args)
        return t

    trace = same(Writer, scenario)
    if call[0] != "peek":
        assert trace[0][2]["type"] is io.UnsupportedOperation


@compared_with_stdlib
def test_iteration(Writer):
    def scenario(W):
        w = W(ScriptedRaw(), 16)
        t = Trace()
        t.do("iter is self", lambda: iter(w) is w)
        t.do("list", list, w)
        w.close()
        t.do("iter closed", iter, w)
        return t

    same(Writer, scenario)


# --- writelines -----------------------------------------------------------------------

def _lines():
    return [b"one\n", bytearray(b"two\n"), memoryview(b"three\n"), b"", array.array("b", b"four\n"),
            payload(20), b"x" * 3]


@pytest.mark.parametrize("raw_kind", ["scripted", "fileio"])
@pytest.mark.parametrize("container", ["list", "tuple", "generator"])
@pytest.mark.parametrize("buffer_size", [4, 16, 1024])
def test_writelines_bytes(Writer, tmp_path, raw_kind, container, buffer_size):
    """The same bytes; on a scripted raw also the same raw.write() calls."""
    def scenario(W):
        raw, reached = make_raw(raw_kind, tmp_path, W)
        w = W(raw, buffer_size)
        t = Trace()
        lines = _lines()
        arg = {"list": list, "tuple": tuple, "generator": lambda ls: (x for x in ls)}[container](lines)
        t.do("writelines", w.writelines, arg)
        t.do("tell", w.tell) if raw_kind == "fileio" else t.note("writes", raw.writes)
        t.do("flush", w.flush)
        data = reached()
        t.do("writelines many small", w.writelines, [b"%d," % i for i in range(300)])
        t.do("close", w.close)
        return t, data, reached()

    trace, data, final = same(Writer, scenario)
    assert data == b"".join(memoryview(x).tobytes() for x in _lines())
    assert final == data + b"".join(b"%d," % i for i in range(300))


@pytest.mark.parametrize("raw_kind", ["scripted", "fileio"])
@pytest.mark.parametrize("bad", ["str", "int", "non-contiguous"])
def test_writelines_bad_item_after_good_ones(Writer, tmp_path, raw_kind, bad):
    """Items before the bad one are accepted (and written in order), the bad one raises
    the stdlib's TypeError, later items are not written."""
    bad_item = {"str": "text", "int": 5, "non-contiguous": memoryview(b"abcdef")[::2]}[bad]

    def scenario(W):
        path = tmp_path / "lines"
        raw = ScriptedRaw() if raw_kind == "scripted" else io.FileIO(path, "wb")
        w = W(raw, 8)
        t = Trace()
        t.do("writelines", w.writelines, [b"ab", b"cd", payload(9), bad_item, b"never"])
        t.do("flush", w.flush)
        t.do("writelines not iterable", w.writelines, 42)
        t.do("writelines str", w.writelines, "abc")
        w.close()
        data = raw.data if raw_kind == "scripted" else path.read_bytes()
        return t, data

    trace, data = same(Writer, scenario)
    assert data == b"abcd" + payload(9)
    assert trace[0][1] == "raise"


@pytest.mark.parametrize("raw_kind", ["scripted", "fileio"])
def test_writelines_subclass_write_sees_every_item(Writer, tmp_path, raw_kind):
    def scenario(W):
        seen = []

        class Sub(W):
            def write(self, b):
                seen.append(bytes(b))
                return super().write(b)

        path = tmp_path / "sub"
        raw = ScriptedRaw() if raw_kind == "scripted" else io.FileIO(path, "wb")
        w = Sub(raw, 64)
        w.writelines([b"a", bytearray(b"b"), memoryview(b"c"), b"dd"])
        w.writelines(x for x in [b"e", b"f"])
        w.writelines((b"g",))
        w.close()
        return seen, raw.data if raw_kind == "scripted" else path.read_bytes()

    seen, data = same(Writer, scenario)
    assert seen == [b"a", b"b", b"c", b"dd", b"e", b"f", b"g"]
    assert data == b"abcddefg"


@compared_with_stdlib
def test_writelines_would_block(Writer):
    def scenario(W):
        raw = ScriptedRaw()
        w = W(raw, 4)
        t = Trace()
        raw.script = [accept(3), would_block()]
        t.do("writelines", w.writelines, [b"ab", b"cdef", b"ghijklmnop", b"qr"])
        raw.script = []
        t.do("flush", w.flush)
        return t, raw.data, raw.writes

    same(Writer, scenario)


# --- TextIOWrapper over the writer ----------------------------------------------------

@pytest.mark.parametrize("raw_kind", ["scripted", "fileio"])
@pytest.mark.parametrize("line_buffering", [False, True])
@pytest.mark.parametrize("write_through", [False, True])
def test_textiowrapper(Writer, tmp_path, raw_kind, line_buffering, write_through):
    """The same bytes reach the raw at the same moments as under the stdlib."""
    def scenario(W):
        raw, reached = make_raw(raw_kind, tmp_path, W)
        text = io.TextIOWrapper(W(raw, 16), encoding="utf-8", newline="\n",
                                line_buffering=line_buffering, write_through=write_through)
        moments = []
        for piece in ["abc", "def\n", "\u00e9t\u00e9 ", "x" * 20, "no newline", "\n", "end"]:
            extra = len(raw.writes) if raw_kind == "scripted" else text.tell()
            moments.append((text.write(piece), reached(), extra))
        text.flush()
        moments.append(("flush", reached()))
        text.reconfigure(line_buffering=not line_buffering)
        text.write("after\nreconfigure")
        moments.append(("reconfigured", reached()))
        text.close()
        moments.append(("closed", reached(), raw.closed))
        return moments

    moments = same(Writer, scenario)
    assert moments[-1][1] == ("abcdef\n\u00e9t\u00e9 " + "x" * 20 + "no newline\nend"
                              + "after\nreconfigure").encode()


# --- reentrancy -----------------------------------------------------------------------

@pytest.mark.parametrize("op", ["write small", "write large", "writelines", "flush", "close",
                                "detach", "seek", "truncate"])
def test_reentrant_call_raises(Writer, op):
    """A raw whose write() calls back into the writer: RuntimeError("reentrant call
    inside ..."), no deadlock, no corrupted data."""
    def scenario(W):
        errors = []
        holder = {}

        def reenter(raw, view):
            w = holder["w"]
            try:
                {"write small": lambda: w.write(b"!"),
                 "write large": lambda: w.write(b"!" * 40),
                 "writelines": lambda: w.writelines([b"!"]),
                 "flush": w.flush,
                 "close": w.close,
                 "detach": w.detach,
                 "seek": lambda: w.seek(0),
                 "truncate": w.truncate}[op]()
            except Exception as error:  # noqa: BLE001
                errors.append(exc_key(error))
            else:
                errors.append("no error")

        raw = ScriptedRaw([call(reenter)], seekable=True)
        w = W(raw, 16)
        holder["w"] = w
        t = Trace()
        t.do("write", w.write, b"payload")
        t.do("flush", w.flush)
        t.do("write after", w.write, b"+more")
        t.do("close", w.close)
        return t, errors, raw.data

    trace, errors, data = same(Writer, scenario)
    assert data == b"payload+more"
    assert errors[0]["type"] is RuntimeError
    assert errors[0]["str"].startswith("reentrant call inside")


# --- finalization ---------------------------------------------------------------------

def test_dropped_writer_flushes_closes_and_warns(Writer, tmp_path):
    def scenario(W):
        path = tmp_path / "dropped"
        raw = io.FileIO(path, "wb")
        w = W(raw, 64)
        w.write(b"not closed")
        gc.collect()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            del w
            gc.collect()
        return path.read_bytes(), raw.closed, _unclosed_file_warnings(caught)

    data, raw_closed, texts = same(Writer, scenario)
    assert data == b"not closed" and raw_closed
    assert len(texts) == 1 and texts[0].startswith("unclosed file <<BufferedWriter> name=")


def test_dropped_writer_over_python_raw(Writer):
    def scenario(W):
        raw = ScriptedRaw()
        w = W(raw, 64)
        w.write(b"not closed")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            del w
            gc.collect()
        return raw.data, raw.closed, raw.calls, [(c.category, norm(str(c.message))) for c in caught]

    data, raw_closed, calls, caught = same(Writer, scenario)
    assert data == b"not closed" and raw_closed


def test_dropped_writer_failing_close_is_unraisable_like_stdlib(Writer, monkeypatch):
    """What reaches sys.unraisablehook when the finalizer's close fails (the stdlib
    reports it from 3.13 on, or under -X dev)."""
    def scenario(W):
        seen = []
        monkeypatch.setattr(sys, "unraisablehook",
                            lambda u: seen.append((exc_key(u.exc_value), norm(repr(u.object)), norm(str(u.err_msg)))))
        raw = ScriptedRaw(default=fail(errno.ENOSPC), name="failing")
        w = W(raw, 64)
        w.write(b"lost")
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("always")
            del w
            gc.collect()
        monkeypatch.undo()
        return seen, raw.closed

    seen, raw_closed = same(Writer, scenario)
    assert raw_closed


@pytest.mark.parametrize("kind", ["global", "self-cycle", "cycle-through-a-raw-subclass"])
def test_interpreter_exit_keeps_data(Writer, tmp_path, kind):
    """A writer never closed, left to interpreter exit (alive, or in a cycle with itself
    or through its raw; differential.EXIT_SCENARIOS): ringwriter's bytes reach the file
    (the stdlib may lose them, gh-62052: only ringwriter is held to it)."""
    code, data, err = run_exit_scenario(Writer, kind, tmp_path / "exit")
    assert code == 0, err
    if Writer is OURS:
        assert data == EXIT_DATA
        assert "Traceback" not in err, err


# --- the fd path: a FileIO closed behind the writer's back ----------------------------

def test_fileio_closed_behind_the_writer(Writer, tmp_path):
    """Writes and flushes raise like the stdlib's, and no byte reaches a new file that
    got the same descriptor number."""
    def scenario(W):
        first, second = tmp_path / "first", tmp_path / "second"
        raw = io.FileIO(first, "wb")
        w = W(raw, 16)
        t = Trace()
        t.do("write", w.write, b"buffered")
        number = raw.fileno()
        raw.close()
        fd = os.open(second, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        if fd != number:
            os.dup2(fd, number)
            os.close(fd)
        try:
            t.do("write small", w.write, b"small")
            t.do("write large", w.write, payload(100))
            t.do("writelines", w.writelines, [b"a", b"b"])
            t.do("flush", w.flush)
            t.do("tell", w.tell)
            t.do("seek", w.seek, 0)
            t.do("truncate", w.truncate)
            t.do("closed", getattr, w, "closed")
            t.do("fileno", w.fileno)
            t.do("repr", repr, w)
            t.do("detach", w.detach)
            t.do("close", w.close)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                del w
                gc.collect()
            t.note("warnings", _unclosed_file_warnings(caught))
            return t, first.read_bytes(), second.read_bytes(), os.fstat(number).st_size
        finally:
            os.close(number)

    trace, first_data, second_data, size = same(Writer, scenario)
    assert second_data == b"" and size == 0
    assert ("write small", "raise", {"type": ValueError, "str": "write to closed file",
                                     "args": ("write to closed file",)}) in trace


def test_fileio_fast_path_data_order(Writer, tmp_path):
    """Small and large writes mixed on the fd path (copy vs writev of buffered + payload):
    the file holds exactly the bytes, in order."""
    sizes = [1, 7, 3, 16, 15, 40, 0, 2, 9, 100, 5, 31, 33, 16]

    def scenario(W):
        path = tmp_path / "order"
        w = W(io.FileIO(path, "wb"), 16)
        t = Trace()
        for i, n in enumerate(sizes):
            t.do(f"write {n}", w.write, payload(n, i))
            t.do("tell", w.tell)
        w.close()
        return t, path.read_bytes()

    trace, data = same(Writer, scenario)
    assert data == b"".join(payload(n, i) for i, n in enumerate(sizes))


# --- appended by the second test_contract session (checks not covered above) ---------

def test_constructor_argument_errors(Writer):
    """Wrong constructor arguments: the stdlib's TypeError messages."""
    def scenario(W):
        t = Trace()
        t.do("no argument", W)
        t.do("three arguments", W, ScriptedRaw(), 8, 9)
        t.do("size a str", W, ScriptedRaw(), "8")
        t.do("size a float", W, ScriptedRaw(), 8.0)
        t.do("unknown keyword", W, ScriptedRaw(), bogus=1)
        t.do("raw by keyword", lambda: type(W(raw=ScriptedRaw(), buffer_size=8)) is W)
        return t

    trace = same(Writer, scenario)
    assert [o[2]["type"] for o in trace[:5]] == [TypeError] * 5
    assert trace[5] == ("raw by keyword", "ok", True)


@pytest.mark.parametrize("buffer_size", [1, 2, 3])
def test_partial_writes_small_buffers(Writer, buffer_size):
    """A raw accepting at most k bytes per call, for every k, at the smallest buffer
    sizes: the stdlib's raw.write() calls, return values and bytes."""
    total = sum(_WRITE_SIZES)
    expected_data = b"".join(payload(n, i) for i, n in enumerate(_WRITE_SIZES))
    for k in range(1, total + 2):
        def scenario(W):
            raw = ScriptedRaw(accept(k))
            w = W(raw, buffer_size)
            t = Trace()
            for i, n in enumerate(_WRITE_SIZES):
                t.do(f"write {n}", w.write, payload(n, i))
                t.note("reached a prefix", expected_data.startswith(raw.data))
            t.do("flush", w.flush)
            return t, raw.data, raw.writes

        trace, data, writes = same(Writer, scenario)
        assert data == expected_data, f"k={k}"
        assert all(o[2] is True for o in trace if o[0] == "reached a prefix"), f"k={k}"


def _exporters():
    m = mmap.mmap(-1, 24)
    m[:] = payload(24, 5)
    return [bytearray(payload(5, 1)), bytearray(payload(30, 2)), m]


@pytest.mark.parametrize("raw_kind", ["scripted", "scripted-blocked", "fileio"])
@pytest.mark.parametrize("how", ["write", "writelines"])
def test_buffer_exports_released(Writer, tmp_path, raw_kind, how):
    """Once write()/writelines() returns (or raises BlockingIOError), the writer holds no
    export of the caller's buffers: a bytearray can be resized and an mmap closed
    (BufferError otherwise), and what reached the raw is unchanged by it."""
    def scenario(W):
        raw, reached = make_raw("fileio" if raw_kind == "fileio" else "scripted", tmp_path, W)
        w = W(raw, 16)
        if raw_kind == "scripted-blocked":
            raw.script = [accept(3), would_block()]
        t = Trace()
        small, large, mapped = objects = _exporters()
        if how == "write":
            for obj in objects:
                t.do("write", w.write, obj)
        else:
            t.do("writelines", w.writelines, objects)
        t.do("resize small", small.extend, b"!")
        t.do("resize large", large.extend, b"!")
        t.do("close mmap", mapped.close)
        if raw_kind.startswith("scripted"):
            raw.script = []
        t.do("flush", w.flush)
        data = reached()
        w.close()
        return t, data

    trace, data = same(Writer, scenario)
    assert ("close mmap", "ok", None) in trace and ("resize large", "ok", None) in trace


def test_seekable_over_descriptors(AnyWriter, tmp_path):
    """seekable() of a file, of a pipe, and once the FileIO was closed under the writer
    (ringwriter answers a descriptor's from its first lseek, as FileIO caches it)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    answers = []
    for raw in (io.FileIO(tmp_path / "file", "w"), io.FileIO(write_end, "w")):
        writer = AnyWriter(raw)
        answers.append(writer.seekable())
        raw.close()
        with pytest.raises(ValueError) as closed:
            writer.seekable()
        answers.append(str(closed.value))
    assert answers == [True, "I/O operation on closed file", False, "I/O operation on closed file"]
