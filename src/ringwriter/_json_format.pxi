# Included by _record_path.pyx: python-json-logger's JsonFormatter, compiled.
#
# ``JsonFormatter.format`` makes a dict of the record (``add_fields``) and hands it to
# ``json.dumps(..., cls=JsonEncoder)``. Here the same dict is built by the same steps,
# and encoded by an encoder that writes what CPython's ``_json.c`` writes (and its
# pure-Python twin, for an indent): the same escapes, ``float.__repr__``, ``int.__repr__``,
# NaN/Infinity, ``, ``/``: `` separators. Every value json does not encode itself goes to
# the formatter's own default (``json_default``, else ``JsonEncoder.default``), so dates,
# UUIDs, enums and exceptions come out as the library writes them. Whatever is not known
# to be the library's (an overridden method, another encoder or serializer, a structure
# nested deeper than the encoder here recurses, a key json refuses, an error anywhere) is
# formatted by the formatter's own ``format()``, which gives the library's text or raises
# its error.
#
# What differs between the releases (3.1 ignores ``defaults``; before 4.2 a dict message
# is extended in place) is read from the running library by _json_probe.py, which also
# checks this renderer against the library's own output before it is ever used.

from cpython.mem cimport PyMem_Malloc, PyMem_Realloc, PyMem_Free
from cpython.unicode cimport PyUnicode_Check
from libc.stdint cimport uint32_t

import datetime as _datetime_module
import json as _json_module

cdef extern from "Python.h":
    int PyUnicode_KIND(object text)
    void *PyUnicode_DATA(object text)
    uint32_t PyUnicode_READ(int kind, void *data, Py_ssize_t index)
    uint32_t PyUnicode_READ_CHAR(object text, Py_ssize_t index)
    Py_ssize_t PyUnicode_GET_LENGTH(object text)
    object PyUnicode_FromKindAndData(int kind, const void *buffer, Py_ssize_t size)
    int PyUnicode_4BYTE_KIND
    bint PyLong_Check(object value)
    bint PyFloat_Check(object value)
    bint PyList_Check(object value)
    bint PyTuple_Check(object value)
    bint PyDict_Check(object value)
    double PyFloat_AS_DOUBLE(object value)
    long long PyLong_AsLongLongAndOverflow(object value, int *overflow) except? -1
    char *PyOS_double_to_string(double value, char format_code, int precision, int flags, int *kind) except NULL
    int Py_DTSF_ADD_DOT_0
    list PyMapping_Items(object mapping)
    bint PyDict_Next(object mapping, Py_ssize_t *position, PyObject **key, PyObject **value)

cdef extern from "<math.h>":
    bint isfinite(double value) nogil

cdef extern from "<stdio.h>":
    int snprintf(char *buffer, size_t size, const char *format, ...) nogil

cdef object _int_repr = int.__repr__
cdef object _json_dumps = _json_module.dumps
cdef object _JSONEncoder = _json_module.JSONEncoder
cdef object _from_timestamp = _datetime_module.datetime.fromtimestamp
cdef object _utc = _datetime_module.timezone.utc
cdef object _formatter_format_time = logging.Formatter.formatTime
cdef tuple _JSON_ENCODER_METHODS = ("encode", "iterencode", "__init__")
cdef tuple _JSON_ENCODER_ORIGINALS = tuple([getattr(_JSONEncoder, name) for name in _JSON_ENCODER_METHODS])
cdef _ClassFacts _json_encoder_class = _ClassFacts()
# A nesting deeper than this is left to json itself (which raises on a cycle, and
# recurses under the interpreter's recursion limit).
cdef int _MAX_DEPTH = 64
cdef char *_HEX = b"0123456789abcdef"

# The methods of BaseJsonFormatter/JsonFormatter that format() calls, whose code the
# renderer stands in for; a class or instance with other ones formats itself.
cdef tuple _JSON_FORMATTER_METHODS = ("format", "add_fields", "process_log_record", "jsonify_log_record",
                                      "serialize_log_record", "_get_rename")
