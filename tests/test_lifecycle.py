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
import textwrap
import warnings
import weakref

import pytest

import ringwriter
from differential import IMPLEMENTATIONS, describe_exception, normalize, outcome
from rawmocks import RecordingRaw, fail

# Where the parent imported ringwriter from (a build in src/ or an installed wheel):
# the child scripts import the very same one.
SRC = os.path.dirname(os.path.dirname(os.path.abspath(ringwriter.__file__)))


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
def test_use_in_every_state_matches_stdlib(tmp_path, monkeypatch, state, operation):
    """Every method and attribute, on an open, closed, detached, raw-closed and
    uninitialized writer: the same result or the same exception type and message."""
    results = {}
    monkeypatch.chdir(tmp_path)
    for name in ("io", "ringwriter"):
        writer = _make(IMPLEMENTATIONS[name], tmp_path, state)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            results[name] = outcome(OPERATIONS[operation], writer)
            if state in ("open", "raw-closed"):
                outcome(writer.close)
    assert results["ringwriter"] == results["io"]


# -- close ordering and chaining ----------------------------------------------------------


@pytest.mark.parametrize("pending", [b"", b"abc"])
def test_close_order_of_raw_calls(pending):
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

    ref = scenario(io.BufferedWriter)
    assert scenario(ringwriter.BufferedWriter) == ref


@pytest.mark.parametrize("body_raises", [False, True])
@pytest.mark.parametrize("flush_fails", [False, True])
@pytest.mark.parametrize("close_fails", [False, True])
def test_with_block_exception_chaining(body_raises, flush_fails, close_fails):
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

    ref = scenario(io.BufferedWriter)
    assert ref[1] is True
    assert scenario(ringwriter.BufferedWriter) == ref


def test_detach_flushes_first_and_failure_keeps_writer_attached():
    def scenario(writer_class):
        raw = RecordingRaw([fail()])
        writer = writer_class(raw, 8)
        writer.write(b"abc")
        first = outcome(lambda: type(writer.detach()).__name__)
        still = [outcome(lambda: writer.closed), outcome(writer.write, b"d")]
        second = outcome(lambda: writer.detach() is raw)
        after = [outcome(writer.write, b"e"), outcome(lambda: writer.raw), outcome(writer.close)]
        return first, still, second, after, raw.data, raw.names(), raw.closed

    ref = scenario(io.BufferedWriter)
    assert scenario(ringwriter.BufferedWriter) == ref


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
        messages = [(w.category.__name__, normalize(w.message).replace(str(path), "PATH"), type(w.source).__name__) for w in seen]
    del seen
    gc.collect()
    return writer_ref() is None, raw_ref() is None, path.read_bytes(), messages


@pytest.mark.parametrize("shape", ["plain", "self-cycle"])
def test_dropped_writer_is_flushed_closed_and_warns_like_stdlib(tmp_path, shape):
    """No close(): the writer is collected, its bytes flushed, its raw closed, and the
    same ResourceWarning is emitted (on the writer, naming it), as the stdlib does for a
    plain drop. In a self-cycle the stdlib may lose the bytes (gh-62052): ours must
    not."""
    ref = _drop(io.BufferedWriter, tmp_path / "ref", shape)
    ours = _drop(ringwriter.BufferedWriter, tmp_path / "ours", shape)
    assert ours[:3] == (True, True, b"data")
    if shape == "plain":
        assert ref == ours
    else:
        assert ref[:2] == (True, True)
        assert ours[3] == [("ResourceWarning", "unclosed file <<BufferedWriter> name='PATH'>", "BufferedWriter")]


def test_dropped_writer_in_a_cycle_through_its_raw(tmp_path, record_property):
    """A cycle writer -> raw -> writer: the stdlib collects it (and may lose the
    bytes, gh-62052). Ours must collect it too (an uncollectable writer keeps its
    descriptor open for the life of the process) and must not lose the bytes."""
    ref = _drop(io.BufferedWriter, tmp_path / "ref", "cycle-through-raw")
    record_property("stdlib cycle-through-raw at gc", repr(ref))
    assert ref[:2] == (True, True)
    ours = _drop(ringwriter.BufferedWriter, tmp_path / "ours", "cycle-through-raw")
    assert ours[0] is True, "the writer in a cycle through its raw was never collected"
    assert ours[2] == b"data"


