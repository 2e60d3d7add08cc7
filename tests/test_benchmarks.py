"""Smoke test of the benchmark cases: every workload, through every writer, into a file
and a pipe, at both buffer sizes, once and tiny, along the path the benchmarks time.

No timing is asserted; what is checked is that each writer left exactly the bytes the
workload describes, and that ringwriter.open() left the built-in open()'s in every file
workload. The instruction and write(2) counts are checked on tiny real runs of
callgrind and strace (skipped without them). Then the logging benchmark's cases, each once, tiny: every record in
the file (a stack whose module is missing, or which cannot log from several threads, is
skipped). Needs neither pyperf, matplotlib nor strace.
"""
import os
import pathlib
import sys

import pytest

# The logging cases live with the benchmark runners, beside the tests in the repository
# and in the sdist.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "benchmarks"))
from logging_workloads import FLOOR, logging_cases, time_records  # noqa: E402
from ringwriter._cli.sinks import digest_of, open_sink  # noqa: E402
from ringwriter._cli import counts  # noqa: E402
from ringwriter._cli.workloads import (BUILTIN_OPEN, FILE_WORKLOADS, OPENERS, cases, expected_output,  # noqa: E402
                                       file_cases, time_file_runs, time_runs)

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


# -- the file workloads: the built-in open() against ringwriter.open() ------------------
FILE_CASES = list(file_cases(scale=TINY))


@pytest.mark.parametrize("workload", FILE_WORKLOADS, ids=[workload.name for workload in FILE_WORKLOADS])
def test_file_workload_leaves_the_builtins_bytes(workload, tmp_path):
    left = {}
    for case in FILE_CASES:
        if case.workload is workload:
            path = str(tmp_path / case.opener.name)
            time_file_runs(case, path, runs=2)  # the second run finds the first's file gone
            left[case.opener.name] = pathlib.Path(path).read_bytes()
    assert set(left) == {opener.name for opener in OPENERS}
    assert len(left[BUILTIN_OPEN]) >= 100
    assert all(written == left[BUILTIN_OPEN] for written in left.values())


def test_every_file_workload_runs_through_both_openers():
    assert [(case.workload.name, case.opener.name) for case in FILE_CASES] == [
        (workload.name, opener.name) for workload in FILE_WORKLOADS for opener in OPENERS]


needs_valgrind = pytest.mark.skipif(counts.valgrind_missing() is not None, reason="valgrind not installed")
needs_strace = pytest.mark.skipif(counts.strace_missing() is not None, reason="strace not installed")


@needs_valgrind
def test_callgrind_counts_each_run_apart_from_the_start_up():
    workload = counts.workload_named("open('wb'), 100 B write, close")
    none, shorter, longer = counts.instructions_of_runs(workload, OPENERS[1], [0, 20, 20 * counts.LONGER_RUN])
    # A run of no files is next to nothing beside the interpreter's start-up (tens of
    # millions), which the dumps leave out; an open(), a write and a close() run through
    # thousands of instructions.
    assert 0 < none < 100_000
    assert 2_000 < (longer - shorter) / (20 * (counts.LONGER_RUN - 1)) < 200_000


def test_children_get_the_same_environment_from_any_shell(monkeypatch):
    monkeypatch.setenv("OLDPWD", "/somewhere/else")
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    monkeypatch.setenv("PYTHONUTF8", "1")
    monkeypatch.setenv("PYTHONHASHSEED", "random")
    environment = counts.child_environment()
    assert "OLDPWD" not in environment and "PWD" not in environment
    assert environment["LC_ALL"] == "C.UTF-8" and environment["PYTHONUTF8"] == "1"
    assert environment["PYTHONHASHSEED"] == "0" and environment["PATH"] == os.environ["PATH"]


def test_dump_total_wants_exactly_one_totals_line():
    assert counts.dump_total("events: Ir\nsummary: 12\ntotals: 12\n") == 12
    with pytest.raises(ValueError, match="totals"):
        counts.dump_total("events: Ir\n")


@needs_strace
def test_strace_counts_one_write_per_line_when_line_buffered():
    # The built-in open() with buffering=1 writes each line as it ends: one write(2)
    # per line, a count known without ringwriter.
    workload = counts.workload_named("open('w', buffering=1): line-buffered lines")
    builtin = OPENERS[0]
    lines = 25
    assert counts.system_calls_per_operation(workload, builtin, lines, counts.WRITE_CALLS) == {"write": 1.0}


def test_strace_calls_reads_every_row_of_strace_summary():
    summary = """% time     seconds  usecs/call     calls    errors syscall
------ ----------- ----------- --------- --------- ----------------
 90.00    0.000900           9       100           write
 10.00    0.000100          10        10         2 writev
------ ----------- ----------- --------- --------- ----------------
100.00    0.001000           9       110         2 total
"""
    assert counts.strace_calls(summary) == {"write": 100, "writev": 10}


@needs_strace
def test_each_file_costs_one_open_and_one_close_through_either_opener():
    measured = counts.measure_file_system_calls(files=20)
    assert list(measured) == [workload.name for workload in FILE_WORKLOADS if workload.unit == "file"]
    for by_opener in measured.values():
        assert list(by_opener) == [opener.name for opener in OPENERS]
        assert all(calls["openat"] == calls["close"] == 1 for calls in by_opener.values())


@needs_strace
def test_a_file_costs_no_system_call_the_builtins_does_not_make():
    """No call more often than the built-in's, by name; and none of the lseek(2) calls the
    stdlib's writer and wrapper make at __init__ to learn a position no one asked for
    (on 3.10 the wrapper of encoding=None is made at once: see ringwriter._text)."""
    builtin, ours = (opener.name for opener in OPENERS)
    for workload, by_opener in counts.measure_file_system_calls(files=20).items():
        assert all(calls <= by_opener[builtin].get(name, 0) for name, calls in by_opener[ours].items()), workload
        if "'wb'" in workload or sys.version_info >= (3, 11):
            assert "lseek" not in by_opener[ours] and by_opener[builtin]["lseek"] >= 1, workload


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
    for step in logging_knobs.FLOOR_STEPS:
        seconds = float(subprocess.run(logging_knobs._floor_command(step, 50), check=True, capture_output=True,
                                       text=True).stdout)
        assert seconds > 0


# -- the zero-copy probe (benchmarks/syscalls.py) ------------------------------------


def test_the_bytes_each_traced_call_hands_over():
    import syscalls

    assert syscalls._lengths("write", '3, "xxxx"..., 1048576) = 1048576') == [1048576]
    assert syscalls._lengths("write", '3</dev/shm/x>, "a, 5) = 5"..., 10) = 10') == [10]
    assert syscalls._lengths("write", '3, "x", 1) = -1 EAGAIN (Resource temporarily unavailable)') == [1]
    assert syscalls._lengths("pwrite64", '3, "xx"..., 4096, 8192) = 4096') == [4096]
    assert syscalls._lengths("writev", '3, [{iov_base="x"..., iov_len=100}, {iov_base="y"..., iov_len=7}], 2) '
                                       '= 107') == [100, 7]
    assert syscalls._lengths("lseek", "3, 0, SEEK_CUR) = 0") == []


@needs_strace
def test_the_zero_copy_probe_sees_every_payload_leave_whole():
    import syscalls

    probe = syscalls.zero_copy_probe(syscalls.zero_copy_case(list(cases())))
    assert probe["write_syscalls"] == probe["payloads"] == probe["write_syscalls_with_a_whole_payload"]
    assert probe["first_write"] == f"writev with iov_len [100, {probe['payload_size']}]"
    assert probe["bytes_copied"] == 100
