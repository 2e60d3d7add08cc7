"""python -m ringwriter demo: every fact it prints is checked against the system.

Each section runs in a process of its own, under strace where strace can run. The write
system calls strace saw between two of the demo's reads of /proc/self/io must be the
counts it printed there, and the bytes those calls carried must be the file sizes, the
file contents and what the other end "got" that it printed; in the processes section,
the children's write(2)s and the pipe's bytes as the reader read them. Without strace,
the same facts are checked against what the calls promise.
"""
import itertools
import os
import re
import shutil
import subprocess
import sys

import pytest

from ringwriter._cli.demo import SECTION_NAMES, SECTIONS
from ringwriter._writer import PIPE_BUF

STRACE = shutil.which("strace")
WRITE_CALLS = ("write", "writev", "pwrite64", "pwritev", "pwritev2")
TRACED = ",".join(("openat", "read") + WRITE_CALLS)
TRACE_LINE = re.compile(r"^(?P<pid>\d+) +(?P<call>\w+)\((?P<args>.*)$")
RESUMED_LINE = re.compile(r"^(?P<pid>\d+) +<\.\.\. (?P<call>\w+) resumed>(?P<rest>.*)$")
FD = re.compile(r"^(?P<fd>\d+)<(?P<target>(?:\\x[0-9a-f]{2})*)>")
HEX_STRING = re.compile(r'"((?:\\x[0-9a-f]{2})*)"')
PROC_IO = b"/proc/self/io"
SECTION_HEADING = re.compile(r"^(\d+)\. ")
RUNNABLE = [section.name for section in SECTIONS if section.unavailable is None]


def _unhex(text):
    return bytes.fromhex(text.replace("\\x", ""))


def run_demo(*args, strace_to=None):
    command = [sys.executable, "-m", "ringwriter", "demo", *args]
    if strace_to is not None:
        command = [STRACE, "-f", "-qq", "-y", "-xx", "-s", "1000000", "-e", f"trace={TRACED}",
                   "-o", str(strace_to), *command]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "COLUMNS": "200"})
    assert result.returncode == 0, result.stderr
    return result.stdout


class Step:
    """One ``>>>`` step of the output: its call, its facts (label -> value) and meaning."""

    def __init__(self, call):
        self.call = call
        self.facts = {}
        self.meaning = ""

    def add_facts(self, line):
        for fact in line.strip().split(" | "):
            label, colon, value = fact.partition(": ")
            self.facts[label if colon else fact] = value


def parse(output):
    """The output as a list of markers: ("section", number), ("part", title), ("step", Step),
    ("say", text)."""
    markers = []
    step = None
    for line in output.splitlines():
        heading = SECTION_HEADING.match(line)
        if heading:
            markers.append(("section", int(heading.group(1))))
        elif line.startswith(" -- "):
            markers.append(("part", line[4:]))
        elif line.startswith(" >>> "):
            step = Step(line[5:])
            markers.append(("step", step))
        elif line.startswith("     -> "):
            step.meaning = line[8:]
        elif line.startswith("        ") and step is not None and step.meaning:
            step.meaning += " " + line.strip()
        elif line.startswith("     ") and step is not None:
            step.add_facts(line)
        elif line.startswith("   "):
            markers.append(("say", line.strip()))
            step = None
    return markers


def steps_of(markers):
    return [marker for kind, marker in markers if kind == "step"]


def step_called(markers, call):
    (step,) = [step for step in steps_of(markers) if step.call == call]
    return step


