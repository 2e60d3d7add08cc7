"""Many processes, one log: no record torn, lost or doubled, the stdlib beside ringwriter.

Four processes write records of 40 B to 3 KiB, each carrying its own checksum
(``shared_log_worker.py``), to one destination:

- a pipe shared as their stderr, drained by a reader slower than the writers (the pipe is
  shrunk to one page so that it is full nearly all the time: that is when the kernel
  lets another writer's bytes into a write(2) larger than ``PIPE_BUF``);
- a regular file all of them append to.

Then, for the descriptors that are not regular files, the write(2) calls themselves: a
``SOCK_SEQPACKET`` socket keeps each one a message of its own, and strace (where it can
run) shows them on a pipe. Each must hold at most ``PIPE_BUF`` bytes and end on a record
boundary.
"""
import os
import re
import select
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

if sys.platform != "linux":
    pytest.skip("/dev/stderr, pipe sizes and SOCK_SEQPACKET as Linux has them", allow_module_level=True)

import fcntl  # noqa: E402

import shared_log_worker  # noqa: E402

HANG_GUARD_SECONDS = 120
WORKER = str(Path(__file__).with_name("shared_log_worker.py"))
PROCESSES = 4
RECORDS = 400
PIPE_CASES = ["stream-stderr", "file-dev-stderr", "rotating-dev-stderr", "coalescing-stderr"]
FILE_CASES = ["file-append", "open-ab", "open-a"]
F_SETPIPE_SZ = getattr(fcntl, "F_SETPIPE_SZ", 1031)


def start_workers(case, implementation, stderr, count=RECORDS, path=None):
    extra = [str(path)] if path is not None else []
    return [
        subprocess.Popen(
            [sys.executable, WORKER, case, implementation, str(count), str(seed), *extra],
            stdout=subprocess.PIPE, stderr=stderr, stdin=subprocess.DEVNULL,
        )
        for seed in range(PROCESSES)
    ]


def finish_workers(workers):
    pids = []
    for worker in workers:
        out, _ = worker.communicate(timeout=60)
        assert worker.returncode == 0
        pids.append(int(out))
    return pids


def drain_slowly(read_end, workers):
    """Everything the workers write to the pipe, read a little at a time (so that the
    pipe stays full) until they have all exited and the pipe is empty."""
    chunks = []
    reads = 0
    while True:
        ready, _, _ = select.select([read_end], [], [], 0.5)
        if ready:
            chunk = os.read(read_end, 512)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            reads += 1
            if reads % 32 == 0:
                time.sleep(0.0005)
        elif all(worker.poll() is not None for worker in workers):
            # Every writer is gone; only a descendant that kept the pipe open is left.
            return b"".join(chunks)


def share_a_pipe(case, implementation):
    """(whole records, torn lines, records missing or doubled) after PROCESSES workers
    wrote RECORDS each to one pipe, one page large and drained slowly."""
    read_end, write_end = os.pipe()
    try:
        fcntl.fcntl(write_end, F_SETPIPE_SZ, 4096)
        workers = start_workers(case, implementation, write_end)
        os.close(write_end)
        write_end = -1
        data = drain_slowly(read_end, workers)
        pids = finish_workers(workers)
    finally:
        os.close(read_end)
        if write_end >= 0:
            os.close(write_end)
    return shared_log_worker.check_records(data, pids, RECORDS)


@pytest.mark.parametrize("implementation", ["stdlib", "ringwriter"])
@pytest.mark.parametrize("case", PIPE_CASES)
def test_records_whole_on_a_shared_pipe(case, implementation):
    assert share_a_pipe(case, implementation) == (PROCESSES * RECORDS, 0, 0)


@pytest.mark.parametrize("implementation", ["stdlib", "ringwriter"])
@pytest.mark.parametrize("case", FILE_CASES)
def test_records_whole_in_a_shared_regular_file(tmp_path, case, implementation):
    path = tmp_path / "shared.log"
    workers = start_workers(case, implementation, subprocess.DEVNULL, path=path)
    pids = finish_workers(workers)
    whole, torn, wrong = shared_log_worker.check_records(path.read_bytes(), pids, RECORDS)
    assert (whole, torn, wrong) == (PROCESSES * RECORDS, 0, 0)


# -- the write(2) calls ----------------------------------------------------------------

def assert_writes_hold_whole_records(sizes, data):
    """Each write within PIPE_BUF, and the data cut at the writes' ends is cut between
    lines; together they are the data."""
    assert sizes and max(sizes) <= select.PIPE_BUF
    assert sum(sizes) == len(data)
    end = 0
    for size in sizes:
        end += size
        assert data[end - 1:end] == b"\n"


