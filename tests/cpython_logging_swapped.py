"""Runs the interpreter's own Lib/test/test_logging.py with ringwriter's handlers in the
stdlib's place (``logging.StreamHandler = ringwriter.handlers.StreamHandler``, and the
same for FileHandler, RotatingFileHandler and TimedRotatingFileHandler), the module-level
swap users make to speed up code they do not own.

    python cpython_logging_swapped.py MODE [TEST_ID ...]

MODE is ``defaults`` (ringwriter's flush policy as shipped), ``notset`` (every handler
made with ``flush_level=logging.NOTSET``: the stdlib's flush per record) or ``stdlib``
(nothing swapped: the judge); ``+install`` after it (``defaults+install``,
``notset+install``, ``stdlib+install``) also calls ``ringwriter.records.install()``
before the tests import, which puts every logger on the compiled logger. Prints one JSON
object on its last line: the ids of the tests that ran, failed and errored.
"""
import json
import logging
import logging.handlers
import sys
import unittest

import ringwriter.handlers
import ringwriter.records

# Checks which module defines the names in logging.__all__; with the swap in place two of
# them are defined in ringwriter.handlers, which is the point of the swap.
NOT_APPLICABLE = {"test__all__": "logging.__all__ names classes defined in ringwriter.handlers after the swap"}
# Read a FileHandler's file while the handler is open, right after INFO and WARNING
# records: under the default policy those records are still buffered (that is the
# policy), and ``notset`` runs these tests too.
BUFFERED_BY_POLICY = {
    "test_log_taskName": "reads basicConfig's file before anything flushed a WARNING record",
    "test_config_queue_handler": "reads the file of a queue listener's handler before any flush",
}

SWAPPED = {
    (logging, "StreamHandler"): ringwriter.handlers.StreamHandler,
    (logging, "FileHandler"): ringwriter.handlers.FileHandler,
    (logging.handlers, "RotatingFileHandler"): ringwriter.handlers.RotatingFileHandler,
    (logging.handlers, "TimedRotatingFileHandler"): ringwriter.handlers.TimedRotatingFileHandler,
}


def flushing_every_record(handler_class):
    """``handler_class`` whose instances default to ``flush_level=logging.NOTSET``."""

    def __init__(self, *args, **kwargs):
        if isinstance(self, handler_class):  # not the stdlib's own classes calling through the swap
            kwargs.setdefault("flush_level", logging.NOTSET)
        handler_class.__init__(self, *args, **kwargs)

    return type(handler_class.__name__, (handler_class,), {"__init__": __init__, "__module__": handler_class.__module__})


def swap(mode):
    for (module, name), handler_class in SWAPPED.items():
        setattr(module, name, flushing_every_record(handler_class) if mode == "notset" else handler_class)


def installing_at_each_test(result_class):
    class Installing(result_class):
        def startTest(self, test):
            ringwriter.records.install()
            super().startTest(test)

    return Installing


def main(mode, test_ids):
    mode, _, installed = mode.partition("+")
    if installed:
        assert installed == "install", installed
        ringwriter.records.install()
    if mode != "stdlib":
        swap(mode)
    from test import test_logging

    loader = unittest.defaultTestLoader
    suite = loader.loadTestsFromNames(test_ids) if test_ids else loader.loadTestsFromModule(test_logging)
    ran = []
    skipped = {"stdlib": {}, "notset": NOT_APPLICABLE, "defaults": {**NOT_APPLICABLE, **BUFFERED_BY_POLICY}}[mode]

    def skip_not_applicable(tests):
        for test in tests:
            if isinstance(test, unittest.TestSuite):
                skip_not_applicable(test)
            elif test._testMethodName in skipped:
                setattr(test, test._testMethodName, unittest.skip(skipped[test._testMethodName])(lambda: None))
            else:
                ran.append(test.id())

    skip_not_applicable(suite)
    runner = unittest.TextTestRunner(stream=sys.stderr, verbosity=1)
    if installed:
        # A test that sets the logger class puts logging.Logger back when it ends: each
        # test starts with install() in effect again (it is idempotent).
        runner.resultclass = installing_at_each_test(runner.resultclass)
    result = runner.run(suite)
    print(json.dumps({
        "ran": ran,
        "failed": [test.id() for test, _ in result.failures],
        "errored": [test.id() for test, _ in result.errors],
    }))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
