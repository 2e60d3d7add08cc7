"""ringwriter.open(): the built-in open() for writing, with ringwriter's writer inside."""
import io
import os
import warnings
from typing import Callable, Literal, Optional, Union, overload

from ringwriter._coalescing import CoalescingWriter
from ringwriter._text import TextWriter
from ringwriter._writer import BufferedWriter

_MODE_CHARACTERS = frozenset("rwxabt+")
_File = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]", int]
_Opener = Optional[Callable[[str, int], int]]
# The modes open() takes for writing, in every order of their letters.
_TextMode = Literal["w", "a", "x", "wt", "at", "xt", "tw", "ta", "tx"]
_BinaryMode = Literal["wb", "ab", "xb", "bw", "ba", "bx"]


@overload
def open(file: _File, mode: _TextMode, buffering: int = ..., encoding: Optional[str] = ...,
         errors: Optional[str] = ..., newline: Optional[str] = ..., closefd: bool = ...,
         opener: _Opener = ..., *, flush_interval: Optional[float] = ...) -> TextWriter: ...
@overload  # buffering=0 is also an int: matched first, as typeshed's builtins.open does
def open(  # type: ignore[overload-overlap]
         file: _File, mode: _BinaryMode, buffering: Literal[0], encoding: None = ...,
         errors: None = ..., newline: None = ..., closefd: bool = ..., opener: _Opener = ...,
         *, flush_interval: None = ...) -> io.FileIO: ...
@overload
def open(file: _File, mode: _BinaryMode = ..., buffering: int = ..., encoding: None = ...,
         errors: None = ..., newline: None = ..., closefd: bool = ..., opener: _Opener = ...,
         *, flush_interval: float) -> CoalescingWriter: ...
@overload
def open(file: _File, mode: _BinaryMode = ..., buffering: int = ..., encoding: None = ...,
         errors: None = ..., newline: None = ..., closefd: bool = ..., opener: _Opener = ...,
         *, flush_interval: None = ...) -> BufferedWriter: ...
@overload
def open(file: _File, mode: str, buffering: int = ..., encoding: Optional[str] = ...,
         errors: Optional[str] = ..., newline: Optional[str] = ..., closefd: bool = ...,
         opener: _Opener = ..., *, flush_interval: Optional[float] = ...,
         ) -> Union[BufferedWriter, TextWriter, io.FileIO]: ...


def open(
    file: _File,
    mode: str = "wb",
    buffering: int = -1,
    encoding: Optional[str] = None,
    errors: Optional[str] = None,
    newline: Optional[str] = None,
    closefd: bool = True,
    opener: _Opener = None,
    *,
    flush_interval: Optional[float] = None,
) -> Union[BufferedWriter, TextWriter, io.FileIO]:
    """Open ``file`` for writing, like the built-in ``open()``.

    Binary modes ("wb", "ab", "xb") return a ``ringwriter.BufferedWriter`` over an
    ``io.FileIO`` (or the FileIO itself with ``buffering=0``); text modes ("w", "a",
    "x", with or without "t") return a ``ringwriter.TextWriter`` over that writer. The
    arguments mean what they mean for ``open()``. Modes that read raise ValueError:
    ringwriter only writes.

    With ``flush_interval`` (seconds) the writer is a ``CoalescingWriter``: flush() calls
    closer together than that are batched into one write, and no byte waits longer.
    """
    if not isinstance(mode, str):
        raise TypeError(f"open() argument 'mode' must be str, not {type(mode).__name__}")
    _check_mode_like_open(mode)
    modes = set(mode)
    if "r" in modes or "+" in modes:
        raise ValueError(
            f"ringwriter.open() only writes: mode {mode!r} reads; "
            "use 'w', 'a' or 'x' (with 'b' for bytes), or the built-in open() to read"
        )
    binary = "b" in modes
    if binary:
        for argument, value in (("an encoding", encoding), ("an errors", errors), ("a newline", newline)):
            if value is not None:
                raise ValueError(f"binary mode doesn't take {argument} argument")
    if not isinstance(buffering, int):
        raise TypeError(f"'{type(buffering).__name__}' object cannot be interpreted as an integer")

    if not isinstance(file, int):
        file = os.fspath(file)  # as open() does: the name is a str or bytes, not a Path
    raw = io.FileIO(file, "".join(c for c in mode if c in "wxa"), closefd, opener=opener)
    try:
        line_buffering = buffering == 1 or (buffering < 0 and raw.isatty())
        if buffering == 1 and binary:
            warnings.warn(
                "line buffering (buffering=1) isn't supported in binary mode, "
                "the default buffer size will be used",
                RuntimeWarning,
                stacklevel=2,
            )
        if buffering == 1 or buffering < 0:
            buffering = _preferred_buffer_size(raw)
        if buffering == 0:
            if flush_interval is not None:
                raise ValueError("flush_interval needs a buffer: buffering must not be 0")
            if binary:
                return raw
            raise ValueError("can't have unbuffered text I/O")
        if flush_interval is None:
            writer = BufferedWriter(raw, buffering)
        else:
            writer = CoalescingWriter(raw, buffering, flush_interval=flush_interval)
        if binary:
            return writer
        encoding = io.text_encoding(encoding)
        text = TextWriter(writer, encoding, errors, newline, line_buffering)
        text.mode = mode  # as io.open() sets it
        return text
    except BaseException:
        raw.close()
        raise


def _check_mode_like_open(mode: str) -> None:
    """Raise the ValueError the built-in open() raises for a malformed mode."""
    if not set(mode) <= _MODE_CHARACTERS or len(set(mode)) != len(mode):
        raise ValueError(f"invalid mode: {mode!r}")
    kinds = sum(c in mode for c in "xrwa")
    if kinds > 1:
        raise ValueError("must have exactly one of create/read/write/append mode")
    if "t" in mode and "b" in mode:
        raise ValueError("can't have text and binary mode at once")
    if kinds == 0:
        raise ValueError("Must have exactly one of create/read/write/append mode and at most one plus")


def _preferred_buffer_size(raw: io.FileIO) -> int:
    """The file system's block size when it reports one, as io.open() chooses."""
    try:
        block_size = os.fstat(raw.fileno()).st_blksize
    except (OSError, AttributeError):
        return io.DEFAULT_BUFFER_SIZE
    return block_size if block_size > 1 else io.DEFAULT_BUFFER_SIZE