cdef tuple _JSON_FORMATTER_ATTRIBUTES = _FORMATTER_ATTRIBUTES + (
    "_required_fields", "_skip_fields", "rename_fields", "rename_fields_keep_missing", "static_fields",
    "defaults", "timestamp", "prefix", "json_default", "json_encoder", "json_serializer", "json_indent",
    "json_ensure_ascii")


cdef class JsonLibrary:
    """What the probe found true of the running python-json-logger: its formatter and
    encoder classes, and how its release builds the record's dict."""
    cdef object formatter_class
    cdef object encoder_class
    cdef tuple methods
    cdef bint applies_defaults   # add_fields starts from the formatter's ``defaults`` (3.2 on)
    cdef bint copies_message     # a dict message is copied before exc_info is added (4.2 on)

    def __init__(self, formatter_class, encoder_class, bint applies_defaults, bint copies_message):
        self.formatter_class = formatter_class
        self.encoder_class = encoder_class
        self.methods = tuple([getattr(formatter_class, name) for name in _JSON_FORMATTER_METHODS])
        self.applies_defaults = applies_defaults
        self.copies_message = copies_message


# None until a JsonFormatter is first seen; then the probe's JsonLibrary, or False.
cdef object _json_library = None


def render_json_record(JsonLibrary library, formatter, record):
    """``formatter.format(record)`` as the compiled renderer makes it under what
    ``library`` says of python-json-logger, raising where it would fall back (the
    probe's and the tests' view of the renderer alone)."""
    cdef JsonFormatting formatting = JsonFormatting(library)
    cdef RecordFormatting path = RecordFormatting()
    if not formatting._usable(formatter):
        raise TypeError("not a formatter the compiled renderer knows")
    return formatting._render(path, formatter, record, None)


cdef object _recognised_json_library(formatter):
    """The running python-json-logger's facts when ``formatter`` is one of its
    JsonFormatters and the probe passed, else None."""
    global _json_library
    module = sys.modules.get("pythonjsonlogger.json")
    if module is None:
        return None
    if _json_library is None:
        _json_library = False  # the probe formats with the library, never with this path
        from ringwriter._json_probe import probe
        _json_library = probe(module) or False
    if _json_library is False or not isinstance(formatter, (<JsonLibrary>_json_library).formatter_class):
        return None
    return _json_library


# -- the output ----------------------------------------------------------------------------

cdef struct _Output:
    uint32_t *data
    Py_ssize_t length
    Py_ssize_t capacity
    bint on_heap


cdef int _reserve(_Output *out, Py_ssize_t more) except -1:
    cdef Py_ssize_t needed = out.length + more
    if needed <= out.capacity:
        return 0
    cdef Py_ssize_t capacity = out.capacity * 2
    if capacity < needed:
        capacity = needed
    cdef uint32_t *data
    cdef Py_ssize_t i
    if out.on_heap:
        data = <uint32_t *>PyMem_Realloc(out.data, capacity * sizeof(uint32_t))
    else:
        data = <uint32_t *>PyMem_Malloc(capacity * sizeof(uint32_t))
        if data != NULL:
            for i in range(out.length):
                data[i] = out.data[i]
    if data == NULL:
        raise MemoryError()
    out.data = data
    out.capacity = capacity
    out.on_heap = True
    return 0


cdef inline int _put_ascii(_Output *out, const char *text, Py_ssize_t size) except -1:
    cdef Py_ssize_t i
    _reserve(out, size)
    for i in range(size):
        out.data[out.length + i] = <unsigned char>text[i]
    out.length += size
    return 0


cdef int _put_text(_Output *out, str text) except -1:
    """``text`` as it is (a repr, a separator, the prefix)."""
    cdef Py_ssize_t size = PyUnicode_GET_LENGTH(text)
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    cdef Py_ssize_t i
    _reserve(out, size)
    for i in range(size):
        out.data[out.length + i] = PyUnicode_READ(kind, data, i)
    out.length += size
    return 0


