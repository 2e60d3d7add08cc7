"""ringwriter.handlers and CoalescingWriter: the stdlib's bytes, fewer writes, nothing lost."""
import contextlib
import io
import logging
import logging.config
import logging.handlers
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

import ringwriter
import ringwriter.handlers

FORMATS = [
    "%(asctime)s %(levelname)s %(name)s %(message)s",
    "%(message)s",
    "{asctime} [{levelname:>8}] {name}: {message}",
]
# Generous: a busy CI machine may be slow to run the background thread.
INTERVAL = 0.2
PATIENCE = 10.0


def make_records():
    records = []
    for i in range(3000):
        level = (logging.DEBUG, logging.INFO, logging.WARNING)[i % 3]
        record = logging.LogRecord("app.db", level, __file__, 42, "event %d: %s", (i, "héllo ✓"), None)
        record.created = 1_700_000_000 + i / 700  # several records per second, many seconds
        record.msecs = (record.created - int(record.created)) * 1000
        if i % 2:
            record.msecs = int(record.msecs) + 0.0  # whole milliseconds, as the stdlib makes them
        records.append(record)
    try:
        raise KeyError("missing")
    except KeyError:
        records.append(logging.LogRecord("app", logging.ERROR, __file__, 7, "failed", (), sys.exc_info()))
    records.append(logging.LogRecord("app", logging.INFO, __file__, 8, "with stack", (), None, sinfo="Stack (most recent call last):\n  here"))
    records.append(logging.LogRecord("app", logging.INFO, __file__, 9, 12345, (), None))  # not a str
    records.append(logging.LogRecord("app", logging.INFO, __file__, 10, "a %(key)s map", ({"key": "value"},), None))
    records.append(UpperCaseRecord("app", logging.INFO, __file__, 11, "own %s", ("getMessage",), None))
    records.append(logging.makeLogRecord({"msg": "a record without a level"}))
    records.append(logging.LogRecord("app", logging.INFO, __file__, 12, "%d args, one given", ("x",), None))
    late = logging.LogRecord("app", logging.INFO, __file__, 13, "last millisecond", (), None)
    late.created, late.msecs = 1_700_000_000.9999, 999.9
    records.append(late)
    return records


class UpperCaseRecord(logging.LogRecord):
    def getMessage(self):
        return super().getMessage().upper()


@contextlib.contextmanager
def only_handler(name, handler, level):
    """The logger ``name`` at ``level``, writing to ``handler`` alone; closes it after."""
    logger = logging.getLogger(name)
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False
    try:
        yield logger
    finally:
        logger.removeHandler(handler)
        handler.close()


def emit_all(handler, records, formatter):
    """Emit every record and close: the messages of the records the handler failed to
    write (its handleError), which must be the stdlib's too."""
    failed = []
    handler.setFormatter(formatter)
    handler.handleError = lambda record: failed.append(record.msg)
    for record in records:
        record.exc_text = None  # each formatter formats the traceback itself
        handler.handle(record)
    handler.close()
    return failed


def formatters():
    yield from (logging.Formatter(fmt, style="{" if "{" in fmt else "%") for fmt in FORMATS)
    yield logging.Formatter(FORMATS[0], datefmt="%Y-%m-%d %H:%M:%S")
    utc = logging.Formatter(FORMATS[0])
    utc.converter = time.gmtime
    yield utc
    msec = logging.Formatter(FORMATS[0])
    msec.default_msec_format = "%s.%03d"
    yield msec
    no_msec = logging.Formatter(FORMATS[0])
    no_msec.default_msec_format = None
    yield no_msec
    shifted = logging.Formatter(FORMATS[0])
    shifted.converter = lambda seconds: time.gmtime(seconds + 3600)
    yield shifted
    yield logging.Formatter("%(asctime)s %(tag)s %(message)s", defaults={"tag": "default-tag"})


