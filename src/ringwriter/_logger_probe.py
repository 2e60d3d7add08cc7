"""The import-time check of ringwriter._logger: the same calls, from the same Python call
sites, through the running stdlib's ``logging.Logger`` and through the compiled
``Logger``, must give the same records to the same handlers, the same caller
tuples and the same errors. On a CPython whose logging differs from what the compiled
methods know, they disagree somewhere here, and every call goes to the stdlib's methods.
"""
import logging
from typing import Any, Callable, List


class _Keep(logging.Handler):
    """Keeps what it handles, formatting nothing."""

    def __init__(self, level: int = logging.NOTSET) -> None:
        super().__init__(level)
        self.kept: List[Any] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.kept.append(record)


def _nested(depth: int, call: Callable[[], Any]) -> Any:
    if depth:
        return _nested(depth - 1, call)
    return call()


def _raising(call: Callable[[], Any]) -> Any:
    try:
        raise ValueError("probe")
    except ValueError:
        return call()


def _replacing(record: logging.LogRecord) -> Any:
    return logging.makeLogRecord({"msg": "replaced", "levelno": record.levelno})


_CALLS: List[Callable[[logging.Logger], Any]] = [
    lambda log: log.info("a %s", 1),
    lambda log: log.debug("b", stacklevel=2),
    lambda log: _nested(3, lambda: log.warning("c", stacklevel=3, stack_info=True)),
    lambda log: _nested(1, lambda: log.error("d", stacklevel=1000)),
    lambda log: log.critical("e", extra={"probe_key": 1}, exc_info=ValueError("x")),
    lambda log: _raising(lambda: log.exception("f")),
    lambda log: _raising(lambda: _nested(2, lambda: log.exception("g", stacklevel=2))),
    lambda log: log.log(25, "h", stacklevel=2),
    lambda log: log._log(30, "i", (), stacklevel=2),
    lambda log: log.findCaller(True, 2),
    lambda log: _nested(2, lambda: log.findCaller(False, 3)),
    lambda log: log.isEnabledFor(5),
    lambda log: log.makeRecord("n", 20, "p", 1, "m", (), None, extra={"probe_key": 2}),
    lambda log: log.addFilter(_replacing),
    lambda log: log.info("j"),
    lambda log: log.addFilter(lambda record: 0),  # type: ignore[arg-type,return-value]  # a falsy int, as filters may return
    lambda log: log.info("k"),
    lambda log: log.removeFilter(log.filters[-1]),
    lambda log: setattr(log, "disabled", True),
    lambda log: log.info("l"),
]


def _what(value: Any) -> Any:
    """What is compared of one call's result or one kept record."""
    if isinstance(value, logging.LogRecord):
        return [(key, item if key != "exc_info" or not item else (item[0], str(item[1])))
                for key, item in vars(value).items() if key not in ("created", "msecs", "relativeCreated")]
    return value


def _run(logger_class: type) -> List[Any]:
    logger = logger_class("ringwriter-probe", 1)
    parent = logging.Logger("ringwriter-probe-parent")
    logger.parent = parent
    kept, kept_by_parent, above = _Keep(), _Keep(), _Keep(logging.ERROR)
    logger.handlers = [kept, above]
    parent.handlers = [kept_by_parent]
    results = [_what(call(logger)) for call in _CALLS]
    return results + [[_what(record) for record in handler.kept] for handler in (kept, kept_by_parent, above)]


def same_records(stdlib_class: type, compiled_class: type) -> bool:
    """Whether both classes give the same results and records from ``_CALLS``."""
    stdlib, compiled = [_run(logger_class) for logger_class in (stdlib_class, compiled_class)]
    return stdlib == compiled
