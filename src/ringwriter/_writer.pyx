# cython: language_level=3, binding=False, auto_pickle=False
"""ringwriter._writer: a ring-buffer BufferedWriter keeping io.BufferedWriter's contract.

Read this beside CPython's Modules/_io/bufferedio.c: the method names, the checks and
their order, and the error messages are the stdlib's. What differs is how bytes leave:

* When the raw stream is exactly ``io.FileIO`` (the "fd path"), bytes go out through
  write(2)/writev(2) on its descriptor with the GIL released; pending bytes (one or two
  ring segments) and a payload that does not fit leave in ONE writev, and the payload is
  never copied unless what remains of it fits in the ring.
* Any other raw (the "portable path") gets ``raw.write(memoryview)`` calls in exactly the
  order and sizes the stdlib makes them, so a raw cannot tell the two writers apart.

Locking follows the stdlib (a PyThread lock, an owner thread id, "reentrant call" on
re-entry from the same thread), with one shortcut: a write that only copies into the
ring runs entirely under the GIL without calling Python code, so when no thread is inside
a locked section (``owner == 0``) it needs no lock at all. Every code path that can
release the GIL or run Python code while the ring is being changed holds the lock.
"""

cimport cython
from cpython.buffer cimport PyBUF_SIMPLE, PyBuffer_IsContiguous, PyBuffer_Release, PyObject_GetBuffer
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_GET_SIZE
from cpython.exc cimport PyErr_CheckSignals
from cpython.mem cimport PyMem_Free, PyMem_Malloc
from libc.errno cimport EAGAIN, EINTR, errno

from ringwriter._ring cimport Ring, ring_append, ring_compact, ring_iov, ring_iov_prefix
from ringwriter._sysdep cimport (EWOULDBLOCK, RINGWRITER_FD_FIFO, RINGWRITER_FD_PATH, RINGWRITER_FD_REGULAR,
                                 RINGWRITER_FILEIO_FD, RINGWRITER_SEEK_DATA, RINGWRITER_SEEK_HOLE, get_errno,
                                 iovec, raise_errno, ringwriter_fd_kind, ringwriter_tell, ringwriter_writev,
                                 set_errno, write_finalizer_unraisable, drop_empty_dict)

import collections
import copyreg
import io
import os
import select
import stat
import sys

from ringwriter import _stdlib_facts

try:
    import termios
except ImportError:  # Windows
    termios = None

cdef extern from "Python.h":
    object PyMemoryView_FromMemory(char *mem, Py_ssize_t size, int flags)
    Py_ssize_t PyNumber_AsSsize_t(object o, object exc) except? -1
    object PyNumber_Index(object o)
    Py_ssize_t PyLong_AsSsize_t(object o) except? -1
    int Py_ReprEnter(object o) except -1
    void Py_ReprLeave(object o)
    int PyBUF_READ
    Py_ssize_t _reference_count "Py_REFCNT"(PyObject *o)
    ctypedef struct PyTypeObject:
        const char *tp_name
    PyObject **PySequence_Fast_ITEMS(object sequence)
    Py_ssize_t PySequence_Fast_GET_SIZE(object sequence)
    int PyObject_GC_IsTracked(object o)
    void PyObject_GC_UnTrack(object o)
    void PyObject_GC_Track(object o)
    bint _is_bytes "PyBytes_CheckExact"(PyObject *o)
    char *_bytes_data "PyBytes_AS_STRING"(PyObject *o)
    Py_ssize_t _bytes_size "PyBytes_GET_SIZE"(PyObject *o)

cdef Py_ssize_t _DEFAULT_BUFFER_SIZE = io.DEFAULT_BUFFER_SIZE
cdef object _FileIO = io.FileIO
cdef object _UnsupportedOperation = io.UnsupportedOperation
cdef str _WOULD_BLOCK = "write could not complete without blocking"
cdef bint _PICKLE_ERROR_NAMES_INSTANCES = _stdlib_facts.PICKLE_ERROR_NAMES_INSTANCES
cdef bint _KEYWORD_ERROR_NAMES_FUNCTION_FIRST = _stdlib_facts.KEYWORD_ERROR_NAMES_FUNCTION_FIRST
cdef bint _FINALIZER_REPORTS_CLOSE_ERRORS = _stdlib_facts.FINALIZER_REPORTS_CLOSE_ERRORS
cdef bint _WRITES_FULL_BUFFERS_THROUGH = _stdlib_facts.WRITES_FULL_BUFFERS_THROUGH


