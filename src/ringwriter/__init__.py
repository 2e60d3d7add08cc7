"""ringwriter: a drop-in, Cython-compiled replacement for io.BufferedWriter.

``ringwriter.BufferedWriter`` keeps io.BufferedWriter's contract byte for byte and
exception for exception, and spends far less time per ``write()``.
``ringwriter.open()`` opens a file for writing with it; ``CoalescingWriter`` batches
the flush() calls of loggers that flush every record; ``ringwriter.handlers`` has
logging handlers that flush by policy; ``ringwriter.records`` makes the stdlib's log
records in C (``make_log_record``) and puts every logger on a compiled
``logging.Logger`` subclass (``install()``). ``import ringwriter`` imports neither
logging nor those modules.
"""
from ringwriter import _lifecycle
from ringwriter._coalescing import CoalescingWriter
from ringwriter._open import open
from ringwriter._text import TextWriter
from ringwriter._version import __version__
from ringwriter._writer import BufferedWriter, WriterStats

__all__ = ["BufferedWriter", "CoalescingWriter", "TextWriter", "WriterStats", "open", "__version__"]

_lifecycle.install()
