"""The README's examples run and print what the README says they print."""
import contextlib
import doctest
import functools
import io
import logging
import logging.handlers
import pathlib
import re
import subprocess
import sys

import pytest

import ringwriter.records

README = pathlib.Path(__file__).resolve().parent.parent / "README.md"
PYTHON_BLOCK = re.compile(r"```python\n(.*?)```(?:\n\nprints\n\n```\n(.*?)```)?", re.S)
COMMAND_BLOCK = re.compile(r"```sh\npython (-m ringwriter demo[^\n]*)\n```\n\nprints\n\n```\n(.*?)```", re.S)
# All that changes from one run of the demo to the next: how long a call took.
DEMO_TIMING = re.compile(r"\(\d+\.\d\d ms\)")


def readme_examples():
    return PYTHON_BLOCK.findall(README.read_text(encoding="utf-8"))


@pytest.mark.parametrize("code, printed", readme_examples())
def test_readme_example(code, printed, tmp_path, monkeypatch, request):
    monkeypatch.chdir(tmp_path)
    # Undone after the test: an example installs ringwriter's record factory.
    request.addfinalizer(functools.partial(logging.setLogRecordFactory, logging.getLogRecordFactory()))
    # Undone after the test: an example installs the compiled logger (uninstall() first,
    # then the factory above is put back).
    request.addfinalizer(ringwriter.records.uninstall)
    for module in (logging, logging.handlers):  # undone after the test: an example swaps handler classes
        for name in ("StreamHandler", "FileHandler", "RotatingFileHandler", "TimedRotatingFileHandler"):
            if hasattr(module, name):
                monkeypatch.setattr(module, name, getattr(module, name))
    if ">>> " in code:
        test = doctest.DocTestParser().get_doctest(code, {}, "README", str(README), 0)
        runner = doctest.DocTestRunner()
        runner.run(test)
        assert runner.summarize(verbose=False).failed == 0
    else:
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            exec(compile(code, str(README), "exec"), {})
        assert output.getvalue() == printed


def test_readme_has_examples():
    assert len(readme_examples()) >= 2


def _without_timings(output):
    return DEMO_TIMING.sub("(N ms)", output)


@pytest.mark.parametrize("arguments, printed", COMMAND_BLOCK.findall(README.read_text(encoding="utf-8")))
def test_readme_command_output_is_a_fresh_run(arguments, printed):
    result = subprocess.run([sys.executable, *arguments.split()], capture_output=True, text=True,
                            timeout=300, check=True)
    assert _without_timings(result.stdout) == _without_timings(printed)


def test_readme_shows_the_demo():
    assert [arguments for arguments, _ in COMMAND_BLOCK.findall(README.read_text(encoding="utf-8"))] == [
        "-m ringwriter demo"]
