"""Logging handlers that write through ringwriter and flush by policy, not per record.

``logging.StreamHandler`` and ``logging.FileHandler`` flush after every record, so each
record costs a write(2). These handlers buffer records and flush when

- the buffer is full,
- a record at ``flush_level`` or above is emitted (ERROR by default: an error is on its
  way to the file before ``emit`` returns),
- ``flush_interval`` seconds have passed since the oldest unflushed record (a background
  thread sees to it, so a quiet program's last lines still arrive),
- ``handler.flush()``, ``close()``, ``logging.shutdown()`` and interpreter exit.

What a crash can lose: on SIGKILL or a power cut, at most the records of the last
``flush_interval`` seconds below ``flush_level`` (and, for a power cut, whatever the
kernel had not yet written to disk, as with any handler that does not fsync). Nothing
that was flushed, and no record at ``flush_level`` or above.

Over a descriptor that is not a regular file (a pipe such as a container's stderr, a
FIFO, a socket, a tty; ``fstat`` tells), each write(2) holds whole records and at most
``PIPE_BUF`` bytes, which the kernel never interleaves with another process's writes; a
longer record goes alone, as the stdlib writes it. On a regular file opened for
appending every write lands whole, so batches there are as large as the buffer.

Output is byte for byte what the stdlib handler writes for the same records and
formatter. ``handle``, ``format`` and the file handlers' write of a record run in C
(``ringwriter._record_path``), compiled for a plain ``logging.Formatter`` with a
``%``-style format; a method the caller replaced (on a subclass, an instance or a
patched class) is called instead.
"""
import codecs
import datetime
import io
import logging
import logging.handlers
import os
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Optional, Tuple, Union

from ringwriter import _lifecycle, _record_path, _stdlib_facts
from ringwriter._record_path import RecordFormatting
from ringwriter._text import TextWriter
# Over anything but a regular file the handlers hand the kernel batches of at most
# PIPE_BUF bytes, each ending on a record boundary: several processes sharing one pipe
# (a container's stderr) then never tear each other's records.
from ringwriter._writer import PIPE_BUF, BufferedWriter, is_regular_file

__all__ = ["StreamHandler", "FileHandler", "RotatingFileHandler", "TimedRotatingFileHandler"]

# The stdlib's classes, held here: a program may put ours in their place in the logging
# modules (``logging.FileHandler = ringwriter.handlers.FileHandler``), and the stdlib's
# own code then reaches ours through those globals (FileHandler.__init__ calls
# ``StreamHandler.__init__(self, ...)``); each such method of ours hands a handler that
# is not one of ours to the stdlib's.
_StdlibStreamHandler = logging.StreamHandler
_StdlibFileHandler = logging.FileHandler
_StdlibRotatingFileHandler = logging.handlers.RotatingFileHandler
_StdlibTimedRotatingFileHandler = logging.handlers.TimedRotatingFileHandler

_Held = List[Tuple[logging.LogRecord, str]]


def _costs_a_system_call_to_flush(stream: Any) -> bool:
    """Whether ``stream`` sits on a descriptor (so each stdlib flush is a write(2))."""
    try:
        stream.fileno()
    except Exception:  # io.UnsupportedOperation, AttributeError, a closed stream's ValueError
        return False
    return True


def _atomic_write_limit(stream: Any) -> int:
    """``PIPE_BUF`` when ``stream`` sits on a descriptor that is not a regular file (a
    pipe, a FIFO, a socket, a tty), else 0: any batch may be written at once."""
    try:
        return 0 if is_regular_file(stream.fileno()) else PIPE_BUF
    except Exception:  # no descriptor, or a closed stream: its write reports it
        return 0


_ASCII_SUPERSETS = frozenset(["utf-8", "ascii", "iso8859-1"])
_encodes_ascii_as_is: Dict[Any, bool] = {}


def _encodes_ascii_text_as_is(encoding: Any) -> bool:
    """Whether ``encoding`` writes an ASCII text as its characters, one byte each."""
    as_is = _encodes_ascii_as_is.get(encoding)
    if as_is is None:
        try:
            as_is = codecs.lookup(encoding).name in _ASCII_SUPERSETS
        except Exception:  # not a codec's name, or not a str: the stream knows
            as_is = False
        _encodes_ascii_as_is[encoding] = as_is
    return as_is


def _encoded_length(text: str, encoding: Any, errors: Any) -> Optional[int]:
    """The bytes ``text`` takes in ``encoding`` (at most: a BOM is counted on every
    text); 0 for a text the codec refuses (the stream writes nothing of it); None when
    it cannot be told (the stream names no codec)."""
    try:
        return len(text.encode(encoding, errors or "strict"))
    except UnicodeError:
        return 0
    except Exception:
        return None


