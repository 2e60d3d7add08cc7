"""Mock raw streams for testing buffered writers against the stdlib.

One flexible class, :class:`ScriptedRaw` (also importable as ``RecordingRaw``), plus
tiny *action* helpers that script what each ``raw.write()`` call does::

    raw = ScriptedRaw([accept(3), would_block(), fail(errno.ENOSPC)])  # then accept all
    raw = ScriptedRaw(default=accept(1))           # a raw that writes one byte per call
    raw = ScriptedRaw(accept(1))                   # the same: a callable script is the
                                                   # action for every call
    raw = ScriptedRaw([returns(-1)])               # an invalid length (or lambda n: n + 1)
    raw = ScriptedRaw(capacity=10)                 # a pipe: full after 10 bytes -> None
    raw = ScriptedRaw(seekable=True)               # tell/seek/truncate over a bytearray
    raw = ScriptedRaw(writable=False)              # for the constructor's check
    raw = ScriptedRaw(close_error=OSError(5, "x")) # close() raises (once)

An action is any callable ``action(raw, view) -> result``: ``view`` is what the writer
passed to ``raw.write()``; the action stores the bytes it accepts with ``raw._store()``
and returns what ``write()`` returns (or raises). A list script is consumed one action per
``write()`` call; when it is exhausted ``default`` is used (accept everything, unless
``capacity`` is set). ``raw.script`` and ``raw.default`` may be changed at any time
(e.g. ``raw.default = accept()`` once the raw "recovers").

What is recorded:

- ``raw.data``: the bytes that reached the raw (accepted by its writes), in order.
- ``raw.writes``: a ``bytes`` copy of what each ``write()`` call was offered.
- ``raw.calls``: every call in order: ``("write", bytes)``, ``("flush",)``,
  ``("close",)``, ``("seek", pos, whence)``, ``("tell",)``, ``("truncate", size)``.

Splitting into raw writes may legitimately differ between implementations, so compare
``raw.data`` (the byte sequence), not ``raw.writes``, unless a test is about splitting.
"""
import errno
import io
import os

__all__ = [
    "ScriptedRaw", "RecordingRaw", "accept", "would_block", "raise_blocking", "fail", "returns",
    "raise_", "call", "WOULD_BLOCK_MESSAGE",
]

WOULD_BLOCK_MESSAGE = "write could not complete without blocking"


# --- actions: what one raw.write() call does ------------------------------------------

def accept(k=None):
    """Accept at most ``k`` bytes (all of them when ``k`` is None); return the count."""
    def action(raw, view):
        n = len(view) if k is None else min(k, len(view))
        raw._store(view[:n])
        return n
    action.__qualname__ = f"accept({k})"
    return action


def would_block():
    """Accept nothing and return None: a non-blocking raw that would block."""
    def action(raw, view):
        return None
    action.__qualname__ = "would_block()"
    return action


def raise_blocking(n=0, message=WOULD_BLOCK_MESSAGE):
    """Raise ``BlockingIOError(EAGAIN, message, n)`` after storing the first ``n`` bytes."""
    def action(raw, view):
        raw._store(view[:n])
        raise BlockingIOError(errno.EAGAIN, message, n)
    action.__qualname__ = f"raise_blocking({n})"
    return action


def fail(err=errno.ENOSPC, strerror=None):
    """Accept nothing and raise ``OSError(err, strerror)`` (default: os.strerror(err))."""
    def action(raw, view):
        raise OSError(err, os.strerror(err) if strerror is None else strerror)
    action.__qualname__ = f"fail({errno.errorcode.get(err, err)})"
    return action


def returns(value):
    """Store nothing and return ``value``, or ``value(len(view))`` when it is callable.

    For invalid lengths: ``returns(-1)``, ``returns(lambda n: n + 1)``.
    """
    def action(raw, view):
        return value(len(view)) if callable(value) else value
    action.__qualname__ = f"returns({value!r})"
    return action


def raise_(exc):
    """Store nothing and raise the exception ``exc`` (an instance or a factory)."""
    def action(raw, view):
        raise exc if isinstance(exc, BaseException) else exc()
    action.__qualname__ = f"raise_({exc!r})"
    return action


def call(fn, then=None):
    """Call ``fn(raw, view)`` (e.g. re-enter the writer), then do action ``then``
    (default: accept everything)."""
    then = accept() if then is None else then

    def action(raw, view):
        fn(raw, view)
        return then(raw, view)
    action.__qualname__ = f"call({fn!r})"
    return action


# --- the raw stream ----------------------------------------------------------------------

