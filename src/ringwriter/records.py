"""Log records made in C, and the logger in C.

``logging.setLogRecordFactory(ringwriter.records.make_log_record)``: ``make_log_record``
makes exactly the ``logging.LogRecord`` that the stdlib's default factory makes from the
same arguments (the same type, attributes in the same order, values and pickle), reading
logging's switches and calling ``time``, ``os``, ``threading`` and ``asyncio`` through
their modules at each call as the stdlib does; what ``LogRecord.__init__`` computes in
Python, it computes in C.

``ringwriter.records.install()``: every logger becomes a ``ringwriter.records.Logger``
(the root logger a ``RootLogger``), a subclass of ``logging.Logger`` whose per-record
methods (``debug`` ... ``critical``, ``log``, ``isEnabledFor``, ``_log``, ``findCaller``,
``makeRecord``, ``handle``, ``callHandlers``) are compiled and make the stdlib's records;
``uninstall()`` puts the stdlib's classes and factory back. Importing this module
imports logging; ``import ringwriter`` does not.
"""
import logging
import threading
from typing import Dict, List

from ringwriter._logger import Logger, RootLogger
from ringwriter._record_factory import make_log_record

__all__ = ["Logger", "RootLogger", "install", "make_log_record", "uninstall"]

_STDLIB_CLASSES = {logging.Logger: Logger, logging.RootLogger: RootLogger}
_COMPILED_CLASSES = {compiled: stdlib for stdlib, compiled in _STDLIB_CLASSES.items()}
_installing = threading.Lock()
# What install() changed, for uninstall(): whether it set the logger class and the factory.
_installed = {"logger_class": False, "factory": False}


def _existing_loggers() -> List[logging.Logger]:
    manager = logging.Logger.manager
    return [manager.root] + [item for item in list(manager.loggerDict.values()) if isinstance(item, logging.Logger)]


def _switch(classes: Dict[type, type]) -> None:
    for logger in _existing_loggers():
        replacement = classes.get(type(logger))
        if replacement is not None:
            logger.__class__ = replacement


def install() -> None:
    """Put the process on the compiled logger: ``logging.setLoggerClass(Logger)`` unless
    the program set a logger class of its own, the root logger and every existing logger
    whose class is exactly ``logging.Logger`` (``logging.RootLogger``) switched to
    ``Logger`` (``RootLogger``), and ``make_log_record`` as the record factory unless the
    program set a factory of its own. Idempotent; ``uninstall()`` undoes it."""
    with _installing, logging._lock:  # type: ignore[attr-defined]
        if logging.getLoggerClass() is logging.Logger:
            logging.setLoggerClass(Logger)
            _installed["logger_class"] = True
        if logging.getLogRecordFactory() is logging.LogRecord:
            logging.setLogRecordFactory(make_log_record)
            _installed["factory"] = True
        _switch(_STDLIB_CLASSES)


def uninstall() -> None:
    """Put back what ``install()`` changed: the loggers whose class is exactly ``Logger``
    (``RootLogger``) become ``logging.Logger`` (``logging.RootLogger``) again, and the
    logger class and record factory that install() set are the stdlib's again, if the
    program has not set others since."""
    with _installing, logging._lock:  # type: ignore[attr-defined]
        _switch(_COMPILED_CLASSES)
        if _installed["logger_class"] and logging.getLoggerClass() is Logger:
            logging.setLoggerClass(logging.Logger)
        if _installed["factory"] and logging.getLogRecordFactory() is make_log_record:
            logging.setLogRecordFactory(logging.LogRecord)
        _installed.update(logger_class=False, factory=False)