class WriterStats(collections.namedtuple(
    "WriterStats",
    "write_calls bytes_copied bytes_zero_copy raw_writes flushes largest_pending",
)):
    """Counters of one writer since it was created.

    write_calls: write() calls and writelines() items that reached the buffer.
    bytes_copied: bytes copied into the buffer.
    bytes_zero_copy: bytes written to the raw stream straight from the caller's memory.
    raw_writes: write(2)/writev(2) system calls on an io.FileIO (failed and retried
        ones included); raw.write() calls for any other raw stream.
    flushes: times a flush (flush(), close(), seek(), truncate()) found bytes to write.
    largest_pending: the most bytes ever waiting in the buffer at once.
    """

    __slots__ = ()

    @property
    def bytes_accepted(self):
        """Every byte write() and writelines() accepted: copied or written directly."""
        return self.bytes_copied + self.bytes_zero_copy


# The newest writer not yet collected; each node links to the one before (next). Only
# C pointers are followed, never references taken, so a writer being deallocated (its
# count already 0) is never touched as an object.
cdef LiveNode *_live_head = NULL


cdef void _join_live_writers(BufferedWriter writer) noexcept:
    global _live_head
    cdef LiveNode *node = &writer._live_node
    if node.writer != NULL:
        return
    node.writer = <PyObject *>writer
    node.previous = NULL
    node.next = _live_head
    if _live_head != NULL:
        _live_head.previous = node
    _live_head = node


cdef void _leave_live_writers(LiveNode *node) noexcept:
    global _live_head
    if node.writer == NULL:
        return
    if node.previous != NULL:
        node.previous.next = node.next
    else:
        _live_head = node.next
    if node.next != NULL:
        node.next.previous = node.previous
    node.previous = node.next = NULL
    node.writer = NULL


def live_writers():
    """Every writer not yet collected, newest first, for the exit and fork hooks in
    _lifecycle.py (one being deallocated, whose count is already 0, left out)."""
    cdef list writers = []
    cdef LiveNode *node = _live_head
    while node != NULL:
        if _reference_count(node.writer) > 0:
            writers.append(<object>node.writer)
        node = node.next
    return writers


cdef str type_name(object instance):
    """The type's tp_name, as the stdlib's reprs and messages show it:
    "ringwriter._writer.BufferedWriter", or just the name of a Python subclass."""
    cdef object instance_type = type(instance)
    return (<PyTypeObject *>instance_type).tp_name.decode()


cdef void _finalize_after(object raw) noexcept:
    """Make ``raw`` younger than the writer being set up, for the garbage collector.

    When a writer and its raw stream become garbage together (a cycle such as
    ``w.x = w``, or one through the raw), CPython finalizes them in the order its
    collector tracked them: a raw tracked first is closed first, and the writer's
    buffered bytes are lost (gh-62052). Tracking the raw again puts it after its
    writer, so the writer's finalizer flushes into a raw that is still open.
    """
    if PyObject_GC_IsTracked(raw):
        PyObject_GC_UnTrack(raw)
        PyObject_GC_Track(raw)


cdef Py_ssize_t _as_offset(object target) except? -1:
    """A seek target as the stdlib's PyNumber_AsOff_t(target, ValueError) reads it."""
    try:
        return PyNumber_AsSsize_t(target, ValueError)
    except ValueError:
        pass
    raise ValueError(f"cannot fit '{type(target).__name__}' into an offset-sized integer")


cdef Py_ssize_t _as_length(object value):
    """The stdlib's PyNumber_AsSsize_t(value, ValueError), with any failure read as -1."""
    try:
        return PyNumber_AsSsize_t(value, ValueError)
    except Exception:
        return -1


cdef tuple _parse_init_arguments(tuple args, dict kwargs):
    """``(raw, buffer_size)`` from BufferedWriter's arguments, with the stdlib's
    argument-clinic errors (they name ``BufferedWriter()``, even for a subclass)."""
    cdef Py_ssize_t given = len(args) + len(kwargs)
    if given > 2:
        raise TypeError(f"BufferedWriter() takes at most 2 arguments ({given} given)")
    for keyword in kwargs:
        if keyword != "raw" and keyword != "buffer_size":
            if _KEYWORD_ERROR_NAMES_FUNCTION_FIRST:
                raise TypeError(f"BufferedWriter() got an unexpected keyword argument '{keyword}'")
            raise TypeError(f"'{keyword}' is an invalid keyword argument for BufferedWriter()")
    if args:
        if "raw" in kwargs:
            raise TypeError("argument for BufferedWriter() given by name ('raw') and position (1)")
        raw = args[0]
    elif "raw" in kwargs:
        raw = kwargs["raw"]
    else:
        raise TypeError("BufferedWriter() missing required argument 'raw' (pos 1)")
    if len(args) == 2:
        return raw, _size_argument(args[1])
    if "buffer_size" in kwargs:
        return raw, _size_argument(kwargs["buffer_size"])
    return raw, _DEFAULT_BUFFER_SIZE


cdef Py_ssize_t _size_argument(object value) except? -1:
    """Argument clinic's Py_ssize_t conversion."""
    return PyLong_AsSsize_t(PyNumber_Index(value))


