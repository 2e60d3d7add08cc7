"""ringwriter.records.make_log_record against the running stdlib's logging.LogRecord.

Every test makes the stdlib's record and ours from the same arguments, with the module
state that decides a record's values (the clock, the process id, the switches) the same
for both, and compares what a program can see of them: the type, ``vars()`` with its
order and the type of each value, ``pickle.dumps`` for every protocol, ``getMessage()``
and ``repr()``; or, where the stdlib raises, the exception.
"""
import _thread
import asyncio
import collections.abc
import contextlib
import inspect
import itertools
import logging
import os
import pathlib
import pickle
import subprocess
import sys
import threading
import time
import types
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ringwriter import _record_factory
from ringwriter.records import make_log_record

HAS_TASK_NAME = sys.version_info >= (3, 12)
# A whole second plus 250 ms, as time.time() and as time.time_ns() (the stdlib calls one).
SECONDS = 1_700_000_000.25
NANOSECONDS = 1_700_000_000_250_000_000


class Mapping(collections.abc.Mapping):
    """A Mapping that is not a dict (picklable: defined at module level)."""

    def __init__(self, **items):
        self._items = items

    def __getitem__(self, key):
        return self._items[key]

    def __iter__(self):
        return iter(self._items)

    def __len__(self):
        return len(self._items)


class Text(str):
    pass


def outcome(call, *args, **kwargs):
    """What ``call`` returns, or the type and message of what it raises."""
    try:
        return ("returned", call(*args, **kwargs))
    except BaseException as e:  # noqa: B036 - KeyboardInterrupt from a patched function too
        return ("raised", type(e), str(e))


def pickled(record, protocol):
    return outcome(pickle.dumps, record, protocol)


def attributes(record):
    """``vars(record)`` in order, each value with its type; floats by their bits (nan, -0.0)."""
    return [(key, type(value), value.hex() if type(value) is float else value) for key, value in vars(record).items()]


def assert_same_record(ours, theirs):
    assert type(ours) is logging.LogRecord
    assert attributes(ours) == attributes(theirs)
    assert all(getattr(ours, key) is value for key, value in vars(ours).items())
    for protocol in range(6):
        assert pickled(ours, protocol) == pickled(theirs, protocol), protocol
    assert outcome(ours.getMessage) == outcome(theirs.getMessage)
    assert repr(ours) == repr(theirs)


def assert_same(*args, **kwargs):
    """The stdlib's record and ours from the same arguments, or the same exception."""
    theirs = outcome(logging.LogRecord, *args, **kwargs)
    ours = outcome(make_log_record, *args, **kwargs)
    if theirs[0] == "raised":
        assert ours == theirs
    else:
        assert ours[0] == "returned", ours
        assert_same_record(ours[1], theirs[1])
    return ours[1] if ours[0] == "returned" else None


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """The stdlib and ours read the same clock; the tests that change it patch over this."""
    monkeypatch.setattr(time, "time", lambda: SECONDS)
    monkeypatch.setattr(time, "time_ns", lambda: NANOSECONDS)
    monkeypatch.setattr(os, "getpid", lambda: 4242)


def exc_info():
    try:
        raise ValueError("bad value")
    except ValueError:
        return sys.exc_info()


BASE = {
    "name": "app.db",
    "level": logging.INFO,
    "pathname": "/srv/app/db.py",
    "lineno": 42,
    "msg": "event %s",
    "args": ("x",),
    "exc_info": None,
    "func": "query",
    "sinfo": None,
}
VALUES = {
    "name": ["app.db", "root", "", None, 7],
    "level": [logging.INFO, logging.WARNING, logging.NOTSET, 5, 20.0, True, None, "INFO", "NOPE", [], ("a",)],
    "pathname": [
        "/srv/app/db.py", "db.py", "db", "", "/", "/srv/app/", "/srv/.hidden", "/srv/app/archive.tar.gz",
        "/srv/app/..py", "/srv/app/...", "a/b/c", "/srv/app/é.py", "C:\\srv\\db.py", b"/srv/app/db.py",
        b"db", None, 42, pathlib.PurePosixPath("/srv/app/db.py"), Text("/srv/app/db.py"), ["/srv/app/db.py"],
    ],
    "lineno": [42, 0, None, "42"],
    "msg": ["plain text", "event %s", "%(a)s and %(b)s", "%d%%", 42, None, b"bytes %s", ["a list"]],
    "args": [
        (), ("x",), (1, 2), ({"a": 1, "b": 2},), ({},), (types.MappingProxyType({"a": 1, "b": 2}),),
        (Mapping(a=1, b=2),), (Mapping(),), ({"a": 1, "b": 2}, 2), [{"a": 1, "b": 2}], ["x"], [], None, 0,
        ("",), ((),), "s", {"a": 1, "b": 2},
    ],
    "exc_info": [None, exc_info(), (None, None, None), True, False, 1],
    "func": [None, "query", 7],
    "sinfo": [None, 'Stack (most recent call last):\n  File "db.py", line 1, in <module>', ""],
}


