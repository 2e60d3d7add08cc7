# cython: language_level=3, binding=True, auto_pickle=False
"""ringwriter._record_path: the logging handlers' per-record work, compiled.

``handle`` is ``logging.Handler.handle`` for ringwriter's handlers. For a handler whose
``emit``, ``format`` and ``filter`` are ringwriter's own, it runs the whole emit here:
format the record, hand the text to the file's TextWriter (which copies it into the
ring) or, for a StreamHandler over a descriptor, hold it with the others until the
policy flushes, with no Python frame in between. Anything else calls
the handler's own methods, so a subclass or an instance that replaces one still gets
what it asked for.

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
raises its own error. python-json-logger's JsonFormatter is rendered by
_json_format.pxi (included below). Any other formatter or style formats the record
itself.

Attributes are read from an object's ``__dict__`` when its class has no data descriptor
of that name (then the instance's value is what ``getattr`` returns), and what is true of
a class (its methods, its descriptors) is checked again only when the class changes:
CPython gives a class a new version tag whenever one of its attributes, or a base's,
is set or deleted.
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
    ctypedef struct PyTypeObject:
        unsigned int tp_version_tag
    str PyUnicode_Format(object format, object args)
    str PyUnicode_Join(object separator, object seq)
    dict PyObject_GenericGetDict(object instance, void *context)

cdef object _LogRecord = logging.LogRecord
cdef object _record_get_message = logging.LogRecord.getMessage
cdef object _Formatter = logging.Formatter
cdef object _PercentStyle = logging.PercentStyle
cdef object _stdlib_handle = logging.Handler.handle
cdef object _stdlib_filter = logging.Filterer.filter
cdef object _logging = logging
cdef object _time = time
cdef object _MISSING = object()
cdef tuple _CACHEABLE_CONVERTERS = (time.localtime, time.gmtime)
# The Formatter methods that Formatter.format calls.
cdef tuple _FORMATTER_METHODS = ("format", "formatTime", "formatMessage", "usesTime", "formatException",
                                 "formatStack")
cdef tuple _FORMATTER_ORIGINALS = tuple([getattr(logging.Formatter, name) for name in _FORMATTER_METHODS])
# What the compiled path reads of a handler, a formatter and a record.
cdef tuple _HANDLER_ATTRIBUTES = ("lock", "filters", "stream", "terminator", "formatter", "flush_level",
                                  "scheduled_by", "flush_interval", "_rotates", "_formatting", "_holds_records",
                                  "_held", "_held_characters", "buffer_size")
cdef tuple _FORMATTER_TIME_SETTINGS = ("converter", "default_time_format", "default_msec_format")
cdef tuple _FORMATTER_ATTRIBUTES = ("_style", "datefmt") + _FORMATTER_TIME_SETTINGS
cdef tuple _RECORD_ATTRIBUTES = ("msg", "args", "created", "msecs", "levelno", "exc_info", "exc_text",
                                 "stack_info", "message", "asctime")
cdef str _DEFAULT_MSEC_FORMAT = "%s,%03d"
# The stdlib's records carry whole milliseconds as floats: ",%03d" of each, made once.
cdef tuple _COMMA_MILLISECONDS = tuple([",%03d" % milliseconds for milliseconds in range(1000)])
cdef bint _HANDLE_RETURNS_RECORD = _stdlib_facts.handle_returns_record()

# One conversion of printf-style formatting with a mapping key, as str % dict reads it
# (flags, width, precision, an ignored length modifier, the conversion), or "%%". A key
# with parentheses in it (which % matches up in pairs) is left to the stdlib.
_CONVERSION = re.compile(
    r"%(?:\((?P<key>[^()]*)\)(?P<spec>[-+ #0]*[0-9]*(?:\.[0-9]*)?[hlL]?[diouxXeEfFgGcrsa])|(?P<percent>%))")


# -- classes, checked once per version ---------------------------------------------------

cdef inline unsigned int _version(cls) noexcept:
    return (<PyTypeObject *>cls).tp_version_tag


cdef bint _has_data_descriptor(cls, tuple names) except -1:
    """Whether ``cls`` has a data descriptor (which getattr prefers to the instance's
    dict) under one of ``names``."""
    for name in names:
        kind = type(getattr(cls, name, None))
        if hasattr(kind, "__set__") or hasattr(kind, "__delete__"):
            return True
    return False


cdef class _ClassFacts:
    """What is true of one class, valid while its version tag is unchanged (0: unknown)."""

    def __cinit__(self):
        self.values = {}

    cdef object cls
    cdef unsigned int version
    cdef bint plain   # no data descriptor over the attributes read from instance dicts
    cdef tuple methods
    cdef bint stdlib_methods  # the methods are the ones learn() was told to expect
    # The class's own values of those attributes that an instance reads as they are
    # (not descriptors: a function would be bound).
    cdef dict values

    cdef bint current(self, cls) noexcept:
        return cls is self.cls and self.version != 0 and _version(cls) == self.version

    cdef int learn(self, cls, tuple attributes, tuple method_names, tuple expected=None) except -1:
        self.cls = cls
        self.plain = not _has_data_descriptor(cls, attributes)
        self.values = {}
        for name in attributes:
            value = getattr(cls, name, _MISSING)
            if value is not _MISSING and not hasattr(type(value), "__get__"):
                self.values[name] = value
        self.methods = tuple([getattr(cls, name, None) for name in method_names])
        self.stdlib_methods = expected is not None and self.methods == expected
        self.version = _version(cls)  # after the lookups, which give the class a tag
        return 0


cdef _ClassFacts _record_class = _ClassFacts()
cdef _ClassFacts _NO_FACTS = _ClassFacts()  # nothing known: every attribute through getattr
cdef _ClassFacts _formatter_class = _ClassFacts()


cdef bint _plain_record(record, dict values) except -1:
    """An exact LogRecord whose class is the stdlib's as it was (attributes in its dict,
    getMessage the stdlib's) and that has no getMessage of its own."""
    cls = type(record)
    if cls is not _LogRecord:
        return False
    if not _record_class.current(cls):
        _record_class.learn(cls, _RECORD_ATTRIBUTES, ("getMessage",), (_record_get_message,))
    return _record_class.plain and _record_class.stdlib_methods and "getMessage" not in values