class Trace:
    """strace's log as events in order: ("look", pid) for an open of /proc/self/io,
    ("write", pid, fd, target, data) and ("read", pid, fd, target, data)."""

    def __init__(self, path):
        self.events = []
        waiting_reads = {}  # pid -> (fd, target) of a read strace shows when it returns
        for line in path.read_text().splitlines():
            resumed = RESUMED_LINE.match(line)
            if resumed:
                pid = int(resumed.group("pid"))
                if resumed.group("call") == "read" and pid in waiting_reads:
                    fd, target = waiting_reads.pop(pid)
                    self.events.append(("read", pid, fd, target, self._data(resumed.group("rest"))))
                continue
            match = TRACE_LINE.match(line)
            if not match:
                continue
            call, args, pid = match.group("call"), match.group("args"), int(match.group("pid"))
            if call == "openat":
                strings = HEX_STRING.findall(args)
                if strings and _unhex(strings[0]) == PROC_IO:
                    self.events.append(("look", pid))
                continue
            fd = FD.match(args)
            if fd is None:
                continue
            target = _unhex(fd.group("target"))
            if call == "read" and args.endswith("<unfinished ...>"):
                waiting_reads[pid] = (int(fd.group("fd")), target)
                continue
            kind = "write" if call in WRITE_CALLS else "read"
            self.events.append((kind, pid, int(fd.group("fd")), target, self._data(args[fd.end():])))

    @staticmethod
    def _data(args):
        return b"".join(_unhex(text) for text in HEX_STRING.findall(args))


def _file_in_the_demo_directory(target):
    return b"ringwriter-demo-" in target


def _the_other_end(target):
    return target.startswith((b"pipe:", b"/dev/pts/"))


def check_against_trace(markers, trace):
    """Walk the looks in the trace beside the output's steps: at each, the printed write
    count, file size or contents and "got" must be what the write(2)s carried. The
    sections checked here start no process: every write traced is the demo's."""
    looks = iter(index for index, event in enumerate(trace.events) if event[0] == "look")
    previous = 0
    writes = file_bytes = got = None
    checked = 0
    for kind, marker in markers:
        if kind not in ("section", "part", "step"):
            continue
        look = next(looks)
        for event in trace.events[previous:look]:  # any thread's: the flusher's too
            if event[0] == "write" and writes is not None:
                writes += 1
                if _file_in_the_demo_directory(event[3]):
                    file_bytes += event[4]
                elif _the_other_end(event[3]) and event[2] != 1:
                    got += event[4]
        previous = look
        if kind != "step":  # the section's or the part's count begins here
            writes, file_bytes, got = 0, b"", b""
            continue
        facts = marker.facts
        assert int(facts["write(2)s so far"]) == writes, (marker.call, facts, writes)
        if "file" in facts:
            if facts["file"].startswith("b"):
                assert facts["file"] == repr(file_bytes), marker.call
            else:
                assert facts["file"] == f"{len(file_bytes)} bytes", marker.call
        if "the file" in facts:
            lines = file_bytes.count(b"\n")
            assert facts["the file"] == f"{lines} line{'' if lines == 1 else 's'}, {len(file_bytes)} bytes"
        got_fact = [label for label in facts if label.startswith("got ")]
        if got_fact:
            assert got_fact == [f"got {got!r}"], marker.call
            got = b""
        checked += 1
    return checked


def test_every_section_is_listed_and_runs_alone():
    for name in RUNNABLE:
        markers = parse(run_demo("--section", name))
        numbers = [marker for kind, marker in markers if kind == "section"]
        assert numbers == [SECTION_NAMES.index(name) + 1]
        assert steps_of(markers)


@pytest.mark.parametrize("name", [name for name in RUNNABLE if name != "processes"])
def test_printed_facts_are_what_the_kernel_saw(name, tmp_path):
    if STRACE is None:
        pytest.skip("strace is not installed")
    trace_path = tmp_path / "trace"
    output = run_demo("--section", name, strace_to=trace_path)
    markers = parse(output)
    assert check_against_trace(markers, Trace(trace_path)) == len(steps_of(markers))


def test_the_output_fits_80_columns_and_has_no_colours():
    output = run_demo()
    assert max(len(line) for line in output.splitlines()) <= 80
    assert "\x1b" not in output


def test_bytes_sections_show_each_call_in_turn():
    for name in ("file", "pipe", "tty"):
        if name not in RUNNABLE:
            continue
        steps = steps_of(parse(run_demo("--section", name)))
        assert [step.call for step in steps][1:] == [
            "w.write(b'hello, world\\n')", "w.flush()", "w.write(b'hello, world\\n')", "w.sync()", "w.close()"]
        assert [step.facts["pending"] for step in steps[1:]] == ["13", "0", "13", "0", "0"]
        assert [step.facts["write(2)s so far"] for step in steps] == ["0", "0", "1", "1", "2", "2"]
        if name == "file":
            assert [step.facts["file"] for step in steps] == [
                "0 bytes", "0 bytes", "13 bytes", "13 bytes", "26 bytes", "26 bytes"]
        else:
            assert [step.facts.get("got b'hello, world\\n'") is not None for step in steps] == [
                False, False, True, False, True, False]