def _batches_within(held: _Held, limit: int, encoding: Any, errors: Any) -> Iterator[_Held]:
    """The held records, in order, in batches of at most ``limit`` encoded bytes; a
    record longer than that, or of unknown length, in a batch of its own."""
    ascii_as_is = _encodes_ascii_text_as_is(encoding)
    batch: _Held = []
    size = 0
    for entry in held:
        text = entry[1]
        length = len(text) if ascii_as_is and text.isascii() else _encoded_length(text, encoding, errors)
        if length is None or length > limit or size + length > limit:
            if batch:
                yield batch
            batch, size = [], 0
        batch.append(entry)
        size += limit + 1 if length is None else length
    if batch:
        yield batch


def _text_over_ringwriter(raw: io.FileIO, mode: str, buffer_size: int, encoding: Optional[str],
                          errors: Optional[str]) -> TextWriter:
    """A write-through text stream over a ringwriter: text writes go to its buffer at once,
    so they interleave correctly with the records written there as bytes."""
    encoding = io.text_encoding(encoding)
    text = TextWriter(BufferedWriter(raw, buffer_size), encoding, errors, write_through=True)
    text.mode = mode  # as open() sets it
    return text


_Path = Union[str, "os.PathLike[str]"]

if TYPE_CHECKING:  # what the policies are mixed into
    _Handler = logging.StreamHandler[Any]
    _FileHandler = logging.handlers.RotatingFileHandler
else:
    _Handler = _FileHandler = object


class _BufferedFlushPolicy(_Handler):
    """What the handlers share: emit through ringwriter, flush by level, interval, close."""

    def _configure(self, buffer_size: int, flush_level: Union[int, str], flush_interval: float) -> None:
        if not flush_interval > 0:
            raise ValueError("flush_interval must be a positive number of seconds")
        self.buffer_size = buffer_size
        self.flush_level: int = logging._checkLevel(flush_level)  # type: ignore[attr-defined]
        self.flush_interval = flush_interval
        self.scheduled_by = 0
        self._formatting = RecordFormatting()

    # Whether records are held as text to hand to the stream at a flush (StreamHandler
    # over a descriptor) rather than written to it at once.
    _holds_records = False

    handle = _record_path.handle
    format = _record_path.format_record
    _write_record = _record_path.write_record

    def flush_due(self) -> None:
        """Called by the background flusher when the interval is over."""
        try:
            self.flush()
        except Exception:
            pass  # the records stay buffered; the next flush or close reports it