class ScriptedRaw(io.RawIOBase):
    """A writable raw stream that records every call and follows a script.

    Parameters (all keyword-only except ``script``):

    - ``script``: actions for the first ``write()`` calls, one per call; or a single
      action (a callable), used for every call (it then replaces ``default``).
    - ``default``: the action once the script is exhausted (default ``accept()``).
    - ``capacity``: if not None, at most this many bytes in total are accepted (like a
      full pipe): beyond it, writes return None. Set ``raw.capacity = None`` to drain.
      Applies on top of the script/default action (the action sees a truncated view).
    - ``when_full``: the action once ``capacity`` is reached (default ``would_block()``;
      e.g. ``raise_blocking()`` for a raw that raises instead of returning None).
    - ``seekable``: support tell/seek/truncate over an in-memory file image
      (``raw.contents``) with position ``raw.pos``; writes land at ``pos``.
    - ``writable``, ``readable``: what ``writable()`` / ``readable()`` return.
    - ``close_error``: an exception raised by ``close()`` after the raw is marked closed
      (raised once; later ``close()`` calls are no-ops like any closed stream).
    - ``name``, ``mode``: set as attributes when given (they appear in writer reprs).
    - ``fileno``, ``isatty``: values returned by those methods (``fileno`` None raises
      ``io.UnsupportedOperation`` like ``io.RawIOBase``).
    """

    def __init__(self, script=(), *, default=None, capacity=None, when_full=None, seekable=False,
                 writable=True, readable=False, close_error=None, name=None, mode=None, fileno=None,
                 isatty=False):
        super().__init__()
        if callable(script):
            script, default = (), script
        self.script = list(script)
        self.default = accept() if default is None else default
        self.capacity = capacity
        self.when_full = would_block() if when_full is None else when_full
        self._seekable = seekable
        self._writable = writable
        self._readable = readable
        self.close_error = close_error
        if name is not None:
            self.name = name
        if mode is not None:
            self.mode = mode
        self._fileno = fileno
        self._isatty = isatty
        self._data = bytearray()
        self.contents = bytearray()
        self.pos = 0
        self.calls = []

    # recorded results
    @property
    def data(self):
        """The bytes accepted by ``write()`` calls, in order (bytes)."""
        return bytes(self._data)

    @property
    def writes(self):
        """What each ``write()`` call was offered (list of bytes)."""
        return [c[1] for c in self.calls if c[0] == "write"]

    def names(self):
        """The names of the calls, in order, e.g. ``["write", "write", "close"]``."""
        return [c[0] for c in self.calls]

    def _store(self, chunk):
        """Record ``chunk`` as accepted: append to ``data``, write into ``contents``."""
        chunk = bytes(chunk)
        self._data += chunk
        if self._seekable:
            end = self.pos + len(chunk)
            if self.pos > len(self.contents):
                self.contents += bytes(self.pos - len(self.contents))
            self.contents[self.pos:end] = chunk
            self.pos = end
        else:
            self.contents += chunk

    # the RawIOBase interface
    def writable(self):
        return self._writable

    def readable(self):
        return self._readable

    def seekable(self):
        return self._seekable

    def write(self, b):
        view = memoryview(b).cast("B")
        self.calls.append(("write", bytes(view)))
        if self.closed:
            raise ValueError("write to closed file")
        if self.capacity is not None:
            room = max(0, self.capacity - len(self._data))
            if room == 0:
                return self.when_full(self, view)  # the script is not consumed
            view = view[:room]
        action = self.script.pop(0) if self.script else self.default
        return action(self, view)

    def flush(self):
        self.calls.append(("flush",))
        super().flush()  # raises ValueError on a closed stream, like io.RawIOBase

    def close(self):
        self.calls.append(("close",))
        if self.closed:
            return
        super().close()  # calls self.flush() first, like any IOBase
        if self.close_error is not None:
            exc, self.close_error = self.close_error, None
            raise exc

    def seek(self, pos, whence=0):
        self.calls.append(("seek", pos, whence))
        if not self._seekable:
            return super().seek(pos, whence)  # io.UnsupportedOperation
        if whence == 0:
            new = pos
        elif whence == 1:
            new = self.pos + pos
        elif whence == 2:
            new = len(self.contents) + pos
        else:
            raise ValueError(f"invalid whence ({whence}, should be 0, 1 or 2)")
        if new < 0:
            raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))
        self.pos = new
        return new

    def tell(self):
        self.calls.append(("tell",))
        if not self._seekable:
            return super().seek(0, 1)  # io.UnsupportedOperation
        return self.pos

    def truncate(self, size=None):
        self.calls.append(("truncate", size))
        if not self._seekable:
            return super().truncate(size)  # io.UnsupportedOperation
        size = self.pos if size is None else size
        del self.contents[size:]
        if size > len(self.contents):
            self.contents += bytes(size - len(self.contents))
        return size

    def fileno(self):
        if self._fileno is None:
            return super().fileno()
        return self._fileno

    def isatty(self):
        return self._isatty


RecordingRaw = ScriptedRaw  # the first name this class had
