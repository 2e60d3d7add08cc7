"""The bytes sections: write() -> the writer's buffer, flush() -> the kernel, sync() ->
the disk or the wire, into a regular file, a pipe and a terminal (a pty)."""
import os
from typing import Callable

import ringwriter
from ringwriter._cli.demo.outside import OtherEnd, raw_terminal
from ringwriter._cli.demo.story import Story

MESSAGE = b"hello, world\n"


def _walk_through(story: Story, opened: str, open_writer: Callable[[], ringwriter.BufferedWriter],
                  after_flush: str, after_sync: str) -> None:
    """Open, write, flush, write, sync, close: the same calls on every kind of stream."""
    writer = story.step(opened, open_writer)
    story.watch(lambda: f"pending: {writer.pending}")
    story.step(f"w.write({MESSAGE!r})", lambda: writer.write(MESSAGE),
               "in this process's memory only: no one else sees it, a crash loses it")
    story.step("w.flush()", writer.flush, after_flush)
    story.step(f"w.write({MESSAGE!r})", lambda: writer.write(MESSAGE),
               "in the buffer again, behind what was flushed")
    story.step("w.sync()", writer.sync, after_sync, timed=True)
    story.step("w.close()", writer.close, "nothing was left to write")


def file_section(story: Story, directory: str) -> None:
    """A regular file: its size is what any other process would see."""
    path = os.path.join(directory, "demo.bin")
    story.say("path is a new file in a temporary directory; its size is what any other "
              "process would see.")
    story.watch(lambda: f"file: {os.path.getsize(path)} bytes")
    _walk_through(story, 'w = ringwriter.open(path, "wb")', lambda: ringwriter.open(path, "wb"),
                  "in the kernel: every process sees it, a crash of this one cannot lose it "
                  "(a power cut still can)",
                  "flushed, then fsync(2): on the disk, safe from a power cut")


def pipe_section(story: Story) -> None:
    """A pipe: its reading end, in this process, is what another process would read."""
    read_end, write_end = os.pipe()
    story.say("read_end, write_end = os.pipe(); what read_end gets is what another process "
              "reading the pipe would get.")
    story.watch(OtherEnd(read_end).got)
    try:
        _walk_through(story, 'w = ringwriter.open(write_end, "wb")',
                      lambda: ringwriter.open(write_end, "wb"),
                      "in the pipe, read at once",
                      "a pipe has no disk: sync() is flush(), nothing more to wait for")
    finally:
        os.close(read_end)


def tty_section(story: Story) -> None:
    """A terminal: a pty's master side reads what a serial line's other end would."""
    story.say("master, slave = os.openpty(); tty.setraw(slave): a terminal (a serial port is "
              "one) that passes bytes as they are; master reads what the other end of the line would.")
    with raw_terminal() as (master, slave):
        story.watch(OtherEnd(master).got)
        _walk_through(story, 'w = ringwriter.open(slave, "wb")', lambda: ringwriter.open(slave, "wb"),
                      "queued in the tty driver, on its way at the line's speed",
                      "flushed, then tcdrain(3): the bytes have left on the line")