cdef class BufferedWriter:
    """BufferedWriter(raw, buffer_size=io.DEFAULT_BUFFER_SIZE)

    A buffer for a writeable, sequential raw stream, interchangeable with
    ``io.BufferedWriter``: the same methods, return values, exceptions and messages.

    Bytes are kept in a ring of ``buffer_size`` bytes allocated once. ``flush()`` hands
    them to the raw stream (the kernel, for a file descriptor); it does not call
    ``raw.flush()`` and does not make them durable: for that see ``os.fsync``.
    """

    def __cinit__(self):
        drop_empty_dict(self)
        self._lock = PyThread_allocate_lock()
        if self._lock == NULL:
            raise MemoryError("can't allocate lock")

    def __dealloc__(self):
        _leave_live_writers(&self._live_node)
        PyMem_Free(self._ring.data)
        self._ring.data = NULL
        if self._lock != NULL:
            PyThread_free_lock(self._lock)
            self._lock = NULL

    def __init__(self, *args, **kwargs):
        raw, buffer_size = _parse_init_arguments(args, kwargs)
        self._setup(raw, buffer_size)

    cdef int _setup(self, object raw, Py_ssize_t buffer_size) except -1:
        cdef int kind
        self._raw = None
        self._detached = False
        if raw.writable() is not True:
            raise _UnsupportedOperation("File or stream is not writable.")
        if buffer_size <= 0:
            raise ValueError("buffer size must be strictly positive")
        PyMem_Free(self._ring.data)
        self._ring.data = <char *>PyMem_Malloc(buffer_size)
        if self._ring.data == NULL:
            raise MemoryError()
        self._ring.size = buffer_size
        self._capacity = buffer_size
        self._records_whole = False
        self._each_write_is_a_record = False
        self._whole = 0
        self._buffered_limit = buffer_size - 1 if _WRITES_FULL_BUFFERS_THROUGH else buffer_size
        self._ring.head = 0
        self._ring.count = 0
        self._owner = 0
        self._raw = raw
        _finalize_after(raw)
        # An exact FileIO's descriptor is its fileno() (-1 once closed, which writable()
        # has already refused).
        self._fd_path = RINGWRITER_FD_PATH and type(raw) is _FileIO and RINGWRITER_FILEIO_FD(<PyObject *>raw) >= 0
        self._fd_kind = RINGWRITER_FD_UNASKED
        # The stdlib asks the raw's position once here, and ignores a failure. On the fd
        # path that is an lseek(2) that no one sees but seekable() (FileIO keeps its
        # success as its seekable()), which makes it when first asked.
        if self._fd_path:
            self._fd_seekable = -1
        else:
            try:
                self._raw.tell()
            except Exception:
                pass
        _join_live_writers(self)
        return 0

    # -- checks and the lock -------------------------------------------------------

    cdef int _enter(self) except -1:
        if not PyThread_acquire_lock(self._lock, 0):
            if self._owner == PyThread_get_thread_ident():
                raise RuntimeError(f"reentrant call inside {self!r}")
            with nogil:
                PyThread_acquire_lock(self._lock, 1)
        self._owner = PyThread_get_thread_ident()
        return 0

    # -- the ring ------------------------------------------------------------------

    cdef Py_ssize_t _buffer_then_block(self, const char *data, Py_ssize_t n, Py_ssize_t taken) except -1:
        """The raw stream would block with ``taken`` bytes of ``data[:n]`` written:
        buffer what fits of the rest, as the stdlib does. Returns ``n`` when all of it
        fit, else raises BlockingIOError with ``characters_written`` = bytes accepted."""
        cdef Py_ssize_t accepted
        if not self._fd_path:
            ring_compact(&self._ring)
        accepted = min(n - taken, self._room())
        self._append(data + taken, accepted)
        if taken + accepted == n:
            return n
        raise BlockingIOError(self._blocked_errno, _WOULD_BLOCK, taken + accepted)

    # -- raw output ----------------------------------------------------------------

    # The raw writes return bufferedio.c's results: bytes written, -2 when the raw
    # stream would block, -1 with an exception set.

    cdef Py_ssize_t _fd_writev(self, iovec *iov, int niov) except -1:
        """write(2)/writev(2) on the FileIO's descriptor. EINTR runs the signal
        handlers, then retries (PEP 475)."""
        cdef Py_ssize_t written
        cdef int err
        cdef int fd
        while True:
            fd = RINGWRITER_FILEIO_FD(<PyObject *>self._raw)
            if fd < 0:
                raise ValueError("I/O operation on closed file")
            self._raw_writes += 1
            with nogil:
                written = ringwriter_writev(fd, iov, niov)
                err = errno
            if written >= 0:
                return written
            if err == EINTR:
                PyErr_CheckSignals()
                continue
            if err == EAGAIN or err == EWOULDBLOCK:
                self._blocked_errno = err
                return -2
            raise_errno(err)

    cdef Py_ssize_t _raw_write(self, const char *data, Py_ssize_t n) except -1:
        """raw.write() the way the stdlib calls it (None: would block)."""
        cdef object view = PyMemoryView_FromMemory(<char *>data, n, PyBUF_READ)
        cdef object result
        cdef Py_ssize_t written
        try:
            while True:
                self._raw_writes += 1
                set_errno(0)
                try:
                    result = self._raw.write(view)
                except OSError as error:
                    self._blocked_errno = get_errno()
                    if error.errno == EINTR:
                        continue
                    raise
                self._blocked_errno = get_errno()
                break
        finally:
            # The view points into the ring, which changes and is freed at close: a raw
            # that kept it would read garbage; released, it raises instead. (A raw still
            # exporting it keeps it, as it would with the stdlib.)
            try:
                view.release()
            except BufferError:
                pass
        if result is None:
            return -2
        written = _as_length(result)
        if written < 0 or written > n:
            raise OSError(
                f"raw write() returned invalid length {written} "
                f"(should have been between 0 and {n})"
            )
        return written

    cdef Py_ssize_t _raw_tell(self) except -1:
        """The raw stream's position: lseek(2) on the fd path (what FileIO.tell does,
        without the method call), raw.tell() otherwise, checked like the stdlib."""
        cdef long long position
        if self._fd_path and RINGWRITER_FILEIO_FD(<PyObject *>self._raw) >= 0:
            position = ringwriter_tell(RINGWRITER_FILEIO_FD(<PyObject *>self._raw))
            if position < 0:
                raise_errno(get_errno())
            return position
        position = PyNumber_AsSsize_t(self._raw.tell(), ValueError)
        if position < 0:
            raise OSError(f"Raw stream returned invalid position {position}")
        return position

    cdef Py_ssize_t _raw_seek(self, Py_ssize_t offset, int whence) except -1:
        cdef Py_ssize_t position = PyNumber_AsSsize_t(self._raw.seek(offset, whence), ValueError)
        if position < 0:
            raise OSError(f"Raw stream returned invalid position {position}")
        return position

    cdef int _flush_unlocked(self) except -1:
        cdef Py_ssize_t written
        if self._fd_path:
            if self._write_out(self._ring.count) == -2:
                raise BlockingIOError(self._blocked_errno, _WOULD_BLOCK, 0)
            return 0
        if self._ring.count > 0:
            self._flushes += 1
        while self._ring.count > 0:
            written = self._raw_write(self._ring.data + self._ring.head, self._ring.count)
            if written == -2:
                raise BlockingIOError(self._blocked_errno, _WOULD_BLOCK, 0)
            self._consume(written)
            PyErr_CheckSignals()
        return 0

    cdef Py_ssize_t _write_overflow_fd(self, const char *data, Py_ssize_t n) except -1:
        """Pending bytes and the payload leave together in one writev; the payload is
        copied only once what remains of it fits in the ring. On a pipe, a payload
        smaller than the ring tops the ring up instead and the ring leaves alone: a
        write larger than the pipe holds would wait for the reader halfway through."""
        cdef iovec iov[3]
        cdef int niov
        cdef Py_ssize_t taken = 0
        cdef Py_ssize_t remaining, requested, written, from_ring, accepted
        cdef bint partial = False
        while True:
            remaining = n - taken
            if self._fits(remaining):
                self._append(data + taken, remaining)
                return n
            if partial:
                # A short write may mean a signal arrived: run its handler before
                # blocking again, as the stdlib does.
                PyErr_CheckSignals()
            if self._ring.count > 0 and remaining < self._ring.size and self._descriptor_kind() == RINGWRITER_FD_FIFO:
                accepted = self._room()
                self._append(data + taken, accepted)
                taken += accepted
                niov = ring_iov(&self._ring, iov)
                requested = self._ring.count
            else:
                niov = ring_iov(&self._ring, iov)
                iov[niov].iov_base = <void *>(data + taken)
                iov[niov].iov_len = <size_t>remaining
                niov += 1
                requested = self._ring.count + remaining
            written = self._fd_writev(iov, niov)
            if written == -2:
                # Only a write of exactly a buffer (written through where the stdlib
                # does so) can fit whole here.
                return self._buffer_then_block(data, n, taken)
            partial = written < requested
            from_ring = min(written, self._ring.count)
            self._consume(from_ring)
            taken += written - from_ring
            self._bytes_zero_copy += written - from_ring

    cdef Py_ssize_t _write_overflow_portable(self, const char *data, Py_ssize_t n) except -1:
        """The stdlib's algorithm, call for call: flush, then write directly while more
        than a buffer remains, then buffer the rest."""
        cdef Py_ssize_t avail, written, remaining
        try:
            self._flush_unlocked()
        except BlockingIOError:
            return self._buffer_then_block(data, n, 0)
        remaining = n
        written = 0
        while remaining > self._buffered_limit:
            avail = self._raw_write(data + written, n - written)
            if avail == -2:
                return self._buffer_then_block(data, n, written)  # the ring is empty here
            written += avail
            remaining -= avail
            self._bytes_zero_copy += avail
            PyErr_CheckSignals()
        self._append(data + written, remaining)
        return n

    # -- records kept whole (many processes, one pipe) -------------------------------
    # The kernel lets no other writer's bytes into a write(2) of at most PIPE_BUF bytes
    # to a pipe, but a larger one may be split when the pipe is full. With records kept
    # whole, every write(2) of pending bytes holds whole records and at most
    # ``_capacity`` bytes; only a record longer than that leaves in pieces of its own,
    # as the stdlib's writer would write it (in one write(2), as far as the kernel takes it).

    cdef Py_ssize_t _whole_records(self) noexcept:
        """The pending bytes, from the head, that end on a record boundary."""
        if self._each_write_is_a_record:
            return self._ring.count
        return min(self._whole, self._ring.count)

    cdef Py_ssize_t _write_out(self, Py_ssize_t n) except -1:
        """Write the first ``n`` pending bytes to the descriptor: 0, or -2 when it would
        block (what was written is consumed)."""
        cdef iovec iov[2]
        cdef Py_ssize_t written
        if n > 0:
            self._flushes += 1
        while n > 0:
            written = self._fd_writev(iov, ring_iov_prefix(&self._ring, iov, n))
            if written == -2:
                return -2
            self._consume(written)
            n -= written
            if n > 0:
                PyErr_CheckSignals()
        return 0

    cdef Py_ssize_t _write_overflow_records(self, const char *data, Py_ssize_t n) except -1:
        """A write that does not fit: the whole records pending leave first, then the
        bytes are buffered, or (longer than ``_capacity``) written as the fd path does."""
        if self._write_out(self._whole_records()) == -2:
            return self._buffer_then_block(data, n, 0)
        if self._fits(n):
            self._append(data, n)
            return n
        return self._write_overflow_fd(data, n)

    def _keep_records_whole(self, Py_ssize_t limit, bint each_write_is_a_record):
        """Over a descriptor that is not a regular file (a pipe, a FIFO, a socket, a tty),
        make every write(2) of buffered bytes hold at most ``limit`` bytes (``PIPE_BUF``:
        what the kernel writes atomically to a pipe) and end on a record boundary. A
        record is one write() call when ``each_write_is_a_record``, else what was
        written up to a call of ``_end_record()``. Returns whether it applies (not over a
        regular file, whose O_APPEND writes land whole, nor a raw without a descriptor)."""
        self._check_usable()
        if not self._fd_path or limit <= 0 or self._descriptor_kind() == RINGWRITER_FD_REGULAR:
            return False
        self._enter()
        try:
            self._records_whole = True
            self._each_write_is_a_record = each_write_is_a_record
            self._capacity = min(limit, self._ring.size)
            self._whole = self._ring.count
        finally:
            self._leave()
        return True

    def _end_record(self):
        """What is pending ends on a record boundary."""
        self._whole = self._ring.count

    def _flush_records(self):
        """Write the whole records pending (all of it unless records are kept whole)."""
        self._flush(True)

    cdef Py_ssize_t _write_general(self, const char *data, Py_ssize_t n) except -1:
        self._check_usable()
        if self._owner == 0:
            if self._is_closed():
                raise ValueError("write to closed file")
            # _is_closed may have run Python code: look again before touching the ring.
            if self._owner == 0 and self._ring.data != NULL and self._fits(n):
                self._write_calls += 1
                self._append(data, n)
                return n
        self._enter()
        try:
            if self._is_closed():
                raise ValueError("write to closed file")
            self._write_calls += 1
            if self._fits(n):
                self._append(data, n)
                return n
            if self._records_whole:
                return self._write_overflow_records(data, n)
            if self._fd_path:
                return self._write_overflow_fd(data, n)
            return self._write_overflow_portable(data, n)
        finally:
            self._leave()

    # -- the public API ------------------------------------------------------------

    cdef Py_ssize_t _copy_bytes_run(self, object sequence, Py_ssize_t start) except -1:
        """Copy the bytes items of a list or tuple from ``start`` on into the ring while
        they fit: the index of the first item not copied. No Python code runs in the
        loop, so the items cannot change under it."""
        cdef PyObject **items = PySequence_Fast_ITEMS(sequence)
        cdef Py_ssize_t end = PySequence_Fast_GET_SIZE(sequence)
        cdef Py_ssize_t index = start
        cdef Py_ssize_t n
        if not self._idle_on_open_fd():
            return start
        while index < end and _is_bytes(items[index]):
            n = _bytes_size(items[index])
            if n > self._room() or n > self._buffered_limit:  # _fits, on the fd path
                break
            self._write_calls += 1
            self._append(_bytes_data(items[index]), n)
            index += 1
        return index

    @cython.always_allow_keywords(False)
    def write(self, b):
        """Write the bytes-like object ``b`` and return its length in bytes.

        The bytes are copied into the buffer (or, when they do not fit, written out
        together with what was buffered); the caller may reuse ``b`` at once. Raises
        BlockingIOError, with ``characters_written`` set to the bytes of ``b`` accepted,
        when the raw stream is non-blocking and cannot take them now.
        """
        return self._write_object(b)

    def writelines(self, lines):
        """Write every bytes-like item of ``lines``, in order, with no separator added.

        Items are gathered in the buffer without a Python-level ``write`` call each,
        unless a subclass overrides ``write``: then it is called for every item, as
        ``io.BufferedWriter.writelines`` does.
        """
        if self.closed:
            raise ValueError("I/O operation on closed file.")
        cdef Py_ssize_t index = 0
        if type(self) is BufferedWriter or type(self).write is BufferedWriter.write:
            if type(lines) is list or type(lines) is tuple:
                # Indexing as list iteration does, so a list changed meanwhile (by
                # another thread, while a write released the GIL) is walked the same way.
                while index < len(lines):
                    index = self._copy_bytes_run(lines, index)
                    if index < len(lines):
                        self._write_object(lines[index])
                        index += 1
            else:
                for line in lines:
                    self._write_object(line)
            return
        write = self.write
        for line in lines:
            while True:
                try:
                    write(line)
                except OSError as error:
                    if error.errno == EINTR:
                        continue
                    raise
                break

    def flush(self):
        """Write every buffered byte to the raw stream.

        Returns once the raw stream (the kernel, for a file descriptor) has all of them.
        It does not call ``raw.flush()`` and does not make the data durable: use
        ``os.fsync(w.fileno())`` for a disk, ``termios.tcdrain`` for a serial line.
        """
        self._flush()

    cdef int _flush(self, bint whole_records_only=False) except -1:
        """flush(); ``whole_records_only``: with records kept whole, a record the writer
        has only part of stays."""
        self._check_usable()
        if self._is_closed():
            raise ValueError("flush of closed file")
        self._enter()
        try:
            if whole_records_only and self._records_whole:
                if self._write_out(self._whole_records()) == -2:
                    raise BlockingIOError(self._blocked_errno, _WOULD_BLOCK, 0)
            else:
                self._flush_unlocked()
        finally:
            self._leave()
        return 0

    def close(self):
        """Flush, then close the raw stream, even if the flush failed.

        The flush error is raised; if ``raw.close()`` fails too, its error is raised with
        the flush error as ``__context__``. Closing a closed writer does nothing.
        """
        self._close()

    cdef int _close(self) except -1:
        self._check_usable()
        self._enter()
        try:
            if self._raw_closed():
                return 0
            if self._finalizing:
                self._dealloc_warn(self)
        finally:
            self._leave()
        try:
            if type(self) is BufferedWriter and not instance_sets(self, "flush"):
                self._flush()
            else:
                self.flush()  # a subclass's or an instance's own, as the stdlib calls it
        except BaseException:
            self._close_raw()
            raise
        self._close_raw()
        return 0

    cdef int _close_raw(self) except -1:
        self._enter()
        try:
            self._raw.close()
        finally:
            PyMem_Free(self._ring.data)
            self._ring.data = NULL
            self._offset_after_close = -self._ring.head if self._ring.count else 0
            self._ring.head = 0
            self._ring.count = 0
            self._leave()
        return 0

    def detach(self):
        """Flush, then return the raw stream; the writer is unusable afterwards."""
        self._check_usable()
        self.flush()
        raw = self._raw
        self._raw = None
        self._detached = True
        self._fd_path = False
        PyMem_Free(self._ring.data)
        self._ring.data = NULL
        self._ring.count = 0
        return raw

    def tell(self):
        """The stream position: the raw stream's position plus the bytes buffered.

        The raw position is asked for every time, as the stdlib does, so it is right in
        append mode and after anything else moved the descriptor.
        """
        self._check_usable()
        if self._ring.data == NULL:
            return self._raw_tell() + self._offset_after_close
        return self._raw_tell() + self._ring.count

    def seek(self, target, int whence=0):
        """Flush, then move the raw stream to ``target`` (relative to ``whence``)."""
        cdef Py_ssize_t offset
        self._check_usable()
        if (whence < 0 or whence > 2) and whence != RINGWRITER_SEEK_HOLE and whence != RINGWRITER_SEEK_DATA:
            raise ValueError(f"whence value {whence} unsupported")
        if self._is_closed():
            raise ValueError("seek of closed file")
        if self._raw.seekable() is not True:
            raise _UnsupportedOperation("File or stream is not seekable.")
        offset = _as_offset(target)
        self._enter()
        try:
            self._flush_unlocked()
            return self._raw_seek(offset, whence)
        finally:
            self._leave()

    def truncate(self, pos=None):
        """Flush, then truncate the raw stream at ``pos`` (default: the position)."""
        self._check_usable()
        if self._is_closed():
            raise ValueError("truncate of closed file")
        self._enter()
        try:
            self._flush_unlocked()
            result = self._raw.truncate(pos)
            try:
                self._raw.tell()  # as the stdlib does, to resynchronise; a failure is ignored
            except Exception:
                pass
            return result
        finally:
            self._leave()

    def fileno(self):
        """The raw stream's file descriptor."""
        self._check_usable()
        return self._raw.fileno()

    def isatty(self):
        """Whether the raw stream is a terminal."""
        self._check_usable()
        return self._raw.isatty()

    def seekable(self):
        """Whether the raw stream supports seek()."""
        self._check_usable()
        if self._fd_path and RINGWRITER_FILEIO_FD(<PyObject *>self._raw) >= 0:
            if self._fd_seekable < 0:
                self._fd_seekable = ringwriter_tell(RINGWRITER_FILEIO_FD(<PyObject *>self._raw)) >= 0
            return self._fd_seekable == 1
        return self._raw.seekable()

    def readable(self):
        """False: a writer never reads, whatever its raw stream can do."""
        return False

    def writable(self):
        """Whether the raw stream is writable."""
        self._check_usable()
        return self._raw.writable()

    @property
    def raw(self):
        """The underlying raw stream (None after detach())."""
        return self._raw

    @property
    def closed(self):
        """Whether the raw stream is closed."""
        self._check_usable()
        return self._raw_closed()

    @property
    def name(self):
        """The raw stream's name."""
        self._check_usable()
        return self._raw.name

    @property
    def mode(self):
        """The raw stream's mode."""
        self._check_usable()
        return self._raw.mode

    @property
    def pending(self):
        """Bytes accepted by write() and not yet handed to the raw stream."""
        return self._ring.count

    @property
    def stats(self):
        """An immutable snapshot of this writer's counters (a WriterStats)."""
        return WriterStats(
            self._write_calls, self._bytes_copied, self._bytes_zero_copy,
            self._raw_writes, self._flushes, self._largest_pending,
        )

    def sync(self, *, data_only=False):
        """Flush, then wait until the data has reached the device behind the raw stream.

        - a regular file or block device: ``os.fsync`` (``os.fdatasync`` with
          ``data_only=True``, where the platform has it): the data survives a power cut;
        - a terminal or serial line: ``termios.tcdrain``: the bytes have left the line
          (what pyserial's ``Serial.flush()`` does);
        - a pipe, a socket or another character device: nothing more than flush():
          once the kernel has the bytes there is nothing further to wait for;
        - a raw stream without a file descriptor: ``raw.flush()``.
        Errors propagate as flush()'s do; nothing buffered is lost.
        """
        self.flush()
        try:
            fd = self._raw.fileno()
        except (AttributeError, OSError, ValueError):
            self._raw.flush()
            return
        mode = os.fstat(fd).st_mode
        if stat.S_ISREG(mode) or stat.S_ISBLK(mode):
            if data_only and hasattr(os, "fdatasync"):
                os.fdatasync(fd)
            else:
                os.fsync(fd)
        elif stat.S_ISCHR(mode) and os.isatty(fd) and termios is not None:
            termios.tcdrain(fd)

    def _flush_if_idle(self, whole_records_only=False):
        """Flush unless closed, detached or another thread is inside the writer: for
        the exit and fork hooks, which must never wait on a lock. Before fork() only
        whole records leave: the parent completes and writes the rest."""
        if self._owner == 0 and self._raw is not None and not self._is_closed():
            self._flush(whole_records_only)  # the real flush, whatever a subclass makes of flush()

    def _forget_parent_buffer(self):
        """In a child after fork(): drop the bytes the parent still holds (the parent
        writes them, the child must not write them again) and take a fresh lock (the
        old one may be held by a thread that does not exist in the child)."""
        self._ring.head = 0
        self._ring.count = 0
        self._whole = 0
        self._owner = 0
        self._lock = PyThread_allocate_lock()
        if self._lock == NULL:
            raise MemoryError("can't allocate lock")

    @property
    def buffer_size(self):
        """The ring's capacity in bytes (not an io.BufferedWriter attribute)."""
        return self._ring.size

    @property
    def _finalizing(self):
        return self._finalizing

    @_finalizing.setter
    def _finalizing(self, value):
        self._finalizing = bool(value)

    def _dealloc_warn(self, source):
        if self._raw is not None:
            try:
                self._raw._dealloc_warn(source)
            except Exception:
                pass

    # -- what io.IOBase gives every stream --------------------------------------------

    def read(self, size=-1):
        """Not supported: raises io.UnsupportedOperation."""
        raise _UnsupportedOperation("read")

    def read1(self, size=-1):
        """Not supported: raises io.UnsupportedOperation."""
        raise _UnsupportedOperation("read1")

    def readinto(self, buffer):
        """Not supported: raises io.UnsupportedOperation."""
        raise _UnsupportedOperation("read")

    def readinto1(self, buffer):
        """Not supported: raises io.UnsupportedOperation."""
        raise _UnsupportedOperation("read1")

    def readline(self, size=-1):
        """Not supported: raises io.UnsupportedOperation."""
        raise _UnsupportedOperation("read")

    def readlines(self, hint=-1):
        """Not supported: raises io.UnsupportedOperation (ValueError once closed)."""
        self._checkClosed()
        raise _UnsupportedOperation("read")

    def __iter__(self):
        self._checkClosed()
        return self

    def __next__(self):
        raise _UnsupportedOperation("read")

    def __enter__(self):
        self._checkClosed()
        return self

    def __exit__(self, *args):
        self.close()

    def _checkClosed(self, msg=None):
        if self.closed:
            raise ValueError("I/O operation on closed file." if msg is None else msg)

    def _checkWritable(self, msg=None):
        if self.writable() is not True:
            raise _UnsupportedOperation("File or stream is not writable." if msg is None else msg)

    def _checkReadable(self, msg=None):
        if self.readable() is not True:
            raise _UnsupportedOperation("File or stream is not readable." if msg is None else msg)

    def _checkSeekable(self, msg=None):
        if self.seekable() is not True:
            raise _UnsupportedOperation("File or stream is not seekable." if msg is None else msg)

    def __del__(self):
        if self._raw is not None:
            finalize_like_stdlib(self)

    def __repr__(self):
        shown_type = type_name(self)
        try:
            name = self.name
        except (AttributeError, ValueError):
            return f"<{shown_type}>"
        if Py_ReprEnter(self) > 0:
            raise RuntimeError(f"reentrant call inside {shown_type}.__repr__")
        try:
            return f"<{shown_type} name={name!r}>"
        finally:
            Py_ReprLeave(self)

    def __reduce_ex__(self, protocol):
        return reduce_like_stdlib(self, protocol)

    def __getstate__(self):
        refuse_state_like_stdlib(self)

    def __sizeof__(self):
        return object.__sizeof__(self) + (self._ring.size if self._ring.data != NULL else 0)


