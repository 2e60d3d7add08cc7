"""ringwriter.records.Logger against the running stdlib's logging.Logger.

Every differential test runs one call site (``site(logger)``) twice from the same line:
once with a ``logging.Logger`` and once with a ``ringwriter.records.Logger``, each set up
alike (handlers that keep their records, a parent, filters, levels), and compares what a
program can see: each record's attributes in order with their values (its times and
thread and process ids aside), which handlers got it, what the call returned or raised,
and what reached stderr (logging's own frames left out of the "Call stack:" that
``handleError`` prints: the one difference the README owns).
"""
import asyncio
import contextlib
import functools
import io
import logging
import os
import subprocess
import sys
import threading
import traceback

import pytest

from ringwriter import _logger, _logger_probe
from ringwriter.records import Logger, RootLogger, make_log_record

ASIDE = ("created", "msecs", "relativeCreated", "thread", "process")
LOGGING_FILE = logging.__file__


class Keep(logging.Handler):
    """Keeps the records it handles."""

    def __init__(self, level=logging.NOTSET):
        super().__init__(level)
        self.kept = []

    def emit(self, record):
        self.kept.append(record)


def comparable(value):
    """What is compared of a record attribute (exceptions and tracebacks by value)."""
    if isinstance(value, BaseException):
        return (type(value), str(value), comparable(value.__traceback__))
    if type(value).__name__ == "traceback":
        return traceback.extract_tb(value).format()
    if isinstance(value, tuple):
        return tuple(comparable(item) for item in value)
    if isinstance(value, type):
        return value
    return value


def attributes(record):
    return [(key, comparable(value)) for key, value in vars(record).items() if key not in ASIDE]


def without_logging_frames(text):
    """stderr with logging's own frames taken out of each "Call stack:"."""
    lines, out, in_stack, skip_source = text.splitlines(), [], False, False
    for line in lines:
        if line.startswith("Call stack:"):
            in_stack = True
        elif not line.startswith(" "):
            in_stack = False
        if skip_source and line.startswith("    "):
            skip_source = False
            continue
        skip_source = False
        if in_stack and line.startswith(f'  File "{LOGGING_FILE}"'):
            skip_source = True
            continue
        out.append(line)
    return "\n".join(out)


def outcome(call):
    try:
        result = call()
    except Exception as error:
        return ("raised", type(error), str(error))
    if isinstance(result, logging.LogRecord):
        return ("record", attributes(result))
    return ("returned", comparable(result))


class Setup:
    """One logger of a class, with a parent, each with a Keep handler (the logger's own
    also with a Keep at ERROR), not in the manager's hierarchy unless asked."""

    def __init__(self, logger_class, name="differential", parent_class=logging.Logger, level=1, handlers=True):
        self.logger = logger_class(name, level)
        self.parent = parent_class(name + "-parent")
        self.logger.parent = self.parent
        self.keep, self.above, self.parents_keep = Keep(), Keep(logging.ERROR), Keep()
        if handlers:
            self.logger.handlers = [self.keep, self.above]
            self.parent.handlers = [self.parents_keep]

    def kept(self):
        return [[attributes(record) for record in handler.kept] for handler in (self.keep, self.above, self.parents_keep)]


def run(setup, site):
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        result = outcome(functools.partial(site, setup.logger))
    return result, setup.kept(), without_logging_frames(stderr.getvalue())


def compare(site, prepare=lambda setup: None, stdlib_class=logging.Logger, compiled_class=Logger, **options):
    """Run ``site`` with each logger class (same line, same frames) and compare."""
    results = []
    for logger_class in (stdlib_class, compiled_class):
        logging.Logger.manager.emittedNoHandlerWarning = False
        setup = Setup(logger_class, **options)
        prepare(setup)
        results.append(run(setup, site))
    theirs, ours = results
    assert ours == theirs
    return theirs


@pytest.fixture(autouse=True)
def stdlib_state():
    """Each test leaves logging as it found it."""
    saved = (logging.getLogRecordFactory(), logging.getLoggerClass(), logging.root.manager.disable, logging.lastResort,
             logging.raiseExceptions, logging._srcfile, logging.currentframe)
    yield
    (factory, logger_class, disable, last_resort, raise_exceptions, srcfile, currentframe) = saved
    logging.setLogRecordFactory(factory)
    logging.setLoggerClass(logger_class)
    logging.disable(disable)
    logging.lastResort, logging.raiseExceptions, logging._srcfile = last_resort, raise_exceptions, srcfile
    logging.currentframe = currentframe


