"""python-json-logger's JsonFormatter on the compiled record path, byte for byte.

Each case logs the same calls, from the same line, through ``logging.FileHandler`` and
through ``ringwriter.handlers.FileHandler``, each with its own JsonFormatter made with
the same options, and compares the files' bytes and the records' attributes after
formatting. A profile hook tells whether the library's ``format()`` ran: for what the
renderer knows it must not (the bytes are the renderer's), for the rest (subclasses
with their own methods, other encoders and serializers, the orjson and msgspec
formatters) it must. The times of the records are fixed (a record factory), so that
``asctime`` and ``timestamp`` are the same in both runs.

The cases include those of python-json-logger's own tests/test_formatters.py that a
byte comparison applies to (the formats, renames, defaults, static fields, dict
messages, extras, exceptions, the types its JsonEncoder encodes, ensure_ascii).
"""
import collections
import dataclasses
import datetime
import decimal
import enum
import logging
import math
import subprocess
import sys
import uuid

import pytest
from hypothesis import given, settings, strategies as st

import ringwriter.handlers
from ringwriter import _json_probe
from ringwriter._record_path import render_json_record

json_logger = pytest.importorskip("pythonjsonlogger.json")
from pythonjsonlogger.core import RESERVED_ATTRS, BaseJsonFormatter  # noqa: E402

JsonFormatter = json_logger.JsonFormatter
LIBRARY = _json_probe.probe(json_logger)
FORMAT_CODE = BaseJsonFormatter.format.__code__
FILE_HANDLERS = {"stdlib": logging.FileHandler, "ringwriter": ringwriter.handlers.FileHandler}


class Colour(enum.Enum):
    RED = "red"
    NONE = None
    BYTES = b"some-bytes"


class Level(enum.IntEnum):
    HIGH = 3


@dataclasses.dataclass
class Point:
    x: int
    y: str


class Plain:
    def __init__(self, thing):
        self.thing = thing


class BrokenRepr:
    def __str__(self):
        raise ValueError("no str")

    __repr__ = __str__


class TextLike(str):
    pass


Pair = collections.namedtuple("Pair", "left right")


class Items(list):
    pass


class Reversed(list):
    def __iter__(self):
        return reversed(self)


try:
    raise ValueError("static")
except ValueError as error:
    STATIC_TRACEBACK = error.__traceback__

AWKWARD_TEXT = 'q"uo\\te\n\r\t\b\f\x00\x1f\x7f é ñ ☃ \u2028 🐍 \ud800 \udfff end'
EVERY_TYPE = {
    "text": AWKWARD_TEXT, "empty": "", "str_subclass": TextLike("sub"),
    "int": 7, "negative": -3, "big": 2**70, "bool_true": True, "bool_false": False, "none": None,
    "float": 0.1, "float_int": 3.0, "tiny": 5e-324, "huge": 1e300, "negative_zero": -0.0,
    "nan": math.nan, "inf": math.inf, "neg_inf": -math.inf,
    "list": [1, "a", None, [], {}], "tuple": (1, (2, 3)), "namedtuple": Pair(1, "b"), "list_subclass": Items([0]),
    "dict": {"a": {"b": [True]}}, "dict_subclass": collections.OrderedDict(b=1, a=2),
    "odd_keys": {1: "int", 2.5: "float", False: "bool", None: "none", "é": "unicode", AWKWARD_TEXT: 1},
    "datetime": datetime.datetime(2024, 5, 5, 16, 45, 30, 100),
    "aware": datetime.datetime(2024, 5, 5, 16, 45, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=10))),
    "date": datetime.date(2024, 5, 5), "time": datetime.time(16, 45, 30, 100),
    "decimal": decimal.Decimal("1.10"), "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "enum": Colour.RED, "enum_none": Colour.NONE, "enum_bytes": Colour.BYTES, "int_enum": Level.HIGH,
    "enum_class": Colour, "bytes": b"fancy-bytes-\xf0\xf1", "exception": ValueError("boom"),
    "exception_class": KeyError, "traceback": STATIC_TRACEBACK, "dataclass": Point(1, "y"),
    "dataclass_class": Point, "class": Plain, "object": BrokenRepr(), "set": {3}, "frozenset": frozenset(),
    "complex": 1 + 2j,
}


@pytest.fixture(scope="module", autouse=True)
def probed(tmp_path_factory):
    """The handlers' first JsonFormatter runs the probe (which formats with the
    library): here, before any case counts the library's format() calls."""
    handler = ringwriter.handlers.FileHandler(tmp_path_factory.mktemp("probe") / "probe.log", delay=True)
    handler.setFormatter(JsonFormatter())
    handler.format(logging.makeLogRecord({"msg": "probe"}))
    handler.close()