@pytest.mark.parametrize("formatter", list(formatters()), ids=lambda f: f"{f._fmt!r}-{f.datefmt}-{f.converter.__name__}-{f.default_msec_format}")
@pytest.mark.parametrize("encoding", ["utf-8", "latin-1", "utf-16", None])
def test_file_handler_writes_the_stdlibs_bytes(tmp_path, formatter, encoding):
    records = make_records()
    errors = "replace" if encoding == "latin-1" else None
    outputs = []
    for handler_class in (logging.FileHandler, ringwriter.handlers.FileHandler):
        path = tmp_path / handler_class.__module__
        failed = emit_all(handler_class(path, encoding=encoding, errors=errors), records, formatter)
        outputs.append((path.read_bytes(), failed))
    assert outputs[0] == outputs[1]


def test_handle_returns_and_filters_like_the_stdlib(tmp_path):
    def replace_message(record):
        if sys.version_info < (3, 12):
            return record.msg != "drop"
        if record.msg == "drop":
            return False
        copy = logging.makeLogRecord(record.__dict__)
        copy.msg = "replaced " + copy.msg
        return copy

    results, outputs = [], []
    for handler_class in (logging.FileHandler, ringwriter.handlers.FileHandler):
        path = tmp_path / handler_class.__module__
        handler = handler_class(path)
        plain = logging.LogRecord("app", logging.INFO, __file__, 1, "plain", (), None)
        returned = [handler.handle(plain)]
        handler.addFilter(replace_message)
        for message in ("kept", "drop"):
            returned.append(handler.handle(logging.LogRecord("app", logging.INFO, __file__, 1, message, (), None)))
        handler.close()
        results.append([value if isinstance(value, bool) else value.getMessage() for value in returned])
        outputs.append(path.read_bytes())
    assert results[0] == results[1]
    assert outputs[0] == outputs[1]


def test_a_subclass_format_is_used(tmp_path):
    class Shouting(ringwriter.handlers.FileHandler):
        def format(self, record):
            return super().format(record).upper()

    handler = Shouting(tmp_path / "loud.log")
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    handler.handle(logging.LogRecord("app", logging.INFO, __file__, 1, "quiet %s", ("words",), None))
    handler.close()
    assert (tmp_path / "loud.log").read_text() == "INFO QUIET WORDS\n"


def test_stream_handler_repr_names_the_callers_stream(tmp_path):
    with open(tmp_path / "named.log", "w") as named:
        for stream in (None, io.StringIO(), named):
            assert repr(ringwriter.handlers.StreamHandler(stream)) == repr(logging.StreamHandler(stream))


def test_stream_handler_writes_the_stdlibs_bytes(tmp_path):
    records = make_records()
    outputs = []
    for handler_class in (logging.StreamHandler, ringwriter.handlers.StreamHandler):
        path = tmp_path / handler_class.__module__
        with open(path, "w", encoding="utf-8") as stream:
            failed = emit_all(handler_class(stream), records, logging.Formatter(FORMATS[0]))
        outputs.append((path.read_bytes(), failed))
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize("max_bytes, count", [(5000, 600), (10, 8)])
def test_rotating_handler_rotates_like_the_stdlib(tmp_path, max_bytes, count):
    """Also with records larger than maxBytes: whether an empty file rolls over depends
    on the running stdlib (not since gh-116263)."""
    records = make_records()[:count]
    trees = []
    for handler_class in (logging.handlers.RotatingFileHandler, ringwriter.handlers.RotatingFileHandler):
        directory = tmp_path / handler_class.__module__
        directory.mkdir()
        failed = emit_all(handler_class(directory / "app.log", maxBytes=max_bytes, backupCount=20, encoding="utf-8"),
                          records, logging.Formatter(FORMATS[0]))
        trees.append(({p.name: p.read_bytes() for p in directory.iterdir()}, failed))
    assert trees[0] == trees[1] and len(trees[1][0]) > 3


def test_timed_rotating_handler_writes_the_stdlibs_bytes(tmp_path):
    records = make_records()[:300]
    outputs = []
    for handler_class in (logging.handlers.TimedRotatingFileHandler, ringwriter.handlers.TimedRotatingFileHandler):
        path = tmp_path / handler_class.__module__
        failed = emit_all(handler_class(path, when="D", encoding="utf-8"), records, logging.Formatter(FORMATS[0]))
        outputs.append((path.read_bytes(), failed))
    assert outputs[0] == outputs[1]