@pytest.mark.skipif("text" not in RUNNABLE, reason="needs a pty")
def test_text_section_encodes_at_write_and_line_buffering_flushes_at_a_newline():
    markers = parse(run_demo("--section", "text"))
    assert step_called(markers, 't.write("héllo\\n")').facts["t.buffer.pending"] == "7"
    assert step_called(markers, "t.flush()").facts["file"] == repr("héllo\n".encode())
    assert step_called(markers, 't.write("tea, ")').facts["t.buffer.pending"] == "5"
    assert step_called(markers, 't.write("café\\n")').facts["file"] == repr("héllo\ntea, café\n".encode())
    terminal = step_called(markers, 't = ringwriter.open(slave, "w", encoding="utf-8")')
    assert terminal.meaning.startswith("t.line_buffering is True")
    assert "got b''" in step_called(markers, 't.write("$ ")').facts
    assert "got b'$ ls\\n'" in step_called(markers, 't.write("ls\\n")').facts


def test_handler_section_holds_info_and_the_stdlib_writes_each_record():
    markers = parse(run_demo("--section", "handler"))
    parts = [list(group) for is_part, group in itertools.groupby(markers, lambda marker: marker[0] == "part")
             if not is_part][1:]
    ours, theirs = ([marker for kind, marker in part if kind == "step"] for part in parts)
    assert [step.facts["write(2)s so far"] for step in ours] == ["0", "0", "0", "0", "1", "1", "2", "2", "3"]
    assert [step.facts["the file"] for step in ours][3:] == [
        "0 lines, 0 bytes", "3 lines, 59 bytes", "3 lines, 59 bytes", "4 lines, 76 bytes",
        "4 lines, 76 bytes", "5 lines, 91 bytes"]
    assert ours[6].call == "time.sleep(0.5)"
    assert [step.facts["write(2)s so far"] for step in theirs] == ["0", "0", "1", "2", "3", "4", "4", "5", "5"]
    assert [step.facts["the file"] for step in theirs][-1] == "5 lines, 91 bytes"


def _runs(data):
    """The pipe's bytes as runs of one child's: A's bytes and the newlines ending them."""
    return [(run[:1].decode(), len(run)) for run in re.findall(rb"A[A\n]*|B[B\n]*", data)]


@pytest.mark.skipif("processes" not in RUNNABLE, reason="needs Linux")
def test_processes_section_is_what_the_children_wrote_and_the_reader_read(tmp_path):
    traced = STRACE is not None
    trace_path = tmp_path / "trace"
    markers = parse(run_demo("--section", "processes", strace_to=trace_path if traced else None))
    read = step_called(markers, "data = read_to_end(read_end); A.wait(); B.wait()")
    printed_runs = [(piece.split()[0], int(piece.split()[1].replace(",", "")))
                    for piece in read.meaning.removeprefix("the reader got ").split(", then ")]
    # Whatever the kernel did with A's record, B's write of at most PIPE_BUF is whole.
    assert ("B", 300) in printed_runs and 300 <= PIPE_BUF
    assert sum(length for letter, length in printed_runs if letter == "A") == 10_001
    said = " ".join(text for kind, text in markers if kind == "say")
    assert "the kernel counted them in each child: A 1, B 1." in said
    if not traced:
        return
    events = Trace(trace_path).events
    children_writes = {}
    for event in events:
        if event[0] == "write" and event[2] == 2:
            children_writes.setdefault(event[1], []).append(event)
    assert sorted([len(event[4]) for event in writes] for writes in children_writes.values()) == [[300], [10_001]]
    (shared_pipe,) = {event[3] for writes in children_writes.values() for event in writes}
    reads = b"".join(event[4] for event in events if event[0] == "read" and event[3] == shared_pipe)
    assert _runs(reads) == printed_runs
