# ringwriter.BufferedWriter at the C level, for another Cython class to cimport and drive
# (as frozenlist ships _frozenlist.pxd): its ring, its lock, and the calls that keep the
# stdlib's contract. A driver holds the writer's lock (_enter/_leave) around anything
# that changes the ring, or uses _write, which decides by itself.
cimport cython
from cpython.buffer cimport PyBUF_SIMPLE, PyBuffer_IsContiguous, PyBuffer_Release, PyObject_GetBuffer
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_GET_SIZE
from cpython.object cimport PyObject

from ringwriter._ring cimport Ring, ring_append, ring_consume, ring_extend, ring_free_linear
from ringwriter._sysdep cimport RINGWRITER_FD_UNASKED, RINGWRITER_FILEIO_FD, instance_sets, iovec, ringwriter_fd_kind


cdef extern from "pythread.h":
    ctypedef void *PyThread_type_lock
    PyThread_type_lock PyThread_allocate_lock()
    void PyThread_free_lock(PyThread_type_lock lock)
    int PyThread_acquire_lock(PyThread_type_lock lock, int waitflag) nogil
    void PyThread_release_lock(PyThread_type_lock lock) nogil
    unsigned long PyThread_get_thread_ident()


cdef struct LiveNode:
    LiveNode *previous
    LiveNode *next
    PyObject *writer  # borrowed: NULL while the writer is not in the list


cdef str type_name(object instance)
cdef void finalize_like_stdlib(object stream) noexcept


