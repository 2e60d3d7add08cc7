import logging
from typing import Any, Optional

reproduces_stdlib: bool

def make_log_record(name: str, level: int, pathname: str, lineno: int, msg: object, args: Any, exc_info: Any,
                    func: Optional[str] = None, sinfo: Optional[str] = None, **kwargs: object) -> logging.LogRecord:
    """The logging.LogRecord that logging.LogRecord(...) makes from the same arguments, made in C."""