# -- call sites ---------------------------------------------------------------------------

def in_function(log):
    log.info("in a function %s", 1)


class Sites:
    def method(self, log):
        log.warning("in a method")

    @classmethod
    def a_classmethod(cls, log):
        log.error("in a classmethod")

    @staticmethod
    def a_staticmethod(log):
        log.critical("in a staticmethod")


def in_lambda(log):
    (lambda: log.info("in a lambda"))()


def in_generator(log):
    def generator():
        yield log.info("in a generator")
        yield log.info("resumed")

    list(generator())


def in_comprehension(log):
    [log.info("in a comprehension %d", i) for i in range(2)]
    {log.info("in a set comprehension %d", i) for i in range(1)}
    list(log.info("in a generator expression %d", i) for i in range(1))  # noqa: C400 (the call site is a genexpr's frame)


def in_thread(log):
    thread = threading.Thread(target=lambda: log.info("in a thread"), name="differential-thread")
    thread.start()
    thread.join()


def in_thread_directly(log):
    thread = threading.Thread(target=log.info, args=("the thread's target",), name="differential-thread")
    thread.start()
    thread.join()


def in_asyncio_task(log):
    async def task():
        log.info("in a task")
        await asyncio.sleep(0)
        log.info("after an await")

    async def main():
        await asyncio.create_task(task(), name="differential-task")

    asyncio.run(main())


def wrapper(log, stacklevel, depth=2, **kwargs):
    if depth:
        return wrapper(log, stacklevel, depth - 1, **kwargs)
    log.info("wrapped", stacklevel=stacklevel, **kwargs)


SITES = [in_function, Sites().method, Sites.a_classmethod, Sites.a_staticmethod, in_lambda, in_generator,
         in_comprehension, in_thread, in_thread_directly, in_asyncio_task]


@pytest.mark.parametrize("site", SITES, ids=lambda site: site.__name__)
def test_call_sites(site):
    assert compare(site)[1][0]  # records were made


# -- line numbers: the compiled logger remembers the line of each call site -------------

def several_lines_in_a_loop(log):
    for round in range(3):
        log.info("first %d", round)
        if round % 2:
            log.info("odd")
        log.info(
            "last %d",
            round,
        )


def line_numbers(kept):
    return [dict(record)["lineno"] for record in kept]


def test_line_numbers_of_repeated_call_sites():
    first = several_lines_in_a_loop.__code__.co_firstlineno
    kept = compare(several_lines_in_a_loop)[1][0]
    last = line_numbers(kept)[1]  # the call spans three lines; which one counts is the version's
    assert first + 5 <= last <= first + 7
    assert line_numbers(kept) == [first + 2, last, first + 2, first + 4, last, first + 2, last]


def test_line_numbers_of_many_code_objects():
    """More call sites than the line cache has slots: each still gets its own line."""
    namespace = {}
    source = "".join(f"def site_{i}(log):\n" + "\n" * (i % 7) + f"    log.info('site {i}')\n" for i in range(600))
    exec(compile(source, "generated_sites.py", "exec"), namespace)
    sites = [namespace[f"site_{i}"] for i in range(600)]

    def site(log):
        for _ in range(2):
            for each in sites:
                each(log)

    kept = compare(site)[1][0]
    assert line_numbers(kept) == [each.__code__.co_firstlineno + 1 + i % 7 for i, each in enumerate(sites)] * 2


def test_line_numbers_under_a_tracer():
    """With sys.settrace, the stdlib reads the line the tracer's machinery stored; the
    line cache must not answer for a frame being traced, nor remember what it saw then."""
    def tracer(frame, event, arg):
        return tracer

    def site(log):
        several_lines_in_a_loop(log)
        sys.settrace(tracer)
        try:
            several_lines_in_a_loop(log)
        finally:
            sys.settrace(None)
        several_lines_in_a_loop(log)

    previous = sys.gettrace()
    try:
        assert len(compare(site)[1][0]) == 3 * 7
    finally:
        sys.settrace(previous)


