# cython: language_level=3, binding=False, auto_pickle=False
"""ringwriter._text: TextWriter, the write side of io.TextIOWrapper, encoding str
straight into a ringwriter.BufferedWriter's ring.

A TextWriter keeps an io.TextIOWrapper over the same buffer and hands it everything
but the common write: the stdlib's own code decides arguments, errors, encoders and BOMs,
newline translation, tell/seek cookies, reconfigure, detach and close. ``write(s)`` over
a ringwriter.BufferedWriter, for an encoding that encodes a string on its own (UTF-8,
ASCII, latin-1) and no newline translation, copies ``s`` into the writer's ring itself:
ASCII and latin-1 text as one memcpy from the string's storage, other text encoded to
UTF-8 in C from the string's 1-, 2- or 4-byte storage; a string larger than the room
left in the ring goes to the writer's own write (its storage, or its strict UTF-8 bytes),
which writes the ring and the string out together. Whatever only the codec can decide
(a lone surrogate, a character the codec cannot encode) and a closed or busy writer go
to the wrapper, which encodes with the codec and calls ``buffer.write``: the bytes are
the same either way.

For that to keep its order with the fast path, the wrapper over a ringwriter passes
each write to the buffer at once (write_through), where io.TextIOWrapper without
write_through would first gather up to 8 KiB: the bytes are in the writer's ring a
little earlier, which ``buffer.tell()`` and ``buffer.pending`` show. Over any other
buffer the wrapper is exactly what the caller asked for, and makes the stdlib's calls.

A TextWriter that ringwriter.open() makes over its own writer, with arguments the
wrapper takes without a word (see _encoding_without_wrapper), makes the wrapper only
when something other than writing, flushing and closing needs it: the wrapper's
__init__ (codec and encoder objects, ``buffer.seekable()`` and ``buffer.tell()``, two
lseek calls) costs more than the rest of opening, writing and closing a small file.
What the TextWriter answers meanwhile is what the wrapper would answer over that buffer.
"""
cimport cython
from cpython.tuple cimport PyTuple_GET_ITEM
from libc.string cimport memchr, memcpy

from ringwriter._sysdep cimport drop_empty_dict, instance_sets
from ringwriter._ring cimport Ring
from ringwriter._writer cimport BufferedWriter, finalize_like_stdlib, type_name

import _locale
import _thread
import codecs
import io
import os
import sys

from ringwriter._writer import reduce_like_stdlib, refuse_state_like_stdlib

cdef extern from "Python.h":
    int PyUnicode_KIND(object s)
    void *PyUnicode_DATA(object s)
    Py_ssize_t PyUnicode_GET_LENGTH(object s)
    bint PyUnicode_IS_ASCII(object s)
    Py_UCS4 PyUnicode_MAX_CHAR_VALUE(object s)
    int PyUnicode_1BYTE_KIND
    int PyUnicode_2BYTE_KIND
    int PyUnicode_4BYTE_KIND
    ctypedef unsigned char Py_UCS1
    ctypedef unsigned short Py_UCS2
    ctypedef unsigned int UCS4Unit "Py_UCS4"  # Cython's own Py_UCS4 is a character type
    bytes PyUnicode_AsUTF8String(object s)
    Py_ssize_t PyUnicode_FindChar(object s, Py_UCS4 ch, Py_ssize_t start, Py_ssize_t end, int direction) except -2

# What _copy_into_ring did with a text.
cdef enum:
    TO_WRAPPER = 0
    WRITTEN = 1
    NO_ROOM = 2