def test_closed_or_detached_writer_does_not_warn(tmp_path):
    for writer_class in (io.BufferedWriter, ringwriter.BufferedWriter):
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


def test_finalizer_calls_a_subclass_close(tmp_path):
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

    assert scenario(ringwriter.BufferedWriter) == scenario(io.BufferedWriter)


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


def test_finalizer_with_a_failing_flush_reports_like_stdlib():
    """A dropped writer whose flush fails: reported through sys.unraisablehook exactly
    when the stdlib reports it (always from 3.13, only under -X dev before)."""

    def scenario(writer_class):
        def drop():
            writer = writer_class(RecordingRaw(default=fail()), 8)
            writer.write(b"abc")

        return _unraisable_during(drop)

    assert scenario(ringwriter.BufferedWriter) == scenario(io.BufferedWriter)


def test_failed_construction_leaves_nothing_to_finalize():
    def scenario(writer_class):
        def drop():
            for bad in ({"writable": False}, {}):
                try:
                    writer_class(RecordingRaw(**bad), 0 if not bad else 8)
                except (OSError, ValueError):
                    pass

        return _unraisable_during(drop)

    assert scenario(ringwriter.BufferedWriter) == scenario(io.BufferedWriter)


# -- interpreter exit ---------------------------------------------------------------------

EXIT_SCENARIOS = {
    "global": """
        w = make()
        w.write(DATA)
    """,
    "local-then-return": """
        def main():
            w = make()
            w.write(DATA)
        main()
    """,
    "sys-exit-inside-a-function": """
        def main():
            w = make()
            w.write(DATA)
            sys.exit(0)
        main()
    """,
    "uncaught-exception": """
        w = make()
        w.write(DATA)
        raise SystemExit(3)
    """,
    "self-cycle": """
        w = make()
        w.write(DATA)
        w.cycle = w
        del w
    """,
    "cycle-through-raw": """
        w = make()
        w.write(DATA)
        w.raw.writer = w
        del w
    """,
    "global-of-another-module": """
        import types
        holder = types.ModuleType("holder")
        sys.modules["holder"] = holder
        holder.w = make()
        holder.w.write(DATA)
    """,
    "daemon-thread-local": """
        import threading
        ready = threading.Event()
        def hold():
            w = make()
            w.write(DATA)
            ready.set()
            threading.Event().wait()
        threading.Thread(target=hold, daemon=True).start()
        ready.wait(30)
    """,
    "text-wrapper-global": """
        t = io.TextIOWrapper(make(), encoding="utf-8")
        t.write(DATA.decode("latin-1"))
    """,
}

PREAMBLE = """
import io, sys
sys.path.insert(0, {src!r})
import _pyio, ringwriter
WRITER = {{"io": io.BufferedWriter, "ringwriter": ringwriter.BufferedWriter}}[{impl!r}]
DATA = b"buffered bytes that never saw a flush\\n" * 3
def make():
    return WRITER(io.FileIO({path!r}, "wb"), 4096)
"""


def _run_exit_scenario(impl, scenario, path, *extra_flags):
    code = PREAMBLE.format(src=SRC, impl=impl, path=str(path)) + textwrap.dedent(EXIT_SCENARIOS[scenario])
    proc = subprocess.run([sys.executable, *extra_flags, "-c", code], capture_output=True, timeout=60)
    return proc.returncode, path.read_bytes() if path.exists() else None, proc.stderr.decode(errors="replace")


EXPECTED_EXIT = b"buffered bytes that never saw a flush\n" * 3


