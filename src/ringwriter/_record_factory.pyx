# cython: language_level=3, binding=False, auto_pickle=False
"""ringwriter._record_factory: make_log_record, a log record factory for
``logging.setLogRecordFactory`` that makes the stdlib's own records, faster.

``logging.LogRecord.__init__`` is about half of what logging a record to a handler
costs: some twenty attribute stores, the arithmetic on the time, three Python calls for
``os.path.basename`` and ``splitext``, and (3.12 on, with asyncio imported) an exception
raised and caught for every record logged where no event loop runs. This module does the same
work in C: it makes an instance of ``logging.LogRecord`` itself, without running
``__init__``, and stores the attributes ``__init__`` would store, in its order, with its
values, for the running CPython (the code differs between 3.10-3.11, 3.12 and 3.13 on).

What a program can change at run time is read at each call, as ``__init__`` reads it:
the module switches (``logThreads``, ``logProcesses``, ``logMultiprocessing``,
``logAsyncioTasks``), ``_startTime``, the level names, and the functions it calls
through their modules (``time.time``/``time.time_ns``, ``os.getpid``,
``threading.get_ident``/``current_thread``, ``multiprocessing.current_process``,
``asyncio.current_task``), so that mocks and freezegun reach these records as they
reach the stdlib's. What ``__init__`` computes in Python is computed here in C, and the
file name and module of a path are asked of ``os.path`` once per path string.

At import, the stdlib's own ``__init__`` and this module make records side by side from
the same made-up module state; where they disagree (a CPython whose ``__init__`` this
module does not know), make_log_record hands every call to ``logging.LogRecord``.
"""
from cpython.dict cimport PyDict_GetItemWithError, PyDict_SetItem
from cpython.float cimport PyFloat_AS_DOUBLE, PyFloat_CheckExact
from cpython.module cimport PyModule_GetDict
from cpython.long cimport PyLong_AsLongLongAndOverflow, PyLong_CheckExact
from cpython.number cimport (PyNumber_Add, PyNumber_FloorDivide, PyNumber_Long, PyNumber_Multiply,
                             PyNumber_Remainder, PyNumber_Subtract, PyNumber_TrueDivide)
from cpython.object cimport PyObject, PyObject_IsInstance, PyObject_IsTrue, PyTypeObject
from cpython.tuple cimport PyTuple_CheckExact, PyTuple_GET_ITEM
from libc.math cimport isfinite, trunc

import logging
import sys
import threading
import types

cdef extern from *:
    """
    /* a - b into *out, or 1 when it does not fit (portable: MSVC has no
       __builtin_sub_overflow, and the wheels include Windows). */
    static int ringwriter_sub_overflows(long long a, long long b, long long *out) {
        if ((b > 0 && a < LLONG_MIN + b) || (b < 0 && a > LLONG_MAX + b)) {
            return 1;
        }
        *out = a - b;
        return 0;
    }
    """
    bint ringwriter_sub_overflows(long long a, long long b, long long *out)
    dict PyObject_GenericGetDict(object o, void *context)

cdef type _LogRecord = logging.LogRecord
cdef type _ModuleType = types.ModuleType
cdef dict _logging_globals = logging.__dict__
# The stdlib's functions whose code this module runs in C while they are the ones in place
# (None where the function found at import is not the stdlib's).
cdef object _getLevelName = logging.getLevelName if getattr(logging.getLevelName, "__module__", None) == "logging" else None
cdef object _current_thread = threading.current_thread
cdef dict _threading_globals = getattr(_current_thread, "__globals__", None)
if getattr(_current_thread, "__module__", None) != "threading" or _threading_globals is not threading.__dict__:
    _current_thread = None
cdef object _sys_modules = sys.modules

# 3.13 on: time.time_ns(), created = ct / 1e9 and integer milliseconds; before, time.time().
cdef bint _TIME_NS = sys.version_info >= (3, 13)
# 3.12 on: taskName.
cdef bint _TASK_NAME = sys.version_info >= (3, 12)
cdef tuple _NO_ARGS = ()  # object.__new__(LogRecord)'s