@pytest.mark.parametrize("field, value", [(field, value) for field, values in VALUES.items() for value in values],
                         ids=lambda value: repr(value)[:40])
def test_each_argument(field, value):
    assert_same(**{**BASE, field: value})


def test_arguments_combined():
    for msg, args, exc, pathname, level in itertools.product(
        VALUES["msg"][:4], VALUES["args"], VALUES["exc_info"][:3], VALUES["pathname"][:8], (logging.INFO, 5)
    ):
        assert_same("app", level, pathname, 7, msg, args, exc, "f", None)


def test_positional_keyword_and_ignored_arguments():
    assert_same("app", logging.INFO, "/srv/app/db.py", 42, "m %s", (1,), None)
    assert_same("app", logging.INFO, "/srv/app/db.py", 42, "m %s", (1,), None, "f", "stack")
    assert_same(name="app", level=logging.INFO, pathname="/srv/app/db.py", lineno=42, msg="m %s", args=(1,),
                exc_info=None, func="f", sinfo=None)
    assert_same("app", logging.INFO, "/srv/app/db.py", 42, "m %s", (1,), None, extra={"user": "ann"}, anything=1)
    record = make_log_record("app", logging.INFO, "/srv/app/db.py", 42, "m", (), None, unknown=1)
    assert "unknown" not in vars(record)
    for wrong in [("app", logging.INFO), ("app",) * 10]:
        assert outcome(make_log_record, *wrong)[:2] == outcome(logging.LogRecord, *wrong)[:2] == ("raised", TypeError)


def test_the_signature_is_logrecords():
    assert inspect.signature(make_log_record) == inspect.signature(logging.LogRecord)


def test_a_path_equal_to_a_cached_one_keeps_its_own_identities():
    """The file name and module of a path are cached by value; which of them *are* the
    pathname object (no directory, no extension) decides what pickle writes."""
    for parts in (["db"], ["db", ".py"], ["/srv/", "db"], ["/srv/", "db", ".py"], ["/srv/", "x"], ["x"]):
        for _ in range(3):
            pathname = "".join(parts)  # a new object each time
            ours = assert_same("app", logging.INFO, pathname, 1, "m", (), None)
            assert (ours.filename is ours.pathname) == ("/" not in pathname)


def test_many_paths():
    """More paths than the cache holds."""
    for i in range(2500):
        assert_same("app", logging.INFO, f"/srv/app{i % 7}/module_{i}.py", i, "m", (), None)
    for i in range(0, 2500, 97):  # again, after the cache was emptied
        assert_same("app", logging.INFO, f"/srv/app{i % 7}/module_{i}.py", i, "m", (), None)


@pytest.fixture
def notice_level(monkeypatch):
    monkeypatch.setitem(logging._levelToName, 25, "NOTICE")
    monkeypatch.setitem(logging._nameToLevel, "NOTICE", 25)


def test_level_names_are_read_at_each_call(notice_level, monkeypatch):
    assert assert_same(**{**BASE, "level": 25}).levelname == "NOTICE"
    assert_same(**{**BASE, "level": "NOTICE"})
    monkeypatch.setitem(logging._levelToName, logging.INFO, "INFORMATION")
    assert assert_same(**BASE).levelname == "INFORMATION"
    monkeypatch.setattr(logging, "_levelToName", types.MappingProxyType({logging.INFO: "proxy"}))
    assert assert_same(**BASE).levelname == "proxy"


def test_a_replaced_getLevelName_is_called(monkeypatch):
    monkeypatch.setattr(logging, "getLevelName", lambda level: f"L{level}")
    assert assert_same(**BASE).levelname == "L20"


