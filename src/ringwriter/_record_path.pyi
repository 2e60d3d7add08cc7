import logging
from typing import Any, Callable

class RecordFormatting:
    """One handler's compiled record path: what it knows of the handler's class and
    lock, its formatter's format parsed into fields, and the last second's date and time."""

    def __init__(self) -> None: ...

def run_emit_in_c_for(file_emit: Callable[..., None], stream_emit: Callable[..., None]) -> None:
    """Tell ``handle`` which ``emit`` methods (the file handlers', StreamHandler's) it may run in C."""

def handle(handler: logging.Handler, record: logging.LogRecord) -> Any:
    """``logging.Handler.handle``, the handler's own emit run in C."""

def format_record(handler: logging.Handler, record: logging.LogRecord) -> str:
    """``logging.Handler.format``, compiled for a plain ``%``-style Formatter."""

def write_record(handler: logging.Handler, record: logging.LogRecord) -> None:
    """Write one formatted record to ``handler.stream`` (or hold it, for a StreamHandler
    over a descriptor) and apply the flush policy."""

def at_flush_level(record: logging.LogRecord, flush_level: int) -> bool:
    """Whether ``record`` is at ``flush_level`` or above."""
