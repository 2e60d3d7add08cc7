"""Lifecycle: close ordering and exception chaining, detach, use after close/detach,
finalization at garbage collection and at interpreter exit, ResourceWarning, pickling.

The stdlib's C writer is the judge everywhere except where it is known to lose data
(CPython gh-62052: a writer in a reference cycle with its raw, or only reachable from a
module global, at exit): there ringwriter must lose nothing, and what the stdlib does is
recorded (``record_property``, shown with ``-rA``) without failing on it.
"""
import copy
import gc
import io
import os
import pickle
import subprocess
import sys
import warnings
import weakref

import pytest

from differential import (
    EXIT_DATA, REF, SRC, compared_with_stdlib, describe_exception, normalize, outcome, run_exit_scenario,
    same,
)
from rawmocks import RecordingRaw, ScriptedRaw, fail


# -- use after close / detach / on an uninitialized object ---------------------------------

OPERATIONS = {
    "write": lambda w: w.write(b"x"),
    "write-empty": lambda w: w.write(b""),
    "write-str": lambda w: w.write("text"),
    "writelines": lambda w: w.writelines([b"a", b"b"]),
    "writelines-empty": lambda w: w.writelines([]),
    "flush": lambda w: w.flush(),
    "tell": lambda w: w.tell(),
    "seek": lambda w: w.seek(0),
    "seek-bad-whence": lambda w: w.seek(0, 9),
    "truncate": lambda w: w.truncate(),
    "fileno": lambda w: w.fileno(),
    "isatty": lambda w: w.isatty(),
    "seekable": lambda w: w.seekable(),
    "writable": lambda w: w.writable(),
    "readable": lambda w: w.readable(),
    "closed": lambda w: w.closed,
    "name": lambda w: w.name,
    "mode": lambda w: w.mode,
    "raw": lambda w: type(w.raw).__name__,
    "repr": lambda w: normalize(repr(w)),
    "read": lambda w: w.read(),
    "read1": lambda w: w.read1(),
    "readinto": lambda w: w.readinto(bytearray(3)),
    "readline": lambda w: w.readline(),
    "readlines": lambda w: w.readlines(),
    "next": lambda w: next(iter(w)),
    "enter": lambda w: w.__enter__() is w,
    "detach": lambda w: type(w.detach()).__name__,
    "close": lambda w: w.close(),
    "close-again": lambda w: (w.close(), w.close()),
}


def _make(writer_class, tmp_path, state):
    directory = tmp_path / writer_class.__module__
    directory.mkdir(exist_ok=True)
    os.chdir(directory)
    path = "f"  # the same name for both writers
    if state == "uninitialized":
        return writer_class.__new__(writer_class)
    raw = io.FileIO(path, "wb")
    writer = writer_class(raw, 16)
    writer.write(b"pending")
    if state == "closed":
        writer.close()
    elif state == "detached":
        writer.detach().close()
    elif state == "raw-closed":
        raw.close()
    elif state == "open":
        pass
    return writer


@pytest.mark.parametrize("operation", list(OPERATIONS))
@pytest.mark.parametrize("state", ["open", "closed", "detached", "raw-closed", "uninitialized"])
@compared_with_stdlib
def test_use_in_every_state_matches_stdlib(Writer, tmp_path, monkeypatch, state, operation):
    """Every method and attribute, on an open, closed, detached, raw-closed and
    uninitialized writer: the same result or the same exception type and message."""
    results = {}
    monkeypatch.chdir(tmp_path)
    for name, writer_class in (("stdlib", REF), ("ours", Writer)):
        writer = _make(writer_class, tmp_path, state)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            results[name] = outcome(OPERATIONS[operation], writer)
            if state in ("open", "raw-closed"):
                outcome(writer.close)
    assert results["ours"] == results["stdlib"]


# -- close ordering and chaining ----------------------------------------------------------


@pytest.mark.parametrize("pending", [b"", b"abc"])
@compared_with_stdlib
def test_close_order_of_raw_calls(Writer, pending):
    """close(): writes of the pending bytes, then raw.close() (which flushes the raw);
    no raw.flush() of our own; a second close() calls nothing."""

    def scenario(writer_class):
        raw = RecordingRaw()
        writer = writer_class(raw, 8)
        writer.write(pending)
        writer.close()
        first = list(raw.calls)
        writer.close()
        return first, raw.calls[len(first):], raw.data

    ref = scenario(REF)
    assert scenario(Writer) == ref