@pytest.mark.parametrize(
    "value",
    [
        SECONDS, 1_700_000_000.9995, 1_700_000_000.999_999_9, 1_700_000_000.0, 0.0, -0.0, -1.25, 1e-7, 2.0**53 + 2,
        1e20, float(2**63), float("inf"), float("nan"),
        NANOSECONDS, 1_700_000_000_999_999_900, 1_677_903_920_999_998_503, 1_700_000_000_000_000_000,
        1_700_000_000_999_000_000, 0, 1, -1, -999_999_999, -1_000_000_000, -1_000_000_001, 2**53 + 1,
        2**63 - 1, 2**63, -(2**63), 2**70, 10**30, True, 1_700_000_000,
        "1700000000", None,
    ],
    ids=repr,
)
def test_clock_values(monkeypatch, value):
    """Whatever time.time() or time.time_ns() returns (the stdlib calls one of them)."""
    monkeypatch.setattr(time, "time", lambda: value)
    monkeypatch.setattr(time, "time_ns", lambda: value)
    assert_same(**BASE)


@pytest.mark.parametrize("start", [1_699_999_999.5, 1_699_999_999_500_000_000, 0, 2**64, -(2**63), 0.5, "x"],
                         ids=repr)
@pytest.mark.parametrize("value", [SECONDS, NANOSECONDS, 2**63 - 1, -(2**63)], ids=repr)
def test_start_time_is_read_at_each_call(monkeypatch, start, value):
    monkeypatch.setattr(time, "time", lambda: value)
    monkeypatch.setattr(time, "time_ns", lambda: value)
    monkeypatch.setattr(logging, "_startTime", start)
    assert_same(**BASE)


@given(st.integers(min_value=-(2**66), max_value=2**66) | st.floats(allow_nan=False))
def test_clock_arithmetic(value):
    with mock.patch.object(time, "time", lambda: value), mock.patch.object(time, "time_ns", lambda: value):
        assert_same(**BASE)


def test_a_raising_clock(monkeypatch):
    def broken():
        raise OSError("no clock")

    monkeypatch.setattr(time, "time", broken)
    monkeypatch.setattr(time, "time_ns", broken)
    assert outcome(make_log_record, **BASE) == outcome(logging.LogRecord, **BASE) == ("raised", OSError, "no clock")


SWITCHES = ["logThreads", "logProcesses", "logMultiprocessing"] + (["logAsyncioTasks"] if HAS_TASK_NAME else [])


@pytest.mark.parametrize("switch", SWITCHES)
@pytest.mark.parametrize("value", [False, 0, "", True, "yes"], ids=repr)
def test_switches_are_read_at_each_call(monkeypatch, switch, value):
    assert_same(**BASE)
    monkeypatch.setattr(logging, switch, value)
    assert_same(**BASE)


def test_every_switch_off(monkeypatch):
    for switch in SWITCHES:
        monkeypatch.setattr(logging, switch, False)
    record = assert_same(**BASE)
    assert (record.thread, record.threadName, record.processName, record.process) == (None, None, None, None)


def test_os_without_getpid(monkeypatch):
    monkeypatch.delattr(os, "getpid")
    assert assert_same(**BASE).process is None


def test_patched_functions_reach_the_records():
    with mock.patch("time.time", return_value=1_234_567_890.5), \
            mock.patch("time.time_ns", return_value=1_234_567_890_500_000_000), \
            mock.patch("os.getpid", return_value=777), \
            mock.patch("threading.current_thread", return_value=types.SimpleNamespace(name="patched-thread")):
        record = assert_same(**BASE)
    assert (record.created, record.msecs, record.process, record.threadName) == (1_234_567_890.5, 500.0, 777,
                                                                                 "patched-thread")
    # current_thread() then makes a dummy thread for ident 99, which goes when the thread
    # that made it ends: one that ends before the interpreter does.
    records = []

    def in_a_thread():
        with mock.patch("threading.get_ident", return_value=99):
            records.append(assert_same(**BASE))

    thread = threading.Thread(target=in_a_thread)
    thread.start()
    thread.join()
    assert records[0].thread == 99 and records[0].threadName.startswith("Dummy-")


@contextlib.contextmanager
def frozen(seconds, nanoseconds):
    """What freezegun does to the time module: its functions replaced by fakes."""
    real = time.time, time.time_ns
    time.time = lambda: seconds
    time.time_ns = lambda: nanoseconds
    try:
        yield
    finally:
        time.time, time.time_ns = real


