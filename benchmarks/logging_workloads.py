"""What the logging benchmark measures: the logging stacks compared, the records, one timed batch.

This is the one definition of them: ``benchmarks/logging_run.py`` (pyperf, strace) takes
its cases from here and ``tests/test_benchmarks.py`` runs every case once, tiny. Every
stack logs to a regular file in a temporary directory, with the format ``FORMAT`` (or,
for structlog, the same fields rendered as JSON). To add a stack, append it to ``STACKS``.

A case is one stack, a number of threads and a kind of record. The logger is set up
once (per pyperf worker) and kept: what one timed batch leaves buffered, the next one
writes, as in a long-running program.
"""
import json
import logging
import logging.handlers
import threading
import time
from importlib import import_module
from itertools import repeat
from typing import Any, Callable, Dict, Iterator, NamedTuple, Optional, Sequence

import ringwriter
import ringwriter.handlers

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
LOGGER_NAME = "app"
THREADS = (1, 4)
# Records per run (pyperf's inner loops): split evenly over the threads.
RECORDS = 1000
MEMORY_CAPACITY = 1000
COALESCING_INTERVAL = 0.05

BASELINE = "logging.FileHandler"
FLOOR = "no-op handler (floor)"
HIGHLIGHTED = "ringwriter.handlers.FileHandler"
WITH_FACTORY = "ringwriter.handlers.FileHandler + ringwriter.records.make_log_record"
WITH_INSTALL = "ringwriter.handlers.FileHandler + ringwriter.records.install()"
PICOLOGGING = "picologging.FileHandler (own logger)"
STRUCTLOG_PLAIN = "structlog BytesLogger, open()"
STRUCTLOG_COALESCING = "structlog BytesLogger, ringwriter.open(flush_interval=0.05)"


class Record(NamedTuple):
    """A kind of record: ``log(info, count)`` calls ``info`` (a logger's bound ``info``)
    ``count`` times; every record's message is ``text``."""

    name: str
    text: str
    log: Callable[[Callable[..., Any], int], None]


def _simple(info: Callable[..., Any], count: int) -> None:
    for _ in repeat(None, count):
        info("message text")


def _with_args(info: Callable[..., Any], count: int) -> None:
    for _ in repeat(None, count):
        info("user %s did %d things", "alice", 42)


RECORD_KINDS = (
    Record("simple", "message text", _simple),
    Record("with args", "user alice did 42 things", _with_args),
)


class OpenLogger(NamedTuple):
    """A logger ready to time: its ``info``, and what closes its handler and file."""

    info: Callable[..., Any]
    close: Callable[[], None]


class Stack(NamedTuple):
    """A row of the benchmark: ``open(path)`` sets up a logger writing to ``path``."""

    name: str
    open: Callable[[str], OpenLogger]
    # The module this stack needs beside the stdlib and ringwriter (picologging, structlog).
    requires: Optional[str] = None
    # Why the stack cannot log from several threads at once, if it cannot.
    single_thread_only: Optional[str] = None

    def unavailable(self) -> Optional[str]:
        """Why this stack cannot run here, or None when it can."""
        if self.requires is None:
            return None
        try:
            import_module(self.requires)
        except ImportError as error:
            return f"{self.requires} is not importable ({error})"
        return None


class NoOpHandler(logging.Handler):
    """The floor: ``Handler.handle`` still filters and takes the handler's lock, and the
    record is still created and dispatched, but ``emit`` does nothing."""

    def emit(self, record: logging.LogRecord) -> None:
        """Nothing: no formatting, no writing."""


def _attach(get_logger: Callable[[str], Any], handler: Any) -> OpenLogger:
    """A logger of ``get_logger``'s family (stdlib or picologging) with only ``handler``."""
    logger = get_logger(LOGGER_NAME)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)

    def close() -> None:
        logger.removeHandler(handler)
        target = getattr(handler, "target", None)  # a MemoryHandler's
        handler.close()
        if target is not None:
            target.close()

    return OpenLogger(logger.info, close)


def _stdlib(make_handler: Callable[[str], logging.Handler]) -> Callable[[str], OpenLogger]:
    def open_logger(path: str) -> OpenLogger:
        handler = make_handler(path)
        handler.setFormatter(logging.Formatter(FORMAT))
        return _attach(logging.getLogger, handler)

    return open_logger


def _with_compiled_records(open_logger: Callable[[str], OpenLogger]) -> Callable[[str], OpenLogger]:
    """``open_logger`` with ringwriter's record factory installed until the logger closes."""

    def open_with_factory(path: str) -> OpenLogger:
        import ringwriter.records

        previous = logging.getLogRecordFactory()
        logging.setLogRecordFactory(ringwriter.records.make_log_record)
        opened = open_logger(path)

        def close() -> None:
            opened.close()
            logging.setLogRecordFactory(previous)

        return OpenLogger(opened.info, close)

    return open_with_factory