def test_records_are_buffered_until_the_flush_level(tmp_path):
    path = tmp_path / "app.log"
    handler = ringwriter.handlers.FileHandler(path, flush_interval=3600)
    with only_handler("test_flush_level", handler, logging.DEBUG) as logger:
        for i in range(50):
            logger.info("quiet %d", i)
        assert path.read_bytes() == b""
        logger.error("loud")  # another process can read it as soon as emit returns
        assert path.read_bytes().endswith(b"loud\n") and path.read_bytes().count(b"\n") == 51


def test_a_quiet_loggers_last_record_arrives_within_the_interval(tmp_path):
    path = tmp_path / "app.log"
    handler = ringwriter.handlers.FileHandler(path, flush_interval=INTERVAL)
    handler.handle(logging.makeLogRecord({"msg": "last words", "levelno": logging.INFO}))
    assert path.read_bytes() == b""
    deadline = time.monotonic() + PATIENCE
    while path.read_bytes() != b"last words\n" and time.monotonic() < deadline:
        time.sleep(0.01)
    assert path.read_bytes() == b"last words\n"
    handler.close()


def test_writes_at_most_one_syscall_per_buffer(tmp_path):
    path = tmp_path / "app.log"
    handler = ringwriter.handlers.FileHandler(path, buffer_size=4096, flush_interval=3600)
    handler.setFormatter(logging.Formatter(FORMATS[0]))
    for record in make_records()[:2000]:
        if record.levelno < logging.ERROR:
            handler.handle(record)
    writer = handler.stream.buffer
    assert writer.stats.raw_writes <= writer.stats.bytes_accepted // 4096 + 1
    handler.close()


