# cython: language_level=3, binding=True, auto_pickle=False
"""ringwriter._logger: ``logging.Logger``'s per-record methods, compiled.

``Logger`` is a subclass of ``logging.Logger`` whose ``debug``, ``info``, ``warning``,
``error``, ``exception``, ``critical``, ``log``, ``isEnabledFor``, ``_log``,
``findCaller``, ``makeRecord``, ``handle`` and ``callHandlers`` run here, from the call
down to each handler's ``handle``. They do what the running stdlib's methods do, step for
step: the level cache read from the logger's dict (a miss runs the stdlib's
``isEnabledFor``, which takes logging's lock), the caller's frame found by the running
stdlib's rule, the record made by the record factory in place (``make_log_record``
called in C), ``extra`` merged with the stdlib's ``KeyError``, the filters, the handlers
called in order with their levels, propagation, ``lastResort`` and ``raiseExceptions``.

No Python frame is made for logging's own steps. That changes nothing a record shows:
the stdlib skips logging's frames when it looks for the caller (3.11 on: each one is
skipped and not counted; 3.10: ``currentframe()`` is a fixed depth, which is counted
here as if the frames were there). The one place they are missing is the "Call stack:"
that ``Handler.handleError`` prints.

Whenever a step could come out otherwise than the stdlib's, the call is the stdlib's
own method: a class or an instance that replaces one of these methods (or ``filter``),
``logging.currentframe``, ``logging._is_internal_frame``, ``sys._getframe`` or
``os.path.normcase`` replaced, ``logging._srcfile`` set to anything but its value or a
false one, a keyword or argument the method does not know, a ``stacklevel`` that is not an
int of at least 1, no Python frame at all (a call from C), and, for the whole process,
the check at import: this module and the running stdlib log the same records from the
same call sites (``_logger_probe``), or every call goes to the stdlib's methods.
"""
from cpython.dict cimport PyDict_GetItemWithError
from cpython.long cimport PyLong_AsLong, PyLong_CheckExact
from cpython.object cimport PyObject
from cpython.ref cimport Py_DECREF

import logging
import os
import posixpath
import sys

from ringwriter._record_factory cimport make_record
from ringwriter._record_factory import make_log_record

cdef extern from "frameobject.h":
    ctypedef struct PyFrameObject:
        pass
    ctypedef struct PyCodeObject:
        PyObject *co_filename
        PyObject *co_name
    PyFrameObject *PyEval_GetFrame()
    PyFrameObject *PyFrame_GetBack(PyFrameObject *frame)
    PyCodeObject *PyFrame_GetCode(PyFrameObject *frame)

cdef extern from "_frame_line.h":
    int frame_line "ringwriter_frame_line"(PyFrameObject *frame)

cdef extern from "Python.h":
    ctypedef struct PyTypeObject:
        unsigned int tp_version_tag
        Py_ssize_t tp_dictoffset
    dict PyObject_GenericGetDict(object instance, void *context)

cdef dict _g = logging.__dict__
cdef object _StdLogger = logging.Logger
cdef object _object_getattribute = object.__getattribute__

# What the compiled steps stand for, as they were at import.
cdef object _currentframe = logging.currentframe
cdef object _LOGGING_FILE = logging.addLevelName.__code__.co_filename
cdef object _srcfile = logging._srcfile
cdef object _is_internal_frame = getattr(logging, "_is_internal_frame", None)
cdef object _sys = sys
cdef object _getframe = sys._getframe
cdef dict _sys_dict = sys.__dict__
cdef object _os = os
cdef dict _os_dict = os.__dict__
cdef object _os_path = os.path
cdef dict _os_path_dict = os.path.__dict__
cdef object _normcase = os.path.normcase
cdef bint _NORMCASE_IS_IDENTITY = os.path.normcase is posixpath.normcase  # os.fspath(str) is the str
# 3.11 on: _is_internal_frame, each of logging's frames skipped and not counted
# (3.10: currentframe() is sys._getframe(3), then stacklevel counts every frame).
cdef bint _NEW_STACKLEVEL = _is_internal_frame is not None


