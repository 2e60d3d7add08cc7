"""One background thread that flushes things at their deadlines.

Used by the coalescing writer and the logging handlers: a quiet program's last bytes must
reach the file within ``flush_interval`` even if nothing else happens. Scheduling costs a
dict lookup when a deadline is already pending, so callers may ask on every write.
"""
import heapq
import itertools
import os
import threading
import time
import weakref
from typing import List, Optional, Protocol, Tuple


class Flushable(Protocol):
    """What the Flusher needs of a target."""

    scheduled_by: int

    def flush_due(self) -> None:
        """Flush now; never raise."""


class Flusher:
    """Calls ``target.flush_due()`` once its deadline has passed, from a daemon thread.

    A target is held weakly (one collected before its deadline is skipped) and carries
    its own ``scheduled_by`` attribute: the generation of the Flusher that holds a
    deadline for it, so that a child after fork(), whose Flusher starts a new
    generation, schedules again. ``flush_due`` must not raise; whatever it cannot write
    stays for a later flush.
    """

    def __init__(self) -> None:
        self._condition = threading.Condition(threading.Lock())
        self._queue: List[Tuple[float, int, "weakref.ReferenceType[Flushable]"]] = []
        self._order = itertools.count()
        self._thread: Optional[threading.Thread] = None
        self.generation = 1

    def ensure(self, target: Flushable, interval: float) -> None:
        """Make sure ``target`` is flushed at most ``interval`` seconds from now."""
        if target.scheduled_by == self.generation:
            return
        with self._condition:
            if target.scheduled_by == self.generation:
                return
            target.scheduled_by = self.generation
            deadline = time.monotonic() + interval
            heapq.heappush(self._queue, (deadline, next(self._order), weakref.ref(target)))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="ringwriter-flusher", daemon=True)
                self._thread.start()
            self._condition.notify()

    def _run(self) -> None:
        while True:
            with self._condition:
                while not self._queue or self._queue[0][0] > time.monotonic():
                    timeout = self._queue[0][0] - time.monotonic() if self._queue else None
                    self._condition.wait(timeout)
                _, _, reference = heapq.heappop(self._queue)
                target = reference()
                if target is None:
                    continue
                target.scheduled_by = 0
            target.flush_due()
            del target

    def forget_all(self) -> None:
        """In a child after fork(): the thread is gone and the parent's deadlines too."""
        self._condition = threading.Condition(threading.Lock())
        self._queue = []
        self._thread = None
        self.generation += 1


FLUSHER = Flusher()

if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=FLUSHER.forget_all)