# The constants of __init__'s code, as Python objects: Python's arithmetic on them is the
# reference wherever a value is not the float or int the C fast paths take.
cdef object _THOUSAND = 1000
cdef object _ZERO = 0.0
cdef object _NS_PER_S_FLOAT = 1e9
cdef object _NS_PER_MS_FLOAT = 1e6
cdef object _NS_PER_S = 1_000_000_000
cdef object _NS_PER_MS = 1_000_000
cdef object _LAST_MS = 999.0
cdef str _LEVEL_FORMAT = "Level %s"
cdef str _UNKNOWN_MODULE = "Unknown module"
# The stdlib's constant is interned (it looks like an identifier): the same object.
cdef str _MAIN_PROCESS = sys.intern("MainProcess")

# pathname -> (the pathname it was computed for, filename, module), for exact str paths:
# a program logs from a few files, whose code objects hand the same strings each time.
cdef dict _splits = {}
cdef Py_ssize_t _MAX_SPLITS = 1024

# The C functions behind asyncio.current_task and asyncio._get_running_loop, once asyncio
# is imported (see _task_name).
cdef object _c_current_task = None
cdef object _c_get_running_loop = None
cdef bint _asyncio_seen = False

# Whether this module reproduces the running stdlib (decided at import, below).
cdef bint _reproduces = False


cdef inline object _global(dict g, str name):
    """``name`` as code whose globals are ``g`` sees it: a global, else a builtin."""
    cdef PyObject *value = PyDict_GetItemWithError(g, name)
    if value is not NULL:
        return <object>value
    return _builtin(g, name)


cdef inline object _module_attribute(object module, str name):
    """``module.name``, read from the module's dict when it is a plain module (exactly
    ModuleType, whose getattr finds a name there before anything else: no descriptor of
    ModuleType's has these names, and a module's ``__getattr__`` runs only for a name
    its dict lacks); anything else, or a name not in the dict, through getattr. What
    mock.patch and freezegun set on a module is in its dict."""
    cdef PyObject *value
    if type(module) is _ModuleType:
        value = PyDict_GetItemWithError(<object>PyModule_GetDict(module), name)
        if value is not NULL:
            return <object>value
    return getattr(module, name)


cdef object _builtin(dict g, str name):
    builtins = g.get("__builtins__")
    if isinstance(builtins, types.ModuleType):
        builtins = builtins.__dict__
    try:
        return builtins[name]
    except KeyError:
        raise NameError(f"name '{name}' is not defined", name=name) from None


cdef inline object _dict_get(object mapping, object key):
    """``mapping.get(key)``."""
    cdef PyObject *value
    if type(mapping) is dict:
        value = PyDict_GetItemWithError(mapping, key)
        return <object>value if value is not NULL else None
    return mapping.get(key)


cdef object _level_name(dict g, object level):
    """``getLevelName(level)``: its code, inline, while logging's is the one in place."""
    get_level_name = _global(g, "getLevelName")
    if get_level_name is not _getLevelName or _getLevelName is None:
        return get_level_name(level)
    result = _dict_get(_global(g, "_levelToName"), level)
    if result is not None:
        return result
    result = _dict_get(_global(g, "_nameToLevel"), level)
    if result is not None:
        return result
    return PyNumber_Remainder(_LEVEL_FORMAT, level)


cdef object _current_thread_of(object threading_module):
    """``threading.current_thread()``: its code, inline, while threading's is the one in
    place (the same in 3.10-3.14: ``_active[get_ident()]``, else ``_DummyThread()``)."""
    cdef PyObject *thread
    current_thread = _module_attribute(threading_module, "current_thread")
    if current_thread is not _current_thread or _current_thread is None:
        return current_thread()
    g = _threading_globals
    try:
        active = _global(g, "_active")
        ident = _global(g, "get_ident")()
        if type(active) is not dict:
            return active[ident]
        thread = PyDict_GetItemWithError(active, ident)
        if thread is not NULL:
            return <object>thread
    except KeyError:
        pass
    return _global(g, "_DummyThread")()