@pytest.mark.parametrize("body_raises", [False, True])
@pytest.mark.parametrize("flush_fails", [False, True])
@pytest.mark.parametrize("close_fails", [False, True])
@compared_with_stdlib
def test_with_block_exception_chaining(Writer, body_raises, flush_fails, close_fails):
    """``with writer:`` whose body raises and whose close fails in flush and/or
    raw.close(): which exception escapes, and its __context__ chain, are the
    stdlib's."""

    def chain(error):
        seen = []
        while error is not None and len(seen) < 6:
            seen.append(describe_exception(error))
            error = error.__context__
        return seen

    def scenario(writer_class):
        raw = RecordingRaw(
            [fail()] * 2 if flush_fails else [],
            close_error=OSError(9, "raw close failed") if close_fails else None,
        )
        try:
            with writer_class(raw, 8) as writer:
                writer.write(b"abc")
                if body_raises:
                    raise KeyError("body")
        except BaseException as error:
            return chain(error), raw.closed, raw.names()
        return None, raw.closed, raw.names()

    ref = scenario(REF)
    assert ref[1] is True
    assert scenario(Writer) == ref


@compared_with_stdlib
def test_detach_flushes_first_and_failure_keeps_writer_attached(Writer):
    def scenario(writer_class):
        raw = RecordingRaw([fail()])
        writer = writer_class(raw, 8)
        writer.write(b"abc")
        first = outcome(lambda: type(writer.detach()).__name__)
        still = [outcome(lambda: writer.closed), outcome(writer.write, b"d")]
        second = outcome(lambda: writer.detach() is raw)
        after = [outcome(writer.write, b"e"), outcome(lambda: writer.raw), outcome(writer.close)]
        return first, still, second, after, raw.data, raw.names(), raw.closed

    ref = scenario(REF)
    assert scenario(Writer) == ref


# -- finalization at garbage collection -----------------------------------------------------


