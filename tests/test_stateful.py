"""Property-based: random operation sequences on io.BufferedWriter and ringwriter's,
step for step, with identical faults injected into identical raws.

``MockRawPair`` drives both writers over two ``ScriptedRaw`` instances (the portable
path, where ringwriter follows the stdlib's algorithm call for call), so after every step
it compares the outcome (return value or exception type, errno, message,
``characters_written``), ``closed``, the bytes the raw accepted, its file image and
position, and the raw's whole call sequence.

``FilePair`` drives both over real files (exact io.FileIO: ringwriter's fd path, where
splitting into write(2) calls may differ): outcomes every step, the file's bytes after
every step that flushes.

Example counts come from the hypothesis profile (conftest.py): ``default`` keeps CI
within seconds, ``--hypothesis-profile=thorough`` runs far more and longer sequences.
"""
import errno
import io
import os
import tempfile

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, initialize

from differential import OURS, REF, neutral_blocking_errno, outcome, outcome_chain, payload
from rawmocks import ScriptedRaw, accept, fail, raise_blocking, returns, would_block

FAULTS = st.one_of(
    st.integers(0, 40).map(lambda k: ("accept", k)),
    st.just(("would_block",)),
    st.integers(0, 8).map(lambda n: ("raise_blocking", n)),
    st.sampled_from([errno.EIO, errno.ENOSPC, errno.EPIPE, errno.EINTR]).map(lambda e: ("fail", e)),
    st.sampled_from([-1, "n+1"]).map(lambda v: ("returns", v)),
)


def make_action(fault):
    kind = fault[0]
    if kind == "accept":
        return accept(fault[1])
    if kind == "would_block":
        return would_block()
    if kind == "raise_blocking":
        return raise_blocking(fault[1])
    if kind == "fail":
        return fail(fault[1])
    if fault[1] == "n+1":
        return returns(lambda n: n + 1)
    return returns(fault[1])


class ClosedCheckingRaw(ScriptedRaw):
    """tell/seek/truncate on a closed raw raise ValueError, as io.FileIO's do (ScriptedRaw
    keeps answering them). A raw that answers tell() after close shows a stdlib quirk of
    its own: see test_faults.py::test_tell_after_failed_close_with_a_raw_that_answers."""

    def _check_open(self, name):
        if self.closed:
            self.calls.append((name, "closed"))
            raise ValueError("I/O operation on closed file.")

    def tell(self):
        self._check_open("tell")
        return super().tell()

    def seek(self, pos, whence=0):
        self._check_open("seek")
        return super().seek(pos, whence)

    def truncate(self, size=None):
        self._check_open("truncate")
        return super().truncate(size)