def test_freezegun_style_patching_reaches_the_records():
    with frozen(1_500_000_000.125, 1_500_000_000_125_000_000):
        record = assert_same(**BASE)
    assert (record.created, record.msecs) == (1_500_000_000.125, 125.0)
    assert assert_same(**BASE).created != 1_500_000_000.125  # the fixture's clock again


class LazyModule(types.ModuleType):
    """A module type of its own (lazy loaders make these): attributes through getattr."""

    def __getattribute__(self, name):
        if name in ("time", "time_ns", "getpid"):
            return {"time": lambda: 1_600_000_000.5, "time_ns": lambda: 1_600_000_000_500_000_000,
                    "getpid": lambda: 4242}[name]
        return super().__getattribute__(name)


def module_with_getattr(name, **attributes):
    """A plain module whose module-level __getattr__ answers the names its dict lacks."""
    module = types.ModuleType(name)
    module.__dict__.update(attributes)
    module.__getattr__ = lambda attribute: (lambda: 31337) if attribute == "getpid" else None
    return module


def test_modules_of_other_types_and_module_getattr(monkeypatch):
    lazy_time, lazy_os = LazyModule("time"), LazyModule("os")
    lazy_os.path = os.path
    monkeypatch.setattr(logging, "time", lazy_time)
    monkeypatch.setattr(logging, "os", lazy_os)
    record = assert_same(**BASE)
    assert (record.created, record.process) == (1_600_000_000.5, 4242)
    monkeypatch.setattr(logging, "os", module_with_getattr("os", path=os.path))
    assert assert_same(**BASE).process == 31337


def test_a_named_thread():
    results = []
    thread = threading.Thread(target=lambda: results.append(assert_same(**BASE)), name="worker-7")
    thread.start()
    thread.join()
    assert results[0].threadName == "worker-7"
    assert results[0].thread == thread.ident


@pytest.mark.parametrize("ours_first", [True, False])
def test_a_thread_threading_did_not_start(ours_first):
    """current_thread() makes a _DummyThread the first time it is asked there."""
    done = threading.Event()
    results = []

    def run():
        try:
            if ours_first:
                ours = make_log_record(**BASE)
                theirs = logging.LogRecord(**BASE)
            else:
                theirs = logging.LogRecord(**BASE)
                ours = make_log_record(**BASE)
            assert_same_record(ours, theirs)
            results.append(ours.threadName)
        except BaseException as e:
            results.append(e)
        finally:
            done.set()

    _thread.start_new_thread(run, ())
    assert done.wait(10)
    assert isinstance(results[0], str) and results[0].startswith("Dummy-"), results


def test_multiprocessing_not_imported(monkeypatch):
    monkeypatch.delitem(sys.modules, "multiprocessing", raising=False)
    assert assert_same(**BASE).processName == "MainProcess"
    monkeypatch.setitem(sys.modules, "multiprocessing", None)
    assert assert_same(**BASE).processName == "MainProcess"


@pytest.mark.parametrize(
    "current_process",
    [lambda: types.SimpleNamespace(name="worker-process"), lambda: 1 / 0, lambda: types.SimpleNamespace()],
    ids=["named", "raising", "nameless"],
)
def test_multiprocessing_imported(monkeypatch, current_process):
    import multiprocessing

    assert assert_same(**BASE).processName == multiprocessing.current_process().name
    monkeypatch.setattr(multiprocessing, "current_process", current_process)
    assert_same(**BASE)


def test_an_interrupt_from_current_process_is_not_swallowed(monkeypatch):
    import multiprocessing

    def interrupted():
        raise KeyboardInterrupt

    monkeypatch.setattr(multiprocessing, "current_process", interrupted)
    assert outcome(make_log_record, **BASE) == outcome(logging.LogRecord, **BASE) == ("raised", KeyboardInterrupt, "")


@pytest.mark.skipif(not HAS_TASK_NAME, reason="taskName: 3.12 on")
def test_asyncio_tasks():
    async def in_task():
        assert assert_same(**BASE).taskName == "job-1"
        loop = asyncio.get_running_loop()
        called = loop.create_future()

        def callback():  # in the loop, in no task
            called.set_result(assert_same(**BASE).taskName)

        loop.call_soon(callback)
        assert await called is None

    async def main():
        await asyncio.create_task(in_task(), name="job-1")

    asyncio.run(main())
    assert assert_same(**BASE).taskName is None  # asyncio imported, no loop running


