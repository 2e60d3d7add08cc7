"""The differential engine of the test suite: one home for every shared helper.

Every scenario runs the same script against ``io.BufferedWriter`` (the reference, the
judge) and the writer under test (``ringwriter.BufferedWriter``; ``_pyio.BufferedWriter``
where a second opinion helps), and compares what a caller can observe: return values,
exception types and messages, ``characters_written``, and the bytes that reached the
other end, in order.

- the implementations: ``REF``, ``OURS``, ``PYIO``, ``IMPLEMENTATIONS`` (the names the
  matrix fixtures of conftest.py use), ``FileIOSubclass`` and ``RAW_PATHS`` (the fd and
  portable paths);
- the normalizer: ``normalize()``; the recorders: ``outcome()``, ``outcome_chain()``,
  ``describe_exception()``, ``exc_key()``/``Trace`` and ``same()`` (a scenario run on the
  reference and on the writer under test); ``neutral_blocking_errno()``;
- the op-script runner ``run_ops()``, the payload generators ``payload()`` and
  ``write_sizes()``;
- the interpreter-exit scenarios (``EXIT_SCENARIOS``, ``run_exit_scenario()``);
- pipes and threads: ``hang_guard()``, ``FdDrainer``, ``drain_nonblocking()``, ``fill_pipe()``;
- sweeps: ``Mismatches``.
"""
import array
import contextlib
import errno
import faulthandler
import io
import os
import random
import re
import select
import subprocess
import sys
import textwrap
import threading
import time

import _pyio
import pytest

import ringwriter

# -- the implementations ------------------------------------------------------------------

REF = io.BufferedWriter  # the reference: what every differential test compares against
OURS = ringwriter.BufferedWriter
PYIO = _pyio.BufferedWriter  # a second opinion, where a test asks for one

IMPLEMENTATIONS = {"stdlib": REF, "pyio": PYIO, "ringwriter": OURS}

# For a test that compares the writer under test with REF inside the test: the matrix's
# writer axis reduced to ringwriter (comparing the stdlib with itself tells nothing).
compared_with_stdlib = pytest.mark.parametrize("Writer", ["ringwriter"], indirect=True)


class FileIOSubclass(io.FileIO):
    """Not exactly io.FileIO: ringwriter takes its portable raw.write() path."""


RAW_PATHS = {"fd": io.FileIO, "portable": FileIOSubclass}

# -- the normalizer -----------------------------------------------------------------------

# The names each writer shows in reprs and messages, replaced by one placeholder so that
# "reentrant call inside <_io.BufferedWriter name=3>" compares equal to ours.
_TYPE_NAMES = re.compile(r"(?<![\w.])(?:_io|_pyio|ringwriter\._writer|ringwriter)\.BufferedWriter\b")
_ADDRESSES = re.compile(r" at 0x[0-9a-fA-F]+")


def normalize(value):
    """``value`` with the writer's qualified type name (and object addresses) made
    neutral in every string, through tuples, lists and dicts; other objects are reduced
    to their type's name."""
    if isinstance(value, str):
        return _ADDRESSES.sub(" at 0x?", _TYPE_NAMES.sub("<BufferedWriter>", value))
    if value is None or isinstance(value, (bool, int, float, bytes)):
        return value
    if isinstance(value, (tuple, list)):
        return type(value)(normalize(v) for v in value)
    if isinstance(value, dict):
        return {normalize(k): normalize(v) for k, v in value.items()}
    if isinstance(value, type):
        return value
    return ("object of type", normalize(type(value).__qualname__))


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
        normalize(str(error)),
        _characters_written(error),
    )


def outcome(function, *args, **kwargs):
    """``("ok", result)`` or ``("raise", type name, errno, message, characters_written)``."""
    try:
        result = function(*args, **kwargs)
    except Exception as error:  # noqa: BLE001 - every exception is an observable
        return ("raise",) + describe_exception(error)
    return ("ok", result)


def neutral_blocking_errno(entry):
    """The errno of a BlockingIOError made neutral in an ``outcome()`` entry (exception
    chains included): the stdlib takes whatever C errno was left after raw.write() (0
    for a Python raw that returned None); that one point has its own tests
    (test_faults.py::test_blocking_errno_after_none_matches_stdlib and
    test_contract.py::test_would_block_errno_like_stdlib), so that the sweeps and state
    machines can show every other difference."""
    if not isinstance(entry, tuple):
        return entry
    entry = tuple(neutral_blocking_errno(item) for item in entry)
    for index in (0, 1):
        if len(entry) > index + 2 and entry[index] == "BlockingIOError":
            message = re.sub(r"^\[Errno \d+\] ", "", entry[index + 2])
            return entry[: index + 1] + ("errno?", message) + entry[index + 3:]
    return entry


