"""Process-level safety: buffered bytes are neither lost at exit nor written twice after fork().

- At exit CPython may finalize a writer after its raw stream, or never finalize one left
  in a reference cycle or a module global (gh-62052), and its buffered bytes are lost:
  ringwriter flushes every open writer while everything is still alive.
- After ``os.fork()`` the stdlib's child holds a copy of the parent's unflushed bytes
  and writes them again when it flushes: ringwriter flushes before forking, and the
  child drops whatever the parent could not flush (the parent still writes it).

The same holds for the other things that buffer (the stream handlers' held records),
which register with ``track_buffer_holder``; they are flushed before the writers they
may write into. Both hooks skip anything that another thread is inside: they must never
wait on a lock.
"""
import atexit
import os
import weakref
from typing import Protocol

from ringwriter._writer import live_writers


class BufferHolder(Protocol):
    """What the hooks need of something that buffers outside a writer."""

    def _flush_if_idle(self) -> None:
        """Write what is buffered unless another thread is inside; never raise."""

    def _forget_parent_buffer(self) -> None:
        """In a forked child: drop what is buffered (the parent writes it)."""


_buffer_holders: "weakref.WeakSet[BufferHolder]" = weakref.WeakSet()


def track_buffer_holder(holder: BufferHolder) -> None:
    """Flush ``holder`` before fork() and at exit, and empty it in a forked child."""
    _buffer_holders.add(holder)


def flush_open_writers(whole_records_only: bool = False) -> None:
    """Hand everything buffered by open, idle holders and writers to what is under
    them; errors ignored. ``whole_records_only``: a writer keeping records whole (see
    ``BufferedWriter._keep_records_whole``) keeps a record it has only part of."""
    for holder in list(_buffer_holders):
        holder._flush_if_idle()
    for writer in live_writers():
        try:
            writer._flush_if_idle(whole_records_only)
        except Exception:
            pass


def flush_before_fork() -> None:
    """Before fork(): what the child must not write again leaves now, record by record."""
    flush_open_writers(whole_records_only=True)


def forget_parent_buffers() -> None:
    """In a freshly forked child: nothing may write the parent's buffered bytes."""
    for holder in list(_buffer_holders):
        holder._forget_parent_buffer()
    for writer in live_writers():
        writer._forget_parent_buffer()


def install() -> None:
    """Register the exit and fork hooks (once, at import of ringwriter)."""
    atexit.register(flush_open_writers)
    if hasattr(os, "register_at_fork"):
        os.register_at_fork(before=flush_before_fork, after_in_child=forget_parent_buffers)