@pytest.fixture(autouse=True)
def fixed_times():
    """Every record made here has the same created/msecs/relativeCreated."""
    make = logging.getLogRecordFactory()

    def fixed(*args, **kwargs):
        record = make(*args, **kwargs)
        record.created, record.msecs, record.relativeCreated = 1714927530.125, 125.0, 42.5
        return record

    logging.setLogRecordFactory(fixed)
    yield
    logging.setLogRecordFactory(make)


class FormatCalls:
    """Whether python-json-logger's ``format()`` runs while it is active."""

    def __init__(self):
        self.count = 0

    def __call__(self, frame, event, argument):
        if event == "call" and frame.f_code is FORMAT_CODE:
            self.count += 1

    def __enter__(self):
        sys.setprofile(self)
        return self

    def __exit__(self, *exc):
        sys.setprofile(None)


def _run(impl, directory, make_formatter, scenario, errors):
    path = directory / f"{impl}.log"
    handler = FILE_HANDLERS[impl](path, encoding="utf-8", errors=errors)
    handler.setFormatter(make_formatter())
    failures = []
    handler.handleError = lambda record: failures.append(repr(sys.exc_info()[1]))
    logger = logging.getLogger("json.case")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    records = []
    logger.addFilter(lambda record: records.append(record) or True)
    calls = FormatCalls()
    try:
        with calls if impl == "ringwriter" else FormatCalls():
            scenario(logger)
    finally:
        logger.handlers[:] = []
        logger.filters[:] = []
        handler.close()
    states = [(sorted(record.__dict__), record.__dict__.get("message"), record.__dict__.get("asctime"))
              for record in records]
    return path.read_bytes(), failures, states, calls.count


def observe(tmp_path, make_formatter, scenario, errors="surrogatepass", fails=False):
    """How often ringwriter's run called the library's format(), once its file, errors
    and records are found the same as the stdlib's. ``fails``: every record is expected
    to fail (handleError), none to be written."""
    stdlib, ours = [_run(impl, tmp_path, make_formatter, scenario, errors) for impl in FILE_HANDLERS]
    assert ours[:3] == stdlib[:3]
    written, failures = stdlib[:2]
    assert (not written and failures) if fails else written
    return ours[3]


def test_the_probe_recognises_the_installed_library():
    assert LIBRARY is not None


# -- what the renderer formats ------------------------------------------------------------

def _raise_and_log(logger, message="failed %s", *args, **kwargs):
    try:
        raise RuntimeError("inner")
    except RuntimeError:
        logger.exception(message, *args, **kwargs)


def _raise_chained(logger):
    try:
        try:
            raise KeyError("first")
        except KeyError as first:
            raise ValueError("second \u2603") from first
    except ValueError:
        logger.error("chained", exc_info=True, stack_info=True)


SCENARIOS = {
    "message with args": lambda log: log.info("request %d served in %.3f ms", 7, 1.5),
    "extras": lambda log: log.info("served", extra={"path": "/a/b", "status": 200, "user": None}),
    "many extras": lambda log: log.warning("many", extra={f"field_{i}": i * 1.5 for i in range(60)}),
    "every type": lambda log: log.info("types", extra=EVERY_TYPE),
    "every type nested": lambda log: log.info("nested", extra={"in_dict": EVERY_TYPE, "in_list": list(EVERY_TYPE.values())}),
    "awkward message": lambda log: log.info(AWKWARD_TEXT + " %s", AWKWARD_TEXT),
    "awkward keys": lambda log: log.info("keys", extra={AWKWARD_TEXT: AWKWARD_TEXT, "\u00e9\u2603": 1}),
    "dict message": lambda log: log.info({"event": "login", "user": "é", 5: "nine", "nested": {"more": [1.5]}}),
    "dict message with message key": lambda log: log.info({"message": "inner", "levelname": "own"}),
    "dict message with exc_info key": lambda log: log.info({"exc_info": "mine", "stack_info": "mine too"}, stack_info=True),
    "exception": _raise_and_log,
    "exception with dict message": lambda log: _raise_and_log(log, {"event": "failed"}),
    "chained exception and stack": _raise_chained,
    "stack info": lambda log: log.info("where", stack_info=True),
    "exc_text only": lambda log: log.handle(logging.makeLogRecord({"name": log.name, "msg": "pre-formatted", "levelno": 20,
                                                                   "exc_text": "Traceback: given"})),
    "private and numeric attributes": lambda log: log.info("private", extra={"_hidden": 1, "public": 2}),
    "levels": lambda log: [log.debug("d"), log.info("i"), log.warning("w"), log.error("e"), log.critical("c")],
    "non-str message": lambda log: log.info(12345),
    "many records": lambda log: [log.info("record %d of %s", i, "many", extra={"i": i}) for i in range(300)],
}

