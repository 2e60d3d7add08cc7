"""A memcheck-friendly workout of ringwriter.BufferedWriter, without pytest.

pytest and hypothesis import ``random``, whose seeding goes through ``int.from_bytes``,
which on CPython 3.11 reads uninitialised digits (valgrind reports it for plain
``python -c "import os; int.from_bytes(os.urandom(8), 'little')"``): that noise hides
everything else. This script avoids it, so any memcheck error here is worth reading:

    PYTHONMALLOC=malloc PYTHONPATH=src valgrind --tool=memcheck --error-exitcode=1 \\
        ~/.pyenv/versions/3.11.7/bin/python3.11 tests/valgrind_smoke.py

It exercises the fd path (file, pipe with a reader thread, writev with wrapped rings),
the portable path (short writes, None, BlockingIOError, OSError, invalid lengths),
writelines, TextIOWrapper, detach, close failures, finalization in a cycle, and threads,
and checks every byte.
"""
import errno
import gc
import io
import os
import sys
import threading

import ringwriter

# RINGWRITER_SMOKE_BASELINE=1: the same run with io.BufferedWriter (ringwriter still
# imported), to generate suppressions for the interpreter's own memcheck noise.
W = io.BufferedWriter if os.environ.get("RINGWRITER_SMOKE_BASELINE") else ringwriter.BufferedWriter


def data(n, salt):
    return bytes((i * 31 + salt) & 0xFF for i in range(n))


class Raw(io.RawIOBase):
    def __init__(self, script):
        super().__init__()
        self.script = list(script)
        self.out = bytearray()

    def writable(self):
        return True

    def write(self, b):
        action = self.script.pop(0) if self.script else "all"
        if action == "none":
            return None
        if action == "eio":
            raise OSError(errno.EIO, "injected")
        if action == "block":
            raise BlockingIOError(errno.EAGAIN, "injected", 0)
        if action == "bad":
            return len(b) + 1
        n = len(b) if action == "all" else min(action, len(b))
        self.out += bytes(b[:n])
        return n


def files(tmp):
    for size in (1, 2, 7, 4096, 65536):
        path = os.path.join(tmp, f"f{size}")
        expected = bytearray()
        with W(io.FileIO(path, "wb"), size) as w:
            for i, n in enumerate((0, 1, size - 1, size, size + 1, 3 * size, 5, 70000)):
                chunk = data(n, i)
                expected += chunk
                assert w.write(chunk if i % 2 else bytearray(chunk)) == n
            w.writelines([data(k, k) for k in range(50)])
            for k in range(50):
                expected += data(k, k)
            w.seek(0, 2)
            assert w.tell() == len(expected)
        with open(path, "rb") as f:
            assert f.read() == expected, size


def pipe():
    r, wfd = os.pipe()
    got = bytearray()

    def reader():
        while True:
            chunk = os.read(r, 65536)
            if not chunk:
                return
            got.extend(chunk)

    thread = threading.Thread(target=reader)
    thread.start()
    expected = bytearray()
    w = W(io.FileIO(wfd, "wb"), 1000)
    for i in range(400):
        chunk = data((i * 37) % 3000, i)
        expected += chunk
        w.write(chunk)
    w.close()
    thread.join(60)
    os.close(r)
    assert got == expected


def portable():
    scripts = [[1, 2, 3], ["none", "all"], ["block"], ["eio", "all"], [0, 0, "all"], ["bad"]]
    for script in scripts:
        for size in (1, 3, 16):
            raw = Raw(script)
            w = W(raw, size)
            for i in range(6):
                try:
                    w.write(data(i * 5, i))
                except (BlockingIOError, OSError):
                    pass
            for _ in range(3):
                try:
                    w.flush()
                    break
                except OSError:
                    pass
            try:
                w.close()
            except OSError:
                pass
            assert raw.closed


def text(tmp):
    path = os.path.join(tmp, "t")
    with io.TextIOWrapper(W(io.FileIO(path, "wb"), 64), encoding="utf-16", newline="\r\n", line_buffering=True) as t:
        for i in range(200):
            t.write(f"línea {i}\n" * (i % 4))
    with open(path, "rb") as f:
        assert f.read().decode("utf-16") == "".join(f"línea {i}\r\n" * (i % 4) for i in range(200))


def lifecycle(tmp):
    w = W(Raw([]), 8)
    w.write(b"abc")
    raw = w.detach()
    assert raw.out == b"abc"
    for _ in range(20):
        w = W(io.FileIO(os.path.join(tmp, "c"), "wb"), 32)
        w.write(b"cycle")
        w.cycle = w
        del w
    gc.collect()
    try:
        W(Raw([]), 0)
    except ValueError:
        pass


def threads(tmp):
    path = os.path.join(tmp, "th")
    w = W(io.FileIO(path, "wb"), 100)

    def work(t):
        for i in range(2000):
            w.write(b"<%d:%05d>" % (t, i))

    workers = [threading.Thread(target=work, args=(t,)) for t in range(4)]
    for t in workers:
        t.start()
    for t in workers:
        t.join(120)
    w.close()
    with open(path, "rb") as f:
        blob = f.read()
    for t in range(4):
        assert blob.count(b"<%d:" % t) == 2000


def main():
    # not tempfile: it imports random (see the module docstring)
    tmp = f"/tmp/ringwriter-valgrind-{os.getpid()}"
    os.makedirs(tmp)
    try:
        files(tmp)
        pipe()
        portable()
        text(tmp)
        lifecycle(tmp)
        threads(tmp)
    finally:
        for name in os.listdir(tmp):
            os.unlink(os.path.join(tmp, name))
        os.rmdir(tmp)
    gc.collect()
    print("valgrind_smoke: ok")


if __name__ == "__main__":
    sys.exit(main())
