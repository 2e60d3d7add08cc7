"""Smoke test of the benchmark cases: every workload, through every writer, into a file
and a pipe, at both buffer sizes, once and tiny, along the path the benchmarks time.

No timing is asserted; what is checked is that each writer left exactly the bytes the
workload describes. Then the logging benchmark's cases, each once, tiny: every record in
the file (a stack whose module is missing, or which cannot log from several threads, is
skipped). Needs neither pyperf, matplotlib nor strace.
"""
import pathlib
import sys

import pytest

# The logging cases live with the benchmark runners, beside the tests in the repository
# and in the sdist.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "benchmarks"))
from logging_workloads import FLOOR, logging_cases, time_records  # noqa: E402
from ringwriter._cli.sinks import digest_of, open_sink  # noqa: E402
from ringwriter._cli.workloads import cases, expected_output, time_runs  # noqa: E402

# Small enough to be quick, large enough that every buffer fills and wraps more than
# once (random payloads reach 16 KiB, writelines calls 32 KB).
TINY = 0.15

CASES = list(cases(scale=TINY))


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_case_writes_exactly_the_workload(case):
    with open_sink(case.target, check=True) as sink:
        time_runs(case, sink, runs=1)
    assert sink.received == digest_of(expected_output(case))


def test_a_tiny_run_still_overflows_the_largest_buffer():
    largest = max(case.buffer_size for case in CASES)
    assert all(len(expected_output(case)) > 2 * largest for case in CASES)


# -- the logging benchmark's cases (benchmarks/logging_run.py) ----------------------------
LOGGING_CASES = list(logging_cases(records=40))


@pytest.mark.parametrize("case", LOGGING_CASES, ids=[case.name for case in LOGGING_CASES])
def test_logging_case_logs_every_record(case, tmp_path):
    reason = case.unavailable()
    if reason is not None:
        pytest.skip(reason)
    path = tmp_path / "out"
    opened = case.stack.open(str(path))
    try:
        time_records(case, opened, runs=2)
    finally:
        opened.close()
    lines = path.read_bytes().splitlines() if path.exists() else []
    if case.stack.name == FLOOR:
        assert lines == []
    else:
        assert len(lines) == 2 * case.records
        assert all(case.record.text.encode() in line for line in lines)


# -- the logging knobs (benchmarks/logging_knobs.py) -----------------------------------


@pytest.mark.parametrize("suite", ["plain", "json"])
def test_every_logging_knob_configuration_runs_in_a_worker(suite):
    import subprocess

    import logging_knobs

    chosen = logging_knobs.SUITES[suite]
    if not chosen.handlers:
        pytest.skip("python-json-logger is not installed")
    for configuration in chosen.configurations:
        for handler in chosen.handlers:
            command = logging_knobs._worker_command(chosen, configuration.name, handler, 50)
            seconds = float(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
            assert seconds > 0