OPTIONS = {
    "defaults": {},
    "percent format": {"fmt": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    "percent widths": {"fmt": "[%(levelname)8s] %(message)s %(filename)s:%(lineno)d %(asctime)"},
    "brace format": {"fmt": "{levelname}{message}{asctime}{missing}", "style": "{"},
    "dollar format": {"fmt": "${levelname} $message $$ ${asctime}", "style": "$"},
    "every record field": {"fmt": " ".join(f"%({name})s" for name in ["asctime", "created", "filename", "funcName",
                                                                       "levelname", "levelno", "lineno", "module",
                                                                       "msecs", "message", "name", "pathname",
                                                                       "process", "processName", "relativeCreated",
                                                                       "thread", "threadName", "exc_info"])},
    "datefmt": {"fmt": "%(asctime)s %(message)s", "datefmt": "%Y-%m-%dT%H:%M:%S"},
    "rename": {"fmt": "%(levelname)s %(message)s", "rename_fields": {"levelname": "LEVEL", "message": "levelname",
                                                                     "exc_info": "stack_trace", "path": "url.path"}},
    "rename keep missing": {"rename_fields": {"missing_field": "new_field", "levelname": "level"},
                            "rename_fields_keep_missing": True},
    "static fields": {"static_fields": {"service": "api", "version": 3, "tags": ["a", "b"]}},
    "reserved attrs none": {"reserved_attrs": []},
    "reserved attrs renamed": {"fmt": "%(funcName)s %(levelname)s %(msg)s",
                               "reserved_attrs": [name for name in RESERVED_ATTRS if name not in ("funcName", "levelname",
                                                                                                  "msg", "module")],
                               "rename_fields": {"funcName": "log.origin.function", "msg": "log.message"}},
    "timestamp": {"timestamp": True},
    "timestamp key renamed": {"timestamp": "@timestamp", "rename_fields": {"@timestamp": "ts"}},
    "prefix": {"prefix": "json: \u2603 "},
    "ensure_ascii off": {"json_ensure_ascii": False},
    "indent": {"json_indent": 2},
    "indent text": {"json_indent": "\t"},
    "indent zero": {"json_indent": 0, "json_ensure_ascii": False},
    "json_default": {"json_default": repr},
    "json_default and encoder": {"json_default": lambda value: f"<{type(value).__name__}>",
                                 "json_encoder": json_logger.JsonEncoder},
    "stdlib encoder with a default": {"json_default": str, "json_encoder": json_logger.json.JSONEncoder},
    "formatter defaults": {"defaults": {"first": 1, "second": "two", "path": "default"}},
}


# json_default=repr and json_default=str on EVERY_TYPE reach BrokenRepr, whose repr and str raise.
FAILING = {(options, scenario) for options in ("json_default", "stdlib encoder with a default")
           for scenario in ("every type", "every type nested")}


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("options", OPTIONS)
def test_the_renderer_writes_the_librarys_bytes(tmp_path, options, scenario):
    failing = (options, scenario) in FAILING
    calls = observe(tmp_path, lambda: JsonFormatter(**OPTIONS[options]), SCENARIOS[scenario], fails=failing)
    # A record the renderer cannot encode is formatted again by the library, which raises its error.
    assert calls == (1 if failing else 0), "the library's format() ran"


def test_unencodable_text_is_the_same_error(tmp_path):
    """With ensure_ascii off, a lone surrogate reaches a strict utf-8 file: handleError."""
    calls = observe(tmp_path, lambda: JsonFormatter(json_ensure_ascii=False),
                    lambda log: [log.info("lone \ud800"), log.info("after")], errors="strict")
    assert calls == 0


def test_exc_info_as_array_and_stack_info_as_array(tmp_path):
    if "exc_info_as_array" not in JsonFormatter.__init__.__code__.co_varnames + BaseJsonFormatter.__init__.__code__.co_varnames:
        pytest.skip("python-json-logger before 3.3")
    observe(tmp_path, lambda: JsonFormatter(exc_info_as_array=True, stack_info_as_array=True), _raise_chained)


def test_the_old_import_path(tmp_path):
    with pytest.warns(DeprecationWarning):
        from pythonjsonlogger import jsonlogger
    assert observe(tmp_path, jsonlogger.JsonFormatter, SCENARIOS["extras"]) == 0


def test_a_dict_message_is_left_as_the_library_leaves_it(tmp_path):
    messages = []

    def scenario(log):
        messages.append({"event": "failed"})
        _raise_and_log(log, messages[-1])

    observe(tmp_path, JsonFormatter, scenario)
    assert messages[0].keys() == messages[1].keys()


def test_a_formatter_changed_after_its_first_record(tmp_path):
    def scenario(log):
        formatter = log.handlers[0].formatter
        log.info("first", extra={"a": 1})
        formatter.prefix = "changed: "
        formatter.json_indent = 1
        formatter.rename_fields["a"] = "renamed"
        formatter.static_fields["added"] = True
        formatter.datefmt = "%H"
        formatter.timestamp = True
        log.info("second", extra={"a": 2})

    assert observe(tmp_path, lambda: JsonFormatter("%(asctime)s %(message)s"), scenario) == 0


# -- what the formatter formats itself -----------------------------------------------------

class OwnAddFields(JsonFormatter):
    def add_fields(self, log_data, record, message_dict):
        super().add_fields(log_data, record, message_dict)
        log_data["added"] = True


class OwnProcess(JsonFormatter):
    def process_log_record(self, log_data):
        log_data["custom"] = "value"
        return super().process_log_record(log_data)


class OwnJsonify(JsonFormatter):
    def jsonify_log_record(self, log_data):
        return "jsonified " + super().jsonify_log_record(log_data)


class OwnSerialize(JsonFormatter):
    def serialize_log_record(self, log_data):
        return super().serialize_log_record(log_data).upper()


class OwnFormatTime(JsonFormatter):
    def formatTime(self, record, datefmt=None):
        return "time of %d" % record.created


class OwnFormatException(JsonFormatter):
    def formatException(self, ei):
        return "exception " + ei[0].__name__


class OwnEncoder(json_logger.JsonEncoder):
    def default(self, o):
        return f"encoded {type(o).__name__}"


def _sorted_dumps(*args, **kwargs):
    return json_logger.json.dumps(*args, sort_keys=True, **kwargs)


def _library_formatter(module_name, class_name):
    pytest.importorskip(module_name.rsplit(".", 1)[1])  # orjson or msgspec itself, which the module needs
    return getattr(pytest.importorskip(module_name), class_name)


# What these serializers refuse in EVERY_TYPE (mixed key types to sort; orjson and msgspec
# keys and values beyond their own types).
FALLBACK_FAILING = {("own json_serializer", "dict message"), ("own json_serializer", "every type"),
                    ("orjson", "every type"), ("msgspec", "every type")}
FALLBACKS = {
    "own add_fields": OwnAddFields,
    "own process_log_record": OwnProcess,
    "own jsonify_log_record": OwnJsonify,
    "own serialize_log_record": OwnSerialize,
    "own json_encoder": lambda: JsonFormatter(json_encoder=OwnEncoder),
    "own json_serializer": lambda: JsonFormatter(json_serializer=_sorted_dumps),
    "orjson": lambda: _library_formatter("pythonjsonlogger.orjson", "OrjsonFormatter")(),
    "msgspec": lambda: _library_formatter("pythonjsonlogger.msgspec", "MsgspecFormatter")(),
}


@pytest.mark.parametrize("scenario", ["extras", "dict message", "exception", "every type"])
@pytest.mark.parametrize("formatter", FALLBACKS)
def test_what_the_renderer_does_not_know_formats_itself(tmp_path, formatter, scenario):
    make = FALLBACKS[formatter]
    make()  # skips here, not in observe, when orjson or msgspec is missing
    calls = observe(tmp_path, make, SCENARIOS[scenario], fails=(formatter, scenario) in FALLBACK_FAILING)
    assert calls > 0


@pytest.mark.parametrize("formatter", [OwnFormatTime, OwnFormatException])
def test_its_own_time_and_exception_formatting_is_used(tmp_path, formatter):
    def scenario(log):
        log.info("timed")
        _raise_and_log(log)

    assert observe(tmp_path, lambda: formatter("%(asctime)s %(message)s"), scenario) == 0


def test_an_instance_with_its_own_method_formats_itself(tmp_path):
    def make():
        formatter = JsonFormatter()
        formatter.process_log_record = lambda log_data: dict(log_data, instance=True)
        return formatter

    assert observe(tmp_path, make, SCENARIOS["extras"]) > 0


def test_a_class_changed_after_its_first_record(tmp_path):
    class Changing(JsonFormatter):
        pass

    def scenario(log):
        log.info("before")
        Changing.process_log_record = lambda self, log_data: dict(log_data, changed=True)
        try:
            log.info("after")
        finally:
            del Changing.process_log_record

    assert observe(tmp_path, Changing, scenario) == 1


def test_a_cycle_and_a_deep_nesting_are_left_to_json(tmp_path):
    cycle = []
    cycle.append(cycle)
    deep = []
    for _ in range(100):
        deep = [deep]

    def scenario(log):
        log.info("deep", extra={"deep": deep})
        log.info("cycle", extra={"cycle": cycle})
        log.info("bad key", extra={"bad": {(1, 2): "tuple key"}})

    assert observe(tmp_path, JsonFormatter, scenario) == 3


def test_a_sequence_iterating_its_own_way_is_left_to_json(tmp_path):
    """_json.c reads a list's items; json's pure-Python encoder (an indent) iterates it."""
    for indent in (None, 2):
        (tmp_path / str(indent)).mkdir()
        assert observe(tmp_path / str(indent), lambda: JsonFormatter(json_indent=indent),
                       lambda log: log.info("x", extra={"backwards": Reversed([1, 2, 3])})) == 1


def test_an_error_in_the_default_is_the_librarys(tmp_path):
    def refuse(value):
        raise TypeError(f"refused {type(value).__name__}")

    observe(tmp_path, lambda: JsonFormatter(json_default=refuse), lambda log: log.info("x", extra={"v": {1}}),
            fails=True)


# -- the encoder, value by value ----------------------------------------------------------

_keys = st.one_of(st.text(), st.integers(), st.floats(allow_nan=True), st.booleans(), st.none())
_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
              st.text(), st.binary(), st.datetimes(), st.uuids(), st.decimals(allow_nan=False)),
    lambda children: st.one_of(st.lists(children), st.tuples(children, children),
                               st.dictionaries(_keys, children), st.frozensets(st.integers())),
    max_leaves=20,
)


