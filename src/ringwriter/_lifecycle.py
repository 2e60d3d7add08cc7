"""Process-level safety: buffered bytes are neither lost at exit nor written twice after fork().

- At exit CPython may finalize a writer after its raw stream, or never finalize one left
  in a reference cycle or a module global (gh-62052), and its buffered bytes are lost:
  ringwriter flushes every open writer while everything is still alive.
- After ``os.fork()`` the stdlib's child holds a copy of the parent's unflushed bytes
  and writes them again when it flushes: ringwriter flushes before forking, and the
  child drops whatever the parent could not flush (the parent still writes it).

Both hooks skip a writer that another thread is inside: they must never wait on a lock.
"""
import atexit
import os

from ringwriter._writer import live_writers


def flush_open_writers() -> None:
    """Hand every open, idle writer's buffered bytes to its raw stream; errors ignored."""
    for writer in list(live_writers):
        try:
            writer._flush_if_idle()
        except Exception:
            pass


def forget_parent_buffers() -> None:
    """In a freshly forked child: no writer may write the parent's buffered bytes."""
    for writer in list(live_writers):
        writer._forget_parent_buffer()


def install() -> None:
    """Register the exit and fork hooks (once, at import of ringwriter)."""
    atexit.register(flush_open_writers)
    if hasattr(os, "register_at_fork"):
        os.register_at_fork(before=flush_open_writers, after_in_child=forget_parent_buffers)
