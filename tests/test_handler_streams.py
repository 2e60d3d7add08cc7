"""Handlers over streams the program owns: never a byte into a descriptor they do not own.

A ``StreamHandler`` is given a stream that someone else opened and may close at any
moment, after which the system hands its descriptor number to the next file opened.
Every record must end up where ``logging.StreamHandler`` puts it, or be reported through
``handleError``; nothing may reach another file. Each scenario runs with the stdlib's
handler (the judge), ringwriter's with its defaults, and ringwriter's flushing every
record (``flush_level=NOTSET``), and checks the bytes of every file involved.
"""
import io
import logging
import os
import socket
import subprocess
import sys
import textwrap

import pytest

import ringwriter.handlers

HANDLERS = {
    "stdlib": logging.StreamHandler,
    "ringwriter": ringwriter.handlers.StreamHandler,
    "ringwriter-notset": lambda stream: ringwriter.handlers.StreamHandler(stream, flush_level=logging.NOTSET),
}


class Reports(list):
    """What ``handleError`` was called with: (message, exception type, exception text)."""

    def watch(self, handler):
        def handle_error(record):
            error = sys.exc_info()[1]
            self.append((record.getMessage(), type(error).__name__, str(error)))
        handler.handleError = handle_error
        return handler


def logger_for(handler, name):
    logger = logging.getLogger(f"test_handler_streams.{name}")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    return logger


@pytest.mark.parametrize("kind", HANDLERS)
def test_a_closed_streams_reused_descriptor_never_gets_a_record(tmp_path, kind):
    """The issue's scenario: the program closes its stream, and the next file it opens
    gets the same descriptor number."""
    a = open(tmp_path / "a.log", "w", encoding="utf-8")
    reports = Reports()
    handler = reports.watch(HANDLERS[kind](a))
    log = logger_for(handler, "reused")
    log.info("secret line meant for a.log")
    descriptor = a.fileno()
    a.close()
    b = open(tmp_path / "b.db", "w", encoding="utf-8")
    assert b.fileno() == descriptor
    with pytest.raises(ValueError, match="I/O operation on closed file"):
        handler.flush()  # the stdlib's flush raises for a closed stream too
    log.info("after the close")
    b.write("database contents\n")
    b.close()
    handler.close()

    assert (tmp_path / "b.db").read_text() == "database contents\n"
    in_file = (tmp_path / "a.log").read_text().splitlines()
    reported = [message for message, *_ in reports]
    assert sorted(in_file + reported) == ["after the close", "secret line meant for a.log"]
    assert ("after the close", "ValueError", "I/O operation on closed file.") in reports
    if kind != "ringwriter":  # flushing every record, the record is in a.log before the close
        assert in_file == ["secret line meant for a.log"]


@pytest.mark.parametrize("kind", HANDLERS)
def test_a_socket_stream_closed_by_its_owner(tmp_path, kind):
    ours, theirs = socket.socketpair()
    stream = ours.makefile("w", encoding="utf-8")
    reports = Reports()
    handler = reports.watch(HANDLERS[kind](stream))
    log = logger_for(handler, "socket")
    log.warning("to the peer")
    stream.close()
    ours.close()
    other = open(tmp_path / "other", "wb")  # takes the socket's descriptor number
    try:
        with pytest.raises(ValueError):
            handler.flush()
        log.warning("too late")
        handler.close()
    finally:
        other.close()
    theirs.settimeout(10)
    received = b""
    while chunk := theirs.recv(4096):
        received += chunk
    theirs.close()
    assert (tmp_path / "other").read_bytes() == b""
    reported = [message for message, *_ in reports]
    assert sorted(received.decode().splitlines() + reported) == ["to the peer", "too late"]
    assert "too late" in reported


def test_an_unencodable_held_record_fails_alone_as_in_the_stdlib(tmp_path):
    outcomes = {}
    for kind, make in HANDLERS.items():
        path = tmp_path / f"{kind}.log"
        with open(path, "w", encoding="ascii") as stream:
            reports = Reports()
            handler = reports.watch(make(stream))
            log = logger_for(handler, "ascii")
            for message in ("one", "d\u00e9j\u00e0 vu", "three"):
                log.info(message)
            handler.close()
        outcomes[kind] = (path.read_bytes(), [(m, t) for m, t, _ in reports])
    assert outcomes["ringwriter"] == outcomes["stdlib"] == outcomes["ringwriter-notset"]
    assert outcomes["stdlib"] == (b"one\nthree\n", [("d\u00e9j\u00e0 vu", "UnicodeEncodeError")])


