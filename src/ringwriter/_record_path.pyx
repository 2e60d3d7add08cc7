# cython: language_level=3, binding=True, auto_pickle=False
"""ringwriter._record_path: the logging handlers' per-record work, compiled.

``handle`` is ``logging.Handler.handle`` for ringwriter's handlers. For a file handler
whose ``emit``, ``format`` and ``filter`` are ringwriter's own, it runs the whole emit
here: format the record, hand the text to the file's TextWriter (which copies it into
the ring), apply the flush policy, with no Python frame in between. Anything else calls
the handler's own methods, so a subclass that overrides one still gets what it asked for.

``format_record`` is ``logging.Handler.format``. For an exact ``logging.Formatter`` with
a ``%``-style format and no defaults, the format string is parsed once into literal
text and fields (key, flags, width, precision, conversion); each record's fields are
read from its ``__dict__``; a plain ``%(key)s`` of a str takes the str itself, any other
field is formatted alone with its own conversion spec, which is what ``str % dict``
does field by field. ``%(asctime)s`` comes from a per-second cache. The steps and their
side effects are ``logging.Formatter.format``'s: ``record.message`` and
``record.asctime`` are set, ``exc_text`` is filled in, and the exceptions are the same
because the operations that raise are the same (``msg % args``, ``str()`` of the
message, the converter, ``strftime``). When a field cannot be rendered (a missing key, a
conversion the value refuses), the stdlib's ``formatMessage`` formats the record and
raises its own error. Any other formatter or style formats the record itself.
"""
from cpython.object cimport PyObject

from ringwriter._text cimport TextWriter

import logging
import math
import re
import sys
import time

from ringwriter import _stdlib_facts
from ringwriter._flusher import FLUSHER

cdef extern from "Python.h":
    PyObject *PyDict_GetItem(object mapping, object key)
    str PyUnicode_Format(object format, object args)
    str PyUnicode_Join(object separator, object seq)

cdef object _LogRecord = logging.LogRecord
cdef object _record_get_message = logging.LogRecord.getMessage
cdef object _Formatter = logging.Formatter
cdef object _PercentStyle = logging.PercentStyle
cdef object _stdlib_handle = logging.Handler.handle
cdef object _stdlib_filter = logging.Filterer.filter
cdef object _logging = logging
cdef object _time = time
cdef tuple _CACHEABLE_CONVERTERS = (time.localtime, time.gmtime)
# A Formatter's methods that format() calls: one set on an instance is the caller's
# choice of formatting, which the stdlib's own format() then honours.
cdef frozenset _FORMATTER_METHODS = frozenset({
    "format", "formatTime", "formatMessage", "usesTime", "formatException", "formatStack"})
cdef str _DEFAULT_MSEC_FORMAT = "%s,%03d"
# The stdlib's records carry whole milliseconds as floats: ",%03d" of each, made once.
cdef tuple _COMMA_MILLISECONDS = tuple([",%03d" % milliseconds for milliseconds in range(1000)])
cdef bint _HANDLE_RETURNS_RECORD = _stdlib_facts.handle_returns_record()

# One conversion of printf-style formatting with a mapping key, as str % dict reads it
# (flags, width, precision, an ignored length modifier, the conversion), or "%%". A key
# with parentheses in it (which % matches up in pairs) is left to the stdlib.
_CONVERSION = re.compile(
    r"%(?:\((?P<key>[^()]*)\)(?P<spec>[-+ #0]*[0-9]*(?:\.[0-9]*)?[hlL]?[diouxXeEfFgGcrsa])|(?P<percent>%))")


cdef class _Field:
    """One ``%(key)...`` of a format: the record attribute and the conversion to apply
    to it alone (None for a plain ``%(key)s``)."""
    cdef str key
    cdef str spec

    def __cinit__(self, str key, str spec):
        self.key = sys.intern(key)
        self.spec = None if spec == "s" else "%" + spec


cdef tuple _parse_percent_format(str fmt):
    """The literal text and fields of ``fmt``, or None when any ``%`` in it is not one of
    the conversions above (the stdlib then formats, and raises what it raises)."""
    cdef list segments = []
    cdef list literal = []
    cdef Py_ssize_t position = 0
    for match in _CONVERSION.finditer(fmt):
        between = fmt[position:match.start()]
        if "%" in between:
            return None
        literal.append(between)
        if match.group("percent") is not None:
            literal.append("%")
        else:
            if literal:
                segments.append("".join(literal))
                literal = []
            segments.append(_Field(match.group("key"), match.group("spec")))
        position = match.end()
    tail = fmt[position:]
    if "%" in tail:
        return None
    literal.append(tail)
    text = "".join(literal)
    if text:
        segments.append(text)
    return tuple(segments)


