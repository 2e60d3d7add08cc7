"""ringwriter.open()'s text files against the built-in open()'s, in every state.

A TextWriter that ringwriter.open() makes over its own writer makes its io.TextIOWrapper
only when something other than writing, flushing and closing needs it (the module
documentation of ringwriter._text says why). Until then it answers for the wrapper; once
the buffer is closed or detached, the wrapper it makes stands over a stand-in for that
buffer. Each case here brings a file to a state, asks one thing first (so that each
question is asked of a TextWriter still without its wrapper) and then every question,
and compares all that is seen, and the file's bytes, with the built-in's.
"""
import os
import pathlib
import re
import subprocess
import sys
import threading
import warnings

import pytest

import ringwriter
from differential import normalize, outcome

# Each names its own class, in reprs and messages.
_TEXT_CLASS = re.compile(r"_io\.TextIOWrapper|ringwriter\._text\.TextWriter")


def _fileno_is_the_raw_ones(f):
    return f.fileno() == f.buffer.raw.fileno()


def _set_mode(f):
    f.mode = "x+"
    return f.mode


def _delete_mode(f):
    del f.mode
    return outcome(lambda: f.mode)[:2]


def _set_chunk_size(f, size):
    f._CHUNK_SIZE = size
    return f._CHUNK_SIZE


def _print(f):
    print("printed", 1, file=f)


def _iterate(f):
    return list(iter(f))


def _enter(f):
    return f.__enter__() is f


# Everything a program may do with a text file opened for writing, each as one call.
QUESTIONS = {
    "write ascii": lambda f: f.write("plain\n"),
    "write latin-1": lambda f: f.write("café\n"),
    "write bmp": lambda f: f.write("日本 €\n"),
    "write lone surrogate": lambda f: f.write("bad \udcff\n"),
    "write bytes": lambda f: f.write(b"bytes"),
    "writelines": lambda f: f.writelines(["a\n", "b\n"]),
    "print": _print,
    "flush": lambda f: f.flush(),
    "tell": lambda f: f.tell(),
    "seek start": lambda f: f.seek(0),
    "seek end": lambda f: f.seek(0, 2),
    "seek from the end by 1": lambda f: f.seek(-1, 2),
    "truncate": lambda f: f.truncate(),
    "truncate at 2": lambda f: f.truncate(2),
    "fileno": _fileno_is_the_raw_ones,
    "isatty": lambda f: f.isatty(),
    "readable": lambda f: f.readable(),
    "writable": lambda f: f.writable(),
    "seekable": lambda f: f.seekable(),
    "read": lambda f: f.read(),
    "readline": lambda f: f.readline(),
    "readlines": lambda f: f.readlines(),
    "iterate": _iterate,
    "enter": _enter,
    "reconfigure line_buffering": lambda f: f.reconfigure(line_buffering=True),
    "reconfigure errors": lambda f: f.reconfigure(errors="replace"),
    "reconfigure to cp1252": lambda f: f.reconfigure(encoding="cp1252"),
    "reconfigure to no codec": lambda f: f.reconfigure(encoding="no-such-codec"),
    "reconfigure newline": lambda f: f.reconfigure(newline="\r\n"),
    "buffer": lambda f: type(f.buffer).__name__,
    "closed": lambda f: f.closed,
    "name": lambda f: f.name,
    "encoding": lambda f: f.encoding,
    "errors": lambda f: f.errors,
    "newlines": lambda f: f.newlines,
    "line_buffering": lambda f: f.line_buffering,
    "write_through": lambda f: f.write_through,
    "mode": lambda f: f.mode,
    "set mode": _set_mode,
    "delete mode": _delete_mode,
    "chunk size": lambda f: f._CHUNK_SIZE,
    "set chunk size": lambda f: _set_chunk_size(f, 100),
    "set chunk size 0": lambda f: _set_chunk_size(f, 0),
    "repr": lambda f: repr(f),
    "detach": lambda f: type(f.detach()).__name__,
    "close": lambda f: f.close(),
}

# The arguments ringwriter.open() defers the wrapper for, and two it makes it at once for.
OPENINGS = {
    "w": ("w", {}),
    "w utf-8": ("w", {"encoding": "utf-8"}),
    "w latin-1 replace, newline ''": ("w", {"encoding": "latin-1", "errors": "replace", "newline": ""}),
    "w ascii, newline \\n": ("w", {"encoding": "ascii", "newline": "\n"}),
    "w line buffered": ("w", {"encoding": "UTF-8", "buffering": 1}),
    "a utf-8": ("a", {"encoding": "utf8"}),
    "x surrogateescape": ("x", {"encoding": "utf-8", "errors": "surrogateescape"}),
    "w cp1252 (made at once)": ("w", {"encoding": "cp1252"}),
    "w newline \\r\\n (made at once)": ("w", {"encoding": "utf-8", "newline": "\r\n"}),
}


def _close_buffer(f):
    f.buffer.close()


def _close_raw(f):
    f.buffer.raw.close()


# What a program may have done to the file before it asks; each returns what it let go
# of (to be closed at the end), or None. Not here: detaching the buffer's raw stream,
# after which the built-in's text file still takes writes (its closed check reads the
# FileIO it keeps, and the text waits in its own 8 KiB) where ringwriter's, whose writes
# reach the buffer at once (see ringwriter._text), raise at the write.
STATES = {
    "just opened": lambda f: None,
    "written": lambda f: f.write("hello\n") and None,
    "closed": lambda f: f.close(),
    "buffer closed": _close_buffer,
    "raw closed": _close_raw,
    "detached": lambda f: f.detach(),
}