def test_line_numbers_after_tracing_stops_inside_the_frame():
    """A frame keeps its trace function once tracing stopped: its lines are read as the
    stdlib reads them, before and after."""
    def tracer(frame, event, arg):
        return tracer

    def traced(log):
        log.info("traced")
        sys.settrace(None)
        log.info("after tracing")
        log.info("after tracing, again")

    def site(log):
        sys.settrace(tracer)
        traced(log)

    previous = sys.gettrace()
    try:
        assert len(compare(site)[1][0]) == 3
    finally:
        sys.settrace(previous)


def test_line_numbers_from_inside_a_tracer_that_jumps():
    """A tracer that logs about the traced frame, and moves it with f_lineno: the
    record's line is the one the stdlib reads off that frame."""
    def traced():
        x = 1
        x = 2  # jumped over
        return x

    assert traced() == 2

    def site(log):
        start = traced.__code__.co_firstlineno

        def tracer(frame, event, arg):
            if frame.f_code is traced.__code__:
                if event == "line" and frame.f_lineno == start + 2:
                    frame.f_lineno = start + 3
                log.info("tracing %s", event, stacklevel=2)  # the traced frame's line
                return tracer
            return tracer if event == "call" else None

        sys.settrace(tracer)
        try:
            return traced()
        finally:
            sys.settrace(None)

    previous = sys.gettrace()
    try:
        result, kept = compare(site)[:2]
        assert result == ("returned", 1) and kept[0]
    finally:
        sys.settrace(previous)


@pytest.mark.parametrize("stacklevel", [1, 2, 3, 4, 5, 1000])
@pytest.mark.parametrize("method", ["debug", "info", "warning", "error", "critical", "exception", "log", "_log"])
def test_stacklevel(method, stacklevel):
    def site(log):
        def inner():
            def innermost():
                if method == "log":
                    log.log(25, "m", stacklevel=stacklevel)
                elif method == "_log":
                    log._log(25, "m", (), stacklevel=stacklevel)
                else:
                    getattr(log, method)("m %s", method, stacklevel=stacklevel)
            innermost()
        inner()

    assert compare(site)[1][0]


@pytest.mark.parametrize("stacklevel", [0, -1, 2.0, True, None, "2"])
def test_unusual_stacklevels(stacklevel):
    compare(lambda log: wrapper(log, stacklevel))


@pytest.mark.parametrize("stacklevel", [1, 2, 3, 7])
def test_stacklevel_through_wrappers(stacklevel):
    compare(lambda log: wrapper(log, stacklevel, stack_info=True))


@pytest.mark.parametrize("stacklevel", [1, 2, 3])
def test_adapters(stacklevel):
    def site(log):
        adapter = logging.LoggerAdapter(log, {"adapted": 1})
        adapter.info("through an adapter", stacklevel=stacklevel)
        adapter.log(30, "log through an adapter")
        adapter.warning("with stack", stack_info=True)
        try:
            1 / 0
        except ZeroDivisionError:
            adapter.exception("exception through an adapter")

    compare(site)


def test_module_level_functions_through_the_root_logger():
    """logging.info() and friends, with the root logger's class switched."""
    keep = Keep()

    def site(_):
        logging.info("module info %d", 1)
        logging.log(25, "module log", stacklevel=2)
        try:
            1 / 0
        except ZeroDivisionError:
            logging.exception("module exception")

    results = []
    root = logging.root
    saved_level, saved_class = root.level, type(root)
    root.addHandler(keep)
    try:
        for root_class in (logging.RootLogger, RootLogger):
            root.__class__ = root_class
            root.setLevel(1)
            del keep.kept[:]
            site(None)
            results.append([attributes(record) for record in keep.kept])
    finally:
        root.__class__ = saved_class
        root.removeHandler(keep)
        root.setLevel(saved_level)
    assert results[0] == results[1] and len(results[0]) == 3


def test_stack_info():
    compare(lambda log: log.info("with stack", stack_info=True))
    compare(lambda log: in_generator(log) or log.warning("x", stack_info=1, stacklevel=2))