def _filter_returns_record():
    """Filterer.filter returns the record a filter returned (3.12 on), not True."""
    filterer = logging.Filterer()
    other = logging.makeLogRecord({})
    filterer.addFilter(lambda record: other)
    return filterer.filter(logging.makeLogRecord({})) is other


cdef bint _FILTER_RETURNS_RECORD = _filter_returns_record()

cdef object _NOARG = object()
cdef object _MISSING = object()
cdef tuple _UNKNOWN_CALLER = ("(unknown file)", 0, "(unknown function)", None)
cdef tuple _UNKNOWN_CALLER_3 = ("(unknown file)", 0, "(unknown function)")
cdef str _STACK_HEADER = "Stack (most recent call last):\n"

# The methods whose replacement (on the class or the instance) sends calls to the stdlib's.
cdef tuple _METHODS = ("debug", "info", "warning", "error", "exception", "critical", "log", "isEnabledFor",
                       "_log", "findCaller", "makeRecord", "handle", "callHandlers")
cdef tuple _OVERRIDABLE = ("isEnabledFor", "_log", "findCaller", "makeRecord", "handle", "callHandlers",
                           "filter", "error")
# What is read from a logger's __dict__ (when its class has no data descriptor of the name).
cdef tuple _ATTRIBUTES = ("disabled", "_cache", "name", "filters", "handlers", "propagate", "parent")
# The keywords of _log, in order, and their defaults.
cdef tuple _LOG_NAMES = ("level", "msg", "args", "exc_info", "extra", "stack_info", "stacklevel")
cdef tuple _LOG_DEFAULTS = (_NOARG, _NOARG, _NOARG, None, None, False, 1)
cdef tuple _FIND_CALLER_NAMES = ("stack_info", "stacklevel")
cdef tuple _FIND_CALLER_DEFAULTS = (False, 1)
cdef tuple _MAKE_RECORD_NAMES = ("name", "level", "fn", "lno", "msg", "args", "exc_info", "func", "extra", "sinfo")
cdef tuple _MAKE_RECORD_DEFAULTS = (_NOARG,) * 7 + (None, None, None)

# Whether this module logs the running stdlib's records (decided at import, below).
cdef bint _reproduces = False


# -- what is true of a class, checked again when its version tag changes ----------------

cdef dict _class_facts = {}   # class -> (version tag, its methods are ours, attributes in the dict)
cdef dict _ours = {}          # method name -> the compiled method (filled in below)


cdef inline unsigned int _version(cls) noexcept:
    return (<PyTypeObject *>cls).tp_version_tag


cdef bint _has_data_descriptor(cls, tuple names) except -1:
    for name in names:
        kind = type(getattr(cls, name, None))
        if hasattr(kind, "__set__") or hasattr(kind, "__delete__"):
            return True
    return False


# The last class asked about, and its facts (most programs log through one class).
cdef object _last_class = None
cdef tuple _last_facts = None


cdef tuple _facts(cls):
    global _last_class, _last_facts
    if cls is _last_class and <unsigned int>_last_facts[0] == _version(cls) and _version(cls) != 0:
        return _last_facts
    cdef PyObject *known = PyDict_GetItemWithError(_class_facts, cls)
    cdef tuple facts
    if known is not NULL:
        facts = <tuple>known
        if <unsigned int>facts[0] == _version(cls) and _version(cls) != 0:
            _last_class, _last_facts = cls, facts
            return facts
    in_dict = not _has_data_descriptor(cls, _ATTRIBUTES) and cls.__getattribute__ is _object_getattribute
    ours = in_dict and bool(_ours) and all([getattr(cls, name, None) is _ours[name] for name in _METHODS])
    ours = ours and getattr(cls, "filter", None) is logging.Filterer.filter and _stdlib_methods_in_place()
    if len(_class_facts) > 256:
        _class_facts.clear()
    facts = (_version(cls), ours, in_dict)  # the version after the look-ups, which give it one
    _class_facts[cls] = facts
    _last_class, _last_facts = cls, facts
    return facts


