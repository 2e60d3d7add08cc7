# ringwriter.TextWriter at the C level, for the compiled record path (_record_path.pyx)
# to hand it a formatted record without a Python method call.
cimport cython

from ringwriter._writer cimport BufferedWriter


cdef enum Codec:
    OTHER = 0
    UTF8 = 1
    ASCII = 2
    LATIN1 = 3


cdef class TextWriter:
    # None while ringwriter.open() defers it (see _wrapper_now); then its arguments are these.
    cdef object _wrapper
    cdef object _encoding
    cdef object _errors
    cdef object _mode
    # The ringwriter under the wrapper when write() may copy into its ring itself, else None.
    cdef BufferedWriter _ring_writer
    cdef Codec _codec
    cdef object _newline
    cdef bint _line_buffering
    cdef bint _write_through
    # Whether the wrapper was made write_through for the ring's sake (see the module).
    cdef bint _wrapper_writes_through_for_ring
    cdef bint _finalizing
    cdef dict __dict__
    cdef object __weakref__

    # __init__, for a caller in C that made the object with __new__ (ringwriter.open).
    cdef int _setup(self, buffer, encoding, errors, newline, line_buffering, write_through) except -1
    cdef int _set_mode(self, mode) except -1
    cdef object _wrapper_now(self)
    cdef object _wrapper_or_buffer(self)
    cdef int _check_open(self) except -1
    cdef int _adopt(self, wrapper, newline, write_through, bint plain) except -1
    cdef int _choose_path(self) except -1
    # write(s) without the method call: the characters written, as io.TextIOWrapper.write.
    # Final, so that write() calls them directly (no vtable) and the compiler may inline.
    @cython.final
    cdef object _write(self, object s)
    @cython.final
    cdef object _write_any(self, object s)
    @cython.final
    cdef int _copy_into_ring(self, object s) noexcept
    @cython.final
    cdef int _write_past_ring(self, str s) except -1