def test_records_held_then_dropped_with_the_handler_are_written(tmp_path):
    path = tmp_path / "dropped.log"
    with open(path, "w", encoding="utf-8") as stream:
        handler = ringwriter.handlers.StreamHandler(stream)
        logger_for(handler, "dropped").info("kept")
        logging.getLogger("test_handler_streams.dropped").handlers.clear()
        del handler
        import gc
        gc.collect()
    assert path.read_text() == "kept\n"


def test_a_string_stream_gets_each_record_at_once():
    """No system call to save: records are written when emitted, as the stdlib does."""
    stream = io.StringIO()
    handler = ringwriter.handlers.StreamHandler(stream)
    logger_for(handler, "string").info("at once")
    assert stream.getvalue() == "at once\n"
    handler.setStream(open(os.devnull, "w"))
    logger_for(handler, "string").info("held for the file")
    assert stream.getvalue() == "at once\n"
    handler.close()
    handler.stream.close()


def run_program(code, *args, env=None):
    completed = subprocess.run([sys.executable, "-c", textwrap.dedent(code), *map(str, args)],
                               capture_output=True, timeout=60, env=env)
    return completed.returncode, completed.stdout, completed.stderr


PROGRAM_HEADER = """
    import logging, logging.config, os, sys
    import ringwriter.handlers
    HANDLER = {
        "stdlib": logging.StreamHandler,
        "ringwriter": ringwriter.handlers.StreamHandler,
        "ringwriter-notset": lambda stream=None: ringwriter.handlers.StreamHandler(stream, flush_level="NOTSET"),
    }[sys.argv[1]]
    log = logging.getLogger("app")
    log.setLevel(logging.INFO)
"""


@pytest.mark.parametrize("kind", HANDLERS)
def test_closed_stderr_and_a_file_on_descriptor_2(tmp_path, kind):
    """sys.stderr and its descriptor closed by the program (as a daemon does): the next
    file opened is descriptor 2. (handleError's report would fail on the closed
    sys.stderr and CPython would then print that failure to descriptor 2 itself, with
    either handler: reports are off here.)"""
    code = PROGRAM_HEADER + """
    logging.raiseExceptions = False
    log.addHandler(HANDLER())
    log.info("before the close")
    sys.stderr.close()
    os.close(2)
    db = open(sys.argv[2], "w")
    assert db.fileno() == 2
    log.info("after the close")
    logging.shutdown()
    db.write("database\\n")
    db.close()
    os._exit(0)  # CPython's own exit, finding sys.stderr closed, reports it on descriptor 2
    """
    status, out, err = run_program(code, kind, tmp_path / "db")
    assert (tmp_path / "db").read_text() == "database\n"
    assert status == 0 and out == b""
    if kind != "ringwriter":
        assert err == b"before the close\n"


@pytest.mark.parametrize("kind", HANDLERS)
def test_stderr_replaced_after_the_handler_was_made(kind):
    """The handler keeps the stream it was given, as the stdlib's does."""
    code = PROGRAM_HEADER + """
    import io
    log.addHandler(HANDLER())
    original, sys.stderr = sys.stderr, io.StringIO()
    log.info("to the real stderr")
    captured = sys.stderr.getvalue()
    sys.stderr = original
    logging.shutdown()
    print(repr(captured))
    """
    assert run_program(code, kind) == (0, b"''\n", b"to the real stderr\n")


@pytest.mark.parametrize("kind", HANDLERS)
def test_dictconfig_over_ext_sys_stderr_and_the_programs_own_prints(kind):
    """With the default flush policy, records below flush_level wait for the next flush:
    a print to stderr between two INFO records comes out before both, and an ERROR
    record flushes everything held before it, so it is in order."""
    code = PROGRAM_HEADER + """
    handler_class = "ringwriter.handlers.StreamHandler" if sys.argv[1] != "stdlib" else "logging.StreamHandler"
    config = {"class": handler_class, "stream": "ext://sys.stderr"}
    if sys.argv[1] == "ringwriter-notset":
        config["flush_level"] = "NOTSET"
    logging.config.dictConfig({"version": 1, "handlers": {"err": config},
                               "loggers": {"app": {"handlers": ["err"], "level": "INFO"}}})
    log.info("one")
    print("print", file=sys.stderr)
    log.info("two")
    log.error("three")
    print("last print", file=sys.stderr)
    """
    status, _, err = run_program(code, kind)
    expected = {
        "stdlib": "one\nprint\ntwo\nthree\nlast print\n",
        "ringwriter-notset": "one\nprint\ntwo\nthree\nlast print\n",
        "ringwriter": "print\none\ntwo\nthree\nlast print\n",
    }[kind]
    assert (status, err.decode()) == (0, expected)


