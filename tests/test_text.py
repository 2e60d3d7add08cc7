"""The text layer: io.TextIOWrapper over ringwriter produces the bytes it produces over
io.BufferedWriter, at the same moments.

Over a recording mock raw (the portable path) the raw's whole call sequence is compared
after every step; over a file (the fd path) the bytes on disk after every step must be a
prefix of the final bytes and equal to the stdlib's after every flush the text layer
makes (line_buffering, write_through, flush(), close()).
"""
import io
import os

import pytest

import ringwriter
from differential import REF, compared_with_stdlib, normalize, outcome
from rawmocks import RecordingRaw, accept

ENCODINGS = ["utf-8", "utf-16", "latin-1", "utf-8-sig", "utf-32-be", "cp1252"]
NEWLINES = [None, "", "\n", "\r", "\r\n"]
STEPS = [
    "héllo",
    "\n",
    "a\r\nb",
    "\r",
    "",
    "x" * 9000,  # more than TextIOWrapper's chunk size
    "ünï çödé",
    "line1\nline2\n",
    "ab" * 3000 + "\n" + "cd" * 10,
    "tail",
]


def _text_over(writer_class, raw, buffer_size, encoding, newline, line_buffering, write_through):
    writer = writer_class(raw, buffer_size)
    return io.TextIOWrapper(
        writer,
        encoding=encoding,
        errors="strict",
        newline=newline,
        line_buffering=line_buffering,
        write_through=write_through,
    )


def _script(text, observe):
    log = []
    for index, step in enumerate(STEPS):
        log.append((step[:10], outcome(text.write, step), observe()))
        if index == 4:
            log.append(("reconfigure", outcome(text.reconfigure, line_buffering=not text.line_buffering), observe()))
        if index == 6:
            log.append(("flush", outcome(text.flush), observe()))
    log.append(("close", outcome(text.close), observe()))
    return log


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("buffer_size", [1, 16, 8192])
@compared_with_stdlib
def test_text_over_a_recording_raw(Writer, encoding, buffer_size):
    """Every newline mode x line_buffering x write_through: the raw sees the same
    write() calls, with the same bytes, after every step."""
    for newline in NEWLINES:
        for line_buffering in (False, True):
            for write_through in (False, True):
                logs = []
                for writer_class in (REF, Writer):
                    raw = RecordingRaw(default=accept(4099))
                    text = _text_over(writer_class, raw, buffer_size, encoding, newline, line_buffering, write_through)
                    logs.append((_script(text, lambda raw=raw: len(raw.calls)), raw.calls, raw.data))
                context = f"newline={newline!r} line_buffering={line_buffering} write_through={write_through}"
                assert logs[1][0] == logs[0][0], context
                assert logs[1][1] == logs[0][1], context
                assert logs[1][2] == logs[0][2], context


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("line_buffering", [False, True])
@pytest.mark.parametrize("write_through", [False, True])
@compared_with_stdlib
def test_text_over_a_file(Writer, tmp_path, encoding, line_buffering, write_through):
    """After every step: the text layer handed both writers the same bytes (their
    tell()); the stdlib's file holds a prefix of ours (ours may write an overflowing
    payload at once where the stdlib keeps its tail buffered), ours holds no more than
    was handed to it; the final files are identical."""
    for newline in NEWLINES:
        results = []
        for writer_class, name in ((REF, "ref"), (Writer, "ours")):
            path = tmp_path / name
            text = _text_over(writer_class, io.FileIO(path, "wb"), 64, encoding, newline, line_buffering, write_through)
            snapshots = []

            def observe(path=path, text=text):
                snapshots.append(path.read_bytes())
                return None if text.closed else text.buffer.tell()

            log = _script(text, observe)
            results.append((log, snapshots, path.read_bytes()))
        (ref_log, ref_snaps, ref_final), (log, snaps, final) = results
        context = f"newline={newline!r}"
        assert log == ref_log, context
        assert final == ref_final, context
        handed = [entry[2] for entry in log]
        for step, (ours_now, ref_now, n) in enumerate(zip(snaps, ref_snaps, handed, strict=False)):
            assert ours_now.startswith(ref_now), f"{context}: behind the stdlib at step {step}"
            assert final.startswith(ours_now), f"{context}: not a prefix of the final bytes at step {step}"
            if n is not None:
                assert len(ours_now) <= n, f"{context}: more on disk than was written at step {step}"
                if len(ref_now) == n:  # the stdlib holds all it was given: so must we
                    assert ours_now == ref_now, f"{context}: step {step}"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "latin-1"])