cdef object _args(dict g, object args):
    """A lone non-empty Mapping argument is the args (``logging.debug("%(a)d", {"a": 1})``)."""
    if not PyObject_IsTrue(args) or len(args) != 1:
        return args
    if PyTuple_CheckExact(args):
        first = <object>PyTuple_GET_ITEM(args, 0)
        if PyObject_IsInstance(first, _global(g, "collections").abc.Mapping) and PyObject_IsTrue(first):
            return first
        return args
    # Anything else is subscripted as often as __init__ does it.
    if PyObject_IsInstance(args[0], _global(g, "collections").abc.Mapping) and PyObject_IsTrue(args[0]):
        return args[0]
    return args


cdef int _set_filename_and_module(dict g, dict d, object pathname) except -1:
    cdef PyObject *cached
    if type(pathname) is str:
        cached = PyDict_GetItemWithError(_splits, pathname)
        if cached is not NULL:
            key, filename, module = <tuple>cached
            # Keep __init__'s identities for this record's own pathname (os.path returns
            # its argument itself when there is nothing to cut): they decide what pickle
            # writes.
            if filename is key:
                filename = pathname
            if module is key:
                module = pathname
            PyDict_SetItem(d, "filename", filename)
            PyDict_SetItem(d, "module", module)
            return 0
    try:
        filename = _global(g, "os").path.basename(pathname)
        PyDict_SetItem(d, "filename", filename)
        module = _global(g, "os").path.splitext(filename)[0]
        PyDict_SetItem(d, "module", module)
    except (TypeError, ValueError, AttributeError):
        PyDict_SetItem(d, "filename", pathname)
        PyDict_SetItem(d, "module", _UNKNOWN_MODULE)
        return 0
    if type(pathname) is str:
        if len(_splits) >= _MAX_SPLITS:
            _splits.clear()
        _splits[pathname] = (pathname, filename, module)
    return 0


cdef int _set_times_from_seconds(dict g, dict d, object ct) except -1:
    """3.10-3.12: ``ct = time.time()``."""
    cdef double seconds
    PyDict_SetItem(d, "created", ct)
    if PyFloat_CheckExact(ct) and isfinite(PyFloat_AS_DOUBLE(ct)):
        seconds = PyFloat_AS_DOUBLE(ct)
        # int((ct - int(ct)) * 1000) + 0.0: each step is exact or the same IEEE operation.
        PyDict_SetItem(d, "msecs", <double><long long>((seconds - trunc(seconds)) * 1000.0))
    else:
        PyDict_SetItem(d, "msecs", PyNumber_Add(PyNumber_Long(PyNumber_Multiply(
            PyNumber_Subtract(ct, PyNumber_Long(ct)), _THOUSAND)), _ZERO))
    start_time = _global(g, "_startTime")
    if PyFloat_CheckExact(ct) and PyFloat_CheckExact(start_time):
        PyDict_SetItem(d, "relativeCreated", (PyFloat_AS_DOUBLE(ct) - PyFloat_AS_DOUBLE(start_time)) * 1000.0)
    else:
        PyDict_SetItem(d, "relativeCreated", PyNumber_Multiply(PyNumber_Subtract(ct, start_time), _THOUSAND))
    return 0