cdef bint _plain_formatter_class() except -1:
    """Whether logging.Formatter's methods and attributes are still the stdlib's."""
    if not _formatter_class.current(_Formatter):
        _formatter_class.learn(_Formatter, _FORMATTER_ATTRIBUTES, _FORMATTER_METHODS, _FORMATTER_ORIGINALS)
    return _formatter_class.plain and _formatter_class.stdlib_methods


cdef inline object _read(instance, dict attributes, _ClassFacts facts, str name):
    """``instance.name`` for an instance whose class (described by ``facts``) has no
    data descriptor ``name``: its own value, else its class's."""
    value = attributes.get(name, _MISSING)
    if value is _MISSING:
        value = facts.values.get(name, _MISSING)
        if value is _MISSING:
            return getattr(instance, name)
    return value


# -- the format, compiled ----------------------------------------------------------------

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
    """One handler's compiled record path: what it knows of the handler's class and
    lock, its formatter's format parsed into fields, and the date and time of the second
    (and the millisecond) it last formatted."""

    cdef _ClassFacts _handler_class
    cdef object _lock
    cdef object _acquire
    cdef object _release
    # The formatter the fields below describe, and what was true of it then.
    cdef object _formatter
    cdef object _style
    cdef object _fmt
    cdef Py_ssize_t _formatter_attributes
    cdef unsigned int _formatter_class_version
    # converter, default_time_format and default_msec_format, when the formatter takes
    # them from its class (None: it has one of its own, read at each record).
    cdef tuple _class_time_settings
    # Whether the handler's instance has its own filter, emit or format, as of when its
    # dict had _handler_attributes entries (an attribute set adds one).
    cdef Py_ssize_t _handler_attributes
    cdef bint _handler_overrides
    # The literal text and fields of the format; None when the formatter formats.
    cdef tuple _segments
    # What is known of the formatter when it is python-json-logger's JsonFormatter.
    cdef JsonFormatting _json
    cdef bint _uses_time
    # The second [start, start + 1) last formatted, the settings it was formatted with,
    # its strftime text, and the last millisecond's full text.
    cdef double _second_start
    cdef object _second_converter
    cdef object _second_datefmt
    cdef object _second_time_format
    cdef str _second_text
    cdef double _millisecond
    cdef object _millisecond_format
    cdef str _millisecond_text

    def __cinit__(self):
        self._handler_class = _ClassFacts()
        self._second_start = math.inf
        self._millisecond = -1.0

    cdef bint _handler_is_plain(self, handler) except -1:
        """Whether the handler's class reads its attributes from the instance and
        filters, formats and emits with ringwriter's methods."""
        cls = type(handler)
        if not self._handler_class.current(cls):
            self._handler_class.learn(cls, _HANDLER_ATTRIBUTES, ("filter", "format", "emit"))
        return self._handler_class.plain

    cdef bint _instance_overrides(self, dict attributes) except -1:
        """Whether the handler instance has its own filter, emit or format."""
        if len(attributes) != self._handler_attributes:
            self._handler_overrides = any([name in attributes for name in ("filter", "emit", "format")])
            self._handler_attributes = len(attributes)
        return self._handler_overrides

    # -- formatting ----------------------------------------------------------------------

    cdef int _compile(self, formatter) except -1:
        self._formatter = formatter
        self._segments = None
        self._json = None
        library = _recognised_json_library(formatter) if type(formatter) is not _Formatter else None
        if library is not None:
            self._json = JsonFormatting(library)
            return 0
        attributes = PyObject_GenericGetDict(formatter, NULL) if type(formatter) is _Formatter else {}
        self._formatter_attributes = len(attributes)
        style = self._style = getattr(formatter, "_style", None)
        self._fmt = getattr(style, "_fmt", None)
        if (type(formatter) is not _Formatter or type(style) is not _PercentStyle or type(self._fmt) is not str
                or style._defaults or any([name in attributes for name in _FORMATTER_METHODS])):
            return 0
        self._segments = _parse_percent_format(self._fmt)
        self._uses_time = "%(asctime)" in self._fmt  # PercentStyle.usesTime
        _plain_formatter_class()
        self._formatter_class_version = _formatter_class.version
        self._class_time_settings = None
        if not any([name in attributes for name in _FORMATTER_TIME_SETTINGS]):
            self._class_time_settings = tuple([getattr(_Formatter, name) for name in _FORMATTER_TIME_SETTINGS])
        return 0

    cdef dict _compiled_for(self, formatter):
        """The formatter's attributes when the compiled form still describes it (the
        same object, no attribute added, the same style and format string, the class
        unchanged), else None."""
        if formatter is not self._formatter or type(formatter) is not _Formatter:
            return None
        cdef dict attributes = PyObject_GenericGetDict(formatter, NULL)
        if (len(attributes) != self._formatter_attributes or not _plain_formatter_class()
                or _formatter_class.version != self._formatter_class_version):
            return None
        style = self._style
        if _read(formatter, attributes, _formatter_class, "_style") is not style:
            return None
        cdef dict style_attributes = PyObject_GenericGetDict(style, NULL)
        if style_attributes.get("_fmt") is not self._fmt or style_attributes.get("_defaults"):
            return None
        return attributes

    cdef object _format(self, handler, record, object terminator):
        """The handler's text for ``record``; with ``terminator`` (a str) appended when
        it is not None."""
        formatter = handler.formatter or _logging._defaultFormatter
        return self._format_with(formatter, record, terminator)

    cdef object _format_with(self, formatter, record, object terminator):
        if formatter is self._formatter and self._json is not None:
            return self._json.format(self, formatter, record, terminator)
        cdef dict attributes = self._compiled_for(formatter)
        if attributes is None:
            self._compile(formatter)
            if self._json is not None:
                return self._json.format(self, formatter, record, terminator)
            attributes = self._compiled_for(formatter)
        if self._segments is not None and attributes is not None:
            return self._format_compiled(formatter, attributes, record, terminator)
        text = formatter.format(record)
        return text if terminator is None else text + terminator

    cdef str _format_compiled(self, formatter, dict formatter_attributes, record, object terminator):
        """``logging.Formatter.format`` for a compiled ``%`` format."""
        cdef dict values = PyObject_GenericGetDict(record, NULL)
        cdef bint plain = _plain_record(record, values)
        if plain:
            values["message"] = _message(record, values)
        else:
            record.message = record.getMessage()
        if self._uses_time:
            asctime = self._asctime(formatter, formatter_attributes, _formatter_class, self._class_time_settings,
                                    record, values, plain)
            if plain:
                values["asctime"] = asctime
            else:
                record.asctime = asctime
        cdef bint appended
        if plain:
            appended = values.get("exc_info") or values.get("exc_text") or values.get("stack_info")
        else:
            appended = record.exc_info or record.exc_text or record.stack_info
        cdef list pieces = None
        try:
            pieces = self._render(values, None if appended else terminator)
        except Exception:
            pass  # formatted below by the stdlib, which raises its own error (with no context)
        if pieces is None:
            text = formatter.formatMessage(record)
        elif not appended:
            return PyUnicode_Join("", pieces)
        else:
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

    cdef list _render(self, dict values, object terminator):
        """The pieces of ``fmt % values`` (literals, and each field formatted alone),
        then ``terminator`` unless it is None."""
        cdef tuple segments = self._segments
        cdef Py_ssize_t count = len(segments)
        cdef list pieces = [None] * (count + (terminator is not None))
        cdef Py_ssize_t i
        cdef _Field field
        for i in range(count):
            segment = segments[i]
            if type(segment) is str:
                pieces[i] = segment
                continue
            field = <_Field>segment
            value = values.get(field.key, _MISSING)
            if value is _MISSING:
                raise KeyError(field.key)
            if field.spec is None:
                pieces[i] = value if type(value) is str else str(value)
            else:
                pieces[i] = PyUnicode_Format(field.spec, (value,))
        if terminator is not None:
            pieces[count] = terminator
        return pieces

    cdef object _asctime(self, formatter, dict attributes, _ClassFacts facts, tuple settings, record, dict values,
                         bint plain):
        """``formatter.formatTime(record, formatter.datefmt)`` for a formatter whose
        formatTime is logging.Formatter's and whose class ``facts`` describe, the
        strftime part kept for the rest of its second. ``settings``: the time settings
        of its class, or None to read them from the formatter."""
        created = values.get("created", _MISSING) if plain else _MISSING
        if created is _MISSING:
            created = record.created
        datefmt = _read(formatter, attributes, facts, "datefmt")
        if settings is None:
            settings = tuple([_read(formatter, attributes, facts, name) for name in _FORMATTER_TIME_SETTINGS])
        converter, time_format, msec_format = settings
        cdef double seconds
        text = None
        if (type(created) is float and converter is self._second_converter and datefmt is self._second_datefmt
                and time_format is self._second_time_format):
            seconds = created
            if self._second_start <= seconds < self._second_start + 1.0:
                text = self._second_text
        if text is None:
            text = self._strftime(created, converter, datefmt, time_format)
            if text is None:
                return formatter.formatTime(record, datefmt)
        if datefmt or not msec_format:
            return text
        msecs = values.get("msecs", _MISSING) if plain else _MISSING
        if msecs is _MISSING:
            msecs = record.msecs
        if type(msecs) is float and text is self._second_text:
            seconds = msecs
            if seconds == self._millisecond and msec_format is self._millisecond_format:
                return self._millisecond_text
            if msec_format == _DEFAULT_MSEC_FORMAT and 0.0 <= seconds < 1000.0 and seconds == <double><int>seconds:
                self._millisecond = seconds
                self._millisecond_format = msec_format
                self._millisecond_text = text + <str>_COMMA_MILLISECONDS[<int>seconds]
                return self._millisecond_text
        return msec_format % (text, msecs)

    cdef object _strftime(self, created, converter, datefmt, time_format):
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
            self._millisecond = -1.0
        return text

    # -- the handler -----------------------------------------------------------------------

    cdef int _acquire_lock(self, lock) except -1:
        if lock is not self._lock:
            self._acquire = lock.acquire
            self._release = lock.release
            self._lock = lock
        self._acquire()
        return 0