def raise_and(call):
    try:
        raise ValueError("raised")
    except ValueError:
        return call()


@pytest.mark.parametrize("form", ["True", "instance", "tuple", "none tuple", "False", "None", "outside"])
def test_exc_info_forms(form):
    error = KeyError("given")
    given = {"True": True, "instance": error, "tuple": (KeyError, error, None), "none tuple": (None, None, None),
             "False": False, "None": None, "outside": True}[form]
    if form == "outside":
        compare(lambda log: log.error("outside an except block", exc_info=given))
    else:
        compare(lambda log: raise_and(lambda: log.error("with exc_info", exc_info=given)))
        compare(lambda log: raise_and(lambda: log.exception("exception", exc_info=given)))


def test_exception_outside_an_except_block():
    compare(lambda log: log.exception("nothing raised"))


@pytest.mark.parametrize("extra", [{"custom": 1}, {"message": 1}, {"asctime": 1}, {"name": 1}, {"lineno": 1},
                                   {"a": 1, "funcName": 2}, None, {}])
def test_extra(extra):
    compare(lambda log: log.info("with extra", extra=extra))


def test_bad_calls_raise_the_stdlib_errors():
    compare(lambda log: log.info())
    compare(lambda log: log.info("x", unknown=1))
    compare(lambda log: log.info("x", msg="y"))
    compare(lambda log: log.log("INFO", "a level that is not an int"))
    compare(lambda log: log.log())
    compare(lambda log: log._log(20))
    compare(lambda log: log._log(20, "m", (), None, None, False, 1, "extra"))
    compare(lambda log: log._log(20, "m", (), level=20))
    compare(lambda log: log.findCaller(False, 1, 2))
    compare(lambda log: log.makeRecord("n", 20))
    compare(lambda log: log.exception())


def test_a_level_that_is_not_an_int_without_raise_exceptions(monkeypatch):
    monkeypatch.setattr(logging, "raiseExceptions", False)
    compare(lambda log: log.log("INFO", "ignored"))


def test_the_methods_called_directly():
    compare(lambda log: log.findCaller())
    compare(lambda log: log.findCaller(True, 2))
    compare(lambda log: log.findCaller(stacklevel=3, stack_info=False))
    compare(lambda log: log.isEnabledFor(10))
    compare(lambda log: log.makeRecord("name", 20, "/a/b.py", 3, "m %s", (1,), None, "f", {"x": 1}, "sinfo"))
    compare(lambda log: log.handle(logging.makeLogRecord({"msg": "handled", "levelno": 40})))
    compare(lambda log: log.callHandlers(logging.makeLogRecord({"msg": "called", "levelno": 10})))
    compare(lambda log: log._log(30, "direct %s", ("_log",), exc_info=ValueError("v"), extra={"e": 1},
                                 stack_info=True, stacklevel=2))


def test_levels_and_disabled_loggers():
    def prepare(setup):
        setup.logger.setLevel(logging.WARNING)

    compare(lambda log: [log.debug("no"), log.info("no"), log.warning("yes"), log.log(45, "yes"),
                         log.isEnabledFor(10), log.isEnabledFor(30)], prepare)

    def disabled(setup):
        setup.logger.disabled = True

    compare(lambda log: [log.error("disabled"), log.handle(logging.makeLogRecord({"msg": "h"})),
                         log.isEnabledFor(50)], disabled)


def test_a_level_set_after_the_cache_filled():
    def site(log):
        log.info("before")
        log.setLevel(logging.ERROR)
        log.info("after")
        log.error("kept")

    compare(site)


def test_manager_disable():
    def site(log):
        logging.disable(logging.INFO)
        try:
            log.info("disabled")
            log.warning("not disabled")
        finally:
            logging.disable(logging.NOTSET)
        log.info("enabled again")

    compare(site)


def test_a_replaced_manager(monkeypatch):
    manager = logging.Manager(logging.root)
    manager.disable = logging.ERROR
    monkeypatch.setattr(logging.Logger, "manager", manager)
    compare(lambda log: [log.warning("below the replaced manager's disable"), log.critical("above")])
    compare(lambda log: log.info("no handlers"), handlers=False, parent_class=lambda name: None)