cdef dict _CODECS = {"utf-8": UTF8, "ascii": ASCII, "iso8859-1": LATIN1}
# The usual spellings of those encodings, looked up once: the encodings package's search
# function, which the registry always asks first, answers for each, so what they name
# cannot change; any other name is looked up at each choice.
cdef dict _SPELLED = {
    spelling: _CODECS[codecs.lookup(spelling).name]
    for spelling in ("utf-8", "UTF-8", "utf8", "UTF8", "ascii", "us-ascii", "latin-1", "latin1", "iso8859-1",
                     "iso-8859-1", "ISO-8859-1")
}
# io.TextIOWrapper (the C one) translates "\n" on output by its compile-time line
# separator, not by os.linesep at run time.
cdef bint _TRANSLATES_BY_DEFAULT = os.linesep != "\n"
cdef object _TextIOWrapper = io.TextIOWrapper
# How io.TextIOWrapper resolves encoding=None from 3.11 on: "utf-8" in UTF-8 mode, else
# the locale's encoding as _locale.getencoding() gives it (both call
# _Py_GetLocaleEncodingObject); with -X warn_default_encoding it also warns. 3.10 asks
# os.device_encoding(buffer.fileno()) first, so there the wrapper resolves it.
cdef object _locale_encoding = getattr(_locale, "getencoding", None)
cdef bint _UTF8_MODE = sys.flags.utf8_mode
cdef bint _WARNS_DEFAULT_ENCODING = getattr(sys.flags, "warn_default_encoding", False)
# The error handlers every CPython registers, which io.TextIOWrapper takes even where it
# looks the name up (-X dev).
cdef frozenset _BUILTIN_ERROR_HANDLERS = frozenset({
    "strict", "ignore", "replace", "backslashreplace", "surrogateescape", "surrogatepass", "xmlcharrefreplace",
    "namereplace",
})
# No mode set on a TextWriter whose wrapper is deferred (any object, None included, may be one).
cdef object _NO_MODE = object()
# Held while a deferred wrapper is made, which runs Python code (the codec's incremental
# encoder), so that another thread waits for it rather than making a second one; a
# signal handler or finalizer of the same thread may still make one meanwhile.
cdef object _MAKING_WRAPPER = _thread.RLock()
cdef enum:
    # Texts up to this long are copied byte by byte, where calling memcpy costs more.
    _SHORT_TEXT = 8
    # write() returns lengths below this from a table: the same objects as CPython's
    # small ints, without a call to PyLong_FromSsize_t for each write.
    _SHORT_LENGTHS = 257
cdef tuple _SHORT_LENGTH_OBJECTS = tuple(range(_SHORT_LENGTHS))


ctypedef fused CodePoint:
    Py_UCS1
    Py_UCS2
    UCS4Unit


cdef Py_ssize_t _utf8_encode_units(const CodePoint *data, Py_ssize_t length, unsigned char *out) noexcept nogil:
    """Encode ``length`` code points to UTF-8 at ``out`` (room for the worst case): the
    bytes written, or -1 at a surrogate, which only a codec's error handler may decide
    about. One loop per storage width, as CPython's ucs1lib/ucs2lib/ucs4lib encoders: a
    1-byte string has neither surrogates nor 3- and 4-byte sequences."""
    cdef Py_ssize_t i
    cdef unsigned int c
    cdef unsigned char *o = out
    for i in range(length):
        c = data[i]
        if c < 0x80:
            o[0] = <unsigned char>c
            o += 1
        elif CodePoint is Py_UCS1 or c < 0x800:
            o[0] = <unsigned char>(0xC0 | (c >> 6))
            o[1] = <unsigned char>(0x80 | (c & 0x3F))
            o += 2
        elif CodePoint is Py_UCS2 or c < 0x10000:
            if 0xD800 <= c <= 0xDFFF:
                return -1
            o[0] = <unsigned char>(0xE0 | (c >> 12))
            o[1] = <unsigned char>(0x80 | ((c >> 6) & 0x3F))
            o[2] = <unsigned char>(0x80 | (c & 0x3F))
            o += 3
        else:
            o[0] = <unsigned char>(0xF0 | (c >> 18))
            o[1] = <unsigned char>(0x80 | ((c >> 12) & 0x3F))
            o[2] = <unsigned char>(0x80 | ((c >> 6) & 0x3F))
            o[3] = <unsigned char>(0x80 | (c & 0x3F))
            o += 4
    return o - out