def _is_logging_function(function, str qualname):
    """Whether ``function`` is the stdlib's own ``qualname`` in logging's source."""
    code = getattr(function, "__code__", None)
    return (getattr(function, "__qualname__", None) == qualname and code is not None
            and code.co_filename == _LOGGING_FILE)


cdef bint _stdlib_methods_in_place() except -1:
    """logging.Logger's methods (and Filterer.filter) are the stdlib's own: a program that
    patched one of them (some libraries wrap callHandlers) gets its patch called, through
    the stdlib's path. (A change to logging.Logger changes its subclasses' version tags:
    this is asked again then.)"""
    for name in _METHODS:
        if not _is_logging_function(_StdLogger.__dict__.get(name), "Logger." + name):
            return False
    return _is_logging_function(logging.Filterer.__dict__.get("filter"), "Filterer.filter")


cdef inline object _attribute(instance, dict values, bint in_dict, str name):
    """``instance.name``: from its dict when its class lets the dict decide."""
    cdef PyObject *value
    if in_dict:
        value = PyDict_GetItemWithError(values, name)
        if value is not NULL:
            return <object>value
    return getattr(instance, name)


cdef inline dict _values(instance):
    """The instance's __dict__ (an empty dict for an object that has none)."""
    cls = type(instance)
    if (<PyTypeObject *>cls).tp_dictoffset == 0:
        return {}
    return PyObject_GenericGetDict(instance, NULL)


cdef bint _compiled_logger(self, dict values) except -1:
    """Whether ``self`` runs the compiled methods: its class's are ours, it has none of its
    own, and logging's state that the caller lookup reads is as the stdlib left it."""
    cdef PyObject *value
    if not _reproduces or PyEval_GetFrame() is NULL:
        return False
    if not (<tuple>_facts(type(self)))[1]:
        return False
    for name in _OVERRIDABLE:
        if PyDict_GetItemWithError(values, name) is not NULL:
            return False
    return _caller_lookup_as_imported(True)


cdef inline object _global(str name):
    cdef PyObject *value = PyDict_GetItemWithError(_g, name)
    return <object>value if value is not NULL else _MISSING


cdef bint _caller_lookup_as_imported(bint srcfile_as_imported) except -1:
    """logging.currentframe, _is_internal_frame, sys._getframe and os.path.normcase are
    the ones in place at import (and, if asked, _srcfile is its value or false)."""
    if _global("currentframe") is not _currentframe:
        return False
    if _NEW_STACKLEVEL and _global("_is_internal_frame") is not _is_internal_frame:
        return False
    system = _global("sys")
    if system is not _sys or PyDict_GetItemWithError(_sys_dict, "_getframe") is not <PyObject *>_getframe:
        return False
    if _global("os") is not _os or PyDict_GetItemWithError(_os_dict, "path") is not <PyObject *>_os_path:
        return False
    if PyDict_GetItemWithError(_os_path_dict, "normcase") is not <PyObject *>_normcase:
        return False
    if srcfile_as_imported:
        srcfile = _global("_srcfile")
        return srcfile is _srcfile or not srcfile or srcfile == _srcfile
    return True


# -- arguments, bound as the stdlib's signatures bind them -------------------------------

cdef list _bind(tuple args, dict kwargs, tuple names, tuple defaults):
    """The values of ``names`` from ``args`` and ``kwargs``, or None where the stdlib's
    method would raise TypeError (a missing, repeated, extra or unknown argument)."""
    cdef Py_ssize_t given = len(args)
    if given > len(names):
        return None
    cdef list bound = list(args) + list(defaults[given:])
    cdef Py_ssize_t index
    for key in kwargs:
        try:
            index = names.index(key)
        except ValueError:
            return None
        if index < given:
            return None
        bound[index] = kwargs[key]
    if _NOARG in bound:
        for value in bound:
            if value is _NOARG:
                return None
    return bound


cdef bint _plain_stacklevel(stacklevel) except -1:
    return PyLong_CheckExact(stacklevel) and stacklevel >= 1


