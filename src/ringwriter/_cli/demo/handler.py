"""The log handler section: the same records through ringwriter.handlers.FileHandler,
which holds them and flushes by policy, then through logging.FileHandler, which makes a
write(2) per record."""
import functools
import logging
import os
import time
from typing import Callable, List, NamedTuple

import ringwriter.handlers
from ringwriter._cli.demo.outside import file_bytes
from ringwriter._cli.demo.story import Story

FLUSH_INTERVAL = 0.2
WAIT = 0.5  # past the interval, with room for a busy machine to run the flusher thread
# How long the sleep may stretch on a machine so busy that the flusher thread has not run
# yet: the step shows what the interval flush does, so it waits for it.
LONGEST_WAIT = 10.0


def _holds_bytes(handler: logging.Handler) -> bool:
    """Whether the handler's file still has bytes in its buffer (ringwriter's writer
    tells its ``pending``; the stdlib's holds none after a record)."""
    buffer = getattr(getattr(handler, "stream", None), "buffer", None)
    return bool(getattr(buffer, "pending", 0))


def _sleep_past_the_interval(log: logging.Logger) -> None:
    """``time.sleep(WAIT)``, longer if a handler's buffer still holds bytes then."""
    time.sleep(WAIT)
    deadline = time.monotonic() + LONGEST_WAIT
    while time.monotonic() < deadline and any(_holds_bytes(handler) for handler in log.handlers):
        time.sleep(0.01)


class _Call(NamedTuple):
    """One call of the story, and what it means for each handler."""

    code: str
    run: Callable[[logging.Logger], object]
    with_ringwriter: str
    with_the_stdlib: str


_HELD = "held in the handler's buffer: no write(2)"
_WRITTEN = "the stdlib's handler flushes every record: a write(2) each"
_CALLS: List[_Call] = [
    _Call('log.info("order 1 received")', lambda log: log.info("order 1 received"), _HELD, _WRITTEN),
    _Call('log.info("order 1 packed")', lambda log: log.info("order 1 packed"), _HELD, _WRITTEN),
    _Call('log.error("payment for order 1 failed")', lambda log: log.error("payment for order 1 failed"),
          "an ERROR record (flush_level) flushes everything before it, in order, in one write(2), "
          "before error() returns", _WRITTEN),
    _Call('log.info("order 2 received")', lambda log: log.info("order 2 received"), _HELD, _WRITTEN),
    _Call(f"time.sleep({WAIT})", _sleep_past_the_interval,
          f"nothing called: the background thread flushed the record, at most "
          f"flush_interval={FLUSH_INTERVAL} s after it was held",
          "nothing was waiting"),
    _Call('log.info("order 2 packed")', lambda log: log.info("order 2 packed"), _HELD, _WRITTEN),
    _Call("logging.shutdown()", lambda log: logging.shutdown(),
          "what runs at interpreter exit: every handler flushed and closed; a crash "
          "(SIGKILL, os._exit) would have lost only the held records",
          "what runs at interpreter exit: nothing was left to write"),
]


def _file_lines(path: str) -> str:
    content = file_bytes(path)
    lines = content.count(b"\n")
    return f"the file: {lines} line{'' if lines == 1 else 's'}, {len(content)} bytes"


def _log_at_info_to(log: logging.Logger, handler: logging.Handler) -> None:
    log.setLevel("INFO")
    log.addHandler(handler)


def _tell_the_story(story: Story, path: str, opened: str, open_handler: Callable[[], logging.Handler],
                    logger_name: str, ringwriter_handler: bool) -> None:
    """Open the handler, put it on a logger, make the calls, with what each one did."""
    story.watch(lambda: _file_lines(path))
    handler = story.step(opened, open_handler)
    log = logging.getLogger(logger_name)
    story.step(f'log = logging.getLogger("{logger_name}"); log.setLevel("INFO"); log.addHandler(h)',
               functools.partial(_log_at_info_to, log, handler))
    for call in _CALLS:
        story.step(call.code, functools.partial(call.run, log),
                   call.with_ringwriter if ringwriter_handler else call.with_the_stdlib)


def handler_section(story: Story, directory: str) -> None:
    """ringwriter's FileHandler, then the stdlib's, on the same calls."""
    story.say("Each handler writes to a new file in a temporary directory (path); the "
              "file is what any other process would read. Records are formatted as the "
              "stdlib's default, %(message)s.")
    story.part("ringwriter.handlers.FileHandler")
    path = os.path.join(directory, "ringwriter.log")
    _tell_the_story(story, path, f"h = ringwriter.handlers.FileHandler(path, flush_interval={FLUSH_INTERVAL})",
                    lambda: ringwriter.handlers.FileHandler(path, flush_interval=FLUSH_INTERVAL),
                    "app", ringwriter_handler=True)
    story.part("beside it, logging.FileHandler")
    path = os.path.join(directory, "stdlib.log")
    _tell_the_story(story, path, "h = logging.FileHandler(path)", lambda: logging.FileHandler(path),
                    "app2", ringwriter_handler=False)
