import logging
from typing import Any, Optional, Tuple

reproduces_stdlib: bool

class Logger(logging.Logger):
    """A logging.Logger whose per-record methods are compiled; everything else is the stdlib's."""

    def debug(self, msg: object, *args: object, **kwargs: Any) -> None:
        """Log msg % args with severity DEBUG (logging.Logger.debug)."""
    def info(self, msg: object, *args: object, **kwargs: Any) -> None:
        """Log msg % args with severity INFO (logging.Logger.info)."""
    def warning(self, msg: object, *args: object, **kwargs: Any) -> None:
        """Log msg % args with severity WARNING (logging.Logger.warning)."""
    def error(self, msg: object, *args: object, **kwargs: Any) -> None:
        """Log msg % args with severity ERROR (logging.Logger.error)."""
    def exception(self, msg: object, *args: object, exc_info: Any = True, **kwargs: Any) -> None:
        """Log msg % args with severity ERROR and the exception being handled."""
    def critical(self, msg: object, *args: object, **kwargs: Any) -> None:
        """Log msg % args with severity CRITICAL (logging.Logger.critical)."""
    def log(self, level: int, msg: object, *args: object, **kwargs: Any) -> None:
        """Log msg % args with the integer severity level (logging.Logger.log)."""
    def isEnabledFor(self, level: int) -> bool:
        """Whether this logger logs records of level (logging.Logger.isEnabledFor)."""
    def _log(self, level: int, msg: object, args: Any, exc_info: Any = None, extra: Any = None,
             stack_info: bool = False, stacklevel: int = 1) -> None:
        """Make a record and handle it (logging.Logger._log)."""
    def findCaller(self, stack_info: bool = False, stacklevel: int = 1) -> Tuple[str, int, str, Optional[str]]:
        """The caller's file name, line number, function name and stack text."""
    def makeRecord(self, name: str, level: int, fn: str, lno: int, msg: object, args: Any, exc_info: Any,
                   func: Optional[str] = None, extra: Any = None, sinfo: Optional[str] = None) -> logging.LogRecord:
        """The record of one logging call (logging.Logger.makeRecord)."""
    def handle(self, record: logging.LogRecord) -> None:
        """Filter record, then pass it to the handlers (logging.Logger.handle)."""
    def callHandlers(self, record: logging.LogRecord) -> None:
        """Pass record to the handlers of this logger and its parents."""

class RootLogger(Logger, logging.RootLogger):
    """logging.RootLogger with the compiled methods of Logger."""