def filters_of(kind):
    replaced = logging.makeLogRecord({"msg": "replaced by a filter", "levelno": 20})

    class FilterObject:
        def filter(self, record):
            return kind != "false"

    return {
        "false": [lambda record: False],
        "zero": [lambda record: 0],
        "true": [lambda record: True],
        "record": [lambda record: replaced],
        "modify": [lambda record: setattr(record, "modified", 1) or True],
        "object": [FilterObject()],
        "logging.Filter": [logging.Filter("other")],
        "chain": [lambda record: replaced, lambda record: record.msg == "replaced by a filter"],
    }[kind]


@pytest.mark.parametrize("kind", ["false", "zero", "true", "record", "modify", "object", "logging.Filter", "chain"])
@pytest.mark.parametrize("where", ["logger", "handler"])
def test_filters(kind, where):
    def prepare(setup):
        target = setup.logger if where == "logger" else setup.keep
        for f in filters_of(kind):
            target.addFilter(f)

    compare(lambda log: [log.info("filtered"), log.handle(logging.makeLogRecord({"msg": "handled"}))], prepare)


def test_a_raising_filter():
    def prepare(setup):
        setup.logger.addFilter(lambda record: 1 / 0)

    compare(lambda log: log.info("x"), prepare)


def test_propagation():
    def no_propagation(setup):
        setup.logger.propagate = False

    compare(lambda log: log.info("not propagated"), no_propagation)

    def chain(setup):
        grandparent = logging.Logger("grandparent")
        grandparent.handlers = [setup.parents_keep]
        setup.parent.handlers = []
        setup.parent.parent = grandparent

    compare(lambda log: log.info("to the grandparent"), chain)
    compare(lambda log: log.info("parent a RootLogger"), parent_class=lambda name: RootLogger(logging.NOTSET))
    compare(lambda log: log.info("parent a compiled Logger"), parent_class=Logger)


def test_handler_levels_and_order():
    order = []

    class Noting(logging.Handler):
        def emit(self, record):
            order.append((self.name, record.getMessage()))

    def prepare(setup):
        for name, level in (("a", 0), ("b", 40), ("c", 20)):
            handler = Noting(level)
            handler.name = name
            setup.logger.addHandler(handler)

    def site(log):
        del order[:]
        log.info("i")
        log.error("e")
        return list(order)

    compare(site, prepare)


def test_last_resort():
    compare(lambda log: [log.warning("to lastResort"), log.info("below lastResort")], handlers=False,
            parent_class=lambda name: None)


@pytest.mark.parametrize("raise_exceptions", [True, False])
def test_no_handlers_without_last_resort(monkeypatch, raise_exceptions):
    monkeypatch.setattr(logging, "lastResort", None)
    monkeypatch.setattr(logging, "raiseExceptions", raise_exceptions)
    compare(lambda log: [log.warning("nowhere"), log.warning("the warning once")], handlers=False,
            parent_class=lambda name: None)


def test_formatting_errors_reach_handle_error():
    def prepare(setup):
        setup.logger.handlers = [logging.StreamHandler(io.StringIO())]

    result = compare(lambda log: [log.info("%d", "not a number"), log.info("x", 1, 2)], prepare)
    assert "--- Logging error ---" in result[2]


def test_a_raising_handler_without_raise_exceptions(monkeypatch):
    monkeypatch.setattr(logging, "raiseExceptions", False)

    def prepare(setup):
        setup.logger.handlers = [logging.StreamHandler(io.StringIO())]

    compare(lambda log: log.info("%d", "not a number"), prepare)


# -- what a program changed ---------------------------------------------------------------

def overriding(base, name, value):
    return type("Overriding", (base,), {name: value})


OVERRIDES = {
    "findCaller": lambda self, stack_info=False, stacklevel=1: ("overridden", 7, "f", None),
    "makeRecord": lambda self, *args, **kwargs: logging.makeLogRecord({"msg": "made by the override"}),
    "_log": lambda self, level, msg, args, **kwargs: self.handle(logging.makeLogRecord({"msg": "_log override"})),
    "isEnabledFor": lambda self, level: level >= 30,
    "handle": lambda self, record: self.callHandlers(record) if record.levelno > 20 else None,
    "callHandlers": lambda self, record: self.handlers[0].handle(record),
    "filter": lambda self, record: record.levelno > 20,
    "error": lambda self, msg, *args, **kwargs: self.warning("error became a warning"),
}