def exc_key(error, *, errno_of_blocking=False):
    """What a caller can see of an exception, as a dict (for ``Trace``).

    The errno of a BlockingIOError (and so its str(), which shows it) is left out unless
    ``errno_of_blocking``: the stdlib copies C's errno there, and one test compares that
    on its own (test_would_block_errno_like_stdlib) so that other tests stay about data.
    """
    key = {"type": type(error)}
    if isinstance(error, BlockingIOError) and not errno_of_blocking:
        key["strerror"] = normalize(error.strerror)
        key["args[1:]"] = normalize(error.args[1:])
    else:
        key["str"] = normalize(str(error))
        key["args"] = normalize(error.args)
        if isinstance(error, OSError):
            key["errno"] = error.errno
            key["strerror"] = normalize(error.strerror)
    if isinstance(error, BlockingIOError):
        try:
            key["characters_written"] = error.characters_written
        except AttributeError:
            key["characters_written"] = "unset"
    return key


class Trace(list):
    """A log of outcomes: ``t.do(label, fn, *args)`` calls ``fn`` and records its
    (normalised) result or exception; returns the result or the exception."""

    def do(self, label, fn, *args, **kwargs):
        try:
            result = fn(*args, **kwargs)
        except Exception as error:  # noqa: BLE001 - every exception is observable
            self.append((label, "raise", exc_key(error)))
            return error
        self.append((label, "ok", normalize(result)))
        return result

    def note(self, label, value):
        self.append((label, "value", normalize(value)))

    def get(self, label):
        """The recorded result, exception key or value of the first entry ``label``."""
        for entry in self:
            if entry[0] == label:
                return entry[2]
        raise KeyError(label)


def same(Writer, scenario, *args, **kwargs):
    """Run ``scenario(cls, *args)`` on the reference and on ``Writer`` and assert equal
    observations; return those of ``Writer``. When ``Writer`` is the reference itself
    (a test that states an absolute expectation, checked on the stdlib too), the
    scenario runs once and its observations are returned: the stdlib is never compared
    with itself."""
    expected = scenario(REF, *args, **kwargs)
    if Writer is REF:
        return expected
    actual = scenario(Writer, *args, **kwargs)
    assert actual == expected
    return actual


def payload(n, seed=0):
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
        for index, (a, b) in enumerate(zip(ref, ours, strict=False)):
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


# -- the op-script runner -----------------------------------------------------------------

MAX_RETRIES = 12


def bytes_like(data, kind):
    """``data`` as bytes (0), bytearray (1), memoryview (2), or (3) an array of a
    multi-byte itemsize when the length allows it (write() then returns nbytes)."""
    if kind == 0:
        return data
    if kind == 1:
        return bytearray(data)
    if kind == 2:
        return memoryview(data)
    if len(data) % 2 == 0:
        return array.array("H", data)
    return memoryview(bytearray(data))