@pytest.mark.parametrize("kind", HANDLERS)
@pytest.mark.parametrize("lock_busy_at_fork", [False, True])
def test_fork_writes_each_record_once(tmp_path, kind, lock_busy_at_fork):
    """Records held at fork() are the parent's: the child never writes them, even when
    another thread is inside the handler as the child is made."""
    if not hasattr(os, "fork"):
        pytest.skip("no fork() here")
    code = PROGRAM_HEADER + """
    import threading
    stream = open(sys.argv[2], "a", encoding="utf-8")
    handler = HANDLER(stream)
    log.addHandler(handler)
    for i in range(3):
        log.info("parent %d", i)
    release = threading.Event()
    if sys.argv[3] == "True":
        holding = threading.Event()
        def hold():
            with handler.lock:
                holding.set()
                release.wait(10)
        holder = threading.Thread(target=hold)
        holder.start()
        holding.wait(10)
    pid = os.fork()
    if pid == 0:
        release.set()
        log.info("child")
        logging.shutdown()
        os._exit(0)
    release.set()
    os.waitpid(pid, 0)
    log.info("parent after")
    logging.shutdown()
    """
    status, out, err = run_program(code, kind, tmp_path / "shared.log", lock_busy_at_fork)
    assert status == 0, err
    lines = (tmp_path / "shared.log").read_text().splitlines()
    assert sorted(lines) == ["child", "parent 0", "parent 1", "parent 2", "parent after"]
    assert [line for line in lines if line.startswith("parent")] == ["parent 0", "parent 1", "parent 2", "parent after"]


def test_the_module_level_swap(tmp_path):
    """``logging.FileHandler = ringwriter.handlers.FileHandler`` and the like: the
    stdlib's own classes (WatchedFileHandler, basicConfig, the rotating handlers' bases)
    keep working through the swapped names."""
    code = """
    import logging, logging.handlers, os, sys
    import ringwriter.handlers as rh
    logging.StreamHandler = rh.StreamHandler
    logging.FileHandler = rh.FileHandler
    logging.handlers.RotatingFileHandler = rh.RotatingFileHandler
    logging.handlers.TimedRotatingFileHandler = rh.TimedRotatingFileHandler
    d = sys.argv[1]
    logging.basicConfig(filename=os.path.join(d, "basic.log"), level=logging.INFO, format="%(message)s")
    assert type(logging.getLogger().handlers[0]) is rh.FileHandler
    class Mine(logging.FileHandler):
        pass
    log = logging.getLogger("swap")
    handlers = [
        Mine(os.path.join(d, "mine.log")),
        logging.handlers.WatchedFileHandler(os.path.join(d, "watched.log")),
        logging.handlers.RotatingFileHandler(os.path.join(d, "rotating.log"), maxBytes=30, backupCount=2),
        logging.handlers.TimedRotatingFileHandler(os.path.join(d, "timed.log"), when="D"),
        logging.StreamHandler(sys.stdout),
    ]
    assert type(handlers[1]) is logging.handlers.WatchedFileHandler
    for handler in handlers:
        log.addHandler(handler)
    for i in range(4):
        log.warning("record %d", i)
    logging.shutdown()
    """
    status, out, err = run_program(code, tmp_path)
    assert (status, err) == (0, b"")
    records = "".join(f"record {i}\n" for i in range(4))
    assert out.decode() == records
    for name in ("basic.log", "mine.log", "watched.log", "timed.log"):
        assert (tmp_path / name).read_text() == records, name
    assert (tmp_path / "rotating.log.1").read_text() + (tmp_path / "rotating.log").read_text() == records
    assert (tmp_path / "rotating.log").read_text() == "record 3\n"
