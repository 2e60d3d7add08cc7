"""``python -m ringwriter demo``: what each call does to your data, from ``write()`` to
the disk, for bytes, text and log records.

Every step is a call the demo really makes, printed as code, then what the outside sees
right after it: a file's size or bytes, what the other end of a pipe or terminal got,
the writer's ``pending`` bytes, and the write(2) calls the process has made, as the
kernel counts them. One module per section (``binary``, ``text``, ``handler``,
``processes``); ``story`` prints the steps of all of them.
"""
import os
import sys
import tempfile
from typing import Callable, NamedTuple, Optional, Sequence, TextIO

from ringwriter._cli.demo.binary import file_section, pipe_section, tty_section
from ringwriter._cli.demo.handler import handler_section
from ringwriter._cli.demo.processes import processes_section
from ringwriter._cli.demo.story import Story
from ringwriter._cli.demo.text import text_section

INTRODUCTION = """\
write() puts bytes in the writer's buffer; flush() hands them to the kernel;
sync() also waits until they are on the disk (fsync) or on the wire (tcdrain).
Each ">>>" line below is a call this demo makes; under it, what the outside sees
right after it. write(2)s so far: the write system calls this process made since
the section began, as the kernel counts them (/proc/self/io, syscw)."""


class Section(NamedTuple):
    """One section: ``run(story, directory)`` tells it, files going in ``directory``."""

    name: str
    title: str
    run: Callable[[Story, str], None]
    # Why it cannot run on this system, or None.
    unavailable: Optional[str] = None
    # False where the write(2)s to watch are other processes' (they count their own).
    count_writes: bool = True


_NO_PTY = None if hasattr(os, "openpty") else "no pseudo-terminals (os.openpty) here"
SECTIONS = (
    Section("file", "Bytes into a regular file", file_section),
    Section("pipe", "Bytes into a pipe", lambda story, _: pipe_section(story)),
    Section("tty", "Bytes into a terminal (a serial line behaves the same)",
            lambda story, _: tty_section(story), _NO_PTY),
    Section("text", "Text: ringwriter.open(path, \"w\")", text_section, _NO_PTY),
    Section("handler", "Log records: a handler that buffers, beside the stdlib's", handler_section),
    Section("processes", "Many processes, one pipe: what PIPE_BUF guarantees",
            lambda story, _: processes_section(story),
            None if sys.platform == "linux" else "needs Linux (F_SETPIPE_SZ, /proc/PID/wchan)",
            count_writes=False),
)
SECTION_NAMES = tuple(section.name for section in SECTIONS)


def run_demo(out: TextIO, names: Sequence[str] = SECTION_NAMES) -> None:
    """Print the sections called ``names`` (every one by default), in the demo's order."""
    out.write(INTRODUCTION + "\n")
    with tempfile.TemporaryDirectory(prefix="ringwriter-demo-") as directory:
        for number, section in enumerate(SECTIONS, 1):
            if section.name not in names:
                continue
            story = Story(out, f"\n{number}. {section.title}", section.count_writes)
            try:
                if section.unavailable:
                    story.say(f"Skipped: {section.unavailable}.")
                else:
                    section.run(story, directory)
            finally:
                story.end()
