"""Smoke test of the benchmark cases: every workload, through every writer, into a file
and a pipe, at both buffer sizes, once and tiny, along the path the benchmarks time.

No timing is asserted; what is checked is that each writer left exactly the bytes the
workload describes. Needs neither pyperf, matplotlib nor strace.
"""
import pytest

from ringwriter._sinks import digest_of, open_sink
from ringwriter._workloads import cases, expected_output, time_runs

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