# -- the caller --------------------------------------------------------------------------

cdef inline object _back(frame):
    cdef PyObject *back = <PyObject *>PyFrame_GetBack(<PyFrameObject *>frame)
    if back is NULL:
        return None
    result = <object>back
    Py_DECREF(result)
    return result


cdef inline object _code(frame):
    code = <object><PyObject *>PyFrame_GetCode(<PyFrameObject *>frame)
    Py_DECREF(code)
    return code


cdef inline object _filename(frame):
    code = _code(frame)
    return <object>(<PyCodeObject *><PyObject *>code).co_filename


cdef bint _internal(frame, srcfile) except -1:
    """The stdlib's test for one of logging's own frames (3.11 on: or importlib's)."""
    filename = _filename(frame)
    if not _NORMCASE_IS_IDENTITY:
        filename = _normcase(filename)
    if filename is srcfile or filename == srcfile:
        return True
    return _NEW_STACKLEVEL and "importlib" in filename and "_bootstrap" in filename


cdef object _stack_text(frame):
    """The stack_info text: traceback.print_stack into a StringIO, as findCaller does."""
    if _NEW_STACKLEVEL:
        with _g["io"].StringIO() as sio:
            sio.write(_STACK_HEADER)
            _g["traceback"].print_stack(frame, file=sio)
            sinfo = sio.getvalue()
            if sinfo[-1] == '\n':
                sinfo = sinfo[:-1]
        return sinfo
    sio = _g["io"].StringIO()
    sio.write(_STACK_HEADER)
    _g["traceback"].print_stack(frame, file=sio)
    sinfo = sio.getvalue()
    if sinfo[-1] == '\n':
        sinfo = sinfo[:-1]
    sio.close()
    return sinfo


cdef tuple _caller(frame, stack_info):
    code = _code(frame)
    sinfo = _stack_text(frame) if stack_info else None
    return (<object>(<PyCodeObject *><PyObject *>code).co_filename, frame_line(<PyFrameObject *>frame),
            <object>(<PyCodeObject *><PyObject *>code).co_name, sinfo)


cdef tuple _find_caller(stack_info, stacklevel, int hidden):
    """``findCaller(stack_info, stacklevel)`` called with ``hidden`` of logging's own
    frames (this module's steps) between it and the innermost Python frame, which
    exists; ``stacklevel`` is an int of at least 1."""
    cdef long level = PyLong_AsLong(stacklevel)
    srcfile = _global("_srcfile")
    frame = <object><PyObject *>PyEval_GetFrame()
    if _NEW_STACKLEVEL:
        # The hidden frames are logging's: skipped, not counted.
        if not _internal(frame, srcfile):
            level -= 1
        while level > 0:
            back = _back(frame)
            if back is None:
                break
            frame = back
            if not _internal(frame, srcfile):
                level -= 1
        return _caller(frame, stack_info)
    # 3.10: f = sys._getframe(3) from currentframe's lambda, i.e. the frame two places
    # after findCaller's; then its f_back; then stacklevel - 1 frames more (counting every
    # frame); then logging's own frames skipped. Positions 0 .. hidden-1 are hidden frames
    # (logging's: always skipped), position hidden is the innermost Python frame.
    cdef int position = 2
    real = _real_frame(frame, position - hidden)
    if real is None and position >= hidden:
        return _UNKNOWN_CALLER
    original_position, original_real = position, real
    while level > 1:
        position += 1
        if position > hidden:
            real = _back(real)
            if real is None:
                break
        elif position == hidden:
            real = frame
        level -= 1
    if position > hidden and real is None:
        position, real = original_position, original_real
    if position < hidden:
        real = frame
    while real is not None:
        filename = _filename(real)
        if not _NORMCASE_IS_IDENTITY:
            filename = _normcase(filename)
        if not (filename is srcfile or filename == srcfile):
            return _caller(real, stack_info)
        real = _back(real)
    return _UNKNOWN_CALLER