cdef Py_ssize_t _utf8_encode(const void *data, int kind, Py_ssize_t length, char *out) noexcept nogil:
    """``_utf8_encode_units`` for a string's storage of the given kind."""
    if kind == PyUnicode_1BYTE_KIND:
        return _utf8_encode_units(<const Py_UCS1 *>data, length, <unsigned char *>out)
    if kind == PyUnicode_2BYTE_KIND:
        return _utf8_encode_units(<const Py_UCS2 *>data, length, <unsigned char *>out)
    return _utf8_encode_units(<const UCS4Unit *>data, length, <unsigned char *>out)


cdef bint _needs_line_flush(str s) except -1:
    """line_buffering flushes when the text has a newline or a carriage return."""
    cdef Py_ssize_t length = PyUnicode_GET_LENGTH(s)
    if PyUnicode_KIND(s) == PyUnicode_1BYTE_KIND:
        return memchr(PyUnicode_DATA(s), 10, length) != NULL or memchr(PyUnicode_DATA(s), 13, length) != NULL
    return PyUnicode_FindChar(s, 10, 0, length, 1) >= 0 or PyUnicode_FindChar(s, 13, 0, length, 1) >= 0


cdef inline object _length_object(Py_ssize_t length):
    """``length`` as an int."""
    if length < _SHORT_LENGTHS:
        return <object>PyTuple_GET_ITEM(_SHORT_LENGTH_OBJECTS, length)
    return length


cdef inline bint _is_one_byte_text(object s, Codec codec) noexcept:
    """Whether the str ``s`` is its own encoding: ASCII, or latin-1 text for latin-1."""
    return PyUnicode_IS_ASCII(s) or (codec == LATIN1 and PyUnicode_KIND(s) == PyUnicode_1BYTE_KIND)


cdef inline Py_ssize_t _free_run(TextWriter text, char **free_start) noexcept:
    """The bytes that may be written at ``*free_start``, right after the pending ones in
    the ring of ``text``'s writer, up to the ring's end or its head (after a flush the
    ring starts over at its beginning, so this is nearly always all of the free space):
    what is copied or encoded there needs no wrapping."""
    cdef Ring *ring = &text._ring_writer._ring
    cdef Py_ssize_t tail = ring.head + ring.count
    cdef Py_ssize_t room = text._ring_writer._room()
    if tail >= ring.size:
        tail -= ring.size
    elif ring.size - tail < room:
        room = ring.size - tail
    free_start[0] = ring.data + tail
    return min(room, text._ring_writer._buffered_limit)


cdef inline bint _copy_one_byte_text(TextWriter text, object s) noexcept:
    """Copy the str ``s`` into the ring of ``text``'s writer when it is its own encoding
    and fits there now, with no lock to take (whether it was). The writer is reached
    through ``text`` rather than a local, which would take a reference."""
    cdef Py_ssize_t length = PyUnicode_GET_LENGTH(s)
    cdef const char *data
    cdef char *free_start
    cdef Py_ssize_t i
    if (not (_is_one_byte_text(s, text._codec) and text._ring_writer._idle_on_open_fd())
            or length > _free_run(text, &free_start)):
        return False
    data = <const char *>PyUnicode_DATA(s)
    if length <= _SHORT_TEXT:  # print's "\n", a separator: no call to memcpy
        for i in range(length):
            free_start[i] = data[i]
    else:
        memcpy(free_start, data, length)
    text._ring_writer._extend(length)
    text._ring_writer._write_calls += 1
    return True