@pytest.mark.parametrize("name", sorted(OVERRIDES))
def test_subclass_overrides(name):
    def site(log):
        log.info("info"), log.error("error"), log.exception("exception"), log.log(35, "log")

    compare(site, stdlib_class=overriding(logging.Logger, name, OVERRIDES[name]),
            compiled_class=overriding(Logger, name, OVERRIDES[name]))


@pytest.mark.parametrize("name", sorted(OVERRIDES))
def test_instance_overrides(name):
    def prepare(setup):
        setattr(setup.logger, name, OVERRIDES[name].__get__(setup.logger))

    def site(log):
        log.info("info"), log.error("error"), log.exception("exception"), log.log(35, "log")

    compare(site, prepare)


@pytest.mark.parametrize("name", ["callHandlers", "_log", "handle", "findCaller", "makeRecord", "isEnabledFor",
                                  "info", "filter"])
def test_a_patched_stdlib_method_is_called(monkeypatch, name):
    """Libraries wrap logging.Logger's methods (sentry-sdk wraps callHandlers): the wrapper
    runs for the compiled class too, as for any subclass that does not override them."""
    owner = logging.Filterer if name == "filter" else logging.Logger
    original = getattr(owner, name)
    calls = []

    def wrapped(self, *args, **kwargs):
        calls.append(name)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(owner, name, wrapped)
    result = compare(lambda log: [calls.clear(), wrapper(log, 2), log.warning("w", stacklevel=1), list(calls)])
    assert result[0][1][-1], "the wrapper ran"


def test_a_subclass_calling_super():
    class Calling:
        def _log(self, level, msg, args, **kwargs):
            return super()._log(level, "super: " + msg, args, **kwargs)

        def findCaller(self, stack_info=False, stacklevel=1):
            return super().findCaller(stack_info, stacklevel + 1)

    compare(lambda log: wrapper(log, 1), stdlib_class=type("S", (Calling, logging.Logger), {}),
            compiled_class=type("S", (Calling, Logger), {}))


def test_a_plain_subclass():
    compare(lambda log: wrapper(log, 2, stack_info=True), stdlib_class=type("P", (logging.Logger,), {}),
            compiled_class=type("P", (Logger,), {}))


def test_a_property_over_an_attribute():
    class Property:
        @property
        def disabled(self):
            return self.name.endswith("disabled")

        @disabled.setter
        def disabled(self, value):
            pass

    compare(lambda log: log.info("x"), stdlib_class=type("D", (Property, logging.Logger), {}),
            compiled_class=type("D", (Property, Logger), {}), name="is-disabled")


def test_srcfile_none(monkeypatch):
    monkeypatch.setattr(logging, "_srcfile", None)
    compare(lambda log: [wrapper(log, 2, stack_info=True), log.findCaller(True)])


def test_srcfile_changed(monkeypatch):
    monkeypatch.setattr(logging, "_srcfile", os.path.normcase(__file__))
    compare(lambda log: [wrapper(log, 1), in_function(log), log.findCaller()])


def test_currentframe_replaced(monkeypatch):
    monkeypatch.setattr(logging, "currentframe", lambda: sys._getframe(2))
    compare(lambda log: [wrapper(log, 1), wrapper(log, 3), log.findCaller()])


@pytest.mark.skipif(not hasattr(logging, "_is_internal_frame"), reason="3.11 on")
def test_is_internal_frame_replaced(monkeypatch):
    here = os.path.normcase(__file__)
    original = logging._is_internal_frame
    monkeypatch.setattr(logging, "_is_internal_frame",
                        lambda frame: original(frame) or frame.f_code.co_name == "wrapper")
    compare(lambda log: [wrapper(log, 1), wrapper(log, 2), log.findCaller()])
    assert here  # the replacement reads frames of this file


def test_normcase_replaced(monkeypatch):
    monkeypatch.setattr(os.path, "normcase", lambda path: path.upper())
    compare(lambda log: [wrapper(log, 1), log.findCaller()])