cdef object _real_frame(frame, int steps):
    """The frame ``steps`` places out from ``frame`` (``frame`` itself at 0 or fewer), or None."""
    while steps > 0 and frame is not None:
        frame = _back(frame)
        steps -= 1
    return frame


# -- the steps ---------------------------------------------------------------------------

cdef object _is_enabled_for(self, dict values, level):
    """``self.isEnabledFor(level)``: the cache read here, a miss (which takes logging's
    lock) run by the stdlib."""
    cdef PyObject *cached
    cdef bint in_dict = True  # (a class whose methods are ours reads them from the dict)
    if _attribute(self, values, in_dict, "disabled"):
        return False
    cache = _attribute(self, values, in_dict, "_cache")
    if type(cache) is dict:
        cached = PyDict_GetItemWithError(cache, level)
        if cached is not NULL:
            return <object>cached
    else:
        try:
            return cache[level]
        except KeyError:
            pass
    return _StdLogger.isEnabledFor(self, level)


cdef int _log_compiled(self, dict values, level, msg, args, exc_info, extra, stack_info, stacklevel,
                       int hidden) except -1:
    """``self._log(...)``, with ``hidden`` of logging's frames above it (its own included)."""
    sinfo = None
    if _global("_srcfile"):
        try:
            fn, lno, func, sinfo = _find_caller(stack_info, stacklevel, hidden + 1)
        except ValueError:
            fn, lno, func = _UNKNOWN_CALLER_3
    else:
        fn, lno, func = _UNKNOWN_CALLER_3
    if exc_info:
        if isinstance(exc_info, BaseException):
            exc_info = (type(exc_info), exc_info, exc_info.__traceback__)
        elif not isinstance(exc_info, tuple):
            exc_info = _global("sys").exc_info()
    record = _make_record(_attribute(self, values, True, "name"), level, fn, lno, msg, args, exc_info, func,
                          extra, sinfo)
    _handle(self, values, record)
    return 0


cdef object _make_record(name, level, fn, lno, msg, args, exc_info, func, extra, sinfo):
    factory = _global("_logRecordFactory")
    if factory is make_log_record:
        rv = make_record(name, level, fn, lno, msg, args, exc_info, func, sinfo)
    else:
        rv = factory(name, level, fn, lno, msg, args, exc_info, func, sinfo)
    if extra is not None:
        for key in extra:
            if (key in ["message", "asctime"]) or (key in rv.__dict__):
                raise KeyError("Attempt to overwrite %r in LogRecord" % key)
            rv.__dict__[key] = extra[key]
    return rv


cdef object _filter(self, dict values, record):
    """``Filterer.filter``, the running version's (3.12 on: a record a filter returns
    replaces the record, and the record is returned; before: True)."""
    for f in _attribute(self, values, True, "filters"):
        if hasattr(f, 'filter'):
            result = f.filter(record)
        else:
            result = f(record)
        if not result:
            return False
        if _FILTER_RETURNS_RECORD and isinstance(result, _global("LogRecord")):
            record = result
    return record if _FILTER_RETURNS_RECORD else True


cdef int _handle(self, dict values, record) except -1:
    cdef bint in_dict = True  # (a class whose methods are ours reads them from the dict)
    if _FILTER_RETURNS_RECORD:
        if _attribute(self, values, in_dict, "disabled"):
            return 0
        maybe_record = _filter(self, values, record)
        if not maybe_record:
            return 0
        if isinstance(maybe_record, _global("LogRecord")):
            record = maybe_record
        _call_handlers(self, record)
    elif (not _attribute(self, values, in_dict, "disabled")) and _filter(self, values, record):
        _call_handlers(self, record)
    return 0