cdef class RecordFormatting:
    """``logging.Handler.format`` for one handler: the compiled form of its formatter's
    format, and the date and time of the second it last formatted."""

    # The formatter the fields below describe, and what was true of it then.
    cdef object _formatter
    cdef object _style
    cdef object _fmt
    cdef Py_ssize_t _formatter_attributes
    # The literal text and fields of the format; None when the formatter formats.
    cdef tuple _segments
    cdef bint _uses_time
    # The second [start, start + 1) last formatted, the settings it was formatted with,
    # and the text.
    cdef double _second_start
    cdef object _second_converter
    cdef object _second_datefmt
    cdef object _second_time_format
    cdef str _second_text

    def __cinit__(self):
        self._second_start = math.inf

    cdef int _compile(self, formatter) except -1:
        self._formatter = formatter
        self._segments = None
        attributes = formatter.__dict__
        self._formatter_attributes = len(attributes)
        style = self._style = getattr(formatter, "_style", None)
        self._fmt = getattr(style, "_fmt", None)
        if (type(formatter) is not _Formatter or type(style) is not _PercentStyle or type(self._fmt) is not str
                or style._defaults or not _FORMATTER_METHODS.isdisjoint(attributes)):
            return 0
        self._segments = _parse_percent_format(self._fmt)
        self._uses_time = "%(asctime)" in self._fmt  # PercentStyle.usesTime
        return 0

    cdef bint _compiled_for(self, formatter) except -1:
        """Whether the compiled form still describes ``formatter``: the same object, no
        attribute added to it, the same style and format string."""
        if formatter is not self._formatter:
            return False
        if len(formatter.__dict__) != self._formatter_attributes:
            return False
        style = self._style
        return formatter._style is style and (style is None or (style._fmt is self._fmt and not style._defaults))

    def format(self, handler, record):
        """``handler.format(record)`` as ``logging.Handler.format`` computes it."""
        return self._format(handler, record, None)

    cdef object _format(self, handler, record, object terminator):
        """The handler's text for ``record``; with ``terminator`` (a str) appended when
        it is not None."""
        formatter = handler.formatter or _logging._defaultFormatter
        if not self._compiled_for(formatter):
            self._compile(formatter)
        if self._segments is not None:
            return self._format_compiled(formatter, record, terminator)
        text = formatter.format(record)
        return text if terminator is None else text + terminator

    cdef str _format_compiled(self, formatter, record, object terminator):
        """``logging.Formatter.format`` for a compiled ``%`` format."""
        cdef dict values = record.__dict__
        cdef bint appended
        if type(record) is _LogRecord and type(record).getMessage is _record_get_message:
            values["message"] = _message(record, values)
            appended = values.get("exc_info") or values.get("exc_text") or values.get("stack_info")
        else:
            record.message = record.getMessage()
            appended = record.exc_info or record.exc_text or record.stack_info
        if self._uses_time:
            record.asctime = self._asctime(formatter, record)
        cdef list pieces
        try:
            pieces = self._render(values)
        except Exception:
            text = formatter.formatMessage(record)  # raises as the stdlib does
        else:
            if terminator is not None and not appended:
                pieces.append(terminator)
                return PyUnicode_Join("", pieces)
            text = PyUnicode_Join("", pieces)
        if appended:
            if record.exc_info and not record.exc_text:
                record.exc_text = formatter.formatException(record.exc_info)
            if record.exc_text:
                if text[-1:] != "\n":
                    text = text + "\n"
                text = text + record.exc_text
            if record.stack_info:
                if text[-1:] != "\n":
                    text = text + "\n"
                text = text + formatter.formatStack(record.stack_info)
        return text if terminator is None else text + terminator

    cdef list _render(self, dict values):
        """The pieces of ``fmt % values``: literals, and each field formatted alone."""
        cdef list pieces = []
        cdef PyObject *found
        cdef _Field field
        for segment in self._segments:
            if type(segment) is str:
                pieces.append(segment)
                continue
            field = <_Field>segment
            found = PyDict_GetItem(values, field.key)
            if found is NULL:
                raise KeyError(field.key)
            value = <object>found
            if field.spec is None:
                pieces.append(value if type(value) is str else str(value))
            else:
                pieces.append(PyUnicode_Format(field.spec, (value,)))
        return pieces

    cdef object _asctime(self, formatter, record):
        """``formatter.formatTime(record, formatter.datefmt)``, the strftime part kept
        for the rest of its second."""
        created = record.created
        converter = formatter.converter
        datefmt = formatter.datefmt
        time_format = formatter.default_time_format
        msec_format = formatter.default_msec_format
        cdef double seconds
        if (type(created) is float and converter is self._second_converter and datefmt is self._second_datefmt
                and time_format is self._second_time_format):
            seconds = created
            if self._second_start <= seconds < self._second_start + 1.0:
                text = self._second_text
            else:
                text = self._strftime(formatter, record, created, converter, datefmt, time_format)
        else:
            text = self._strftime(formatter, record, created, converter, datefmt, time_format)
        if text is None:
            return formatter.formatTime(record, datefmt)
        if datefmt or not msec_format:
            return text
        msecs = record.msecs
        if msec_format == _DEFAULT_MSEC_FORMAT and type(msecs) is float:
            seconds = msecs
            if 0.0 <= seconds < 1000.0 and seconds == <double><int>seconds:
                return text + <str>_COMMA_MILLISECONDS[<int>seconds]
        return msec_format % (text, msecs)

    cdef object _strftime(self, formatter, record, created, converter, datefmt, time_format):
        """The strftime part of the time, remembered for its second; None for a
        converter whose result may not hold for a second (the formatter formats)."""
        if converter not in _CACHEABLE_CONVERTERS:
            return None
        text = _time.strftime(datefmt or time_format, converter(created))
        if type(created) is float:
            self._second_start = math.floor(created)
            self._second_converter = converter
            self._second_datefmt = datefmt
            self._second_time_format = time_format
            self._second_text = text
        return text


