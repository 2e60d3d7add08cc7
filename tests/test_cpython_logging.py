"""CPython's own Lib/test/test_logging.py, with ringwriter's handlers swapped in, and
with ringwriter.records.install() in effect (alone and with the handlers swapped in).

Each mode runs the whole module in a fresh interpreter (the swap changes the logging
modules' globals) and must pass every test the stdlib passes on the same interpreter:
a test that fails with the swap is run again without it, and only a test that passes
there counts against ringwriter.
"""
import json
import os
import subprocess
import sys

import pytest

pytest.importorskip("test.test_logging", reason="this CPython was built without its test suite")

RUNNER = os.path.join(os.path.dirname(__file__), "cpython_logging_swapped.py")


def run_test_logging(mode, test_ids, cwd):
    completed = subprocess.run([sys.executable, RUNNER, mode, *test_ids], capture_output=True, text=True,
                               timeout=600, cwd=cwd)
    return json.loads(completed.stdout.strip().splitlines()[-1]), completed.stderr


@pytest.mark.parametrize("mode", ["defaults", "notset", "stdlib+install", "defaults+install", "notset+install"])
def test_cpython_test_logging_passes_with_the_handlers_swapped_in(mode, tmp_path):
    outcome, report = run_test_logging(mode, [], tmp_path)
    assert len(outcome["ran"]) > 100, report
    broken = outcome["failed"] + outcome["errored"]
    if broken:
        stdlib, _ = run_test_logging("stdlib", broken, tmp_path)
        broken = sorted(set(broken) - set(stdlib["failed"]) - set(stdlib["errored"]))
    assert not broken, report