cdef int _put_string(_Output *out, text, bint ensure_ascii) except -1:
    """``json.encoder.encode_basestring_ascii(text)`` (or ``encode_basestring``): the
    quoted string with _json.c's escapes."""
    cdef Py_ssize_t size = PyUnicode_GET_LENGTH(text)
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    cdef uint32_t c
    cdef uint32_t *w
    cdef Py_ssize_t i
    _reserve(out, size + 2)
    out.data[out.length] = 34  # "
    out.length += 1
    for i in range(size):
        c = PyUnicode_READ(kind, data, i)
        if c >= 32 and c != 34 and c != 92 and (c < 127 or not ensure_ascii):
            if out.length == out.capacity:
                _reserve(out, size - i + 1)
            out.data[out.length] = c
            out.length += 1
            continue
        _reserve(out, 12 + size - i)
        w = out.data + out.length
        w[0] = 92  # backslash
        if c == 34 or c == 92:
            w[1] = c
            out.length += 2
        elif c == 10 or c == 13 or c == 9 or c == 8 or c == 12:
            w[1] = 110 if c == 10 else 114 if c == 13 else 116 if c == 9 else 98 if c == 8 else 102
            out.length += 2
        elif c >= 0x10000:  # a surrogate pair, as _json.c writes one
            c -= 0x10000
            _put_unicode_escape(w, 0xd800 | ((c >> 10) & 0x3ff))
            _put_unicode_escape(w + 6, 0xdc00 | (c & 0x3ff))
            out.length += 12
        else:
            _put_unicode_escape(w, c)
            out.length += 6
    _reserve(out, 1)
    out.data[out.length] = 34
    out.length += 1
    return 0


cdef inline void _put_unicode_escape(uint32_t *w, uint32_t c) noexcept:
    w[0] = 92
    w[1] = 117  # u
    w[2] = _HEX[(c >> 12) & 0xf]
    w[3] = _HEX[(c >> 8) & 0xf]
    w[4] = _HEX[(c >> 4) & 0xf]
    w[5] = _HEX[c & 0xf]


cdef int _put_float(_Output *out, value) except -1:
    """_json.c's encoder_encode_float with allow_nan: float.__repr__ of the double."""
    cdef double number = PyFloat_AS_DOUBLE(value)
    cdef char *text
    if not isfinite(number):
        if number > 0:
            return _put_ascii(out, b"Infinity", 8)
        if number < 0:
            return _put_ascii(out, b"-Infinity", 9)
        return _put_ascii(out, b"NaN", 3)
    text = PyOS_double_to_string(number, b'r', 0, Py_DTSF_ADD_DOT_0, NULL)
    try:
        _put_ascii(out, text, len(text))
    finally:
        PyMem_Free(text)
    return 0


cdef int _put_int(_Output *out, value) except -1:
    """``int.__repr__(value)`` (an int subclass, an IntEnum, is written as its int)."""
    cdef int overflow = 0
    cdef long long number = PyLong_AsLongLongAndOverflow(value, &overflow)
    cdef char digits[24]
    if overflow:
        return _put_text(out, _int_repr(value))
    return _put_ascii(out, digits, snprintf(digits, sizeof(digits), b"%lld", number))


# -- the encoder -------------------------------------------------------------------------

cdef class _Encoding:
    """One record's encoding settings: json.dumps's ensure_ascii and indent, and the
    default to call for what json does not encode."""
    cdef bint ensure_ascii
    cdef str indent  # None: one line, ", " between items
    cdef object default


cdef int _newline(_Output *out, _Encoding encoding, int level) except -1:
    cdef int i
    _put_ascii(out, b"\n", 1)
    for i in range(level):
        _put_text(out, encoding.indent)
    return 0