cdef class TextWriter:
    """TextWriter(buffer, encoding=None, errors=None, newline=None, line_buffering=False, write_through=False)

    The write side of ``io.TextIOWrapper``, interchangeable with it for writing: the
    same arguments, attributes, methods, return values, exceptions and bytes. Over a
    ``ringwriter.BufferedWriter`` the common ``write`` encodes straight into the
    writer's buffer; reading methods raise ``io.UnsupportedOperation``.
    """

    def __cinit__(self):
        drop_empty_dict(self)

    def __init__(self, *args, **kwargs):
        # io.TextIOWrapper parses the arguments, so that they are taken and refused
        # exactly as the running stdlib does; its errors name this class, as its own
        # name io.TextIOWrapper.
        try:
            wrapper = _TextIOWrapper(*args, **kwargs)
        except TypeError as error:
            message = str(error)
            if "TextIOWrapper()" not in message:
                raise
            raise TypeError(message.replace("TextIOWrapper()", f"{type(self).__name__}()")) from None
        write_through = wrapper.write_through
        plain = _is_plain_ringwriter(wrapper.buffer)
        if plain and not write_through:
            wrapper.reconfigure(write_through=True)
        self._adopt(wrapper, args[3] if len(args) > 3 else kwargs.get("newline"), write_through, plain)

    cdef int _setup(self, buffer, encoding, errors, newline, line_buffering, write_through) except -1:
        cdef bint plain = _is_plain_ringwriter(buffer)
        deferred_encoding = (_encoding_without_wrapper(encoding, errors, newline)
                             if type(buffer) is BufferedWriter and not write_through else None)
        if deferred_encoding is not None:
            self._encoding = deferred_encoding
            self._errors = errors
            self._mode = _NO_MODE
            self._wrapper_writes_through_for_ring = True
            self._newline = newline
            self._line_buffering = line_buffering
            self._codec = _SPELLED[deferred_encoding]
            self._ring_writer = buffer
            return 0
        wrapper = _TextIOWrapper(buffer, encoding, errors, newline, line_buffering, True if plain else write_through)
        return self._adopt(wrapper, newline, write_through, plain)

    cdef object _wrapper_now(self):
        """The io.TextIOWrapper that answers everything but the common write, made now
        if _setup deferred it, as it would have been made then."""
        if self._wrapper is None:
            with _MAKING_WRAPPER:
                if self._wrapper is None:
                    wrapper = _wrapper_over(self._ring_writer, self._encoding, self._errors, self._newline,
                                            self._line_buffering)
                    if self._wrapper is not None:
                        # Made meanwhile by a signal handler or finalizer: this one must
                        # not close the buffer when it is dropped.
                        wrapper.detach()
                    else:
                        if self._mode is not _NO_MODE:
                            wrapper.mode = self._mode
                        self._mode = _NO_MODE
                        self._wrapper = wrapper
        return self._wrapper

    cdef int _check_open(self) except -1:
        """io.TextIOWrapper._checkClosed(): ValueError once the buffer is closed."""
        if self._wrapper is not None:
            self._wrapper._checkClosed()
        elif _buffer_closed(self._ring_writer):
            raise ValueError("I/O operation on closed file.")
        return 0

    cdef object _wrapper_or_buffer(self):
        """What answers the questions io.TextIOWrapper passes on to its buffer (its
        name, fileno() and the like): the buffer itself while the wrapper is deferred."""
        return self._ring_writer if self._wrapper is None else self._wrapper

    cdef int _set_mode(self, mode) except -1:
        if self._wrapper is None:
            self._mode = mode
        else:
            self._wrapper.mode = mode
        return 0

    cdef int _adopt(self, wrapper, newline, write_through, bint plain) except -1:
        """Take ``wrapper`` (made write-through for the ring's sake when ``plain``)."""
        self._wrapper = wrapper
        self._wrapper_writes_through_for_ring = plain
        self._write_through = bool(write_through)
        self._newline = newline
        self._choose_path()
        return 0

    cdef int _choose_path(self) except -1:
        """Whether write() may copy into the ring, after __init__ or reconfigure()."""
        wrapper = self._wrapper
        self._line_buffering = wrapper.line_buffering
        self._codec = OTHER
        # The ring's writer is the wrapper's buffer (even when the wrapper was made over a
        # _ClosedBuffer in front of it).
        buffer = self._ring_writer if self._ring_writer is not None else wrapper.buffer
        self._ring_writer = None
        newline = self._newline
        translates = newline in ("\r", "\r\n") or (newline is None and _TRANSLATES_BY_DEFAULT)
        if translates:
            return 0
        if not _is_plain_ringwriter(buffer):
            return 0
        encoding = wrapper.encoding
        codec = _SPELLED.get(encoding)
        if codec is None:
            try:
                codec = _CODECS.get(codecs.lookup(encoding).name, OTHER)
            except LookupError:
                return 0
        self._codec = codec
        if self._codec != OTHER:
            self._ring_writer = buffer
        return 0

    # -- writing ---------------------------------------------------------------------

    @cython.always_allow_keywords(False)
    def write(self, s):
        """Write the str ``s``; return its length in characters."""
        return self._write(s)

    @cython.final
    cdef object _write(self, object s):
        # The common write, kept small (the rest is _write_any's): ASCII or latin-1
        # text that fits, with no line to flush.
        if (self._ring_writer is not None and type(s) is str and not self._line_buffering
                and _copy_one_byte_text(self, s)):
            return _length_object(PyUnicode_GET_LENGTH(s))
        return self._write_any(s)

    @cython.final
    cdef object _write_any(self, object s):
        cdef int outcome
        if self._ring_writer is not None and type(s) is str:
            outcome = self._copy_into_ring(s)
            if outcome == NO_ROOM:
                outcome = self._write_past_ring(s)
            if outcome == WRITTEN:
                if self._line_buffering and _needs_line_flush(s):
                    self._ring_writer.flush()
                return PyUnicode_GET_LENGTH(s)
        return self._wrapper_now().write(s)

    @cython.final
    cdef int _write_past_ring(self, str s) except -1:
        """A text the ring has no room for, handed to the writer as the wrapper would
        hand it (the writer writes its pending bytes and these out together), without
        the wrapper: WRITTEN, or TO_WRAPPER when only the codec's error handler can
        decide (a lone surrogate)."""
        cdef BufferedWriter writer = self._ring_writer
        if PyUnicode_IS_ASCII(s) or (self._codec == LATIN1 and PyUnicode_KIND(s) == PyUnicode_1BYTE_KIND):
            writer._write(<const char *>PyUnicode_DATA(s), PyUnicode_GET_LENGTH(s))  # s keeps its storage alive
            return WRITTEN
        try:
            encoded = PyUnicode_AsUTF8String(s)
        except UnicodeEncodeError:
            return TO_WRAPPER
        writer._write_object(encoded)
        return WRITTEN

    @cython.final
    cdef int _copy_into_ring(self, object s) noexcept:
        """Copy or encode the str ``s`` into the ring when it can take it whole right
        now, with no lock to take and no Python code to run: WRITTEN; NO_ROOM when only
        room is missing; TO_WRAPPER for what the wrapper must decide (a closed or busy
        writer, a text the codec may refuse)."""
        cdef Py_ssize_t length = PyUnicode_GET_LENGTH(s)
        cdef Py_ssize_t room, written
        cdef char *free_start
        cdef int kind
        if _copy_one_byte_text(self, s):
            return WRITTEN
        if not self._ring_writer._idle_on_open_fd():
            return TO_WRAPPER
        room = _free_run(self, &free_start)
        if _is_one_byte_text(s, self._codec):
            return NO_ROOM
        if self._codec == UTF8:
            kind = PyUnicode_KIND(s)
            if length * (kind + 1 if kind < 4 else 4) > room:
                return NO_ROOM
            written = _utf8_encode(PyUnicode_DATA(s), kind, length, free_start)
            if written < 0:
                return TO_WRAPPER
            self._ring_writer._extend(written)
        else:
            return TO_WRAPPER
        self._ring_writer._write_calls += 1
        return WRITTEN

    def writelines(self, lines):
        """Write every str of ``lines``, in order, as ``write`` would."""
        self._check_open()
        for line in lines:
            self.write(line)

    def flush(self):
        """Hand everything written to the buffer and flush it."""
        if self._wrapper is None:
            # The wrapper's flush: it holds nothing (it writes through).
            self._check_open()
            return _call_buffer(self._ring_writer, "flush")
        return self._wrapper.flush()

    def close(self):
        """Flush, then close the buffer, even if the flush failed; a failing close
        raises with the flush's error as its context (io.TextIOWrapper.close)."""
        cdef BufferedWriter ring_writer = self._ring_writer
        if ring_writer is not None:
            # The wrapper's buffer (detach() lets go of it), asked directly.
            if _buffer_closed(ring_writer):
                return
            buffer = ring_writer
        else:
            if self._wrapper.closed:  # raises as the stdlib does once detached
                return
            buffer = self._wrapper.buffer
        if self._finalizing:
            try:
                buffer._dealloc_warn(self)
            except Exception:
                pass
        # The stdlib calls both through their objects; an exact class's own are called here
        # without the method lookup.
        try:
            if type(self) is not TextWriter or instance_sets(self, "flush"):
                self.flush()
            elif ring_writer is not None:
                # The wrapper's flush, which holds nothing (it writes through): the
                # buffer's, as the wrapper calls it, once the buffer is known open.
                _call_buffer(ring_writer, "flush")
            else:
                self._wrapper.flush()
        except BaseException:
            _call_buffer(buffer, "close")  # its own error, if any, carries the flush's as context
            raise
        _call_buffer(buffer, "close")

    def detach(self):
        """Flush, then return the buffer; the TextWriter is unusable afterwards."""
        buffer = self._wrapper_now().detach()
        self._ring_writer = None
        return buffer

    def reconfigure(self, *, encoding=None, errors=None, newline=Ellipsis, line_buffering=None,
                    write_through=None):
        """Change the encoding, errors, newline, line_buffering or write_through, as
        io.TextIOWrapper.reconfigure does (with its checks and errors)."""
        arguments = {"encoding": encoding, "errors": errors, "line_buffering": line_buffering}
        if newline is not Ellipsis:
            arguments["newline"] = newline
        if write_through is not None and not self._wrapper_writes_through_for_ring:
            arguments["write_through"] = write_through
        try:
            result = self._wrapper_now().reconfigure(**arguments)
        except LookupError:
            # io.TextIOWrapper takes the new newline before it looks the codec up, and
            # keeps it when the lookup fails.
            if newline is not Ellipsis:
                self._newline = newline
                self._choose_path()
            raise
        if write_through is not None:
            self._write_through = bool(write_through)
        if newline is not Ellipsis:
            self._newline = newline
        self._choose_path()
        return result

    # -- what the wrapper answers ------------------------------------------------------

    def tell(self):
        """The position, as an opaque cookie (a byte offset for these encodings)."""
        return self._wrapper_now().tell()

    def seek(self, cookie, whence=0):
        """Flush, then move to ``cookie`` (a value tell() returned), as io.TextIOWrapper."""
        return self._wrapper_now().seek(cookie, whence)

    def truncate(self, pos=None):
        """Flush, then truncate the buffer at ``pos`` (default: the position)."""
        return self._wrapper_now().truncate(pos)

    def fileno(self):
        """The buffer's file descriptor."""
        return self._wrapper_or_buffer().fileno()

    def isatty(self):
        """Whether the buffer is a terminal."""
        return self._wrapper_or_buffer().isatty()

    def readable(self):
        """False: a TextWriter only writes (raising what the stdlib's raises: once
        detached, or when the buffer refuses the question)."""
        self._wrapper_or_buffer().readable()
        return False

    def writable(self):
        """Whether the buffer is writable."""
        return self._wrapper_or_buffer().writable()

    def seekable(self):
        """Whether the buffer supports seek()."""
        return self._wrapper_or_buffer().seekable()

    def read(self, size=-1):
        """Not supported: raises io.UnsupportedOperation."""
        return self._wrapper_now().read(size)

    def readline(self, size=-1):
        """Not supported: raises io.UnsupportedOperation."""
        return self._wrapper_now().readline(size)

    def readlines(self, hint=-1):
        """Not supported: raises io.UnsupportedOperation."""
        return self._wrapper_now().readlines(hint)

    def __iter__(self):
        self._wrapper_now().__iter__()  # raises as the stdlib does once closed
        return self

    def __next__(self):
        return self._wrapper_now().__next__()

    def __enter__(self):
        self._check_open()
        return self

    def __exit__(self, *args):
        self.close()

    @property
    def buffer(self):
        """The binary buffer under the text."""
        if self._ring_writer is not None:
            return self._ring_writer
        return self._wrapper.buffer

    @property
    def closed(self):
        """Whether the buffer is closed."""
        if self._ring_writer is not None:
            return _buffer_closed(self._ring_writer)
        return self._wrapper.closed

    @property
    def name(self):
        """The buffer's name."""
        return self._wrapper_or_buffer().name

    @property
    def encoding(self):
        """The encoding, as the caller spelled it."""
        return self._encoding if self._wrapper is None else self._wrapper.encoding

    @property
    def errors(self):
        """The encoding error handler's name."""
        if self._wrapper is None:
            return "strict" if self._errors is None else self._errors
        return self._wrapper.errors

    @property
    def newlines(self):
        """None: only reading records the newlines seen."""
        return None if self._wrapper is None else self._wrapper.newlines

    @property
    def line_buffering(self):
        """Whether a write with a newline or carriage return flushes."""
        return self._line_buffering if self._wrapper is None else self._wrapper.line_buffering

    @property
    def write_through(self):
        """Whether each write reaches the buffer at once (always so, in effect, over a
        ringwriter: see the module's documentation)."""
        return self._write_through if self._wrapper_writes_through_for_ring else self._wrapper.write_through

    @property
    def mode(self):
        """The mode open() gave: set, read and deleted as io.TextIOWrapper's instance
        attribute (it is kept on the wrapper)."""
        if self._wrapper is None and self._mode is not _NO_MODE:
            return self._mode
        wrapper = self._wrapper_now()
        try:
            return wrapper.mode
        except AttributeError as error:
            raise _attribute_error_of(self, wrapper, error) from None

    @mode.setter
    def mode(self, value):
        self._set_mode(value)

    @mode.deleter
    def mode(self):
        if self._wrapper is None and self._mode is not _NO_MODE:
            self._mode = _NO_MODE
            return
        wrapper = self._wrapper_now()
        try:
            del wrapper.mode
        except AttributeError as error:
            raise _attribute_error_of(self, wrapper, error) from None

    @property
    def _CHUNK_SIZE(self):
        return self._wrapper_now()._CHUNK_SIZE

    @_CHUNK_SIZE.setter
    def _CHUNK_SIZE(self, value):
        self._wrapper_now()._CHUNK_SIZE = value

    @property
    def _finalizing(self):
        return self._finalizing

    @_finalizing.setter
    def _finalizing(self, value):
        self._finalizing = bool(value)

    def _dealloc_warn(self, source):
        self._wrapper_now()._dealloc_warn(source)

    def __repr__(self):
        return repr(self._wrapper_now()).replace("<_io.TextIOWrapper", f"<{type_name(self)}", 1)

    def __reduce_ex__(self, protocol):
        return reduce_like_stdlib(self, protocol)

    def __getstate__(self):
        refuse_state_like_stdlib(self)

    def __del__(self):
        if self._wrapper is not None or self._ring_writer is not None:
            finalize_like_stdlib(self)


