"""ringwriter: a drop-in, Cython-compiled replacement for io.BufferedWriter.

``ringwriter.BufferedWriter`` keeps io.BufferedWriter's contract byte for byte and
exception for exception, and spends far less time per ``write()``.
``ringwriter.open()`` opens a file for writing with it.
"""
import atexit as _atexit

from ringwriter._open import open
from ringwriter._version import __version__
from ringwriter._writer import BufferedWriter, live_writers as _live_writers

__all__ = ["BufferedWriter", "open", "__version__"]


def _flush_live_writers() -> None:
    """Hand every open writer's bytes to its raw stream before the interpreter exits.

    At exit CPython may collect a writer after its raw stream, or never finalize a
    writer caught in a reference cycle (gh-62052), and its buffered bytes are lost.
    Flushing here, while everything is still alive, loses nothing.
    """
    for writer in list(_live_writers):
        try:
            if not writer.closed:
                writer.flush()
        except Exception:
            pass


_atexit.register(_flush_live_writers)