cdef inline int _put_separator(_Output *out, _Encoding encoding) except -1:
    """json.dumps's item separator: "," with an indent (a newline follows), else ", "."""
    if encoding.indent is not None:
        return _put_ascii(out, b",", 1)
    return _put_ascii(out, b", ", 2)


cdef int _put_value(_Output *out, _Encoding encoding, value, int level, int depth) except -1:
    """_json.c's encoder_listencode_obj (the same order of type checks)."""
    if depth > _MAX_DEPTH:
        raise RecursionError("left to json")
    if value is None:
        return _put_ascii(out, b"null", 4)
    if value is True:
        return _put_ascii(out, b"true", 4)
    if value is False:
        return _put_ascii(out, b"false", 5)
    if PyUnicode_Check(value):
        return _put_string(out, value, encoding.ensure_ascii)
    if PyLong_Check(value):
        return _put_int(out, value)
    if PyFloat_Check(value):
        return _put_float(out, value)
    if PyList_Check(value) or PyTuple_Check(value):
        if type(value) is not list and type(value) is not tuple and (
                type(value).__iter__ is not list.__iter__ and type(value).__iter__ is not tuple.__iter__):
            # _json.c reads the items, json's pure-Python encoder (an indent) iterates
            raise TypeError("left to json")
        return _put_list(out, encoding, value, level, depth)
    if PyDict_Check(value):
        return _put_dict(out, encoding, value, level, depth)
    return _put_value(out, encoding, encoding.default(value), level, depth + 1)


cdef int _put_list(_Output *out, _Encoding encoding, sequence, int level, int depth) except -1:
    if not sequence:
        return _put_ascii(out, b"[]", 2)
    _put_ascii(out, b"[", 1)
    cdef bint first = True
    for item in sequence:
        if not first:
            _put_separator(out, encoding)
        if encoding.indent is not None:
            _newline(out, encoding, level + 1)
        first = False
        _put_value(out, encoding, item, level + 1, depth + 1)
    if encoding.indent is not None:
        _newline(out, encoding, level)
    return _put_ascii(out, b"]", 1)


cdef int _put_dict(_Output *out, _Encoding encoding, mapping, int level, int depth) except -1:
    if not mapping:
        return _put_ascii(out, b"{}", 2)
    _put_ascii(out, b"{", 1)
    cdef bint first = True
    cdef dict exact = mapping if type(mapping) is dict else None
    cdef Py_ssize_t position = 0
    cdef PyObject *key_pointer
    cdef PyObject *value_pointer
    if exact is not None:
        while PyDict_Next(exact, &position, &key_pointer, &value_pointer):
            _put_item(out, encoding, <object>key_pointer, <object>value_pointer, level, depth, first)
            first = False
    else:
        for key, value in PyMapping_Items(mapping):
            _put_item(out, encoding, key, value, level, depth, first)
            first = False
    if encoding.indent is not None:
        _newline(out, encoding, level)
    return _put_ascii(out, b"}", 1)


cdef int _put_item(_Output *out, _Encoding encoding, key, value, int level, int depth, bint first) except -1:
    if not first:
        _put_separator(out, encoding)
    if encoding.indent is not None:
        _newline(out, encoding, level + 1)
    if PyUnicode_Check(key):
        _put_string(out, key, encoding.ensure_ascii)
    else:
        _put_ascii(out, b"\"", 1)
        if PyFloat_Check(key):
            _put_float(out, key)
        elif key is True or key is False or key is None:
            _put_ascii(out, b"true" if key is True else b"false" if key is False else b"null", 4 + (key is False))
        elif PyLong_Check(key):
            _put_int(out, key)
        else:
            raise TypeError("left to json")  # which raises its own "keys must be str, ..."
        _put_ascii(out, b"\"", 1)
    _put_ascii(out, b": ", 2)
    return _put_value(out, encoding, value, level + 1, depth + 1)


# -- the formatter -----------------------------------------------------------------------

