"""The text section: ringwriter.open(path, "w"), where the encoding happens, what the
buffer holds as bytes, and what line buffering (a terminal's default) flushes."""
import os

import ringwriter
from ringwriter._cli.demo.outside import OtherEnd, file_bytes, raw_terminal
from ringwriter._cli.demo.story import Story


def _pending(text: ringwriter.TextWriter) -> str:
    """``t.buffer.pending``: the bytes the text's writer holds, encoded already."""
    writer = text.buffer
    assert isinstance(writer, ringwriter.BufferedWriter)  # what ringwriter.open puts under a text
    return f"t.buffer.pending: {writer.pending}"


def text_section(story: Story, directory: str) -> None:
    """A text file, then a terminal: the same TextWriter, two buffering rules."""
    path = os.path.join(directory, "demo.txt")
    story.say("path is a new file in a temporary directory; the file's bytes are what any "
              "other process would read.")
    story.watch(lambda: f"file: {file_bytes(path)!r}")
    text = story.step('t = ringwriter.open(path, "w", encoding="utf-8")',
                      lambda: ringwriter.open(path, "w", encoding="utf-8"))
    story.watch(lambda: _pending(text))
    story.step('t.write("héllo\\n")', lambda: text.write("héllo\n"),
               "encoded at write(), straight into the writer's buffer: 6 characters are "
               "7 bytes of UTF-8 there; a newline flushes nothing")
    story.step("t.flush()", text.flush, "the same 7 bytes, now in the file: é is b'\\xc3\\xa9'")
    story.step("t.reconfigure(line_buffering=True)", lambda: text.reconfigure(line_buffering=True),
               "from now on, a write() holding a newline ends with flush()")
    story.step('t.write("tea, ")', lambda: text.write("tea, "), "no newline: it stays in the buffer")
    story.step('t.write("café\\n")', lambda: text.write("café\n"),
               "a newline: flush(), of the whole buffer, what came before the line too")
    story.step("t.close()", text.close, "nothing was left to write")

    story.part("text to a terminal")
    story.say("master, slave = os.openpty(); tty.setraw(slave): master reads what a terminal "
              "would show.")
    with raw_terminal() as (master, slave):
        story.watch(OtherEnd(master).got)
        terminal = story.step('t = ringwriter.open(slave, "w", encoding="utf-8")',
                              lambda: ringwriter.open(slave, "w", encoding="utf-8"),
                              lambda opened: f"t.line_buffering is {opened.line_buffering}: a terminal is "
                                             "line-buffered unless you ask otherwise, as with open()")
        story.watch(lambda: _pending(terminal))
        story.step('t.write("$ ")', lambda: terminal.write("$ "), "no newline: nothing on the screen yet")
        story.step('t.write("ls\\n")', lambda: terminal.write("ls\n"), "the line and what was before it")
        story.step("t.close()", terminal.close, "nothing was left to write")
