"""What the running CPython's stdlib does, where the supported versions (3.10-3.14) differ.

Every version-dependent behaviour ringwriter copies is decided here, once, and asked of
the stdlib itself wherever that costs a few microseconds at import; the rest go by
version. (The one compile-time fact, how a failing finalizer is reported, is in
_sysdep.h.) The logging facts are functions, asked when ringwriter.handlers is
imported or needs them, so that ``import ringwriter`` does not import logging.
"""
import functools
import io
import pickle
import sys
from typing import Any


class _CountingRaw(io.RawIOBase):
    def __init__(self) -> None:
        super().__init__()
        self.written = 0

    def writable(self) -> bool:
        return True

    def write(self, b: "bytes") -> int:  # type: ignore[override]
        self.written += len(b)
        return len(b)


def _writes_full_buffers_through() -> bool:
    """io.BufferedWriter writes a payload of a whole buffer straight to the raw stream
    instead of buffering it (3.13 on)."""
    raw = _CountingRaw()
    writer = io.BufferedWriter(raw, 4)  # type: ignore[type-var]  # any RawIOBase will do
    writer.write(b"full")
    written_through = raw.written == 4
    writer.detach()  # flushes: asked before it
    return written_through


def _error_message(call: "functools.partial[Any]") -> str:
    try:
        call()
    except TypeError as error:
        return str(error)
    raise AssertionError(f"{call} did not raise TypeError")


WRITES_FULL_BUFFERS_THROUGH = _writes_full_buffers_through()

# Refusing to pickle: "cannot pickle 'BufferedWriter' instances" from the heap types of
# 3.12 on (every pickle protocol then reaches __getstate__), "cannot pickle
# '_io.BufferedWriter' object" before.
PICKLE_ERROR_NAMES_INSTANCES = _error_message(
    functools.partial(pickle.dumps, io.BufferedWriter(io.BytesIO()))).endswith("instances")

# An unknown keyword: "BufferedWriter() got an unexpected keyword argument 'x'" from 3.13
# on, "'x' is an invalid keyword argument for BufferedWriter()" before.
KEYWORD_ERROR_NAMES_FUNCTION_FIRST = _error_message(
    functools.partial(io.BufferedWriter, io.BytesIO(), x=1)).startswith("BufferedWriter()")  # type: ignore[call-arg]

# A dropped writer whose close fails: reported through sys.unraisablehook from 3.13 on,
# before that only under -X dev (probing it would take a garbage collection).
FINALIZER_REPORTS_CLOSE_ERRORS = sys.version_info >= (3, 13)


@functools.lru_cache(maxsize=None)
def handle_returns_record() -> bool:
    """logging.Handler.handle returns the record that passed the filters (3.12 on),
    not True."""
    import logging

    class Silent(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            pass

    record = logging.makeLogRecord({"msg": "probe"})
    returned: object = Silent().handle(record)
    return returned is record


@functools.lru_cache(maxsize=None)
def rotating_handler_keeps_empty_files(stdlib_rotating_handler: type) -> bool:
    """logging.handlers.RotatingFileHandler (the class given: the stdlib's, whatever a
    program has put in its place since) never rolls an empty file over (gh-116263: 3.13,
    and 3.12 from a point release on). Asked the first time a rotating handler needs
    to know: it takes a file."""
    import logging
    import os
    import tempfile

    with tempfile.TemporaryDirectory(prefix="ringwriter-") as directory:
        probe = stdlib_rotating_handler(
            os.path.join(directory, "probe.log"), maxBytes=1, encoding="utf-8", delay=True)
        try:
            return not probe.shouldRollover(logging.makeLogRecord({"msg": "probe"}))
        finally:
            probe.close()