def test_print_stack_patched(monkeypatch):
    monkeypatch.setattr(traceback, "print_stack", lambda frame, file: file.write("patched\n"))
    compare(lambda log: [log.info("x", stack_info=True), log.findCaller(True)])


@pytest.mark.parametrize("switch", ["logThreads", "logProcesses", "logMultiprocessing", "logAsyncioTasks"])
def test_switches_off(monkeypatch, switch):
    monkeypatch.setattr(logging, switch, False, raising=False)
    compare(in_asyncio_task)


def custom_factory(*args, **kwargs):
    record = logging.LogRecord(*args, **kwargs)
    record.custom = True
    return record


@pytest.mark.parametrize("factory", [custom_factory, make_log_record, logging.LogRecord],
                         ids=["custom", "make_log_record", "LogRecord"])
def test_record_factories(factory):
    logging.setLogRecordFactory(factory)
    compare(lambda log: [in_function(log), log.info("extra", extra={"x": 1}), log.info("clash", extra={"custom": 1})])


def test_a_factory_returning_a_record_of_another_class():
    class Record(logging.LogRecord):
        pass

    logging.setLogRecordFactory(lambda *args: Record(*args))
    compare(lambda log: [log.info("m"), log.warning("m", extra={"levelno": 1})])


class StackNoting(logging.Handler):
    """Notes the names of logging's Logger methods on the stack at each emit."""

    def __init__(self):
        super().__init__()
        self.stacks = []

    def emit(self, record):
        self.stacks.append([frame.name for frame in traceback.extract_stack()
                            if frame.filename == LOGGING_FILE and frame.name != "handle"])


def logging_frames(logger_class, prepare=lambda log: None, call=lambda log: log.info("x")):
    log = logger_class("frames", 1)
    handler = StackNoting()
    log.addHandler(handler)
    prepare(log)
    call(log)
    return handler.stacks[0]


def test_the_compiled_path_has_no_logging_frames():
    assert logging_frames(logging.Logger) == ["info", "_log", "callHandlers"]
    assert logging_frames(Logger) == []
    assert logging_frames(Logger, call=lambda log: log.exception("x")) == []
    assert logging_frames(Logger, call=lambda log: log.log(20, "x", stacklevel=2, extra={"a": 1})) == []


@pytest.mark.parametrize("change", ["instance findCaller", "stacklevel 0", "stacklevel True", "_srcfile",
                                    "currentframe"])
def test_what_a_program_changed_takes_the_stdlibs_python(change, monkeypatch):
    def prepare(log):
        if change == "instance findCaller":
            log.findCaller = lambda *args: ("f", 1, "g", None)
        elif change == "_srcfile":
            monkeypatch.setattr(logging, "_srcfile", "elsewhere")
        elif change == "currentframe":
            monkeypatch.setattr(logging, "currentframe", lambda: sys._getframe(1))

    def call(log):
        if change == "stacklevel 0":
            log.info("x", stacklevel=0)
        elif change == "stacklevel True":
            log.info("x", stacklevel=True)
        else:
            log.info("x")

    # The stdlib's info and _log take the call; the steps after the record is made (handle,
    # callHandlers), which the change does not reach, are still the compiled ones.
    assert logging_frames(Logger, prepare, call) == ["info", "_log"]


def test_the_probe_tells_a_difference():
    assert _logger_probe.same_records(logging.Logger, Logger)
    lying = overriding(Logger, "findCaller", lambda self, stack_info=False, stacklevel=1: ("elsewhere", 1, "f", None))
    assert not _logger_probe.same_records(logging.Logger, lying)


@pytest.mark.skipif(sys.version_info[:2] not in [(3, 10), (3, 11), (3, 12), (3, 13), (3, 14)],
                    reason="a CPython this module knows")
def test_the_running_stdlib_is_reproduced():
    assert _logger.reproduces_stdlib


# -- threads, fork, install() -------------------------------------------------------------