@pytest.mark.parametrize("newline", NEWLINES)
@compared_with_stdlib
def test_line_buffering_flushes_exactly_at_newlines_on_a_file(Writer, tmp_path, encoding, newline):
    """line_buffering=True over a file: after each write containing a newline, the
    file holds everything written so far, as with the stdlib; before it, at most what
    an overflowing buffer pushed out."""
    for writer_class, name in ((REF, "ref"), (Writer, "ours")):
        path = tmp_path / name
        text = _text_over(writer_class, io.FileIO(path, "wb"), 4096, encoding, newline, True, False)
        written = ""
        for step in ["abc", "def\n", "no newline", "", "x\ry", "\r\n", "end"]:
            text.write(step)
            written += step
            if "\n" in step or "\r" in step:
                expected = io.StringIO(newline=newline)
                expected.write(written)
                encoded = expected.getvalue().encode(encoding) if newline is not None else written.replace("\n", os.linesep).encode(encoding)
                assert path.read_bytes() == encoded, (name, step)
        text.close()


@pytest.mark.parametrize("encoding", ["latin-1", "ascii", "cp1252"])
@pytest.mark.parametrize("errors", ["strict", "replace", "backslashreplace", "ignore"])
@compared_with_stdlib
def test_unencodable_text(Writer, encoding, errors):
    def scenario(writer_class):
        raw = RecordingRaw()
        text = io.TextIOWrapper(writer_class(raw, 8), encoding=encoding, errors=errors)
        log = [outcome(text.write, "ok "), outcome(text.write, "snowman ☃ and €"), outcome(text.write, " after")]
        log.append(outcome(text.flush))
        log.append(outcome(text.close))
        return [normalize(entry) for entry in log], raw.calls

    assert scenario(Writer) == scenario(REF)


@compared_with_stdlib
def test_text_tell_seek_truncate_over_a_file(Writer, tmp_path):
    def scenario(writer_class, path):
        text = io.TextIOWrapper(writer_class(io.FileIO(path, "wb"), 16), encoding="utf-8", newline="\n")
        log = [text.write("héllo wörld\n"), text.tell(), text.write("more"), text.tell()]
        log.append(outcome(text.seek, 0))
        log.append(text.write("H"))
        log.append(text.tell())
        log.append(outcome(text.seek, 0, 2))
        log.append(outcome(text.truncate, 5))
        log.append(text.tell())
        log.append(outcome(text.seek, 3, 1))  # io.UnsupportedOperation: nonzero cur-relative seek
        log.append(text.write("!"))
        text.close()
        return log, path.read_bytes()

    assert scenario(Writer, tmp_path / "ours") == scenario(REF, tmp_path / "ref")


@compared_with_stdlib
def test_text_detach_and_attributes(Writer, tmp_path):
    def scenario(writer_class):
        raw = RecordingRaw(name="the-name", mode="wb")
        text = io.TextIOWrapper(writer_class(raw, 8), encoding="utf-8")
        log = [text.name, text.writable(), text.readable(), text.seekable(), text.closed, normalize(repr(text))]
        text.write("pending")
        buffer = text.detach()
        log += [type(buffer).__name__ in ("BufferedWriter",), raw.data, outcome(text.write, "x")]
        buffer.write(b"!")
        buffer.close()
        log.append(raw.data)
        return log

    assert scenario(Writer) == scenario(REF)


def test_text_over_open_matches_builtin_open_in_every_mode(tmp_path):
    for newline in NEWLINES:
        for encoding in ("utf-8", "utf-16"):
            outputs = []
            for opener, name in ((open, "ref"), (ringwriter.open, "ours")):
                path = tmp_path / name
                with opener(path, "w", encoding=encoding, newline=newline) as f:
                    for step in STEPS:
                        f.write(step)
                outputs.append(path.read_bytes())
            assert outputs[1] == outputs[0], (newline, encoding)