cdef int _call_handlers(self, record) except -1:
    c = self
    found = 0
    while c:
        values = _values(c)
        in_dict = c is self or (<tuple>_facts(type(c)))[2]  # (self: its class's methods are ours)
        for hdlr in _attribute(c, values, in_dict, "handlers"):
            found = found + 1
            if record.levelno >= hdlr.level:
                hdlr.handle(record)
        if not _attribute(c, values, in_dict, "propagate"):
            c = None    #break out
        else:
            c = _attribute(c, values, in_dict, "parent")
    if (found == 0):
        last_resort = _global("lastResort")
        if last_resort:
            if record.levelno >= last_resort.level:
                last_resort.handle(record)
        elif _global("raiseExceptions") and not self.manager.emittedNoHandlerWarning:
            _global("sys").stderr.write("No handlers could be found for logger"
                                        " \"%s\"\n" % self.name)
            self.manager.emittedNoHandlerWarning = True
    return 0


cdef object _at_level(self, str level_name, str method, tuple args, dict kwargs, int hidden):
    """``self.<method>(msg, *args, **kwargs)`` for the level named ``level_name``."""
    cdef dict values = _values(self)
    level = _global(level_name)
    if (not args or level is _MISSING or not _reproduces or not (<tuple>_facts(type(self)))[1]
            or PyDict_GetItemWithError(values, "isEnabledFor") is not NULL):
        return getattr(_StdLogger, method)(self, *args, **kwargs)
    # As the stdlib's: the level first, and nothing else looked at below it.
    if not _is_enabled_for(self, values, level):
        return None
    bound = _bind((), kwargs, _LOG_NAMES[3:], _LOG_DEFAULTS[3:]) if kwargs else None
    if not _compiled_logger(self, values) or (kwargs and (bound is None or not _plain_stacklevel(bound[3]))):
        # (which asks isEnabledFor again: a cache hit now, the same answer)
        return getattr(_StdLogger, method)(self, *args, **kwargs)
    if bound is None:
        _log_compiled(self, values, level, args[0], args[1:], None, None, False, 1, hidden)
    else:
        _log_compiled(self, values, level, args[0], args[1:], bound[0], bound[1], bound[2], bound[3], hidden)
    return None