class MockRawPair(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.counter = 0

    @initialize(buffer_size=st.sampled_from([1, 2, 3, 5, 8, 16, 64]), seekable=st.booleans())
    def setup(self, buffer_size, seekable):
        self.buffer_size = buffer_size
        self.raws = [ClosedCheckingRaw(seekable=seekable, name="mock") for _ in range(2)]
        results = [outcome(cls, raw, buffer_size) for cls, raw in zip((REF, OURS), self.raws, strict=True)]
        assert results[0][0] == results[1][0] == "ok"
        self.writers = [results[0][1], results[1][1]]
        self.compare_raws("construction")

    def next_payload(self, n):
        self.counter += 1
        return payload(n, self.counter)

    def both(self, step, call):
        ref, ours = (neutral_blocking_errno(call(w)) for w in self.writers)
        assert ours == ref, f"{step}: stdlib {ref!r}, ringwriter {ours!r}"
        self.compare_raws(step)
        return ref

    def compare_raws(self, step):
        ref, ours = self.raws
        assert ours.calls == ref.calls, f"{step}: raw call sequences differ"
        assert ours.data == ref.data, f"{step}: bytes on the raw differ"
        assert (ours.contents, ours.pos) == (ref.contents, ref.pos), f"{step}: raw image differs"
        assert ours.closed == ref.closed

    @rule(data=st.data())
    def write(self, data):
        n = data.draw(st.integers(0, 3 * self.buffer_size), label="write size")
        b = self.next_payload(n)
        self.both(f"write({n})", lambda w: outcome(w.write, b))

    @rule(sizes=st.lists(st.integers(0, 12), max_size=4))
    def writelines(self, sizes):
        lines = [self.next_payload(n) for n in sizes]
        self.both(f"writelines({sizes})", lambda w: outcome(w.writelines, lines))

    @rule()
    def flush(self):
        self.both("flush()", lambda w: outcome(w.flush))

    @rule()
    def tell(self):
        self.both("tell()", lambda w: outcome(w.tell))

    @rule(offset=st.integers(-3, 40), whence=st.sampled_from([0, 1, 2]))
    def seek(self, offset, whence):
        self.both(f"seek({offset}, {whence})", lambda w: outcome(w.seek, offset, whence))

    @rule(pos=st.one_of(st.none(), st.integers(0, 40)))
    def truncate(self, pos):
        self.both(f"truncate({pos})", lambda w: outcome(w.truncate, pos))

    @rule(faults=st.lists(FAULTS, min_size=1, max_size=3))
    def inject(self, faults):
        for raw in self.raws:
            raw.script.extend(make_action(f) for f in faults)

    @rule(room=st.integers(0, 20))
    def fill(self, room):
        """The raw becomes full (like a pipe) after ``room`` more bytes."""
        for raw in self.raws:
            raw.capacity = len(raw.data) + room

    @rule()
    def drain(self):
        for raw in self.raws:
            raw.capacity = None

    @precondition(lambda self: self.counter > 3)
    @rule()
    def close(self):
        self.both("close()", lambda w: outcome_chain(w.close))

    @invariant()
    def same_state(self):
        if hasattr(self, "writers"):
            self.both("closed", lambda w: outcome(lambda: w.closed))

    def teardown(self):
        for raw in getattr(self, "raws", ()):
            raw.script.clear()
            raw.capacity = None
        for writer in getattr(self, "writers", ()):
            try:
                writer.close()
            except Exception:  # noqa: BLE001 - a scripted failure at the end
                pass


TestMockRawPair = MockRawPair.TestCase


class FilePair(RuleBasedStateMachine):
    """Real files, exact io.FileIO: the fd path against the stdlib."""

    def __init__(self):
        super().__init__()
        self.counter = 0
        self.directory = tempfile.TemporaryDirectory(prefix="ringwriter-stateful-")

    @initialize(buffer_size=st.sampled_from([1, 2, 7, 64, 4096]), mode=st.sampled_from(["wb", "ab"]))
    def setup(self, buffer_size, mode):
        self.buffer_size = buffer_size
        self.paths = [os.path.join(self.directory.name, name) for name in ("ref", "ours")]
        self.writers = []
        for cls, path in zip((REF, OURS), self.paths, strict=True):
            with open(path, "wb") as f:
                f.write(b"preexisting\n")
            self.writers.append(cls(io.FileIO(path, mode), buffer_size))

    def contents(self):
        result = []
        for path in self.paths:
            with open(path, "rb") as f:
                result.append(f.read())
        return result

    def both(self, step, call, *, flushed=False):
        ref, ours = (call(w) for w in self.writers)
        assert ours == ref, f"{step}: stdlib {ref!r}, ringwriter {ours!r}"
        if flushed:
            ref_bytes, our_bytes = self.contents()
            assert our_bytes == ref_bytes, f"{step}: files differ"

    @rule(data=st.data())
    def write(self, data):
        n = data.draw(st.integers(0, 3 * self.buffer_size), label="write size")
        self.counter += 1
        b = payload(n, self.counter)
        self.both(f"write({n})", lambda w: outcome(w.write, b))

    @rule()
    def flush(self):
        self.both("flush()", lambda w: outcome(w.flush), flushed=True)

    @rule()
    def tell(self):
        self.both("tell()", lambda w: outcome(w.tell))

    @rule(offset=st.integers(-2, 9000), whence=st.sampled_from([0, 1, 2]))
    def seek(self, offset, whence):
        if whence:
            offset = min(offset, 20) - 10
        self.both(f"seek({offset}, {whence})", lambda w: outcome(w.seek, offset, whence), flushed=True)

    @rule(pos=st.one_of(st.none(), st.integers(0, 9000)))
    def truncate(self, pos):
        self.both(f"truncate({pos})", lambda w: outcome(w.truncate, pos), flushed=True)

    @rule()
    def close(self):
        self.both("close()", lambda w: outcome_chain(w.close), flushed=True)

    def teardown(self):
        for writer in getattr(self, "writers", ()):
            writer.close()
        if hasattr(self, "paths"):
            ref_bytes, our_bytes = self.contents()
            assert our_bytes == ref_bytes, "files differ at the end"
        self.directory.cleanup()


TestFilePair = FilePair.TestCase