cdef object _message(record, dict values):
    """``LogRecord.getMessage`` of a plain LogRecord, from its attributes."""
    msg = values.get("msg", _MISSING)
    args = values.get("args", _MISSING)
    if msg is _MISSING or args is _MISSING:
        return record.getMessage()  # raises the stdlib's AttributeError
    message = msg if type(msg) is str else str(msg)
    if args:
        message = message % args
    return message


# The handlers' emit methods that handle() runs here for a handler that has not replaced
# them: the file handlers' and StreamHandler's.
cdef object _file_emit = None
cdef object _stream_emit = None


def run_emit_in_c_for(file_emit, stream_emit):
    """Tell ``handle`` which ``emit`` methods it may run here (the handlers module
    defines them, with what they need for the unusual cases)."""
    global _file_emit, _stream_emit
    _file_emit = file_emit
    _stream_emit = stream_emit


def handle(handler, record):
    """``logging.Handler.handle``: filter the record, then emit it under the handler's
    lock. With no filters, the handler's own emit runs in C."""
    cdef dict attributes = PyObject_GenericGetDict(handler, NULL)
    formatting = attributes.get("_formatting")
    if type(formatting) is not RecordFormatting or not (<RecordFormatting>formatting)._handler_is_plain(handler):
        return _stdlib_handle(handler, record)
    cdef RecordFormatting path = <RecordFormatting>formatting
    cdef _ClassFacts facts = path._handler_class
    cdef tuple methods = facts.methods
    lock = _read(handler, attributes, facts, "lock")
    if (lock is None or _read(handler, attributes, facts, "filters") or methods[0] is not _stdlib_filter
            or path._instance_overrides(attributes)):
        return _stdlib_handle(handler, record)
    path._acquire_lock(lock)
    try:
        if methods[2] is _file_emit:
            _emit_to_file(handler, attributes, path, record)
        elif methods[2] is _stream_emit:
            _emit(handler, attributes, path, _read(handler, attributes, facts, "stream"), record)
        else:
            handler.emit(record)
    finally:
        path._release()
    return record if _HANDLE_RETURNS_RECORD else True