class StreamHandler(_BufferedFlushPolicy, _StdlibStreamHandler):  # type: ignore[type-arg]
    """``logging.StreamHandler`` with ringwriter's buffering and flush policy.

    ``stream`` defaults to ``sys.stderr``, and it is the only thing the handler writes
    to: the handler never touches the descriptor under it, which its owner may close
    (and the system hand the number to another file) at any moment.

    Over a stream with a descriptor (a file, a terminal, a pipe, ``sys.stderr``) the
    handler holds the formatted records and hands them to ``stream.write`` when the
    policy flushes, followed by one ``stream.flush()``: one system call per flush instead
    of one per record. A record the stream refuses (closed, an encoding error, a full
    disk) is reported through ``handleError``, as the stdlib reports it. Over any other
    stream (``io.StringIO``, a custom object) flushing costs no system call, so records
    are written at once, as the stdlib does, and only ``stream.flush()`` follows the
    policy.
    """

    def __init__(self, stream: Any = None, *, buffer_size: int = io.DEFAULT_BUFFER_SIZE,
                 flush_level: Union[int, str] = logging.ERROR, flush_interval: float = 1.0) -> None:
        if not isinstance(self, StreamHandler):  # logging.FileHandler.__init__, through a swapped logging.StreamHandler
            _StdlibStreamHandler.__init__(self, stream)
            return
        self._configure(buffer_size, flush_level, flush_interval)
        _StdlibStreamHandler.__init__(self, stream)
        self._held: _Held = []
        self._held_characters = 0
        self._holds_records = _costs_a_system_call_to_flush(self.stream)
        _lifecycle.track_buffer_holder(self)

    def setStream(self, stream: Any) -> Any:
        """Replace the stream (handing the held records to the old one first), as
        ``logging.StreamHandler.setStream``."""
        with self.lock:  # type: ignore[union-attr]
            previous = _StdlibStreamHandler.setStream(self, stream)
            self._holds_records = _costs_a_system_call_to_flush(self.stream)
        return previous

    def _write_held_records(self) -> bool:
        """Hand the held records to the stream: in one ``write`` over a regular file;
        over a pipe or any other descriptor, in batches of at most ``PIPE_BUF`` bytes
        that end on record boundaries, each followed by a ``flush``, so that each is one
        write(2) that the kernel keeps whole. Returns whether the last record was
        written."""
        held = self._held
        self._held = []
        self._held_characters = 0
        stream = self.stream
        limit = _atomic_write_limit(stream)
        if not limit:
            return self._write_batch(held) is held[-1][0]
        last = None
        for batch in _batches_within(held, limit, getattr(stream, "encoding", None), getattr(stream, "errors", None)):
            last = self._write_batch(batch)
            if last is not None:
                try:
                    stream.flush()
                except RecursionError:
                    raise
                except Exception:
                    self.handleError(last)
                    last = None
        return last is held[-1][0]

    def _write_batch(self, held: _Held) -> Optional[logging.LogRecord]:
        """Hand ``held`` to the stream in one ``write``; if the stream refuses the whole
        before taking any of it (a closed stream raises ValueError, an encoder
        UnicodeError), each record is written alone so that each succeeds or fails as
        it would have in the stdlib's ``emit``. Every failed record goes to
        ``handleError``. Returns the last record written, if any."""
        try:
            self.stream.write("".join([text for _, text in held]))
            return held[-1][0]
        except (ValueError, UnicodeError):
            pass  # nothing was taken: one record at a time below
        except Exception:
            for record, _ in held:  # some of it may have been taken; none is written twice
                self.handleError(record)
            return None
        last = None
        for record, text in held:
            try:
                self.stream.write(text)
                last = record
            except RecursionError:
                raise
            except Exception:
                self.handleError(record)
        return last

    def _hand_over_held_records(self) -> None:
        """Write the held records and flush the stream; what fails is reported through
        ``handleError``, as the stdlib's ``emit`` reports it."""
        if not self._held or self.stream is None:
            return
        last = self._held[-1][0]
        if self._write_held_records():
            try:
                _StdlibStreamHandler.flush(self)
            except RecursionError:
                raise
            except Exception:
                self.handleError(last)

    def flush(self) -> None:
        """Hand the held records to the stream, then flush it (raising as the stdlib's
        flush does)."""
        with self.lock:  # type: ignore[union-attr]
            if self._held and self.stream is not None:
                self._write_held_records()
            _StdlibStreamHandler.flush(self)

    def emit(self, record: logging.LogRecord) -> None:
        """Format the record and hold it (or write it, see the class); flush if its level
        is ``flush_level`` or above."""
        if not isinstance(self, StreamHandler):  # logging.FileHandler.emit, through a swapped logging.StreamHandler
            _StdlibStreamHandler.emit(self, record)
            return
        try:
            self._write_record(record)
        except RecursionError:
            raise
        except Exception:
            self.handleError(record)

    def close(self) -> None:
        """Write the held records, then close as ``logging.StreamHandler.close`` (the
        stream stays open)."""
        if not isinstance(self, StreamHandler):  # logging.FileHandler.close, through a swapped logging.StreamHandler
            _StdlibStreamHandler.close(self)
            return
        with self.lock:  # type: ignore[union-attr]
            try:
                self._hand_over_held_records()
            finally:
                _StdlibStreamHandler.close(self)

    def _flush_if_idle(self) -> None:
        """Before fork() and at exit: write the held records unless another thread is
        inside the handler (never wait on its lock there)."""
        lock = self.lock
        if lock is not None and lock.acquire(blocking=False):
            try:
                self._hand_over_held_records()
            finally:
                lock.release()

    def _forget_parent_buffer(self) -> None:
        """In a forked child: the held records are the parent's to write."""
        self._held = []
        self._held_characters = 0

    def __del__(self) -> None:
        # A handler dropped without close(): the stdlib had written its records already.
        if getattr(self, "_held", None):
            self._flush_if_idle()


