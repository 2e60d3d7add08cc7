"""python -m ringwriter: --help, and a demo whose every line is observed, not assumed."""
import io
import os
import subprocess
import sys

from ringwriter._demo import run_demo


def test_help_lists_the_commands():
    result = subprocess.run([sys.executable, "-m", "ringwriter", "--help"], capture_output=True,
                            text=True, timeout=60, check=True)
    assert "bench" in result.stdout and "demo" in result.stdout


def test_demo_shows_each_stage_from_outside():
    out = io.StringIO()
    run_demo(out)
    lines = out.getvalue().splitlines()
    file_steps = [line for line in lines if "file has" in line]
    assert "pending=13" in file_steps[0] and "file has 0 bytes" in file_steps[0]
    assert "pending=0" in file_steps[1] and "file has 13 bytes" in file_steps[1]
    assert "file has 26 bytes" in file_steps[2] and "fsync" in file_steps[2]
    pipe_steps = [line for line in lines if "reader gets" in line]
    assert "reader gets b''" in pipe_steps[0]
    assert "reader gets b'hello, world\\n'" in pipe_steps[1]
    if hasattr(os, "openpty"):
        pty_steps = [line for line in lines if "other end gets" in line]
        assert "other end gets b''" in pty_steps[0]
        assert "other end gets b'hello, world\\n'" in pty_steps[1]