def _scenario(opener, directory, mode, kwargs, state, first):
    """What is seen after ``state``, ``first`` and then every question, and the bytes,
    for a file opened by a name relative to ``directory`` (which its repr shows)."""
    os.chdir(directory)
    path = pathlib.Path(f"{first}.txt")
    if "a" in mode:
        path.write_bytes(b"existing\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # EncodingWarning, under -X warn_default_encoding
        f = opener(path, mode, **kwargs)
    let_go = STATES[state](f)
    seen = [outcome(QUESTIONS[first], f)]
    seen += [(name, outcome(question, f)) for name, question in QUESTIONS.items() if name not in ("detach", "close")]
    seen.append(outcome(f.close))
    if let_go is not None:
        let_go.close()
    return [_TEXT_CLASS.sub("<T>", repr(normalize(entry))) for entry in seen], path.read_bytes()


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("opening", OPENINGS)
def test_every_question_in_every_state_matches_builtin_open(tmp_path, monkeypatch, opening, state):
    mode, kwargs = OPENINGS[opening]
    monkeypatch.chdir(tmp_path)
    for opener in (open, ringwriter.open):
        (tmp_path / opener.__module__).mkdir()
    for first in QUESTIONS:
        expected = _scenario(open, tmp_path / open.__module__, mode, kwargs, state, first)
        seen = _scenario(ringwriter.open, tmp_path / ringwriter.open.__module__, mode, kwargs, state, first)
        assert seen == expected, first


def test_a_dropped_file_flushes_and_warns_like_the_builtin(tmp_path, recwarn):
    warnings.simplefilter("always", ResourceWarning)
    for opener in (open, ringwriter.open):
        path = tmp_path / opener.__name__
        f = opener(path, "w", encoding="utf-8")
        f.write("kept\n")
        del f
        assert path.read_bytes() == b"kept\n"
    sources = [type(w.source).__name__ for w in recwarn if issubclass(w.category, ResourceWarning)]
    assert sources == ["TextIOWrapper", "TextWriter"], sources


def test_threads_that_ask_at_once_share_one_wrapper(tmp_path):
    """Threads that need the wrapper at the same time (tell() does) leave the file open
    and every line in it: one wrapper is made, and no second one closes the buffer when
    it is dropped."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        for round_number in range(50):
            path = tmp_path / f"f{round_number}"
            f = ringwriter.open(path, "w", encoding="utf-8")
            threads = [threading.Thread(target=lambda: (f.tell(), f.write("line\n"))) for _ in range(4)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert not f.closed
            f.close()
            assert path.read_bytes() == b"line\n" * 4
    finally:
        sys.setswitchinterval(interval)


def test_a_wrapper_made_while_one_is_being_made_keeps_the_file_open(tmp_path, monkeypatch):
    """A signal handler or finalizer that needs the wrapper while the same thread is
    making it (the codec's incremental encoder runs Python code) makes its own; the one
    being made is then let go of, and closes nothing."""
    import encodings.utf_8

    path = tmp_path / "f.txt"
    f = ringwriter.open(path, "w", encoding="utf-8")
    f.write("before\n")
    made = encodings.utf_8.IncrementalEncoder.__init__
    inner_results = []

    def interrupting_init(encoder, *args, **kwargs):
        made(encoder, *args, **kwargs)
        if not inner_results:
            inner_results.append(None)
            inner_results.append(f.tell())  # as a handler run at this point would

    monkeypatch.setattr(encodings.utf_8.IncrementalEncoder, "__init__", interrupting_init)
    assert f.tell() == inner_results[1] == 7
    monkeypatch.undo()
    assert not f.closed
    f.write("after\n")
    f.close()
    assert path.read_bytes() == b"before\nafter\n"


_ENCODING_SCRIPT = """
import locale, sys, ringwriter
if len(sys.argv) > 2:
    locale.setlocale(locale.LC_CTYPE, sys.argv[2])
seen = []
for opener in (open, ringwriter.open):
    f = opener(sys.argv[1], "w")
    try:
        written = f.write("caf\\xe9 \\u65e5")
    except UnicodeEncodeError as error:
        written = str(error)
    seen.append((f.encoding, written, f.errors))
    f.close()
    with open(sys.argv[1], "rb") as f:
        seen.append(f.read())
print(seen[:2] == seen[2:], seen)
"""


@pytest.mark.parametrize("environment, argument", [
    ({"LC_ALL": "C.UTF-8"}, None),
    ({"LC_ALL": "C.UTF-8", "PYTHONUTF8": "1"}, None),
    ({"LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}, None),
    ({"LC_ALL": "C", "PYTHONCOERCECLOCALE": "0"}, None),
    ({"LC_ALL": "C.UTF-8", "PYTHONUTF8": "0"}, "C"),
], ids=["utf-8 locale", "utf-8 mode", "ascii locale", "c locale", "locale changed while running"])
def test_default_encoding_is_the_builtins(tmp_path, environment, argument):
    """encoding=None is resolved as the built-in resolves it: UTF-8 mode, else the
    locale's encoding at the time of the open() (an unencodable text then raises)."""
    command = [sys.executable, "-c", _ENCODING_SCRIPT, str(tmp_path / "f.txt")] + ([argument] if argument else [])
    result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **environment})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("True"), result.stdout