def run_ops(writer, ops, *, raw=None, path=None, neutral_errno=False):
    """Run the op script ``ops`` on ``writer``; return what can be observed.

    Ops: ("write", data[, kind]) logs one write (``kind``: see ``bytes_like``);
    ("write_all", data) retries the rest after each BlockingIOError
    (``characters_written`` tells how much was accepted); ("flush",), ("flush_all",)
    likewise; ("writelines", lines); ("tell",); ("seek", offset, whence);
    ("truncate", size); ("drain",) lifts ``raw``'s capacity; ("disk",) snapshots the
    file at ``path``; ("close",) logs close() with its exception chain, then closed and
    a second close. ``accepted`` is what the writer said it accepted, in order;
    ``neutral_errno`` applies ``neutral_blocking_errno`` to the log.
    """
    log, accepted, snapshots = [], [], []
    for op in ops:
        kind = op[0]
        if kind == "write":
            result = outcome(writer.write, bytes_like(op[1], op[2]) if len(op) > 2 else op[1])
            log.append(result)
            if result[0] == "ok":
                accepted.append(op[1])
            elif result[1] == "BlockingIOError":
                accepted.append(op[1][: result[4]])
        elif kind == "write_all":
            rest = op[1]
            for _ in range(MAX_RETRIES):
                result = outcome(writer.write, rest)
                log.append(result)
                if result[0] == "ok":
                    accepted.append(rest)
                    break
                if result[1] != "BlockingIOError":
                    break
                accepted.append(rest[: result[4]])
                rest = rest[result[4]:]
        elif kind == "flush":
            log.append(outcome(writer.flush))
        elif kind == "flush_all":
            for _ in range(MAX_RETRIES):
                result = outcome(writer.flush)
                log.append(result)
                if result[0] == "ok" or result[1] != "BlockingIOError":
                    break
        elif kind == "writelines":
            log.append(outcome(writer.writelines, op[1]))
        elif kind == "tell":
            log.append(outcome(writer.tell))
        elif kind == "seek":
            log.append(outcome(writer.seek, op[1], op[2]))
        elif kind == "truncate":
            log.append(outcome(writer.truncate, op[1]))
        elif kind == "drain":
            raw.capacity = None
        elif kind == "disk":
            snapshots.append(path.read_bytes())
        elif kind == "close":
            log.append(outcome_chain(writer.close))
            log.append(("closed", outcome(lambda: writer.closed)))
            log.append(outcome_chain(writer.close))
        else:
            raise AssertionError(op)
    if neutral_errno:
        log = [neutral_blocking_errno(entry) for entry in log]
    result = {"log": log, "accepted": b"".join(accepted), "snapshots": snapshots}
    if raw is not None and hasattr(raw, "calls"):
        result.update(calls=list(raw.calls), data=raw.data)
    return result


# -- interpreter exit ---------------------------------------------------------------------

# Where the parent imported ringwriter from (a build in src/ or an installed wheel): the
# child processes import the very same one.
SRC = os.path.dirname(os.path.dirname(os.path.abspath(ringwriter.__file__)))

EXIT_DATA = b"buffered bytes that never saw a flush\n" * 3

# A process that writes EXIT_DATA and exits without close(): ``make()`` returns a writer
# over ``io.FileIO(PATH, "wb")`` (``make(raw)`` over a raw of the caller's).
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
    "global-in-a-self-cycle": """
        w = make()
        w.write(DATA)
        w.cycle = w
    """,
    "cycle-through-raw": """
        w = make()
        w.write(DATA)
        w.raw.writer = w
        del w
    """,
    "global-cycle-through-raw": """
        raw = io.FileIO(PATH, "wb")
        w = make(raw)
        raw.writer = w
        w.write(DATA)
    """,
    "cycle-through-a-raw-subclass": """
        class Raw(io.FileIO):
            pass
        raw = Raw(PATH, "wb")
        w = make(raw)
        raw.writer = w
        w.write(DATA)
        del w, raw
    """,
    "global-of-another-module": """
        import types
        holder = types.ModuleType("holder")
        sys.modules["holder"] = holder
        holder.w = make()
        holder.w.write(DATA)
    """,
    "only-in-a-class-attribute": """
        class Holder:
            pass
        Holder.w = make()
        Holder.w.write(DATA)
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

_EXIT_PREAMBLE = """
import io, sys
sys.path.insert(0, {src!r})
import _pyio, ringwriter
WRITER = {{"stdlib": io.BufferedWriter, "ringwriter": ringwriter.BufferedWriter}}[{impl!r}]
DATA = {data!r}
PATH = {path!r}
def make(raw=None):
    return WRITER(io.FileIO(PATH, "wb") if raw is None else raw, {buffer_size!r})
"""


def run_exit_scenario(writer_class, scenario, path, *flags, buffer_size=4096):
    """Run ``EXIT_SCENARIOS[scenario]`` with ``writer_class`` (REF or OURS) in a child
    process (``flags`` for the interpreter): (exit code, the file's bytes or None,
    stderr)."""
    impl = {REF: "stdlib", OURS: "ringwriter"}[writer_class]
    code = _EXIT_PREAMBLE.format(src=SRC, impl=impl, data=EXIT_DATA, path=str(path), buffer_size=buffer_size)
    code += textwrap.dedent(EXIT_SCENARIOS[scenario])
    proc = subprocess.run([sys.executable, *flags, "-c", code], capture_output=True, timeout=60)
    return proc.returncode, path.read_bytes() if path.exists() else None, proc.stderr.decode(errors="replace")
