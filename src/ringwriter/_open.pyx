# cython: language_level=3, binding=False, auto_pickle=False
"""ringwriter._open: ringwriter.open(), the built-in open() for writing, compiled.

It follows CPython's ``_io_open_impl`` (Modules/_io/_iomodule.c) step for step: the
mode decoded once, the checks and their messages in the built-in's order, the
``io.FileIO`` made with the raw mode, ``isatty`` asked only where the built-in asks it
(``_isatty_open_only`` where the running CPython has it, which spares a regular file
the ioctl), the buffer size taken from the FileIO's own ``_blksize`` (its fstat at open)
and bounded as the running CPython bounds it, then the writer and, for text, a
``ringwriter.TextWriter`` over it with ``mode`` set.
Nothing is read through a module attribute that a program may patch (``os.fstat``).
"""
from ringwriter._text cimport TextWriter
from ringwriter._writer cimport BufferedWriter

import io
import sys
import warnings

from ringwriter._coalescing import CoalescingWriter

cdef extern from "Python.h":
    object PyOS_FSPath(object path)

cdef enum:
    CREATE = 1
    WRITE = 2
    APPEND = 4
    READ = 8
    UPDATE = 16
    TEXT = 32
    BINARY = 64

cdef dict _MODE_LETTERS = {"x": CREATE, "w": WRITE, "a": APPEND, "r": READ, "+": UPDATE, "t": TEXT, "b": BINARY}
cdef object _FileIO = io.FileIO
cdef bint _ISATTY_OPEN_ONLY = hasattr(io.FileIO, "_isatty_open_only")
# io.TextIOWrapper gathers this much encoded text before it hands it to its buffer, so
# the built-in's text files write at least this much per write(2): a TextWriter's ring
# is never smaller, so that it never makes more system calls.
cdef Py_ssize_t _TEXT_CHUNK = 8192
# From 3.14 the built-in's default buffer is the block size kept within
# [DEFAULT_BUFFER_SIZE, 8 MiB] (128 KiB for a 4 KiB block); before, the block size. Its
# DEFAULT_BUFFER_SIZE is a C constant, which io.DEFAULT_BUFFER_SIZE is read from once.
cdef bint _BOUNDS_BLOCK_SIZE = sys.version_info >= (3, 14)
cdef Py_ssize_t _DEFAULT_BUFFER_SIZE = io.DEFAULT_BUFFER_SIZE
cdef Py_ssize_t _LARGEST_DEFAULT_BUFFER = 8192 * 1024


def open(file, mode="wb", buffering=-1, encoding=None, errors=None, newline=None, closefd=True,
         opener=None, *, flush_interval=None):
    """Open ``file`` for writing, like the built-in ``open()``.

    Binary modes ("wb", "ab", "xb") return a ``ringwriter.BufferedWriter`` over an
    ``io.FileIO`` (or the FileIO itself with ``buffering=0``); text modes ("w", "a",
    "x", with or without "t") return a ``ringwriter.TextWriter`` over that writer. The
    arguments mean what they mean for ``open()``. Modes that read raise ValueError:
    ringwriter only writes.

    With ``flush_interval`` (seconds) the writer is a ``CoalescingWriter``: flush() calls
    closer together than that are batched into one write, and no byte waits longer.
    """
    if not isinstance(mode, str):
        raise TypeError(f"open() argument 'mode' must be str, not {type(mode).__name__}")
    cdef int letters = 0, letter
    for character in <str>mode:
        letter = _MODE_LETTERS.get(character, 0)
        if letter == 0 or letters & letter:  # unknown, or given twice
            raise ValueError(f"invalid mode: {mode!r}")
        letters |= letter
    cdef bint creating = (letters & CREATE) != 0, writing = (letters & WRITE) != 0
    cdef bint appending = (letters & APPEND) != 0, reading = (letters & READ) != 0
    cdef bint updating = (letters & UPDATE) != 0, text = (letters & TEXT) != 0, binary = (letters & BINARY) != 0
    cdef str raw_mode
    if text and binary:
        raise ValueError("can't have text and binary mode at once")
    if creating + writing + appending + reading > 1:
        raise ValueError("must have exactly one of create/read/write/append mode")
    if not (creating or writing or appending or reading):
        raise ValueError("Must have exactly one of create/read/write/append mode and at most one plus")
    if reading or updating:
        raise ValueError(
            f"ringwriter.open() only writes: mode {mode!r} reads; "
            "use 'w', 'a' or 'x' (with 'b' for bytes), or the built-in open() to read"
        )
    if binary:
        if encoding is not None:
            raise ValueError("binary mode doesn't take an encoding argument")
        if errors is not None:
            raise ValueError("binary mode doesn't take an errors argument")
        if newline is not None:
            raise ValueError("binary mode doesn't take a newline argument")
    if not isinstance(buffering, int):
        raise TypeError(f"'{type(buffering).__name__}' object cannot be interpreted as an integer")
    if binary and buffering == 1:
        warnings.warn(
            "line buffering (buffering=1) isn't supported in binary mode, the default buffer size will be used",
            RuntimeWarning,
            stacklevel=1,  # this function has no frame: 1 is its caller's
        )
    raw_mode = "x" if creating else "w" if writing else "a"
    # Positional, as the built-in passes them: a keyword would cost FileIO a dict of them.
    raw = _FileIO(file if isinstance(file, int) else PyOS_FSPath(file), raw_mode, closefd, opener)
    try:
        return _wrap(raw, mode, buffering, binary, encoding, errors, newline, flush_interval)
    except BaseException:
        raw.close()
        raise


cdef object _wrap(raw, str mode, Py_ssize_t buffering, bint binary, encoding, errors, newline, flush_interval):
    """The built-in's buffering decisions over the open ``raw``, then the writers."""
    cdef bint line_buffering = buffering == 1
    if buffering < 0:
        line_buffering = bool(raw._isatty_open_only() if _ISATTY_OPEN_ONLY else raw.isatty())
    if line_buffering or buffering < 0:
        buffering = raw._blksize
        if _BOUNDS_BLOCK_SIZE:
            buffering = max(min(buffering, _LARGEST_DEFAULT_BUFFER), _DEFAULT_BUFFER_SIZE)
    if buffering == 0:
        if flush_interval is not None:
            raise ValueError("flush_interval needs a buffer: buffering must not be 0")
        if binary:
            return raw
        raise ValueError("can't have unbuffered text I/O")
    if not binary:
        buffering = max(buffering, _TEXT_CHUNK)
    cdef BufferedWriter writer
    if flush_interval is None:
        writer = BufferedWriter.__new__(BufferedWriter)  # __init__ without its argument parsing
        writer._setup(raw, buffering)
    else:
        writer = CoalescingWriter(raw, buffering, flush_interval=flush_interval)
    if binary:
        return writer
    cdef TextWriter text = TextWriter.__new__(TextWriter)
    text._setup(writer, encoding, errors, newline, line_buffering, False)
    text._set_mode(mode)  # as the built-in sets it
    return text
