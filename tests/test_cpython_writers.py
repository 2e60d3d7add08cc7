"""CPython's own suites of the stdlib modules that write files, with every write-only
``open()`` sent to ``ringwriter.open`` (through ``cpython_writers_swapped.py``).

Each suite runs in a fresh interpreter with the swap, and must pass every test the
stdlib passes on the same interpreter: a test that fails with the swap is run again
without it, and only a test that passes there counts against ringwriter. What still
fails is listed in KNOWN_FAILURES with its cause; the list is strict, so a fix that
makes a listed test pass fails this file until the entry is removed.
"""
import json
import os
import subprocess
import sys
import textwrap

import pytest

RUNNER = os.path.join(os.path.dirname(__file__), "cpython_writers_swapped.py")

# Each of them writes files through open(), io.open, pathlib or os.fdopen: every run must
# send some open() to ringwriter.open. Left out: test_csv, whose files are all
# TemporaryFile("w+") (a mode that reads, so the built-in's: not one call would reach
# ringwriter), and test_zipimport, whose zip64 tests alone take over a minute on 3.13.
SUITES = [
    "test_gzip", "test_tarfile", "test_shutil", "test_zipfile", "test_pathlib", "test_bz2", "test_lzma",
    "test_wave", "test_zipapp", "test_fileinput", "test_plistlib", "test_tempfile",
]

# Tests that fail with the swap and pass without it, with what differs from the built-in
# open(); each is checked on the CPythons whose suite has it (3.14 added CopyFileRange).
# Each entry: "test id": its cause. test_shutil's TestZeroCopySendfile and (3.14)
# TestZeroCopyCopyFileRange chunk tests, which patch os.fstat around open(), were here
# until ringwriter.open stopped reading os.fstat through the module.
KNOWN_FAILURES: "dict[str, str]" = {}


def run_suite(mode, suite, test_ids, cwd):
    completed = subprocess.run([sys.executable, RUNNER, mode, suite, *test_ids], capture_output=True, text=True,
                               timeout=600, cwd=cwd)
    lines = completed.stdout.strip().splitlines()
    assert lines, completed.stderr[-5000:]
    return json.loads(lines[-1]), completed.stderr


@pytest.mark.parametrize("suite", SUITES)
def test_cpython_suite_passes_with_open_sent_to_ringwriter(suite, tmp_path):
    pytest.importorskip(f"test.{suite}", reason="this CPython was built without its test suite")
    outcome, report = run_suite("ringwriter", suite, [], tmp_path)
    assert len(outcome["ran"]) > 20, report
    assert outcome["sent_to_ringwriter"] > 0, "the suite never reached ringwriter.open"
    broken = outcome["failed"] + outcome["errored"] + outcome["unexpected_successes"]
    if broken:
        stdlib, _ = run_suite("stdlib", suite, broken, tmp_path)
        broken = set(broken) - set(stdlib["failed"]) - set(stdlib["errored"]) - set(stdlib["unexpected_successes"])
    known = set(KNOWN_FAILURES) & set(outcome["ran"])
    fixed = {test: KNOWN_FAILURES[test] for test in sorted(known - set(broken))}
    assert not fixed, f"listed in KNOWN_FAILURES but passing now, remove them: {fixed}"
    assert sorted(set(broken) - known) == [], report


PROBE = textwrap.dedent("""
    import io, json, os, tempfile  # tempfile imports shutil, which imports bz2
    import cpython_writers_swapped as swap
    swap.install()
    import bz2, pathlib, tarfile
    swap.rebind_aliases()  # as the runner does after importing a suite
    directory = tempfile.mkdtemp()
    path = os.path.join(directory, "f")
    seen = {}
    def kind(f):
        with f:
            return type(f).__module__ + "." + type(f).__name__
    seen["open w"] = kind(open(path, "w", encoding="utf-8"))
    seen["open ab"] = kind(open(path, "ab"))
    seen["io.open xb"] = kind(io.open(path + "x", "xb"))
    seen["open wb buffering=0"] = kind(open(path, "wb", buffering=0))
    seen["open r"] = kind(open(path, "r", encoding="utf-8"))
    seen["open r+b"] = kind(open(path, "r+b"))
    seen["open w+"] = kind(open(path, "w+", encoding="utf-8"))
    seen["Path.open wb"] = kind(pathlib.Path(path).open("wb"))
    seen["os.fdopen w"] = kind(os.fdopen(os.open(path, os.O_WRONLY), "w", encoding="utf-8"))
    seen["tarfile.bltn_open"] = tarfile.bltn_open is swap.shim_open
    seen["bz2._builtin_open"] = bz2._builtin_open is swap.shim_open
    print(json.dumps(seen))
""")


def test_the_swap_reaches_every_write_only_open(tmp_path):
    """The shim sends write-only modes, and only those, to ringwriter.open, through
    open(), io.open, Path.open (each CPython's way), os.fdopen and the aliases tarfile
    and bz2 make at import (bz2's here before the swap, rebound after it)."""
    completed = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60,
                               cwd=tmp_path, env={**os.environ, "PYTHONPATH": os.path.dirname(__file__)})
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout) == {
        "open w": "ringwriter._text.TextWriter",
        "open ab": "ringwriter._writer.BufferedWriter",
        "io.open xb": "ringwriter._writer.BufferedWriter",
        "open wb buffering=0": "_io.FileIO",
        "open r": "_io.TextIOWrapper",
        "open r+b": "_io.BufferedRandom",
        "open w+": "_io.TextIOWrapper",
        "Path.open wb": "ringwriter._writer.BufferedWriter",
        "os.fdopen w": "ringwriter._text.TextWriter",
        "tarfile.bltn_open": True,
        "bz2._builtin_open": True,
    }
