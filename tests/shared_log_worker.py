"""One of several processes writing records to one destination (test_many_processes.py).

    python shared_log_worker.py CASE IMPLEMENTATION COUNT SEED [PATH]

Writes COUNT records through CASE's writer ("stdlib" or "ringwriter"), then closes it as
a program would at exit. Each record is one line that carries its own checksum (see
``record``); ``check_records`` tells whole ones from torn ones.
"""
import io
import logging
import logging.handlers
import os
import random
import sys
import zlib

import ringwriter
import ringwriter.handlers

# Lengths from 40 B to 3 KiB, all within PIPE_BUF, unless the environment asks for
# others ("40,400"); a few characters beyond ASCII so that the encoded length is not the
# length in characters.
SHORTEST, LONGEST = map(int, os.environ.get("SHARED_LOG_RECORD_LENGTHS", "40,3072").split(","))
ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789 é日"


def record(pid, sequence, rng):
    """One line: ``pid sequence payload crc32``, the checksum over what precedes it."""
    length = rng.randint(SHORTEST, LONGEST)
    payload = "".join(rng.choice(ALPHABET) for _ in range(length // 3))
    body = f"{pid} {sequence} {payload}"
    while len(body.encode()) + 9 < length:
        body += rng.choice("abcdefghij")
    return f"{body} {zlib.crc32(body.encode()):08x}"


def check_records(data, expected_pids, count):
    """(whole records seen once, torn lines, records missing or seen twice)."""
    seen = {}
    torn = 0
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    for line in lines:
        body, _, checksum = line.rpartition(b" ")
        try:
            whole = int(checksum, 16) == zlib.crc32(body) and len(checksum) == 8
            key = tuple(int(field) for field in body.split(b" ", 2)[:2])
        except ValueError:
            whole = False
        if not whole:
            torn += 1
            continue
        seen[key] = seen.get(key, 0) + 1
    expected = {(pid, sequence) for pid in expected_pids for sequence in range(count)}
    wrong = sum(1 for key in expected if seen.get(key) != 1) + sum(1 for key in seen if key not in expected)
    return sum(seen.values()), torn, wrong


def logging_writer(handler):
    logger = logging.getLogger("shared_log_worker")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    handler.setFormatter(logging.Formatter("%(message)s"))
    return logger.info, logging.shutdown


def byte_writer(stream, flush_each):
    def write(line):
        stream.write(line.encode() + b"\n")
        if flush_each:
            stream.flush()
    return write, stream.close


def text_writer(stream):
    def write(line):
        stream.write(line + "\n")
    return write, stream.close


def open_case(case, implementation, path):
    """``(write one record, finish)`` for ``case`` through ``implementation``."""
    ours = implementation == "ringwriter"
    handlers = ringwriter.handlers if ours else logging
    if case == "stream-stderr":
        return logging_writer(handlers.StreamHandler(sys.stderr))
    if case == "file-dev-stderr":
        return logging_writer(handlers.FileHandler("/dev/stderr", encoding="utf-8"))
    if case == "rotating-dev-stderr":
        if ours:
            return logging_writer(ringwriter.handlers.RotatingFileHandler("/dev/stderr", maxBytes=1 << 20,
                                                                          encoding="utf-8"))
        # CPython 3.13.0's shouldRollover asks a pipe its position before it checks for a
        # regular file, and fails every record: with no size limit it does not ask.
        return logging_writer(logging.handlers.RotatingFileHandler("/dev/stderr", encoding="utf-8"))
    if case == "file-append":
        return logging_writer(handlers.FileHandler(path, "a", encoding="utf-8"))
    if case == "open-ab":
        return byte_writer((ringwriter.open if ours else io.open)(path, "ab"), flush_each=False)
    if case == "open-a":
        return text_writer((ringwriter.open if ours else io.open)(path, "a", encoding="utf-8"))
    if case == "coalescing-stderr":
        raw = io.FileIO(os.dup(sys.stderr.fileno()), "w")  # /dev/stderr cannot open a socket
        if ours:
            return byte_writer(ringwriter.CoalescingWriter(raw, flush_interval=0.05), flush_each=True)
        return byte_writer(io.BufferedWriter(raw), flush_each=True)
    raise ValueError(case)


def main(case, implementation, count, seed, path=None):
    rng = random.Random(seed)
    write, finish = open_case(case, implementation, path)
    pid = os.getpid()
    for sequence in range(count):
        write(record(pid, sequence, rng))
    finish()
    print(pid, file=sys.stdout, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), *sys.argv[5:])
