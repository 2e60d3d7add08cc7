"""The one way every section of the demo runs and prints its steps.

A step is a call the demo really makes, printed as the code that makes it, followed by
what the outside sees right after it (the watches: a file's size, what a reader got,
``pending``, the write(2) calls so far) and what that means. A section's lines are
printed when it ends: printing is itself a write(2), and holding the lines back keeps
the kernel's count of this process's writes to the section's own.
"""
import textwrap
import time
from typing import Callable, List, Optional, TextIO, TypeVar, Union

from ringwriter._cli.demo.outside import write_syscalls

WIDTH = 80
_FACTS_INDENT = " " * 5
_Result = TypeVar("_Result")


class WritesSoFar:
    """A watch: the write-family system calls this process made since the watch began,
    as the kernel counts them (see ``outside.write_syscalls``)."""

    def __init__(self) -> None:
        self.start = write_syscalls()

    def __call__(self) -> str:
        now = write_syscalls()
        if now is None or self.start is None:
            return "write(2)s: not counted here"
        return f"write(2)s so far: {now - self.start}"


def _packed(facts: List[str]) -> List[str]:
    """The facts on as few lines as fit in ``WIDTH``, separated by `` | ``; a fact is
    never cut (a bytes repr stays readable), one longer than a line has a line of its own."""
    lines: List[str] = []
    for fact in facts:
        if lines and len(lines[-1]) + len(" | ") + len(fact) <= WIDTH:
            lines[-1] += " | " + fact
        else:
            lines.append(_FACTS_INDENT + fact)
    return lines


class Story:
    """One section's steps, printed to ``out`` at ``end()``."""

    def __init__(self, out: TextIO, heading: str, count_writes: bool = True) -> None:
        self.out = out
        self.lines: List[str] = [heading]
        self.watches: List[Callable[[], str]] = [WritesSoFar()] if count_writes else []

    def say(self, text: str) -> None:
        """A paragraph of explanation, indented under the heading."""
        self.lines.extend(textwrap.wrap(text, WIDTH, initial_indent="   ", subsequent_indent="   "))

    def part(self, title: str) -> None:
        """A new part of the section: a heading of its own, a fresh count of write(2)
        calls, and no watches until the part adds its own."""
        self.lines.append(f" -- {title}")
        self.watches = [WritesSoFar()]

    def watch(self, look: Callable[[], str]) -> None:
        """From now on, print ``look()`` after every step."""
        self.watches.append(look)

    def step(self, call: str, action: Callable[[], _Result],
             meaning: Union[str, Callable[[_Result], str]] = "", timed: bool = False) -> _Result:
        """Run ``action`` (the code ``call`` shows), then print ``call``, what every watch
        sees now, and ``meaning`` (made from what ``action`` returned, when it is a
        function); return what ``action`` returned. ``timed``: print how long it took."""
        start = time.perf_counter()
        result = action()
        took: Optional[float] = time.perf_counter() - start if timed else None
        facts = [look() for look in self.watches]
        if took is not None:
            facts.append(f"({took * 1000:.2f} ms)")
        self.lines.append(f" >>> {call}")
        self.lines.extend(_packed(facts))
        if callable(meaning):
            meaning = meaning(result)
        if meaning:
            self.lines.extend(textwrap.wrap(meaning, WIDTH, initial_indent=_FACTS_INDENT + "-> ",
                                            subsequent_indent=_FACTS_INDENT + "   "))
        return result

    def end(self) -> None:
        """Print the section."""
        self.out.write("\n".join(self.lines) + "\n")
        self.out.flush()
