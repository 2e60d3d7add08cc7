"""The compiled record path (ringwriter._record_path) takes the handler's, the
formatter's and the record's own methods whenever they are not the stdlib's or
ringwriter's: a subclass, an instance attribute or a class patched after the first
record. Each test checks the bytes written against logging.FileHandler's for the same
records, before and after the change."""
import logging
from unittest import mock

import pytest

import ringwriter.handlers

FORMAT = "%(asctime)s %(levelname)-8s %(name)s:%(lineno)d %(message)s"


def _record(message="user %s did %d things", args=("alice", 42), created=1_700_000_000.25, **extra):
    record = logging.LogRecord("app", logging.INFO, "/src/app.py", 7, message, args, None, "main")
    record.created = created
    record.msecs = 250.0
    record.__dict__.update(extra)
    return record


def _run(handler_class, tmp_path, name, steps):
    """Log through a handler of ``handler_class`` with ``steps`` (callables taking the
    handler) applied in order; the file's bytes after close."""
    path = tmp_path / f"{name}.log"
    handler = handler_class(str(path))
    handler.setFormatter(logging.Formatter(FORMAT))
    errors = []
    handler.handleError = lambda record: errors.append(record.msg)
    try:
        for step in steps:
            step(handler)
    finally:
        handler.close()
    return path.read_bytes(), errors


def _same(tmp_path, steps, undo=lambda: None):
    """The same steps through each implementation; ``undo`` puts back what a step
    changed outside the handler after each."""
    try:
        expected = _run(logging.FileHandler, tmp_path, "stdlib", steps)
    finally:
        undo()
    try:
        assert _run(ringwriter.handlers.FileHandler, tmp_path, "ringwriter", steps) == expected
    finally:
        undo()
    return expected


def _handle(record=None):
    return lambda handler: handler.handle(record or _record())


def test_plain_records_match(tmp_path):
    data, errors = _same(tmp_path, [_handle(), _handle(_record(created=1_700_000_001.999)), _handle()])
    assert data.count(b"\n") == 3 and not errors


def test_an_emit_set_on_the_instance_is_called(tmp_path):
    seen = []

    def patch(handler):
        original = handler.emit
        handler.emit = lambda record: (seen.append(record.msg), original(record))

    _same(tmp_path, [_handle(), patch, _handle(_record("patched"))])
    assert seen == ["patched", "patched"]  # once per implementation


def test_mock_patch_of_emit_is_honoured(tmp_path):
    handler = ringwriter.handlers.FileHandler(str(tmp_path / "a.log"))
    with mock.patch.object(handler, "emit") as emit:
        handler.handle(_record())
    assert emit.call_count == 1
    handler.handle(_record())
    handler.close()
    assert (tmp_path / "a.log").read_text().count("\n") == 1


def test_a_filter_set_on_the_instance_is_called(tmp_path):
    def refuse(handler):
        handler.filter = lambda record: False

    data, _ = _same(tmp_path, [_handle(), refuse, _handle(_record("refused"))])
    assert b"refused" not in data


def test_subclass_overriding_format_and_emit(tmp_path):
    class Shouting(ringwriter.handlers.FileHandler):
        def format(self, record):
            return super().format(record).upper()

    class Counting(ringwriter.handlers.FileHandler):
        emitted = 0

        def emit(self, record):
            Counting.emitted += 1
            super().emit(record)

    path = tmp_path / "shout.log"
    handler = Shouting(str(path))
    handler.handle(_record())
    handler.close()
    assert path.read_text() == "USER ALICE DID 42 THINGS\n"
    counting = Counting(str(tmp_path / "count.log"))
    counting.handle(_record())
    counting.close()
    assert Counting.emitted == 1


@pytest.mark.parametrize("attribute", ["formatTime", "formatMessage", "format"])
def test_formatter_methods_patched_on_the_class_after_the_first_record(tmp_path, attribute):
    original = getattr(logging.Formatter, attribute)

    def patched(self, *args):
        return "<" + original(self, *args) + ">"

    def patch(handler):
        setattr(logging.Formatter, attribute, patched)

    data, _ = _same(tmp_path, [_handle(), patch, _handle()], lambda: setattr(logging.Formatter, attribute, original))
    assert data.count(b"<") == 1


def test_formatter_settings_changed_between_records(tmp_path):
    def settings(handler):
        handler.formatter.default_msec_format = "%s.%03d"
        handler.formatter.datefmt = None

    def datefmt(handler):
        handler.formatter.datefmt = "%H:%M:%S"

    def converter(handler):
        handler.formatter.converter = lambda seconds: logging.Formatter.converter(seconds - 3600)

    def new_format(handler):
        handler.setFormatter(logging.Formatter("%(levelno)05d|%(message)r|%(created).3f"))

    def terminator(handler):
        handler.terminator = "\r\n"

    _same(tmp_path, [_handle(), settings, _handle(), datefmt, _handle(), converter, _handle(), new_format,
                     _handle(), terminator, _handle()])


def test_record_subclass_and_patched_get_message(tmp_path):
    class Record(logging.LogRecord):
        def getMessage(self):
            return "custom " + super().getMessage()

    subclassed = Record("app", logging.INFO, "/src/app.py", 7, "m %s", ("x",), None)
    original = logging.LogRecord.getMessage

    def patch(handler):
        logging.LogRecord.getMessage = lambda self: "patched"

    data, _ = _same(tmp_path, [_handle(subclassed), _handle(), patch, _handle()],
                    lambda: setattr(logging.LogRecord, "getMessage", original))
    assert b"custom m x" in data and b"patched" in data


@pytest.mark.parametrize("fmt", [
    "%(message)s %(missing)s",      # a missing field: the stdlib's ValueError
    "%(lineno)s %(name)d",          # a conversion the value refuses
    "100%% %(message)s",            # a literal percent
    "%(message)s %",                # a lone percent at the end (validate=False)
    "%(mess(age))s",                # a key with parentheses
    "%(message)*d",                 # a star width
])
def test_formats_the_compiled_path_declines_or_fails_like_the_stdlib(tmp_path, fmt):
    def formatter(handler):
        handler.setFormatter(logging.Formatter(fmt, validate=False))

    _same(tmp_path, [formatter, _handle(), _handle(_record("%s", ({"a": 1},)))])


def test_non_str_terminator_is_reported(tmp_path):
    def terminator(handler):
        handler.terminator = 0

    data, errors = _same(tmp_path, [terminator, _handle()])
    assert errors and not data


def test_message_errors_are_reported_once_each(tmp_path):
    calls = []

    class Bad:
        def __str__(self):
            calls.append(1)
            raise RuntimeError("no str")

    _same(tmp_path, [_handle(_record("%s", (Bad(),))), _handle(_record(Bad(), ()))])
    assert len(calls) == 4  # two records, two implementations: one str() each
