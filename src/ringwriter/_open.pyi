"""ringwriter.open(): the built-in open() for writing, with ringwriter's writer inside."""
import io
import os
from typing import Callable, Literal, Optional, Union, overload

from ringwriter._coalescing import CoalescingWriter
from ringwriter._text import TextWriter
from ringwriter._writer import BufferedWriter

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