cdef int _emit_to_file(handler, dict attributes, RecordFormatting path, record) except -1:
    """The file handlers' emit, for an open stream that does not rotate; otherwise the
    handler's own emit opens the file or rolls it over first."""
    cdef _ClassFacts facts = path._handler_class
    stream = _read(handler, attributes, facts, "stream")
    if stream is None or _read(handler, attributes, facts, "_rotates"):
        handler.emit(record)
        return 0
    return _emit(handler, attributes, path, stream, record)


cdef int _emit(handler, dict attributes, RecordFormatting path, stream, record) except -1:
    """Write (or hold) the record; a failure goes to ``handleError``, as in ``emit``."""
    try:
        _write(handler, attributes, path, stream, record)
    except RecursionError:
        raise
    except Exception:
        handler.handleError(record)
    return 0


def format_record(handler, record):
    """``logging.Handler.format``: the text the handler's formatter makes of ``record``
    (compiled for a plain ``logging.Formatter`` with a ``%``-style format, and for
    python-json-logger's JsonFormatter)."""
    return (<RecordFormatting>handler._formatting)._format(handler, record, None)


def write_record(handler, record):
    """Write one formatted record to ``handler.stream`` (or hold it, for a StreamHandler
    over a descriptor), then flush if its level asks (or make sure the background
    flusher will)."""
    cdef RecordFormatting path = <RecordFormatting>handler._formatting
    if path._handler_is_plain(handler):
        _write(handler, PyObject_GenericGetDict(handler, NULL), path, handler.stream, record)
    else:
        _write(handler, {}, path, handler.stream, record)  # every attribute through getattr


