"""The first-use check of the compiled JsonFormatter renderer (ringwriter._record_path).

What differs between python-json-logger's releases is read from the running library's
behaviour: whether ``add_fields`` starts from the formatter's ``defaults`` (3.2 on) and
whether a dict message is copied before ``exc_info`` is added to it (4.2 on). Then the
library's ``format()`` and the renderer format the same records through the same
formatters, one for each option the renderer knows; the renderer is used only if every
text, and every attribute ``format()`` sets on the record, is the same. On a release
whose ``format`` does something else, they disagree somewhere here, and its formatters
format every record themselves.
"""
import datetime
import enum
import json
import logging
import sys
import uuid
from types import ModuleType
from typing import Any, Callable, Dict, List, Optional


class _Colour(enum.Enum):
    RED = "red"


def _raised() -> Any:
    try:
        raise ValueError("probe")
    except ValueError:
        return sys.exc_info()


_EXTRAS: Dict[str, Any] = {
    "text": 'q"uo\\te\n\t\x00\x7f é ☃ 🐍 \ud800',
    "number": -12345678901234567890,
    "small": 7,
    "ratio": 0.1,
    "huge": 1e300,
    "not_a_number": float("nan"),
    "infinite": float("-inf"),
    "flags": [True, False, None],
    "pair": (1, "two"),
    "nested": {"a": {"b": []}, 1: {}, 2.5: "x", None: True, False: 0},
    "when": datetime.datetime(2024, 1, 2, 3, 4, 5, 6),
    "day": datetime.date(2024, 1, 2),
    "id": uuid.UUID(int=1),
    "colour": _Colour.RED,
    "raw": b"\x00\xff",
    "_private": "hidden",
}

_RECORDS: List[Callable[[], logging.LogRecord]] = [
    lambda: logging.makeLogRecord({"msg": "served %d in %.3f ms", "args": (7, 1.5), "levelno": 20,
                                   "levelname": "INFO", "created": 1700000000.25, "msecs": 250.0}),
    lambda: logging.makeLogRecord(dict(_EXTRAS, msg="extras", created=1700000000.5)),
    lambda: logging.makeLogRecord({"msg": {"event": "dict", "count": 2, "message": "inner"}}),
    lambda: logging.makeLogRecord({"msg": {"event": "raised"}, "exc_info": _raised()}),
    lambda: logging.makeLogRecord({"msg": "raised", "exc_info": _raised(), "stack_info": "Stack (most recent)"}),
    lambda: logging.makeLogRecord({"msg": "text only", "exc_text": "Traceback: probe"}),
]

_OPTIONS: List[Dict[str, Any]] = [
    {},
    {"fmt": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    {"fmt": "{levelname} {message} {missing}", "style": "{"},
    {"fmt": "${levelname} ${message}", "style": "$"},
    {"fmt": "%(message)s %(levelname)s", "rename_fields": {"levelname": "level", "absent": "kept"},
     "rename_fields_keep_missing": True},
    {"static_fields": {"service": "probe", "version": 3}, "prefix": "json: "},
    {"timestamp": True, "datefmt": "%Y"},
    {"timestamp": "at", "reserved_attrs": []},
    {"json_indent": 2, "json_ensure_ascii": False},
    {"json_indent": "\t"},
    {"json_default": repr, "defaults": {"from_defaults": 1}},
]


def _same_format(library: Any, render: Callable[..., str], formatter: logging.Formatter,
                 make_record: Callable[[], logging.LogRecord]) -> bool:
    expected_record = make_record()
    record = logging.makeLogRecord(dict(expected_record.__dict__))
    if isinstance(record.msg, dict):
        record.msg = dict(record.msg)  # before 4.2, format() adds exc_info to it
    expected = formatter.format(expected_record)
    actual = render(library, formatter, record)
    return bool(actual == expected and record.__dict__.keys() == expected_record.__dict__.keys()
                and record.message == expected_record.message
                and getattr(record, "asctime", None) == getattr(expected_record, "asctime", None))


def probe(module: ModuleType) -> Optional[Any]:
    """The renderer's facts of the python-json-logger ``module`` (its ``json``
    module), or None when the renderer does not format as it does."""
    from ringwriter._record_path import JsonLibrary, render_json_record
    try:
        formatter_class = module.JsonFormatter
        with_defaults = formatter_class("%(message)s", defaults={"probe_default": 1})
        applies_defaults = "probe_default" in json.loads(with_defaults.format(logging.makeLogRecord({"msg": "m"})))
        message: Dict[str, Any] = {"event": "probe"}
        formatter_class().format(logging.makeLogRecord({"msg": message, "exc_text": "probe"}))
        library = JsonLibrary(formatter_class, module.JsonEncoder, applies_defaults, "exc_info" not in message)
        for options in _OPTIONS:
            formatter = formatter_class(**options)
            for make_record in _RECORDS:
                if not _same_format(library, render_json_record, formatter, make_record):
                    return None
    except Exception:
        return None
    return library