cdef class JsonFormatting:
    """What one handler knows of its JsonFormatter's class: valid while the class's
    version tag is unchanged and its methods are the library's."""
    cdef JsonLibrary _library
    cdef _ClassFacts _class
    # The formatter instance's dict size when it was last checked for methods of its own.
    cdef object _formatter
    cdef Py_ssize_t _formatter_attributes
    cdef bint _formatter_overrides
    # The JsonEncoder whose ``default`` serves formatters with no ``json_default``.
    cdef object _encoder

    def __cinit__(self, JsonLibrary library):
        self._library = library
        self._class = _ClassFacts()
        self._encoder = library.encoder_class()

    cdef bint _usable(self, formatter) except -1:
        cls = type(formatter)
        if not self._class.current(cls):
            self._class.learn(cls, _JSON_FORMATTER_ATTRIBUTES, _JSON_FORMATTER_METHODS, self._library.methods)
        if not (self._class.plain and self._class.stdlib_methods):
            return False
        if not _json_encoder_class.current(_JSONEncoder):
            _json_encoder_class.learn(_JSONEncoder, (), _JSON_ENCODER_METHODS, _JSON_ENCODER_ORIGINALS)
        if not _json_encoder_class.stdlib_methods:
            return False
        cdef dict attributes = PyObject_GenericGetDict(formatter, NULL)
        if formatter is not self._formatter or len(attributes) != self._formatter_attributes:
            self._formatter = formatter
            self._formatter_attributes = len(attributes)
            self._formatter_overrides = any([name in attributes for name in _JSON_FORMATTER_METHODS])
        return not self._formatter_overrides

    cdef object format(self, RecordFormatting path, formatter, record, object terminator):
        """``formatter.format(record)``, then ``terminator`` (a str) unless None."""
        if self._usable(formatter):
            try:
                return self._render(path, formatter, record, terminator)
            except Exception:
                pass  # formatted below by the library: its text, or its own error
        text = formatter.format(record)
        return text if terminator is None else text + terminator

    cdef _Encoding _encoding(self, formatter, dict attributes):
        """json.dumps's settings as jsonify_log_record passes them, or None for a
        serializer, encoder or indent this encoder does not stand in for."""
        cdef _ClassFacts facts = self._class
        cdef _Encoding encoding = _Encoding()
        if _read(formatter, attributes, facts, "json_serializer") is not _json_dumps:
            return None
        indent = _read(formatter, attributes, facts, "json_indent")
        if indent is None or type(indent) is str:
            encoding.indent = indent
        elif type(indent) is int:
            encoding.indent = " " * indent
        else:
            return None
        encoding.ensure_ascii = bool(_read(formatter, attributes, facts, "json_ensure_ascii"))
        default = _read(formatter, attributes, facts, "json_default")
        encoder = _read(formatter, attributes, facts, "json_encoder")
        if default is not None:  # json.dumps(default=...) replaces the encoder's method
            if encoder is not None and encoder is not self._library.encoder_class and encoder is not _JSONEncoder:
                return None
            encoding.default = default
        elif encoder is self._library.encoder_class:
            encoding.default = self._encoder.default
        else:
            return None
        return encoding

    cdef str _render(self, RecordFormatting path, formatter, record, object terminator):
        cdef dict attributes = PyObject_GenericGetDict(formatter, NULL)
        cdef _ClassFacts facts = self._class
        cdef _Encoding encoding = self._encoding(formatter, attributes)
        prefix = _read(formatter, attributes, facts, "prefix")
        required = _read(formatter, attributes, facts, "_required_fields")
        if encoding is None or type(prefix) is not str or type(required) is not list:
            raise TypeError("left to the formatter")
        cdef dict values = PyObject_GenericGetDict(record, NULL)
        cdef bint plain = _plain_record(record, values)
        # BaseJsonFormatter.format
        msg = values.get("msg", _MISSING) if plain else _MISSING
        if msg is _MISSING:
            msg = record.msg
        cdef dict message_dict
        if isinstance(msg, dict):
            if type(msg) is not dict:
                raise TypeError("left to the formatter")
            message_dict = msg.copy() if self._library.copies_message else msg
            message = ""
        else:
            message_dict = {}
            message = _message(record, values) if plain else record.getMessage()
        if plain:
            values["message"] = message
        else:
            record.message = message
        if "asctime" in required:
            format_time = attributes.get("formatTime", _MISSING)
            if format_time is _MISSING and getattr(type(formatter), "formatTime") is _formatter_format_time:
                asctime = path._asctime(formatter, attributes, facts, None, record, values, plain)
            else:
                asctime = formatter.formatTime(record, _read(formatter, attributes, facts, "datefmt"))
            if plain:
                values["asctime"] = asctime
            else:
                record.asctime = asctime
        exc_info = values.get("exc_info") if plain else record.exc_info
        if exc_info and not message_dict.get("exc_info"):
            message_dict["exc_info"] = formatter.formatException(exc_info)
        if not message_dict.get("exc_info"):
            exc_text = values.get("exc_text") if plain else record.exc_text
            if exc_text:
                message_dict["exc_info"] = exc_text
        stack_info = values.get("stack_info") if plain else record.stack_info
        if stack_info and not message_dict.get("stack_info"):
            message_dict["stack_info"] = formatter.formatStack(stack_info)
        cdef dict log_data = self._add_fields(formatter, attributes, record, values, plain, message_dict, required)
        # serialize_log_record: prefix + json.dumps(log_data, ...)
        cdef uint32_t first_bytes[512]
        cdef _Output out
        out.data = first_bytes
        out.length = 0
        out.capacity = 512
        out.on_heap = False
        try:
            _put_text(&out, prefix)
            _put_dict(&out, encoding, log_data, 0, 0)
            if terminator is not None:
                _put_text(&out, terminator)
            return PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, out.data, out.length)
        finally:
            if out.on_heap:
                PyMem_Free(out.data)

    cdef dict _add_fields(self, formatter, dict attributes, record, dict values, bint plain, dict message_dict,
                          list required):
        """BaseJsonFormatter.add_fields (and merge_record_extra)."""
        cdef _ClassFacts facts = self._class
        rename = _read(formatter, attributes, facts, "rename_fields")
        static_fields = _read(formatter, attributes, facts, "static_fields")
        skip = _read(formatter, attributes, facts, "_skip_fields")
        defaults = _read(formatter, attributes, facts, "defaults") if self._library.applies_defaults else {}
        if type(rename) is not dict or type(static_fields) is not dict or type(defaults) is not dict:
            raise TypeError("left to the formatter")
        cdef dict renames = rename
        cdef dict log_data = {}
        for field in <dict>defaults:
            log_data[renames.get(field, field)] = (<dict>defaults)[field]
        for field in required:
            log_data[renames.get(field, field)] = values.get(field)
        for key, value in (<dict>static_fields).items():
            log_data[renames.get(key, key)] = value
        for key, value in message_dict.items():
            log_data[renames.get(key, key)] = value
        cdef bint renaming = len(renames) != 0
        for key, value in values.items():
            if key in skip:
                continue
            if type(key) is str:
                if PyUnicode_GET_LENGTH(key) and PyUnicode_READ_CHAR(key, 0) == 95:  # startswith("_")
                    continue
            elif hasattr(key, "startswith") and key.startswith("_"):
                continue
            log_data[renames.get(key, key) if renaming else key] = value
        timestamp = _read(formatter, attributes, facts, "timestamp")
        if timestamp:
            key = timestamp if isinstance(timestamp, str) else "timestamp"
            created = values.get("created", _MISSING) if plain else _MISSING
            if created is _MISSING:
                created = record.created
            log_data[renames.get(key, key)] = _from_timestamp(created, tz=_utc)
        if _read(formatter, attributes, facts, "rename_fields_keep_missing"):
            for field in renames.values():
                if field not in log_data:
                    log_data[field] = None
        return log_data