cdef int _write(handler, dict attributes, RecordFormatting path, stream, record) except -1:
    """``attributes``: the handler's, when its class is plain (else empty: getattr)."""
    cdef _ClassFacts facts = path._handler_class if attributes else _NO_FACTS
    terminator = _read(handler, attributes, facts, "terminator")
    if attributes and path._handler_class.methods[1] is format_record and not path._instance_overrides(attributes):
        formatter = _read(handler, attributes, facts, "formatter") or _logging._defaultFormatter
        text = path._format_with(formatter, record, terminator if type(terminator) is str else None)
        if type(terminator) is not str:
            text = text + terminator
    else:
        text = handler.format(record) + terminator
    if _read(handler, attributes, facts, "_holds_records"):
        return _hold(handler, attributes, facts, record, text)
    if type(stream) is TextWriter:
        (<TextWriter>stream)._write(text)
    else:
        stream.write(text)
    if at_flush_level(record, _read(handler, attributes, facts, "flush_level")):
        stream.flush()
    else:
        _ensure_interval_flush(handler, attributes, facts)
    return 0


cdef int _hold(handler, dict attributes, _ClassFacts facts, record, text) except -1:
    """StreamHandler's part: keep the record and its text; hand what is held to the
    stream when it reaches ``buffer_size`` characters or the record is at ``flush_level``
    (or make sure the background flusher will)."""
    (<list?>_read(handler, attributes, facts, "_held")).append((record, text))
    characters = _read(handler, attributes, facts, "_held_characters") + len(text)
    handler._held_characters = characters
    if (characters >= _read(handler, attributes, facts, "buffer_size")
            or at_flush_level(record, _read(handler, attributes, facts, "flush_level"))):
        handler._hand_over_held_records()
    else:
        _ensure_interval_flush(handler, attributes, facts)
    return 0


cdef inline int _ensure_interval_flush(handler, dict attributes, _ClassFacts facts) except -1:
    """Make sure the background flusher will flush ``handler`` within its interval."""
    if _read(handler, attributes, facts, "scheduled_by") != FLUSHER.generation:
        FLUSHER.ensure(handler, _read(handler, attributes, facts, "flush_interval"))
    return 0


cpdef bint at_flush_level(record, flush_level) except -1:
    """Whether ``record`` is at ``flush_level`` or above (a record without a level is not)."""
    levelno = record.levelno
    if type(levelno) is int and type(flush_level) is int:
        return levelno >= flush_level
    try:
        return levelno >= flush_level
    except TypeError:
        return False  # a record made without a level (logging.makeLogRecord)


include "_json_format.pxi"