class Logger(logging.Logger):
    """A ``logging.Logger`` whose per-record methods are compiled (see
    ``ringwriter.records``); everything else is the stdlib's."""

    def debug(self, *args, **kwargs):
        """Log ``msg % args`` with severity DEBUG (``logging.Logger.debug``)."""
        return _at_level(self, "DEBUG", "debug", args, kwargs, 1)

    def info(self, *args, **kwargs):
        """Log ``msg % args`` with severity INFO (``logging.Logger.info``)."""
        return _at_level(self, "INFO", "info", args, kwargs, 1)

    def warning(self, *args, **kwargs):
        """Log ``msg % args`` with severity WARNING (``logging.Logger.warning``)."""
        return _at_level(self, "WARNING", "warning", args, kwargs, 1)

    def error(self, *args, **kwargs):
        """Log ``msg % args`` with severity ERROR (``logging.Logger.error``)."""
        return _at_level(self, "ERROR", "error", args, kwargs, 1)

    def exception(self, *args, exc_info=True, **kwargs):
        """Log ``msg % args`` with severity ERROR and the exception being handled
        (``logging.Logger.exception``)."""
        kwargs["exc_info"] = exc_info
        return _at_level(self, "ERROR", "exception", args, kwargs, 2)

    def critical(self, *args, **kwargs):
        """Log ``msg % args`` with severity CRITICAL (``logging.Logger.critical``)."""
        return _at_level(self, "CRITICAL", "critical", args, kwargs, 1)

    def log(self, *args, **kwargs):
        """Log ``msg % args`` with the integer severity ``level`` (``logging.Logger.log``)."""
        cdef dict values = _values(self)
        if len(args) < 2 or "level" in kwargs or "msg" in kwargs or not _compiled_logger(self, values):
            return _StdLogger.log(self, *args, **kwargs)
        level = args[0]
        if not isinstance(level, int):
            if _global("raiseExceptions"):
                raise TypeError("level must be an integer")
            else:
                return None
        bound = _bind((), kwargs, _LOG_NAMES[3:], _LOG_DEFAULTS[3:]) if kwargs else None
        if kwargs and (bound is None or not _plain_stacklevel(bound[3])):
            return _StdLogger.log(self, *args, **kwargs)
        if _is_enabled_for(self, values, level):
            if bound is None:
                _log_compiled(self, values, level, args[1], args[2:], None, None, False, 1, 1)
            else:
                _log_compiled(self, values, level, args[1], args[2:], bound[0], bound[1], bound[2], bound[3], 1)
        return None

    def isEnabledFor(self, level):
        """Whether this logger logs records of ``level`` (``logging.Logger.isEnabledFor``)."""
        cdef dict values = _values(self)
        if not _reproduces or not (<tuple>_facts(type(self)))[1]:
            return _StdLogger.isEnabledFor(self, level)
        return _is_enabled_for(self, values, level)

    def _log(self, *args, **kwargs):
        """Make a record and handle it (``logging.Logger._log``)."""
        cdef dict values = _values(self)
        bound = _bind(args, kwargs, _LOG_NAMES, _LOG_DEFAULTS)
        if bound is None or not _plain_stacklevel(bound[6]) or not _compiled_logger(self, values):
            return _StdLogger._log(self, *args, **kwargs)
        _log_compiled(self, values, bound[0], bound[1], bound[2], bound[3], bound[4], bound[5], bound[6], 0)
        return None

    def findCaller(self, *args, **kwargs):
        """The caller's file name, line number, function name and stack text
        (``logging.Logger.findCaller``)."""
        bound = _bind(args, kwargs, _FIND_CALLER_NAMES, _FIND_CALLER_DEFAULTS)
        if (bound is None or not _reproduces or not (<tuple>_facts(type(self)))[1] or not _plain_stacklevel(bound[1])
                or PyEval_GetFrame() is NULL or not _caller_lookup_as_imported(True)):
            return _StdLogger.findCaller(self, *args, **kwargs)
        if not _NEW_STACKLEVEL and _real_frame(<object><PyObject *>PyEval_GetFrame(), 1) is None:
            return _StdLogger.findCaller(self, *args, **kwargs)  # raises the stdlib's ValueError
        return _find_caller(bound[0], bound[1], 0)

    def makeRecord(self, *args, **kwargs):
        """The record of one logging call (``logging.Logger.makeRecord``)."""
        bound = _bind(args, kwargs, _MAKE_RECORD_NAMES, _MAKE_RECORD_DEFAULTS)
        if bound is None or not _reproduces or not (<tuple>_facts(type(self)))[1]:
            return _StdLogger.makeRecord(self, *args, **kwargs)
        return _make_record(bound[0], bound[1], bound[2], bound[3], bound[4], bound[5], bound[6], bound[7],
                            bound[8], bound[9])

    def handle(self, record):
        """Filter ``record``, then pass it to the handlers (``logging.Logger.handle``)."""
        cdef dict values = _values(self)
        if not _reproduces or not (<tuple>_facts(type(self)))[1] or "filter" in values or "callHandlers" in values:
            return _StdLogger.handle(self, record)
        _handle(self, values, record)
        return None

    def callHandlers(self, record):
        """Pass ``record`` to the handlers of this logger and its parents
        (``logging.Logger.callHandlers``)."""
        if not _reproduces or not (<tuple>_facts(type(self)))[1]:
            return _StdLogger.callHandlers(self, record)
        _call_handlers(self, record)
        return None


class RootLogger(Logger, logging.RootLogger):
    """``logging.RootLogger`` with the compiled methods of ``Logger``."""


Logger.__module__ = RootLogger.__module__ = "ringwriter.records"
for _name in _METHODS:
    _ours[_name] = Logger.__dict__[_name]
del _name


def _reproduces_stdlib():
    """Whether the compiled methods log the records the running stdlib's log, from the
    call sites of ringwriter._logger_probe."""
    global _reproduces, _last_class
    from ringwriter import _logger_probe
    _reproduces = True
    try:
        return _logger_probe.same_records(_StdLogger, Logger)
    except Exception:
        return False
    finally:
        _reproduces = False
        _class_facts.clear()
        _last_class = None


_reproduces = _reproduces_stdlib()
reproduces_stdlib = _reproduces