def test_threads_keep_their_records_complete_and_in_order(tmp_path):
    path = tmp_path / "app.log"
    handler = ringwriter.handlers.FileHandler(path, buffer_size=1000)
    with only_handler("test_threads", handler, logging.INFO) as logger:

        def work(name):
            for i in range(2000):
                logger.info("%s %05d %s", name, i, "x" * (i % 50))

        threads = [threading.Thread(target=work, args=(f"t{n}",)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    lines = path.read_text().splitlines()
    assert len(lines) == 8000
    for n in range(4):
        mine = [line.split()[1] for line in lines if line.startswith(f"t{n} ")]
        assert mine == [f"{i:05d}" for i in range(2000)]


@pytest.mark.parametrize("configure", ["dictConfig", "basicConfig", "fileConfig"])
def test_configuration_round_trips(tmp_path, configure):
    path = tmp_path / "configured.log"
    (tmp_path / "logging.ini").write_text(textwrap.dedent(f"""
        [loggers]
        keys=root
        [handlers]
        keys=file
        [formatters]
        keys=plain
        [logger_root]
        level=INFO
        handlers=file
        [handler_file]
        class=ringwriter.handlers.FileHandler
        formatter=plain
        args=({str(path)!r},)
        kwargs={{"flush_level": "CRITICAL", "buffer_size": 32768}}
        [formatter_plain]
        format=%(levelname)s %(message)s
    """))
    script = {
        "dictConfig": f"""
            logging.config.dictConfig({{
                "version": 1,
                "formatters": {{"plain": {{"format": "%(levelname)s %(message)s"}}}},
                "handlers": {{"file": {{
                    "class": "ringwriter.handlers.FileHandler", "filename": {str(path)!r},
                    "formatter": "plain", "buffer_size": 65536, "flush_level": "CRITICAL",
                    "flush_interval": 30}}}},
                "root": {{"handlers": ["file"], "level": "INFO"}},
            }})
        """,
        "basicConfig": f"""
            logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s",
                handlers=[ringwriter.handlers.FileHandler({str(path)!r}, flush_level=logging.CRITICAL)])
        """,
        "fileConfig": f"""
            logging.config.fileConfig({str(tmp_path / "logging.ini")!r})
        """,
    }[configure]
    program = textwrap.dedent(script) + textwrap.dedent("""
        handler = logging.getLogger().handlers[0]
        assert type(handler) is ringwriter.handlers.FileHandler, handler
        assert handler.flush_level == logging.CRITICAL
        logging.info("one"); logging.error("two")
        assert open(handler.baseFilename).read() == "", "buffered until CRITICAL"
    """)
    run_python("import logging, logging.config, ringwriter.handlers\n" + program)
    assert path.read_text() == "INFO one\nERROR two\n"  # written by logging.shutdown at exit


def run_python(code, *args, check=True):
    return subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True,
                          text=True, timeout=60, check=check)


@pytest.mark.parametrize("ending", ["logging.shutdown()", "pass", "raise SystemExit(3)", "1 / 0"])
def test_nothing_is_lost_at_shutdown_exit_or_uncaught_exception(tmp_path, ending):
    path = tmp_path / "end.log"
    code = textwrap.dedent(f"""
        import logging, sys, ringwriter.handlers
        handler = ringwriter.handlers.FileHandler(sys.argv[1], flush_interval=3600)
        logging.basicConfig(level=logging.INFO, handlers=[handler], format="%(message)s")
        for i in range(1000):
            logging.info("record %d", i)
        {ending}
    """)
    run_python(code, path, check=False)
    assert path.read_text().splitlines() == [f"record {i}" for i in range(1000)]


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="no SIGKILL here")
def test_sigkill_loses_at_most_the_unflushed_records(tmp_path):
    path = tmp_path / "killed.log"
    code = textwrap.dedent("""
        import logging, os, signal, sys, ringwriter.handlers
        handler = ringwriter.handlers.FileHandler(sys.argv[1], flush_interval=3600)
        logging.basicConfig(level=logging.INFO, handlers=[handler], format="%(message)s")
        for i in range(100):
            logging.info("before %d", i)
        logging.error("checkpoint")
        for i in range(10):
            logging.info("after %d", i)
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    run_python(code, path, check=False)
    lines = path.read_text().splitlines()
    assert lines[:101] == [f"before {i}" for i in range(100)] + ["checkpoint"]
    assert lines[101:] == []  # still buffered when the process died


def test_coalescing_writer_batches_flushes_and_never_holds_data_past_its_interval(tmp_path):
    path = tmp_path / "coalesced.log"
    writer = ringwriter.open(path, "ab", flush_interval=INTERVAL)
    assert isinstance(writer, ringwriter.CoalescingWriter)
    for i in range(500):
        writer.write(b"record %d\n" % i)
        writer.flush()  # what structlog's BytesLogger and picologging do per record
    assert writer.stats.raw_writes <= 2  # the first flush, and perhaps one interval
    deadline = time.monotonic() + PATIENCE
    while writer.pending and time.monotonic() < deadline:
        time.sleep(0.01)
    assert writer.pending == 0
    assert path.read_bytes().count(b"\n") == 500
    writer.write(b"closing\n")
    writer.flush()
    writer.close()
    assert path.read_bytes().endswith(b"closing\n")


def test_coalescing_writer_writes_everything_at_exit(tmp_path):
    path = tmp_path / "exit.log"
    run_python(
        "import sys, ringwriter\n"
        "w = ringwriter.open(sys.argv[1], 'ab', flush_interval=3600)\n"
        "w.write(b'first\\n'); w.flush(); w.write(b'second\\n'); w.flush()\n",
        path,
    )
    assert path.read_bytes() == b"first\nsecond\n"


def test_coalescing_text_mode_and_errors(tmp_path):
    with ringwriter.open(tmp_path / "t.log", "w", encoding="utf-8", flush_interval=1) as text:
        assert isinstance(text.buffer, ringwriter.CoalescingWriter)
        text.write("é\n")
    assert (tmp_path / "t.log").read_text(encoding="utf-8") == "é\n"
    with pytest.raises(ValueError):
        ringwriter.open(tmp_path / "u.log", "wb", buffering=0, flush_interval=1)
    with pytest.raises(ValueError):
        ringwriter.CoalescingWriter(io.BytesIO(), flush_interval=0)


def test_structlog_and_picologging_style_loggers_on_the_coalescing_writer(tmp_path):
    """A logger that writes then flushes per record, as structlog's BytesLogger does."""
    structlog = pytest.importorskip("structlog")
    path = tmp_path / "structlog.log"
    writer = ringwriter.open(path, "ab", flush_interval=INTERVAL)
    logger = structlog.BytesLogger(writer)
    for i in range(300):
        logger.msg(b"event %d" % i)
    writer.close()
    assert path.read_bytes() == b"".join(b"event %d\n" % i for i in range(300))
    assert writer.stats.raw_writes <= 3