@pytest.mark.parametrize("scenario", list(EXIT_SCENARIOS))
def test_data_survives_interpreter_exit(tmp_path, scenario, record_property):
    """A process that writes and exits without close(): ringwriter's file is complete
    in every scenario; the stdlib's result is recorded, not judged (gh-62052)."""
    ref_code, ref_data, ref_err = _run_exit_scenario("io", scenario, tmp_path / "ref")
    code, data, err = _run_exit_scenario("ringwriter", scenario, tmp_path / "ours")
    record_property("stdlib_kept_data", ref_data == EXPECTED_EXIT)
    print(f"[stdlib at exit] {scenario}: {'complete' if ref_data == EXPECTED_EXIT else f'LOST ({ref_data!r})'}")
    assert code == ref_code
    assert data == EXPECTED_EXIT
    if not ref_err.strip():
        assert not err.strip(), err
    if ref_data == EXPECTED_EXIT:
        assert normalize(err).replace(str(tmp_path / "ours"), "P") == normalize(ref_err).replace(str(tmp_path / "ref"), "P")


@pytest.mark.parametrize("scenario", ["global", "self-cycle", "local-then-return"])
def test_exit_in_dev_mode_warns_like_stdlib(tmp_path, scenario):
    """Under -X dev the unclosed writer's ResourceWarning is shown at exit or
    collection: the same warnings (type names aside) as the stdlib's."""
    ref_code, ref_data, ref_err = _run_exit_scenario("io", scenario, tmp_path / "ref", "-X", "dev")
    code, data, err = _run_exit_scenario("ringwriter", scenario, tmp_path / "ours", "-X", "dev")
    assert data == EXPECTED_EXIT
    assert code == ref_code

    def warning_lines(text, path):
        return sorted(
            normalize(line).replace(str(path), "P")
            for line in text.splitlines()
            if "Warning" in line
        )

    if ref_data == EXPECTED_EXIT:
        assert warning_lines(err, tmp_path / "ours") == warning_lines(ref_err, tmp_path / "ref")
    else:
        assert "ResourceWarning" in err or not ref_err.strip()


# -- pickling and copying ----------------------------------------------------------------


@pytest.mark.parametrize("protocol", list(range(pickle.HIGHEST_PROTOCOL + 1)))
def test_pickling_is_refused_like_stdlib(tmp_path, protocol):
    results = []
    for writer_class in (io.BufferedWriter, ringwriter.BufferedWriter):
        with writer_class(io.FileIO(tmp_path / writer_class.__module__, "wb")) as writer:
            results.append(outcome(pickle.dumps, writer, protocol))
    assert results[0][:2] == ("raise", "TypeError")
    assert results[1] == results[0]


@pytest.mark.parametrize("copier", [copy.copy, copy.deepcopy])
def test_copying_is_refused_like_stdlib(tmp_path, copier):
    results = []
    for writer_class in (io.BufferedWriter, ringwriter.BufferedWriter):
        with writer_class(io.FileIO(tmp_path / writer_class.__module__, "wb")) as writer:
            results.append(outcome(copier, writer))
    assert results[0][:2] == ("raise", "TypeError")
    assert results[1] == results[0]


FAILING_FLUSH_SCRIPT = """
import io, sys, gc
sys.path.insert(0, {src!r})
import ringwriter
WRITER = {{"io": io.BufferedWriter, "ringwriter": ringwriter.BufferedWriter}}[{impl!r}]

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
def test_finalizer_failure_report_in_a_subprocess(flags):
    """What a dropped writer whose flush fails prints (``Exception ignored in: ...``
    and the error), with and without -X dev: the stdlib's lines, type names aside."""

    def run(impl):
        code = FAILING_FLUSH_SCRIPT.format(src=SRC, impl=impl)
        proc = subprocess.run([sys.executable, *flags, "-c", code], capture_output=True, timeout=60, text=True)
        lines = [normalize(line) for line in proc.stderr.splitlines() if not line.startswith(" ")]
        return proc.returncode, proc.stdout, lines

    ref = run("io")
    assert ref[1] == "alive\n"
    assert run("ringwriter") == ref