@pytest.mark.parametrize("case", ["stream-stderr", "coalescing-stderr"])
def test_batches_are_filled(case, monkeypatch):
    """Records of 40-400 B: one write(2) holds many, where the stdlib makes one per
    record. Batches are filled greedily (two in a row hold more than PIPE_BUF, else the
    second's first record would have gone in the first), except where the handler hands
    its held records over (every buffer_size characters)."""
    monkeypatch.setenv("SHARED_LOG_RECORD_LENGTHS", "40,400")
    sizes, data, _ = seqpacket_writes(case, "ringwriter", RECORDS)
    assert_writes_hold_whole_records(sizes, data)
    hand_overs = len(data) // 8192 + 1
    assert len(sizes) <= 2 * len(data) / select.PIPE_BUF + hand_overs < RECORDS / 4


@pytest.mark.parametrize("case", ["stream-stderr", "coalescing-stderr"])
def test_each_write_on_a_socket_holds_whole_records(case):
    sizes, data, pid = seqpacket_writes(case, "ringwriter", RECORDS)
    assert_writes_hold_whole_records(sizes, data)
    whole, torn, wrong = shared_log_worker.check_records(data, [pid], RECORDS)
    assert (whole, torn, wrong) == (RECORDS, 0, 0)


def seqpacket_writes(case, implementation, count):
    """The sizes of the write(2) calls one worker makes on a SOCK_SEQPACKET stderr (each
    is one message), their bytes, and the worker's pid."""
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    with ours, theirs:
        worker = subprocess.Popen(
            [sys.executable, WORKER, case, implementation, str(count), "7"],
            stdout=subprocess.PIPE, stderr=theirs.fileno(), stdin=subprocess.DEVNULL,
        )
        theirs.close()
        messages = []
        while True:
            message = ours.recv(1 << 20)
            if not message:
                break
            messages.append(message)
        out, _ = worker.communicate(timeout=60)
        assert worker.returncode == 0
    return [len(message) for message in messages], b"".join(messages), int(out)


STRACE = shutil.which("strace")
# "1234 writev(3<pipe:[5678]>, [...], 2) = 4000": process, descriptor, pipe, bytes written.
WRITE_CALL = re.compile(r"^\d+\s+writev?\((\d+)<pipe:\[(\d+)\]>.*\)\s+=\s+(\d+)$")


@pytest.mark.skipif(STRACE is None, reason="strace is not installed")
@pytest.mark.parametrize("case", PIPE_CASES)
def test_each_write_on_a_pipe_holds_whole_records(tmp_path, case):
    """strace's view of one worker's writes to its stderr pipe (-y names the pipe, so a
    descriptor opened on /dev/stderr counts too)."""
    trace = tmp_path / "trace"
    read_end, write_end = os.pipe()
    pipe_inode = os.fstat(read_end).st_ino
    with os.fdopen(read_end, "rb") as reader:
        worker = subprocess.Popen(
            [STRACE, "-f", "-qq", "-y", "-s", "0", "-e", "trace=write,writev", "-e", "signal=none",
             "-o", str(trace), sys.executable, WORKER, case, "ringwriter", str(RECORDS), "3"],
            stdout=subprocess.PIPE, stderr=write_end, stdin=subprocess.DEVNULL,
        )
        os.close(write_end)
        data = reader.read()
        out, _ = worker.communicate(timeout=60)
    if worker.returncode != 0 and not trace.exists():
        pytest.skip("strace cannot trace here (no ptrace)")
    assert worker.returncode == 0
    sizes = []
    for line in trace.read_text().splitlines():
        match = WRITE_CALL.match(line)
        if match and int(match.group(2)) == pipe_inode:
            sizes.append(int(match.group(3)))
    assert_writes_hold_whole_records(sizes, data)
    whole, torn, wrong = shared_log_worker.check_records(data, [int(out)], RECORDS)
    assert (whole, torn, wrong) == (RECORDS, 0, 0)


if __name__ == "__main__":
    # python tests/test_many_processes.py: the shared pipe's counts for each case, as the
    # README's table shows them (run it on another checkout to compare).
    print(f"{PROCESSES} processes x {RECORDS} records over one pipe: whole, torn, missing or doubled")
    for case in PIPE_CASES:
        for implementation in ("stdlib", "ringwriter"):
            print(f"{case:22} {implementation:11}", *share_a_pipe(case, implementation), flush=True)