@pytest.mark.skipif(not HAS_TASK_NAME, reason="taskName: 3.12 on")
def test_asyncio_patched_or_absent(monkeypatch):
    monkeypatch.setattr(asyncio, "current_task", lambda: types.SimpleNamespace(get_name=lambda: "patched-task"))
    assert assert_same(**BASE).taskName == "patched-task"
    monkeypatch.setattr(asyncio, "current_task", lambda: None)
    assert assert_same(**BASE).taskName is None
    monkeypatch.setitem(sys.modules, "asyncio", None)
    assert assert_same(**BASE).taskName is None
    monkeypatch.delitem(sys.modules, "asyncio")
    assert assert_same(**BASE).taskName is None


def test_not_a_task_name_before_3_12():
    assert ("taskName" in vars(make_log_record(**BASE))) == HAS_TASK_NAME


def test_the_running_stdlib_is_reproduced():
    assert _record_factory.reproduces_stdlib


def test_the_import_check_sees_an_init_it_does_not_know(monkeypatch):
    init = logging.LogRecord.__init__

    def changed_init(self, *args, **kwargs):
        init(self, *args, **kwargs)
        self.extra_field = None

    assert _record_factory._reproduces_stdlib()
    monkeypatch.setattr(logging.LogRecord, "__init__", changed_init)
    assert not _record_factory._reproduces_stdlib()


@pytest.fixture
def factory():
    """Installs make_log_record; puts the stdlib's factory back afterwards."""
    previous = logging.getLogRecordFactory()
    logging.setLogRecordFactory(make_log_record)
    yield
    logging.setLogRecordFactory(previous)


def test_make_log_record(factory):
    ours = logging.makeLogRecord({"msg": "hello %s", "args": ("you",), "custom": 1})
    logging.setLogRecordFactory(logging.LogRecord)
    theirs = logging.makeLogRecord({"msg": "hello %s", "args": ("you",), "custom": 1})
    assert_same_record(ours, theirs)


def log_everything(logger):
    logger.debug("not written")
    logger.info("plain")
    logger.warning("user %s did %d things", "ann", 3)
    logger.error("%(a)s and %(b)s", {"a": 1, "b": 2})
    logger.info("with stack", stack_info=True)
    try:
        raise KeyError("missing")
    except KeyError:
        logger.exception("failed")
    logger.log(25, "custom level")


def test_file_handler_writes_the_stdlibs_bytes(tmp_path, notice_level):
    fields = ["asctime", "created", "msecs", "relativeCreated", "levelname", "levelno", "name", "pathname",
              "filename", "module", "funcName", "lineno", "thread", "threadName", "process", "processName",
              "message"] + (["taskName"] if HAS_TASK_NAME else [])
    formatter = logging.Formatter(" ".join(f"%({field})s" for field in fields))
    contents = []
    for record_factory in (logging.LogRecord, make_log_record):
        logging.setLogRecordFactory(record_factory)
        logger = logging.getLogger(f"test_record_factory.{record_factory.__name__}")
        logger.setLevel(logging.INFO)
        logger.propagate = False
        handler = logging.FileHandler(tmp_path / f"{record_factory.__name__}.log", encoding="utf-8")
        handler.setFormatter(formatter)
        logger.addHandler(handler)
        try:
            log_everything(logger)
        finally:
            logging.setLogRecordFactory(logging.LogRecord)
            logger.removeHandler(handler)
            handler.close()
        contents.append((tmp_path / f"{record_factory.__name__}.log").read_bytes())
    stdlib, ours = contents
    assert ours.replace(b"test_record_factory.make_log_record", b"test_record_factory.LogRecord") == stdlib
    assert stdlib.count(b"\n") > 6 and b"NOTICE" in stdlib and b"KeyError: 'missing'" in stdlib


def test_import_ringwriter_does_not_import_logging():
    code = ("import sys, ringwriter; print('logging' in sys.modules); import ringwriter.records;"
            " print('logging' in sys.modules, 'asyncio' in sys.modules, 'multiprocessing' in sys.modules)")
    printed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert printed.split() == ["False", "True", "False", "False"]