cdef object _message(record, dict values):
    """``LogRecord.getMessage`` of an exact LogRecord, from its attributes."""
    cdef PyObject *msg = PyDict_GetItem(values, "msg")
    cdef PyObject *args = PyDict_GetItem(values, "args")
    if msg is NULL or args is NULL:
        return record.getMessage()  # raises the stdlib's AttributeError
    message = <object>msg if type(<object>msg) is str else str(<object>msg)
    if <object>args:
        message = message % <object>args
    return message


# The file handlers' emit, which handle() runs here for a handler that has not replaced it.
cdef object _file_emit = None


def run_emit_in_c_for(emit):
    """Tell ``handle`` which ``emit`` it may run here (the file handlers': their module
    defines it, with what it needs for the unusual cases)."""
    global _file_emit
    _file_emit = emit


cdef inline bint _is_own(handler, dict attributes, str name, function) except -1:
    """Whether ``handler.name`` is ``function``: not set on the instance, and the class's."""
    return PyDict_GetItem(attributes, name) is NULL and getattr(type(handler), name) is function


def handle(handler, record):
    """``logging.Handler.handle``: filter the record, then emit it under the handler's
    lock. With no filters, a file handler's own emit runs in C."""
    lock = handler.lock
    cdef dict attributes = handler.__dict__
    if lock is None or handler.filters or not _is_own(handler, attributes, "filter", _stdlib_filter):
        return _stdlib_handle(handler, record)
    lock.acquire()
    try:
        if _file_emit is not None and _is_own(handler, attributes, "emit", _file_emit):
            _emit_to_file(handler, attributes, record)
        else:
            handler.emit(record)
    finally:
        lock.release()
    return record if _HANDLE_RETURNS_RECORD else True


cdef int _emit_to_file(handler, dict attributes, record) except -1:
    """The file handlers' emit, for an open stream that does not rotate; otherwise the
    handler's own emit opens the file or rolls it over first."""
    stream = handler.stream
    if stream is None or handler._rotates:
        handler.emit(record)
        return 0
    try:
        _write(handler, attributes, stream, record)
    except RecursionError:
        raise
    except Exception:
        handler.handleError(record)
    return 0


def format_record(handler, record):
    """``logging.Handler.format``: the text the handler's formatter makes of ``record``
    (compiled for a plain ``logging.Formatter`` with a ``%``-style format)."""
    return (<RecordFormatting>handler._formatting)._format(handler, record, None)


def write_record(handler, record):
    """Write one formatted record to ``handler.stream``, then flush if its level asks
    (or make sure the background flusher will)."""
    _write(handler, handler.__dict__, handler.stream, record)


cdef int _write(handler, dict attributes, stream, record) except -1:
    terminator = handler.terminator
    if _is_own(handler, attributes, "format", format_record):
        text = (<RecordFormatting>handler._formatting)._format(
            handler, record, terminator if type(terminator) is str else None)
        if type(terminator) is not str:
            text = text + terminator
    else:
        text = handler.format(record) + terminator
    if type(stream) is TextWriter:
        (<TextWriter>stream)._write(text)
    else:
        stream.write(text)
    if at_flush_level(record, handler.flush_level):
        stream.flush()
    elif handler.scheduled_by != FLUSHER.generation:
        FLUSHER.ensure(handler, handler.flush_interval)
    return 0


cpdef bint at_flush_level(record, flush_level) except -1:
    """Whether ``record`` is at ``flush_level`` or above (a record without a level is not)."""
    try:
        return record.levelno >= flush_level
    except TypeError:
        return False  # a record made without a level (logging.makeLogRecord)