cdef class BufferedWriter:
    cdef object _raw
    cdef bint _detached
    cdef bint _fd_path
    # ringwriter_fd_kind() of the descriptor, asked when first needed (UNASKED before):
    # a file that is opened, written once and closed never needs it.
    cdef int _fd_kind
    # On the fd path, whether lseek(2) works on the descriptor: what the FileIO's
    # seekable() answers after the position the stdlib's writer asks at __init__; -1
    # until seekable() needs it (a file opened, written and closed never does).
    cdef int _fd_seekable
    cdef bint _finalizing
    cdef Ring _ring
    # The largest write that may be buffered rather than written through: the whole
    # buffer, or one byte less where the running stdlib writes full buffers directly.
    cdef Py_ssize_t _buffered_limit
    # What the ring may hold before it is written out: its size, or with records kept
    # whole (see _keep_records_whole) the largest write(2) that may hold several records.
    cdef Py_ssize_t _capacity
    cdef bint _records_whole
    # With records kept whole: every write() call is one record (the handlers), or a
    # record ends where _end_record() is called (the coalescing writer: at each flush()).
    cdef bint _each_write_is_a_record
    # The pending bytes, from the head, that end on a record boundary.
    cdef Py_ssize_t _whole
    # errno as the stdlib's BlockingIOError reports it: C's errno after the raw write.
    cdef int _blocked_errno
    # What tell() adds to the raw position once closed: the stdlib keeps counting the
    # bytes of a failed final flush that did reach the raw (its write_pos) against it.
    cdef Py_ssize_t _offset_after_close
    cdef PyThread_type_lock _lock
    cdef unsigned long _owner
    # Counters behind ``stats``: plain integers, a few instructions on the hot path.
    cdef unsigned long long _write_calls
    cdef unsigned long long _bytes_copied
    cdef unsigned long long _bytes_zero_copy
    cdef unsigned long long _raw_writes
    cdef unsigned long long _flushes
    cdef Py_ssize_t _largest_pending
    # The registry of live writers (the exit and fork hooks walk it): a list threaded
    # through the writers, so that joining it costs no allocation and no weak reference.
    cdef LiveNode _live_node
    cdef dict __dict__
    cdef object __weakref__

    cdef int _setup(self, object raw, Py_ssize_t buffer_size) except -1

    # checks and the lock
    @cython.final
    cdef inline int _check_usable(self) except -1:
        if self._raw is None:
            if self._detached:
                raise ValueError("raw stream has been detached")
            raise ValueError("I/O operation on uninitialized object")
        return 0

    @cython.final
    cdef inline object _raw_closed(self):
        # On the fd path FileIO.closed is exactly this (TextIOWrapper asks on every write).
        if self._fd_path:
            return RINGWRITER_FILEIO_FD(<PyObject *>self._raw) < 0
        return self._raw.closed

    @cython.final
    cdef inline int _is_closed(self) except -1:
        return self._ring.data == NULL or bool(self._raw_closed())

    @cython.final
    cdef inline bint _idle_on_open_fd(self) noexcept:
        """The lock-free fast path's condition: an open FileIO written by descriptor,
        and no thread inside a locked section. What follows it must neither run Python
        code nor release the GIL until the ring is consistent again."""
        return (
            self._fd_path
            and self._owner == 0
            and self._raw is not None
            and self._ring.data != NULL
            and RINGWRITER_FILEIO_FD(<PyObject *>self._raw) >= 0
        )

    cdef int _enter(self) except -1
    @cython.final
    cdef inline void _leave(self) noexcept:
        self._owner = 0
        PyThread_release_lock(self._lock)

    # the ring
    @cython.final
    cdef inline int _descriptor_kind(self) noexcept:
        if self._fd_kind == RINGWRITER_FD_UNASKED:
            self._fd_kind = ringwriter_fd_kind(RINGWRITER_FILEIO_FD(<PyObject *>self._raw))
        return self._fd_kind

    @cython.final
    cdef inline Py_ssize_t _room(self) noexcept:
        """Bytes that may be added to the ring (wrapping past its end) before it must be
        written out."""
        return self._capacity - self._ring.count

    @cython.final
    cdef inline bint _fits(self, Py_ssize_t n) noexcept:
        """Whether ``n`` bytes are buffered (not written through) now. The portable
        path keeps pending bytes contiguous, as the stdlib's linear buffer does, so
        that it makes the very same raw.write() calls."""
        cdef Py_ssize_t free = self._room() if self._fd_path else ring_free_linear(&self._ring)
        return n <= free and n <= self._buffered_limit

    @cython.final
    cdef inline void _consume(self, Py_ssize_t n) noexcept:
        """The first ``n`` pending bytes were written out."""
        ring_consume(&self._ring, n)
        self._whole = self._whole - n if self._whole > n else 0

    @cython.final
    cdef inline void _append(self, const char *data, Py_ssize_t n) noexcept:
        ring_append(&self._ring, data, n)
        self._count_copied(n)

    @cython.final
    cdef inline void _extend(self, Py_ssize_t n) noexcept:
        """``n`` bytes written at the ring's tail by the caller itself (an encoder)."""
        ring_extend(&self._ring, n)
        self._count_copied(n)

    @cython.final
    cdef inline void _count_copied(self, Py_ssize_t n) noexcept:
        self._bytes_copied += n
        if self._ring.count > self._largest_pending:
            self._largest_pending = self._ring.count

    cdef Py_ssize_t _buffer_then_block(self, const char *data, Py_ssize_t n, Py_ssize_t taken) except -1

    # raw output: bytes written, -2 would block, -1 error (bufferedio.c's convention)
    cdef Py_ssize_t _fd_writev(self, iovec *iov, int niov) except -1
    cdef Py_ssize_t _raw_write(self, const char *data, Py_ssize_t n) except -1
    cdef Py_ssize_t _raw_tell(self) except -1
    cdef Py_ssize_t _raw_seek(self, Py_ssize_t offset, int whence) except -1
    cdef int _flush_unlocked(self) except -1
    cdef Py_ssize_t _whole_records(self) noexcept
    cdef Py_ssize_t _write_out(self, Py_ssize_t n) except -1
    cdef Py_ssize_t _write_overflow_records(self, const char *data, Py_ssize_t n) except -1
    cdef Py_ssize_t _write_overflow_fd(self, const char *data, Py_ssize_t n) except -1
    cdef Py_ssize_t _write_overflow_portable(self, const char *data, Py_ssize_t n) except -1

    # writing: what write() does with n bytes at data (the lock taken only if needed)
    @cython.final
    cdef inline Py_ssize_t _write(self, const char *data, Py_ssize_t n) except -1:
        # The common case, kept small enough to inline: no lock, room in the ring.
        if self._idle_on_open_fd() and self._fits(n):
            self._write_calls += 1
            self._append(data, n)
            return n
        return self._write_general(data, n)

    cdef Py_ssize_t _write_general(self, const char *data, Py_ssize_t n) except -1
    @cython.final
    cdef inline Py_ssize_t _write_object(self, object b) except -1:
        cdef Py_buffer view
        if type(b) is bytes:
            return self._write(PyBytes_AS_STRING(b), PyBytes_GET_SIZE(b))
        PyObject_GetBuffer(b, &view, PyBUF_SIMPLE)
        try:
            if not PyBuffer_IsContiguous(&view, b'C'):
                raise TypeError(
                    f"write() argument must be contiguous buffer, not {type(b).__name__}"
                )
            return self._write(<const char *>view.buf, view.len)
        finally:
            PyBuffer_Release(&view)

    @cython.final
    cdef Py_ssize_t _copy_bytes_run(self, object sequence, Py_ssize_t start) except -1
    cdef int _flush(self, bint whole_records_only=*) except -1
    cdef int _close(self) except -1
    cdef int _close_raw(self) except -1