_RECORD_ATTRIBUTES = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}
_extra_names = st.text().filter(lambda key: key not in _RECORD_ATTRIBUTES)


@settings(max_examples=300, deadline=None)
@given(extras=st.dictionaries(_extra_names, _values, max_size=6), message=_values, ensure_ascii=st.booleans(),
       indent=st.sampled_from([None, 0, 2, "\t"]))
def test_any_value_is_encoded_as_json_dumps_encodes_it(extras, message, ensure_ascii, indent):
    formatter = JsonFormatter(json_ensure_ascii=ensure_ascii, json_indent=indent)
    args = {"name": "n", "level": 20, "pathname": "p.py", "lineno": 1, "msg": "%s", "args": (message,), "exc_info": None}
    expected_record, record = logging.LogRecord(**args), logging.LogRecord(**args)
    for made in (expected_record, record):
        made.__dict__.update(extras)
        made.created = 1714927530.125
    assert render_json_record(LIBRARY, formatter, record) == formatter.format(expected_record)


def test_the_renderer_refuses_what_it_does_not_know():
    with pytest.raises(TypeError):
        render_json_record(LIBRARY, OwnAddFields(), logging.makeLogRecord({"msg": "x"}))


# -- the probe ------------------------------------------------------------------------------

class _Release:
    """A python-json-logger module whose JsonFormatter formats differently."""
    JsonEncoder = json_logger.JsonEncoder

    class JsonFormatter(JsonFormatter):
        def add_fields(self, log_data, record, message_dict):
            super().add_fields(log_data, record, message_dict)
            log_data.pop("message", None)


def test_the_probe_refuses_a_release_whose_format_differs():
    assert _json_probe.probe(_Release) is None


def test_ringwriter_runs_without_python_json_logger():
    program = (
        "import sys; sys.modules['pythonjsonlogger'] = None\n"
        "import logging, ringwriter.handlers, tempfile, os\n"
        "path = os.path.join(tempfile.mkdtemp(), 'x.log')\n"
        "handler = ringwriter.handlers.FileHandler(path)\n"
        "handler.setFormatter(logging.Formatter('%(levelname)s %(message)s'))\n"
        "handler.handle(logging.makeLogRecord({'msg': 'plain', 'levelname': 'INFO'})); handler.close()\n"
        "print(open(path).read(), end='')\n"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert result.stdout == "INFO plain\n"