def _with_compiled_logger(open_logger: Callable[[str], OpenLogger]) -> Callable[[str], OpenLogger]:
    """``open_logger`` with ``ringwriter.records.install()`` in effect (the compiled logger
    and record factory) until the logger closes."""

    def open_installed(path: str) -> OpenLogger:
        import ringwriter.records

        ringwriter.records.install()
        opened = open_logger(path)

        def close() -> None:
            opened.close()
            ringwriter.records.uninstall()

        return OpenLogger(opened.info, close)

    return open_installed


def _memory_handler(path: str) -> logging.Handler:
    target = logging.FileHandler(path)
    target.setFormatter(logging.Formatter(FORMAT))
    return logging.handlers.MemoryHandler(MEMORY_CAPACITY, flushLevel=logging.ERROR, target=target)


def _picologging(path: str) -> OpenLogger:
    import picologging

    handler = picologging.FileHandler(path)
    # With no datefmt, picologging 0.9.3 writes garbage for asctime; this is the stdlib's
    # default date format, without its milliseconds.
    handler.setFormatter(picologging.Formatter(FORMAT, datefmt="%Y-%m-%d %H:%M:%S"))
    return _attach(picologging.getLogger, handler)


def _json_bytes(event_dict: Dict[str, Any], **options: Any) -> bytes:
    return json.dumps(event_dict, **options).encode()


def _structlog(open_file: Callable[[str], Any]) -> Callable[[str], OpenLogger]:
    """structlog's BytesLogger (a write and a flush per record) on ``open_file(path)``,
    with the same minimal configuration for every file."""

    def open_logger(path: str) -> OpenLogger:
        import structlog

        file = open_file(path)
        logger = structlog.wrap_logger(
            structlog.BytesLogger(file),
            processors=[
                structlog.processors.add_log_level,
                structlog.processors.TimeStamper(fmt="iso"),
                structlog.processors.JSONRenderer(serializer=_json_bytes),
            ],
            wrapper_class=structlog.make_filtering_bound_logger(logging.INFO),
            cache_logger_on_first_use=True,
            name=LOGGER_NAME,
        )
        return OpenLogger(logger.info, file.close)

    return open_logger


def _plain_file(path: str) -> Any:
    return open(path, "ab")


def _coalescing_file(path: str) -> Any:
    return ringwriter.open(path, "ab", flush_interval=COALESCING_INTERVAL)


STACKS = (
    Stack(BASELINE, _stdlib(logging.FileHandler)),
    Stack(f"MemoryHandler({MEMORY_CAPACITY}) -> logging.FileHandler", _stdlib(_memory_handler)),
    Stack(FLOOR, _stdlib(lambda path: NoOpHandler())),
    Stack(HIGHLIGHTED, _stdlib(lambda path: ringwriter.handlers.FileHandler(path))),
    Stack(WITH_FACTORY, _with_compiled_records(_stdlib(lambda path: ringwriter.handlers.FileHandler(path)))),
    Stack(WITH_INSTALL, _with_compiled_logger(_stdlib(lambda path: ringwriter.handlers.FileHandler(path)))),
    Stack(PICOLOGGING, _picologging, requires="picologging",
          single_thread_only="picologging 0.9.3 deadlocks when several threads log "
                             "(microsoft/picologging#207; it hung here every time)"),
    Stack(STRUCTLOG_PLAIN, _structlog(_plain_file), requires="structlog"),
    Stack(STRUCTLOG_COALESCING, _structlog(_coalescing_file), requires="structlog"),
)


class LoggingCase(NamedTuple):
    """One stack, logging one kind of record from ``threads`` threads."""

    stack: Stack
    threads: int
    record: Record
    records: int

    @property
    def name(self) -> str:
        """A unique, readable name: also the pyperf benchmark's name."""
        threads = "1 thread" if self.threads == 1 else f"{self.threads} threads"
        return f"{self.stack.name} | {threads} | {self.record.name}"

    def unavailable(self) -> Optional[str]:
        """Why this case cannot run here, or None when it can."""
        if self.threads > 1 and self.stack.single_thread_only:
            return self.stack.single_thread_only
        return self.stack.unavailable()


def logging_cases(stacks: Sequence[Stack] = STACKS, records: int = RECORDS) -> Iterator[LoggingCase]:
    """Every case, the stacks of one thread count and record kind next to each other
    (so they run close in time)."""
    for threads in THREADS:
        for record in RECORD_KINDS:
            for stack in stacks:
                yield LoggingCase(stack, threads, record, records)


def log_records(case: LoggingCase, info: Callable[..., Any], count: int) -> None:
    """Log ``count`` records of the case's kind through ``info``, split evenly over the
    case's threads (started here, joined before returning)."""
    if case.threads == 1:
        case.record.log(info, count)
        return
    if count % case.threads:
        raise ValueError(f"{count} records do not split evenly over {case.threads} threads")
    workers = [threading.Thread(target=case.record.log, args=(info, count // case.threads))
               for _ in range(case.threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


def time_records(case: LoggingCase, opened: OpenLogger, runs: int) -> float:
    """Seconds for ``runs`` runs of ``case`` (``runs * case.records`` records) through an
    open logger, from before the threads start to after the last one has finished."""
    start = time.perf_counter()
    log_records(case, opened.info, runs * case.records)
    return time.perf_counter() - start
