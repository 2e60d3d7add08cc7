"""CoalescingWriter: a BufferedWriter whose flush() calls are batched in time.

For loggers we do not control (structlog's BytesLogger, picologging's StreamHandler),
which flush after every record: each flush costs a write(2) whatever the buffer does.
Here a flush() within ``flush_interval`` of the last real one only makes sure a real
flush happens when the interval ends, from a background thread.

Each flush() call ends a record. Over a descriptor that is not a regular file (a pipe
shared by several processes), every write(2) holds whole records and at most
``PIPE_BUF`` bytes, so that the kernel never lets another process's bytes into one.
"""
import io
import time
from typing import Any

from ringwriter._flusher import FLUSHER
from ringwriter._writer import PIPE_BUF, BufferedWriter

_monotonic = time.monotonic  # flush() runs once per record under some loggers


class CoalescingWriter(BufferedWriter):
    """A ``ringwriter.BufferedWriter`` that writes at most once per ``flush_interval``
    seconds when asked to flush more often.

    Bytes are never older than ``flush_interval`` when they reach the raw stream (unless
    the raw stream refuses them), and ``close()`` (and interpreter exit) writes
    everything. ``flush_now()`` flushes at once. If a background flush fails, the bytes
    stay buffered and the next ``flush()`` or ``close()`` reports the error.
    """

    def __init__(self, raw: Any, buffer_size: int = io.DEFAULT_BUFFER_SIZE, *, flush_interval: float) -> None:
        if not flush_interval > 0:
            raise ValueError("flush_interval must be a positive number of seconds")
        # Set before the writer exists: a finalizer may call flush() on a half-made one.
        self.flush_interval = flush_interval
        self.scheduled_by = 0
        self._last_flush = time.monotonic() - flush_interval
        self._closing = False
        super().__init__(raw, buffer_size)
        self._keep_records_whole(PIPE_BUF, False)

    def flush(self) -> None:
        """End a record; flush now if the last real flush is ``flush_interval`` old,
        else at that time."""
        self._end_record()
        waited = _monotonic() - self._last_flush
        if self._closing or self.closed:
            self.flush_now()
        elif waited >= self.flush_interval:
            self._flush_records()
            self._last_flush = _monotonic()
        elif self.scheduled_by != FLUSHER.generation and self.pending:
            FLUSHER.ensure(self, self.flush_interval - waited)

    def flush_now(self) -> None:
        """Write every buffered byte to the raw stream now."""
        BufferedWriter.flush(self)
        self._last_flush = _monotonic()

    def flush_due(self) -> None:
        """Called by the background flusher at the deadline: the whole records leave
        (a record another thread is writing stays for its own flush())."""
        try:
            if self.pending and not self.closed:
                self._flush_records()
                self._last_flush = _monotonic()
        except Exception:
            pass  # the bytes stay buffered; the next flush() or close() raises

    def close(self) -> None:
        """Flush everything, then close the raw stream, as BufferedWriter.close()."""
        self._closing = True
        super().close()