def _drop(writer_class, path, shape, *, capture=True):
    """Create a writer with 4 pending bytes in ``shape``, drop it, collect; return
    (writer collected?, raw collected?, file bytes, warnings seen)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()  # garbage left by earlier tests must not warn inside this one
    raw = io.FileIO(str(path), "wb")
    writer = writer_class(raw, 100)
    writer.write(b"data")
    if shape == "self-cycle":
        writer.cycle = writer
    elif shape == "cycle-through-raw":
        raw.writer = writer
    elif shape == "subclass-cycle":
        pass
    writer_ref, raw_ref = weakref.ref(writer), weakref.ref(raw)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        del writer, raw
        gc.collect()
        gc.collect()
        messages = [(w.category.__name__, normalize(str(w.message)).replace(str(path), "PATH"), type(w.source).__name__) for w in seen]
    del seen
    gc.collect()
    return writer_ref() is None, raw_ref() is None, path.read_bytes(), messages


@pytest.mark.parametrize("shape", ["plain", "self-cycle"])
@compared_with_stdlib
def test_dropped_writer_is_flushed_closed_and_warns_like_stdlib(Writer, tmp_path, shape):
    """No close(): the writer is collected, its bytes flushed, its raw closed, and the
    same ResourceWarning is emitted (on the writer, naming it), as the stdlib does for a
    plain drop. In a self-cycle the stdlib may lose the bytes (gh-62052): ours must
    not."""
    ref = _drop(REF, tmp_path / "ref", shape)
    ours = _drop(Writer, tmp_path / "ours", shape)
    assert ours[:3] == (True, True, b"data")
    if shape == "plain":
        assert ref == ours
    else:
        assert ref[:2] == (True, True)
        assert ours[3] == [("ResourceWarning", "unclosed file <<BufferedWriter> name='PATH'>", "BufferedWriter")]


@compared_with_stdlib
def test_dropped_writer_in_a_cycle_through_its_raw(Writer, tmp_path, record_property):
    """A cycle writer -> raw -> writer: the stdlib collects it (and may lose the
    bytes, gh-62052). Ours must collect it too (an uncollectable writer keeps its
    descriptor open for the life of the process) and must not lose the bytes."""
    ref = _drop(REF, tmp_path / "ref", "cycle-through-raw")
    record_property("stdlib cycle-through-raw at gc", repr(ref))
    assert ref[:2] == (True, True)
    ours = _drop(Writer, tmp_path / "ours", "cycle-through-raw")
    assert ours[0] is True, "the writer in a cycle through its raw was never collected"
    assert ours[2] == b"data"


@compared_with_stdlib
def test_closed_or_detached_writer_does_not_warn(Writer, tmp_path):
    for writer_class in (REF, Writer):
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            writer = writer_class(io.FileIO(tmp_path / "a", "wb"))
            writer.close()
            del writer
            writer = writer_class(io.FileIO(tmp_path / "b", "wb"))
            raw = writer.detach()
            del writer
            gc.collect()
            assert seen == [], writer_class
            del raw  # the raw itself warns: that is FileIO's business
            gc.collect()
            assert [w.category for w in seen] == [ResourceWarning]


@compared_with_stdlib
def test_finalizer_calls_a_subclass_close(Writer, tmp_path):
    def scenario(writer_class):
        calls = []

        class Sub(writer_class):
            def close(self):
                calls.append("close")
                super().close()

        writer = Sub(io.FileIO(tmp_path / writer_class.__module__, "wb"))
        writer.write(b"x")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            del writer
            gc.collect()
        return calls, (tmp_path / writer_class.__module__).read_bytes()

    assert scenario(Writer) == scenario(REF)


def _unraisable_during(function):
    seen = []
    previous = sys.unraisablehook
    sys.unraisablehook = lambda info: seen.append((type(info.exc_value).__name__, str(info.exc_value), type(info.object).__name__))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            function()
            gc.collect()
    finally:
        sys.unraisablehook = previous
    return seen


@compared_with_stdlib
def test_finalizer_with_a_failing_flush_reports_like_stdlib(Writer):
    """A dropped writer whose flush fails: reported through sys.unraisablehook exactly
    when the stdlib reports it (always from 3.13, only under -X dev before)."""

    def scenario(writer_class):
        def drop():
            writer = writer_class(RecordingRaw(default=fail()), 8)
            writer.write(b"abc")

        return _unraisable_during(drop)

    assert scenario(Writer) == scenario(REF)


@compared_with_stdlib
def test_failed_construction_leaves_nothing_to_finalize(Writer):
    def scenario(writer_class):
        def drop():
            for bad in ({"writable": False}, {}):
                try:
                    writer_class(RecordingRaw(**bad), 0 if not bad else 8)
                except (OSError, ValueError):
                    pass

        return _unraisable_during(drop)

    assert scenario(Writer) == scenario(REF)


# -- interpreter exit ---------------------------------------------------------------------

# The scenarios (differential.EXIT_SCENARIOS) whose stdlib result is recorded here.
RECORDED_AT_EXIT = [
    "global", "local-then-return", "sys-exit-inside-a-function", "uncaught-exception", "self-cycle",
    "cycle-through-raw", "global-of-another-module", "daemon-thread-local", "text-wrapper-global",
]


@pytest.mark.parametrize("scenario", RECORDED_AT_EXIT)
@compared_with_stdlib
def test_data_survives_interpreter_exit(Writer, tmp_path, scenario, record_property):
    """A process that writes and exits without close(): ringwriter's file is complete
    in every scenario; the stdlib's result is recorded, not judged (gh-62052)."""
    ref_code, ref_data, ref_err = run_exit_scenario(REF, scenario, tmp_path / "ref")
    code, data, err = run_exit_scenario(Writer, scenario, tmp_path / "ours")
    record_property("stdlib_kept_data", ref_data == EXIT_DATA)
    print(f"[stdlib at exit] {scenario}: {'complete' if ref_data == EXIT_DATA else f'LOST ({ref_data!r})'}")
    assert code == ref_code
    assert data == EXIT_DATA
    if not ref_err.strip():
        assert not err.strip(), err
    if ref_data == EXIT_DATA:
        assert normalize(err).replace(str(tmp_path / "ours"), "P") == normalize(ref_err).replace(str(tmp_path / "ref"), "P")


