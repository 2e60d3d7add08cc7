"""Threads sharing one writer: every record intact, exactly once, each thread's in order.

8 threads x 20,000 records each (plus writelines and flushes in between) through one
writer, over a file and a pipe (the fd path, where the GIL is released around write(2))
and over Python raws (the portable path), for the stdlib (checking the premise) and
ringwriter alike. A separate test closes the writer while threads are writing.
"""
import io
import os
import re
import threading

import pytest

from differential import FdDrainer
from rawmocks import RecordingRaw, accept

THREADS = 8
RECORDS = 20_000
RECORD = re.compile(rb"<(\d\d):(\d{6}):([a-z]*)>\n")


HANG_GUARD_SECONDS = 120  # conftest.py's hang guard


def record(thread, seq):
    filler = b"abcdefghijklmnopqrstuvwxyz"[: (thread * 7 + seq * 13) % 27]
    if seq % 97 == 0:
        filler *= 40  # now and then a record longer than the small buffers
    return b"<%02d:%06d:%s>\n" % (thread, seq, filler)


def worker(writer, thread, barrier, errors, records=RECORDS):
    try:
        barrier.wait(30)
        seq = 0
        while seq < records:
            if seq % 1000 == 7 and seq + 3 <= records:
                writer.writelines([record(thread, seq), record(thread, seq + 1), record(thread, seq + 2)])
                seq += 3
                continue
            data = record(thread, seq)
            n = writer.write(data)
            assert n == len(data)
            if seq % 4096 == 5:
                writer.flush()
            seq += 1
    except BaseException as error:  # reported by the main thread
        errors.append(error)


def run_threads(writer, records=RECORDS):
    barrier = threading.Barrier(THREADS)
    errors = []
    threads = [threading.Thread(target=worker, args=(writer, t, barrier, errors, records)) for t in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(90)
    assert not any(t.is_alive() for t in threads), "a writer thread hung"
    assert not errors, errors[:3]


def check_records(data, records=RECORDS):
    """Every record intact and exactly once; each thread's records in order."""
    seen = [[] for _ in range(THREADS)]
    position = 0
    for match in RECORD.finditer(data):
        assert match.start() == position, f"garbage or a torn record at byte {position}: {data[position:position + 60]!r}"
        thread, seq = int(match.group(1)), int(match.group(2))
        assert match.group(0) == record(thread, seq), f"record {thread}:{seq} corrupted"
        seen[thread].append(seq)
        position = match.end()
    assert position == len(data), f"trailing garbage at {position}"
    for thread, seqs in enumerate(seen):
        assert seqs == list(range(records)), f"thread {thread}: records lost, doubled or reordered"


def test_8_threads_20k_records_over_a_file(Writer, tmp_path):
    path = tmp_path / "f"
    writer = Writer(io.FileIO(path, "wb"))
    run_threads(writer)
    writer.close()
    check_records(path.read_bytes())


@pytest.mark.parametrize("buffer_size", [1, 100, 8192])
def test_threads_over_a_file(AnyWriter, tmp_path, buffer_size):
    path = tmp_path / "f"
    writer = AnyWriter(io.FileIO(path, "wb"), buffer_size)
    run_threads(writer, 2000)
    writer.close()
    check_records(path.read_bytes(), 2000)


@pytest.mark.parametrize("buffer_size", [7, 8192])
def test_threads_over_a_pipe(Writer, buffer_size):
    r, w = os.pipe()
    reader = FdDrainer(r)
    reader.start()
    try:
        writer = Writer(io.FileIO(w, "wb"), buffer_size)
        records = RECORDS if buffer_size > 1000 else 2000
        run_threads(writer, records)
        writer.close()
        check_records(reader.finish(), records)
    finally:
        os.close(r)


class ListRaw(io.RawIOBase):
    """A Python raw taking at most ``step`` bytes a call (the portable path)."""

    def __init__(self, step):
        super().__init__()
        self.step = step
        self.chunks = []
        self.calls = 0

    def writable(self):
        return True

    def write(self, b):
        self.calls += 1
        n = min(len(b), self.step + self.calls % 3)
        self.chunks.append(bytes(b[:n]))
        return n


@pytest.mark.parametrize("buffer_size", [16, 8192])
@pytest.mark.parametrize("step", [5, 1 << 20])
def test_threads_over_a_python_raw(Writer, buffer_size, step):
    raw = ListRaw(step)
    writer = Writer(raw, buffer_size)
    run_threads(writer, 2000)
    writer.close()
    check_records(b"".join(raw.chunks), 2000)


def test_threads_over_a_recording_raw_with_short_writes(Writer):
    raw = RecordingRaw(default=accept(3))
    writer = Writer(raw, 64)
    run_threads(writer, 500)
    writer.close()
    check_records(raw.data, 500)


@pytest.mark.parametrize("buffer_size", [1, 64, 8192])
def test_close_while_threads_write(Writer, tmp_path, buffer_size):
    """Closing under writing threads: no crash, no torn or doubled record; writes
    after the close fail with the stdlib's ValueError; whatever reached the file is a
    sequence of intact records, each thread's in order."""
    path = tmp_path / "f"
    writer = Writer(io.FileIO(path, "wb"), buffer_size)
    barrier = threading.Barrier(THREADS + 1)
    outcomes = [[] for _ in range(THREADS)]

    def hammer(thread):
        barrier.wait(30)
        for seq in range(5000):
            try:
                writer.write(record(thread, seq))
            except ValueError as error:
                outcomes[thread].append(str(error))
                return
        outcomes[thread].append("finished")

    threads = [threading.Thread(target=hammer, args=(t,)) for t in range(THREADS)]
    for t in threads:
        t.start()
    barrier.wait(30)
    writer.write(b"")
    writer.close()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads)
    assert writer.closed
    for result in outcomes:
        assert result and result[-1] in ("finished", "write to closed file"), result
    data = path.read_bytes()
    seen = [[] for _ in range(THREADS)]
    position = 0
    for match in RECORD.finditer(data):
        assert match.start() == position, f"torn record at {position}"
        assert match.group(0) == record(int(match.group(1)), int(match.group(2)))
        seen[int(match.group(1))].append(int(match.group(2)))
        position = match.end()
    assert position == len(data)
    for seqs in seen:
        assert seqs == list(range(len(seqs))), "a thread's records lost in the middle, doubled or reordered"