cdef object _attribute_error_of(object text, object wrapper, error):
    """The AttributeError ``wrapper`` raised about an attribute it keeps for ``text``, as
    the stdlib raises it about its own: naming ``text``'s class, with ``text`` as its
    object."""
    message = str(error).replace(f"'{type_name(wrapper)}'", f"'{type_name(text)}'", 1)
    return AttributeError(message, name=error.name, obj=text if error.obj is wrapper else error.obj)


cdef object _buffer_closed(BufferedWriter buffer):
    """``buffer.closed``; for an exact ringwriter, without the attribute lookup (an
    instance cannot replace a property)."""
    if type(buffer) is BufferedWriter:
        buffer._check_usable()
        return buffer._raw_closed()
    return buffer.closed


cdef object _call_buffer(object buffer, str method):
    """``buffer.flush()`` or ``buffer.close()`` (``method``), and what it returned; for an
    exact ringwriter whose instance does not replace it, the writer's own, without the
    method lookup."""
    if type(buffer) is not BufferedWriter or instance_sets(buffer, method):
        return getattr(buffer, method)()
    if method == "close":
        (<BufferedWriter>buffer)._close()
    else:
        (<BufferedWriter>buffer)._flush()
    return None


cdef object _encoding_without_wrapper(encoding, errors, newline):
    """The encoding io.TextIOWrapper would take from these arguments, when it would take
    them without a word (no lookup that may fail or run Python code, no warning) and
    they leave TextWriter.write encoding on its own (a codec of _SPELLED, no newline
    translation); else None."""
    if not (errors is None or (type(errors) is str and errors in _BUILTIN_ERROR_HANDLERS)):
        return None
    if not ((newline is None and not _TRANSLATES_BY_DEFAULT) or (type(newline) is str and newline in ("", "\n"))):
        return None
    if encoding is None:
        if _locale_encoding is None or _WARNS_DEFAULT_ENCODING:
            return None
        encoding = "utf-8" if _UTF8_MODE else _locale_encoding()
    elif type(encoding) is not str:
        return None
    return encoding if encoding in _SPELLED else None