@pytest.mark.parametrize("scenario", ["global", "self-cycle", "local-then-return"])
@compared_with_stdlib
def test_exit_in_dev_mode_warns_like_stdlib(Writer, tmp_path, scenario):
    """Under -X dev the unclosed writer's ResourceWarning is shown at exit or
    collection: the same warnings (type names aside) as the stdlib's."""
    ref_code, ref_data, ref_err = run_exit_scenario(REF, scenario, tmp_path / "ref", "-X", "dev")
    code, data, err = run_exit_scenario(Writer, scenario, tmp_path / "ours", "-X", "dev")
    assert data == EXIT_DATA
    assert code == ref_code

    def warning_lines(text, path):
        return sorted(
            normalize(line).replace(str(path), "P")
            for line in text.splitlines()
            if "Warning" in line
        )

    if ref_data == EXIT_DATA:
        assert warning_lines(err, tmp_path / "ours") == warning_lines(ref_err, tmp_path / "ref")
    else:
        assert "ResourceWarning" in err or not ref_err.strip()


# -- pickling and copying ----------------------------------------------------------------


REFUSALS = {
    **{f"pickle-{protocol}": (lambda w, protocol=protocol: pickle.dumps(w, protocol))
       for protocol in range(pickle.HIGHEST_PROTOCOL + 1)},
    "copy": copy.copy,
    "deepcopy": copy.deepcopy,
    "reduce_ex": lambda w: w.__reduce_ex__(2),
}


def _refusals(writer_class, raw, names):
    """The outcomes of pickling/copying a writer over ``raw`` (``REFUSALS[name]``)."""
    with writer_class(raw, 16) as writer:
        return [outcome(REFUSALS[name], writer) for name in names]


@pytest.mark.parametrize("how", [name for name in REFUSALS if name != "reduce_ex"])
@compared_with_stdlib
def test_pickling_and_copying_are_refused_like_stdlib(Writer, tmp_path, how):
    """Over a file (the fd path), each way on its own."""
    results = [_refusals(writer_class, io.FileIO(tmp_path / writer_class.__module__, "wb"), [how])[0]
               for writer_class in (REF, Writer)]
    assert results[0][:2] == ("raise", "TypeError")
    assert results[1] == results[0]


def test_pickling_and_copying_are_refused_over_a_python_raw(Writer):
    """Over a Python raw (the portable path), every way at once: TypeError each time."""
    results = same(Writer, lambda W: _refusals(W, ScriptedRaw(), list(REFUSALS)))
    assert all(result[:2] == ("raise", "TypeError") for result in results)


FAILING_FLUSH_SCRIPT = """
import io, sys, gc
sys.path.insert(0, {src!r})
import ringwriter
WRITER = {{"stdlib": io.BufferedWriter, "ringwriter": ringwriter.BufferedWriter}}[{impl!r}]

class Failing(io.RawIOBase):
    def writable(self):
        return True
    def write(self, b):
        raise OSError(28, "No space left on device")

def drop():
    w = WRITER(Failing(), 8)
    w.write(b"abc")
drop()
gc.collect()
print("alive")
"""


@pytest.mark.parametrize("flags", [(), ("-X", "dev")])
@compared_with_stdlib
def test_finalizer_failure_report_in_a_subprocess(Writer, flags):
    """What a dropped writer whose flush fails prints (``Exception ignored in: ...``
    and the error), with and without -X dev: the stdlib's lines, type names aside."""

    def run(writer_class):
        code = FAILING_FLUSH_SCRIPT.format(src=SRC, impl={REF: "stdlib", Writer: "ringwriter"}[writer_class])
        proc = subprocess.run([sys.executable, *flags, "-c", code], capture_output=True, timeout=60, text=True)
        lines = [normalize(line) for line in proc.stderr.splitlines() if not line.startswith(" ")]
        return proc.returncode, proc.stdout, lines

    ref = run(REF)
    assert ref[1] == "alive\n"
    assert run(Writer) == ref