class _FileFlushPolicy(_BufferedFlushPolicy, _FileHandler):
    """For FileHandler and the rotating handlers: their file is opened over ringwriter."""

    _rotates = False

    def _open(self) -> Any:
        mode = self.mode.replace("t", "")
        raw = io.FileIO(self.baseFilename, mode.replace("b", "") or "a")
        stream: Any
        try:
            if "b" in mode:
                stream = BufferedWriter(raw, self.buffer_size)
            else:
                stream = _text_over_ringwriter(raw, self.mode, self.buffer_size, self.encoding, self.errors)
        except BaseException:
            raw.close()
            raise
        self._regular_file = is_regular_file(raw.fileno())
        (stream if "b" in mode else stream.buffer)._keep_records_whole(PIPE_BUF, True)
        return stream

    def emit(self, record: logging.LogRecord) -> None:
        """Write the record (opening the file first if ``delay`` left it closed; rolling
        over first when a rotating handler is due); flush at ``flush_level``."""
        if not isinstance(self, _FileFlushPolicy):  # BaseRotatingHandler.emit, through a swapped logging.FileHandler
            _StdlibFileHandler.emit(self, record)
            return
        try:
            if self._rotates and self.shouldRollover(record):
                self.doRollover()
            if self.stream is None:
                if self.mode != "w" or not getattr(self, "_closed", False):
                    self.stream = self._open()
                if self.stream is None:
                    return
            self._write_record(record)
        except RecursionError:
            raise
        except Exception:
            self.handleError(record)


class FileHandler(_FileFlushPolicy, _StdlibFileHandler):
    """``logging.FileHandler`` with ringwriter's buffering and flush policy."""

    def __init__(self, filename: "_Path", mode: str = "a", encoding: Optional[str] = None,
                 delay: bool = False, errors: Optional[str] = None, *,
                 buffer_size: int = io.DEFAULT_BUFFER_SIZE, flush_level: Union[int, str] = logging.ERROR,
                 flush_interval: float = 1.0) -> None:
        if not isinstance(self, FileHandler):  # BaseRotatingHandler.__init__, through a swapped logging.FileHandler
            _StdlibFileHandler.__init__(self, filename, mode, encoding, delay, errors)
            return
        self._configure(buffer_size, flush_level, flush_interval)
        _StdlibFileHandler.__init__(self, filename, mode, encoding, delay, errors)


class _RotatingFlushPolicy(_FileFlushPolicy):
    _rotates = True  # emit() asks shouldRollover() first, as BaseRotatingHandler.emit does


class RotatingFileHandler(_RotatingFlushPolicy, _StdlibRotatingFileHandler):
    """``logging.handlers.RotatingFileHandler`` with ringwriter's buffering and flush
    policy; a rollover flushes first. The size check asks the writer's position (one
    lseek per record, where the stdlib seeks to the end and asks)."""

    def __init__(self, filename: "_Path", mode: str = "a", maxBytes: int = 0, backupCount: int = 0,
                 encoding: Optional[str] = None, delay: bool = False, errors: Optional[str] = None, *,
                 buffer_size: int = io.DEFAULT_BUFFER_SIZE, flush_level: Union[int, str] = logging.ERROR,
                 flush_interval: float = 1.0) -> None:
        self._configure(buffer_size, flush_level, flush_interval)
        _StdlibRotatingFileHandler.__init__(
            self, filename, mode, maxBytes, backupCount, encoding, delay, errors
        )

    def shouldRollover(self, record: logging.LogRecord) -> bool:
        """Whether ``record`` would take the file to ``maxBytes`` or beyond."""
        if self.stream is None:
            self.stream = self._open()
        if self.maxBytes <= 0 or not self._regular_file:
            return False  # like the stdlib, never roll over /dev/null or a pipe
        position = getattr(self.stream, "buffer", self.stream).tell()
        if position == 0 and _stdlib_facts.rotating_handler_keeps_empty_files(_StdlibRotatingFileHandler):
            return False
        return position + len(f"{self.format(record)}\n") >= self.maxBytes


class TimedRotatingFileHandler(_RotatingFlushPolicy, _StdlibTimedRotatingFileHandler):
    """``logging.handlers.TimedRotatingFileHandler`` with ringwriter's buffering and flush
    policy; a rollover flushes first."""

    def __init__(self, filename: "_Path", when: str = "h", interval: int = 1, backupCount: int = 0,
                 encoding: Optional[str] = None, delay: bool = False, utc: bool = False,
                 atTime: Optional[datetime.time] = None, errors: Optional[str] = None, *,
                 buffer_size: int = io.DEFAULT_BUFFER_SIZE, flush_level: Union[int, str] = logging.ERROR,
                 flush_interval: float = 1.0) -> None:
        self._configure(buffer_size, flush_level, flush_interval)
        _StdlibTimedRotatingFileHandler.__init__(
            self, filename, when, interval, backupCount, encoding, delay, utc, atTime, errors
        )


_record_path.run_emit_in_c_for(_FileFlushPolicy.emit, StreamHandler.emit)