cdef int _set_times_from_nanoseconds(dict g, dict d, object ct) except -1:
    """3.13 on: ``ct = time.time_ns()``."""
    cdef long long ns, start, since_start, whole_seconds, in_second
    cdef int overflow = 0
    cdef double created
    if PyLong_CheckExact(ct):
        ns = PyLong_AsLongLongAndOverflow(ct, &overflow)
        if not overflow:
            # Python's int -> float conversion rounds to nearest, as C's does.
            created = <double>ns / 1e9
            PyDict_SetItem(d, "created", created)
            # Cython's % and // on C integers floor, as Python's do (cdivision is off).
            in_second = ns % 1_000_000_000
            whole_seconds = ns // 1_000_000_000
            if in_second // 1_000_000 == 999 and <long long>trunc(created) != whole_seconds:
                # ns -> seconds rounded up to the next second.
                PyDict_SetItem(d, "msecs", _ZERO)
            else:
                PyDict_SetItem(d, "msecs", <double>(in_second // 1_000_000))
            start_time = _global(g, "_startTime")
            if PyLong_CheckExact(start_time):
                start = PyLong_AsLongLongAndOverflow(start_time, &overflow)
                if not overflow and not ringwriter_sub_overflows(ns, start, &since_start):
                    PyDict_SetItem(d, "relativeCreated", <double>since_start / 1e6)
                    return 0
            PyDict_SetItem(d, "relativeCreated", PyNumber_TrueDivide(PyNumber_Subtract(ct, start_time), _NS_PER_MS_FLOAT))
            return 0
    created_object = PyNumber_TrueDivide(ct, _NS_PER_S_FLOAT)
    PyDict_SetItem(d, "created", created_object)
    msecs = PyNumber_Add(PyNumber_FloorDivide(PyNumber_Remainder(ct, _NS_PER_S), _NS_PER_MS), _ZERO)
    PyDict_SetItem(d, "msecs", msecs)
    if msecs == _LAST_MS and PyNumber_Long(created_object) != PyNumber_FloorDivide(ct, _NS_PER_S):
        PyDict_SetItem(d, "msecs", _ZERO)
    PyDict_SetItem(d, "relativeCreated", PyNumber_TrueDivide(PyNumber_Subtract(ct, _global(g, "_startTime")), _NS_PER_MS_FLOAT))
    return 0


cdef int _find_c_asyncio() except -1:
    global _c_current_task, _c_get_running_loop, _asyncio_seen
    c_asyncio = _sys_modules.get("_asyncio")
    current_task = getattr(c_asyncio, "current_task", None)
    get_running_loop = getattr(c_asyncio, "_get_running_loop", None)
    if current_task is not None and get_running_loop is not None:
        _c_current_task = current_task
        _c_get_running_loop = get_running_loop
        _asyncio_seen = True
    return 0


cdef object _task_name(object modules):
    asyncio = _dict_get(modules, "asyncio")
    if not PyObject_IsTrue(asyncio):
        return None
    if not _asyncio_seen and asyncio is _sys_modules.get("asyncio"):
        _find_c_asyncio()
    try:
        current_task = _module_attribute(asyncio, "current_task")
        # Outside a running loop the C current_task() raises RuntimeError, which
        # __init__ swallows: its own _get_running_loop() answers without an exception.
        if _c_current_task is not None and current_task is _c_current_task and _c_get_running_loop() is None:
            return None
        return current_task().get_name()
    except Exception:
        return None


cdef object _make(dict g, object name, object level, object pathname, object lineno, object msg,
                  object args, object exc_info, object func, object sinfo):
    """What ``LogRecord(name, level, pathname, ...)`` is, with ``g`` as logging's globals."""
    # object.__new__(LogRecord), then the instance's own __dict__, backed by the storage
    # __init__'s stores would fill (3.11 on: its inline values): values stored there are
    # what attribute look-ups, vars() and pickle see on every version. (A dict of our own
    # set as __dict__ is not: 3.13.0 keeps looking in the inline values.)
    record = (<PyTypeObject *>_LogRecord).tp_new(_LogRecord, <PyObject *>_NO_ARGS, NULL)
    cdef dict d = PyObject_GenericGetDict(record, NULL)
    if _TIME_NS:
        ct = _module_attribute(_global(g, "time"), "time_ns")()
    else:
        ct = _module_attribute(_global(g, "time"), "time")()
    PyDict_SetItem(d, "name", name)
    PyDict_SetItem(d, "msg", msg)
    PyDict_SetItem(d, "args", _args(g, args))
    PyDict_SetItem(d, "levelname", _level_name(g, level))
    PyDict_SetItem(d, "levelno", level)
    PyDict_SetItem(d, "pathname", pathname)
    _set_filename_and_module(g, d, pathname)
    PyDict_SetItem(d, "exc_info", exc_info)
    PyDict_SetItem(d, "exc_text", None)
    PyDict_SetItem(d, "stack_info", sinfo)
    PyDict_SetItem(d, "lineno", lineno)
    PyDict_SetItem(d, "funcName", func)
    if _TIME_NS:
        _set_times_from_nanoseconds(g, d, ct)
    else:
        _set_times_from_seconds(g, d, ct)

    if PyObject_IsTrue(_global(g, "logThreads")):
        PyDict_SetItem(d, "thread", _module_attribute(_global(g, "threading"), "get_ident")())
        PyDict_SetItem(d, "threadName", _current_thread_of(_global(g, "threading")).name)
    else:
        PyDict_SetItem(d, "thread", None)
        PyDict_SetItem(d, "threadName", None)

    if not PyObject_IsTrue(_global(g, "logMultiprocessing")):
        PyDict_SetItem(d, "processName", None)
    else:
        process_name = _MAIN_PROCESS
        mp = _dict_get(_module_attribute(_global(g, "sys"), "modules"), "multiprocessing")
        if mp is not None:
            try:
                process_name = _module_attribute(mp, "current_process")().name
            except Exception:
                pass
        PyDict_SetItem(d, "processName", process_name)

    # __init__ asks hasattr(os, "getpid") and then looks getpid up again: one look-up
    # answers both for a module.
    process = None
    if PyObject_IsTrue(_global(g, "logProcesses")):
        try:
            getpid = _module_attribute(_global(g, "os"), "getpid")
        except AttributeError:
            pass
        else:
            process = getpid()
    PyDict_SetItem(d, "process", process)

    if _TASK_NAME:
        if PyObject_IsTrue(_global(g, "logAsyncioTasks")):
            PyDict_SetItem(d, "taskName", _task_name(_module_attribute(_global(g, "sys"), "modules")))
        else:
            PyDict_SetItem(d, "taskName", None)
    return record


cdef object make_record(object name, object level, object pathname, object lineno, object msg,
                        object args, object exc_info, object func, object sinfo):
    """``make_log_record(...)`` from C (the compiled logger's makeRecord)."""
    if _reproduces:
        return _make(_logging_globals, name, level, pathname, lineno, msg, args, exc_info, func, sinfo)
    return _LogRecord(name, level, pathname, lineno, msg, args, exc_info, func, sinfo)


def make_log_record(name, level, pathname, lineno, msg, args, exc_info, func=None, sinfo=None, **kwargs):
    """make_log_record(name, level, pathname, lineno, msg, args, exc_info, func=None, sinfo=None, **kwargs)
--

    A ``logging.LogRecord``, the one ``logging.LogRecord(...)`` makes from the same
    arguments at the same moment, made in C; ``kwargs`` are ignored, as ``LogRecord``
    ignores them. Install it with ``logging.setLogRecordFactory(make_log_record)``.
    """
    return make_record(name, level, pathname, lineno, msg, args, exc_info, func, sinfo)


def _reproduces_stdlib():
    """Whether _make and the running stdlib's LogRecord.__init__ make the same records
    from the same made-up module state (a fixed clock, thread, process and task), with
    every switch on and with every switch off."""
    init = _LogRecord.__init__
    code = getattr(init, "__code__", None)
    if code is None:
        return False
    named = types.SimpleNamespace
    clock = named(time=lambda: 1_700_000_000.9995, time_ns=lambda: 1_700_000_000_999_999_900)
    modules = {
        "multiprocessing": named(current_process=lambda: named(name="probe-process")),
        "asyncio": named(current_task=lambda: named(get_name=lambda: "probe-task")),
    }
    calls = [
        ("probe", 20, "/probe/dir/probe.py", 1, "a %(b)s", ({"b": 1},), None, "f", "stack"),
        ("probe", 7, None, 2, 3, (4, 5), (None, None, None), None, None),
    ]
    for switch in (True, False):
        g = dict(_logging_globals)
        g.update(time=clock, sys=named(modules=modules),
                 threading=named(get_ident=lambda: 7, current_thread=lambda: named(name="probe-thread")),
                 logThreads=switch, logProcesses=switch, logMultiprocessing=switch, logAsyncioTasks=switch)
        stdlib_init = types.FunctionType(code, g, init.__name__, init.__defaults__, init.__closure__)
        for name, level, pathname, lineno, msg, args, exc_info, func, sinfo in calls:
            try:
                theirs = _LogRecord.__new__(_LogRecord)
                stdlib_init(theirs, name, level, pathname, lineno, msg, args, exc_info, func, sinfo)
                ours = _make(g, name, level, pathname, lineno, msg, args, exc_info, func, sinfo)
            except Exception:
                return False
            if [(k, type(v), v) for k, v in vars(ours).items()] != [(k, type(v), v) for k, v in vars(theirs).items()]:
                return False
    _splits.clear()
    return True


_reproduces = _reproduces_stdlib()
reproduces_stdlib = _reproduces
