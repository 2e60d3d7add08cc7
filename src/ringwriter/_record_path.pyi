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
    """``logging.Handler.format``, compiled for a plain ``%``-style Formatter and for
    python-json-logger's JsonFormatter."""

def write_record(handler: logging.Handler, record: logging.LogRecord) -> None:
    """Write one formatted record to ``handler.stream`` (or hold it, for a StreamHandler
    over a descriptor) and apply the flush policy."""

def at_flush_level(record: logging.LogRecord, flush_level: int) -> bool:
    """Whether ``record`` is at ``flush_level`` or above."""

class JsonLibrary:
    """What the probe found true of the running python-json-logger: its JsonFormatter
    and JsonEncoder, whether ``add_fields`` applies ``defaults`` and whether a dict
    message is copied before ``exc_info`` is added."""

    def __init__(self, formatter_class: type, encoder_class: type, applies_defaults: bool,
                 copies_message: bool) -> None: ...

def render_json_record(library: JsonLibrary, formatter: logging.Formatter, record: logging.LogRecord) -> str:
    """``formatter.format(record)`` as the compiled JsonFormatter renderer makes it,
    raising where the handlers would let the formatter format."""