def test_threads_each_record_once():
    log = Logger("threads", 1)
    keep = Keep()
    log.addHandler(keep)
    log.propagate = False
    start = threading.Barrier(8)

    def work(n):
        start.wait()
        for i in range(200):
            log.info("thread %d record %d", n, i)

    threads = [threading.Thread(target=work, args=(n,), name=f"worker-{n}") for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seen = sorted((record.args, record.threadName) for record in keep.kept)
    assert seen == sorted(((n, i), f"worker-{n}") for n in range(8) for i in range(200))
    assert all(record.funcName == "work" for record in keep.kept)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork")
def test_fork(tmp_path):
    path = tmp_path / "forked.log"
    log = Logger("forked", 1)
    handler = logging.FileHandler(path)
    handler.setFormatter(logging.Formatter("%(process)d %(funcName)s %(message)s"))
    log.addHandler(handler)
    log.info("parent before")
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            log.info("child")
            handler.close()
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    log.info("parent after")
    handler.close()
    lines = path.read_text().splitlines()
    assert lines == [f"{os.getpid()} test_fork parent before", f"{pid} test_fork child",
                     f"{os.getpid()} test_fork parent after"]


INSTALL_SCRIPT = r"""
import logging, sys
before = logging.getLogger("made.before")
placeholder_child = logging.getLogger("a.b")
class Mine(logging.Logger):
    pass
mine = Mine("mine")
logging.Logger.manager.loggerDict["mine"] = mine
import ringwriter.records as records
records.install()
records.install()
after = logging.getLogger("made.after")
print(type(before).__name__, type(before).__module__, type(after).__module__, type(logging.root).__module__,
      type(logging.getLogger("a")).__module__, type(mine).__name__,
      logging.getLogRecordFactory() is records.make_log_record, isinstance(logging.root, logging.RootLogger))
logging.basicConfig(stream=sys.stdout, format="%(name)s %(funcName)s %(lineno)d %(message)s", level=logging.INFO)
def call():
    before.info("from a logger made before install")
    logging.info("through logging.info")
    logging.LoggerAdapter(after, {}).warning("through an adapter")
call()
records.uninstall()
records.uninstall()
print(type(before).__module__, type(after).__module__, type(logging.root).__module__, type(mine).__name__,
      logging.getLoggerClass() is logging.Logger, logging.getLogRecordFactory() is logging.LogRecord)
logging.setLogRecordFactory(lambda *args: logging.LogRecord(*args))
class Other(logging.Logger):
    pass
logging.setLoggerClass(Other)
records.install()
print(logging.getLoggerClass().__name__, logging.getLogRecordFactory() is records.make_log_record,
      type(logging.root).__module__)
"""


def test_install_and_uninstall():
    completed = subprocess.run([sys.executable, "-c", INSTALL_SCRIPT], capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.splitlines() == [
        "Logger ringwriter.records ringwriter.records ringwriter.records ringwriter.records Mine True True",
        "made.before call 18 from a logger made before install",
        "root call 19 through logging.info",
        "made.after call 20 through an adapter",
        "logging logging logging Mine True True",
        "Other False ringwriter.records",
    ]
    assert completed.stderr == ""


def test_a_logger_and_its_pickle():
    import pickle

    log = logging.getLogger("pickled.compiled")
    log.__class__ = Logger
    try:
        assert pickle.loads(pickle.dumps(log)) is log
        assert repr(log) == "<Logger pickled.compiled (WARNING)>"
        assert isinstance(log, logging.Logger)
    finally:
        log.__class__ = logging.Logger


def test_no_python_frame_takes_the_stdlib_path():
    """A call from C with no Python frame below it: the bound method itself as the
    target of a thread started by _thread (the stdlib's answer is its own frame)."""
    import _thread
    import time

    results = []
    for logger_class in (logging.Logger, Logger):
        setup = Setup(logger_class)
        _thread.start_new_thread(setup.logger.info, ("from C",))
        deadline = time.monotonic() + 10
        while not setup.keep.kept and time.monotonic() < deadline:
            time.sleep(0.01)
        results.append([[item for item in attributes(record) if item[0] != "threadName"]
                        for record in setup.keep.kept])
    assert results[0] == results[1]
    # 3.11 on: the deepest frame, logging's own; 3.10: past the top of the stack.
    expected = logging.__file__ if hasattr(logging, "_is_internal_frame") else "(unknown file)"
    assert dict(results[0][0])["pathname"] == expected