io.BufferedIOBase.register(BufferedWriter)


cdef void finalize_like_stdlib(object stream) noexcept:
    """The stdlib's iobase_finalize: close an open stream; a failure is reported as
    unraisable from 3.13 on, before that only under -X dev."""
    try:
        if stream.closed:
            return
    except Exception:
        return
    stream._finalizing = True
    try:
        stream.close()
    except BaseException as error:
        if _FINALIZER_REPORTS_CLOSE_ERRORS or sys.flags.dev_mode:
            write_finalizer_unraisable(error, stream)


def reduce_like_stdlib(stream, protocol):
    """``__reduce_ex__`` for ringwriter's static types, as the stdlib's io types pickle."""
    if _PICKLE_ERROR_NAMES_INSTANCES and protocol < 2:
        # The stdlib's types are heap types from 3.12 on, so copyreg._reduce_ex walks
        # past them to object and asks __getstate__ (which refuses, unless a subclass
        # defines its own); for a static type it would stop there and build one from
        # the stream. Ours are rebuilt through their own __new__, which object.__new__
        # (copyreg._reconstructor's way) refuses to stand in for.
        state = stream.__getstate__()
        return (copyreg.__newobj__, (type(stream),), state) if state else (copyreg.__newobj__, (type(stream),))
    return object.__reduce_ex__(stream, protocol)


def refuse_state_like_stdlib(stream):
    """``__getstate__``: where pickling reaches for the state, the stdlib refuses, with
    its message of 3.12 on ("instances", the short type name), or object's before."""
    if _PICKLE_ERROR_NAMES_INSTANCES:
        raise TypeError(f"cannot pickle {type(stream).__name__!r} instances")
    raise TypeError(f"cannot pickle {type_name(stream)!r} object")


# The largest write(2) that the kernel keeps whole on a pipe (POSIX's least where select
# does not say): what _keep_records_whole is given by the handlers and CoalescingWriter.
PIPE_BUF = getattr(select, "PIPE_BUF", 512)


def is_regular_file(int fd):
    """Whether descriptor ``fd`` is a regular file (fstat(2) in C, whatever ``os.fstat``
    has been patched to): there each O_APPEND write(2) lands whole, so batches of
    records may be cut anywhere between records and be of any size."""
    cdef int kind = ringwriter_fd_kind(fd)
    if kind < 0:
        raise_errno(get_errno())
    return kind == RINGWRITER_FD_REGULAR