cdef object _wrapper_over(BufferedWriter buffer, encoding, errors, newline, bint line_buffering):
    """The io.TextIOWrapper that ringwriter.open() defers (write-through: see the module).
    A closed or detached buffer cannot have one made over it (its __init__ asks
    readable() and the like, which raise): then the wrapper is made over a _ClosedBuffer
    in front of it, so that what it raises from then on is still the stdlib's."""
    try:
        return _TextIOWrapper(buffer, encoding, errors, newline, line_buffering, True)
    except Exception:
        if _is_open(buffer):
            raise
    stand_in = _ClosedBuffer(buffer)
    wrapper = _TextIOWrapper(stand_in, encoding, errors, newline, line_buffering, True)
    stand_in._answering_wrapper_init = False
    return wrapper


cdef bint _is_open(object buffer):
    try:
        return not buffer.closed
    except Exception:
        return False


def _answer_false():
    return False


def _answer_true():
    return True


@cython.final
cdef class _ClosedBuffer:
    """A closed or detached buffer, for io.TextIOWrapper's __init__: writable, neither
    readable nor seekable (so that no tell() is asked, which would raise; a wrapper over
    a closed buffer asks ``closed`` before it uses what seekable() said). Everything
    else, during __init__ and after, is the buffer's own."""
    cdef object _buffer
    cdef bint _answering_wrapper_init

    def __cinit__(self, buffer):
        self._buffer = buffer
        self._answering_wrapper_init = True

    def __getattribute__(self, name):
        if self._answering_wrapper_init:
            if name == "readable" or name == "seekable":
                return _answer_false
            if name == "writable":
                return _answer_true
        return getattr(self._buffer, name)


cdef bint _is_plain_ringwriter(object buffer):
    """A ringwriter.BufferedWriter whose write() is ringwriter's (subclasses that only
    add to flush(), such as CoalescingWriter, included)."""
    return type(buffer) is BufferedWriter or (isinstance(buffer, BufferedWriter)
                                              and type(buffer).write is BufferedWriter.write)


io.TextIOBase.register(TextWriter)
