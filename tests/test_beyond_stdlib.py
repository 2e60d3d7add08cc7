"""What ringwriter adds to io.BufferedWriter: sync(), pending, stats, and bytes that are
neither lost at exit nor written twice after fork()."""
import io
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading

import pytest

import ringwriter
from differential import EXIT_DATA, run_exit_scenario
from rawmocks import ScriptedRaw, accept, would_block

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="the platform has no fork()")
# Forking with threads alive is what these tests are about (the lifecycle's flusher thread,
# a thread holding the writer's lock): 3.12+ warns about exactly that.
forks_with_threads = pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")


def file_writer(tmp_path, buffer_size=64, name="out"):
    path = tmp_path / name
    return path, ringwriter.BufferedWriter(io.FileIO(path, "w"), buffer_size)


# -- pending and stats --------------------------------------------------------------


def test_pending_counts_buffered_bytes(tmp_path):
    path, writer = file_writer(tmp_path, buffer_size=10)
    assert writer.pending == 0
    writer.write(b"abcd")
    assert writer.pending == 4
    writer.write(b"efghijklmn")  # does not fit: pending and payload leave together
    assert (writer.pending, path.read_bytes()) == (0, b"abcdefghijklmn")
    writer.write(b"xy")
    writer.flush()
    assert writer.pending == 0
    writer.close()


def test_stats_count_every_byte_and_call(tmp_path):
    path, writer = file_writer(tmp_path, buffer_size=16)
    writer.write(b"a" * 10)                      # copied
    writer.write(b"b" * 40)                      # writev(ring, payload): zero copy
    writer.writelines([b"c" * 5, b"d" * 5])      # copied
    writer.flush()                               # one more write
    writer.flush()                               # nothing to do: not counted
    stats = writer.stats
    assert stats == ringwriter.WriterStats(
        write_calls=4, bytes_copied=20, bytes_zero_copy=40, raw_writes=2, flushes=1,
        largest_pending=10,
    )
    assert stats.bytes_accepted == 60 == path.stat().st_size
    writer.close()


def test_stats_is_an_immutable_snapshot(tmp_path):
    _, writer = file_writer(tmp_path)
    before = writer.stats
    writer.write(b"x")
    assert before.write_calls == 0 and writer.stats.write_calls == 1
    with pytest.raises(AttributeError):
        before.write_calls = 5
    writer.close()


def test_stats_on_the_portable_path_count_raw_write_calls():
    raw = ScriptedRaw([accept(3), accept(3), would_block()])
    writer = ringwriter.BufferedWriter(raw, 8)
    writer.write(b"12345678")
    with pytest.raises(BlockingIOError):
        writer.flush()
    assert writer.stats.raw_writes == len([c for c in raw.calls if c[0] == "write"]) == 3
    assert writer.pending == 2


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed")
def test_raw_writes_equal_the_system_calls_strace_counts(tmp_path):
    script = textwrap.dedent(
        """
        import io, os, sys, ringwriter
        w = ringwriter.BufferedWriter(io.FileIO(sys.argv[1], "w"), 100)
        for size in [1, 50, 99, 200, 7, 1000, 3] * 20:
            w.write(b"x" * size)
        w.writelines([b"y" * 30] * 50)
        w.flush()
        os.write(2, b"RAW_WRITES=%d\\n" % w.stats.raw_writes)
        w.close()
        """
    )
    trace = tmp_path / "trace"
    result = subprocess.run(
        ["strace", "-f", "-e", "trace=write,writev", "-o", str(trace), sys.executable, "-c",
         script, str(tmp_path / "out")],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    reported = int(result.stderr.split("RAW_WRITES=")[1].split()[0])
    out_fd_calls = [
        line for line in trace.read_text().splitlines()
        if ("write(3," in line or "writev(3," in line)
    ]
    assert reported == len(out_fd_calls) > 0


# -- sync ---------------------------------------------------------------------------


def test_sync_on_a_file_flushes_then_fsyncs(tmp_path, monkeypatch):
    path, writer = file_writer(tmp_path)
    synced = []
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(("fsync", path.stat().st_size)))
    monkeypatch.setattr(os, "fdatasync", lambda fd: synced.append(("fdatasync", path.stat().st_size)),
                        raising=False)
    writer.write(b"durable")
    writer.sync()
    writer.write(b"!")
    writer.sync(data_only=True)
    expected_data_only = "fdatasync" if hasattr(os, "fdatasync") else "fsync"
    assert synced == [("fsync", 7), (expected_data_only, 8)]
    writer.close()


def test_sync_on_a_file_really_fsyncs(tmp_path):
    path, writer = file_writer(tmp_path)
    writer.write(b"on disk")
    writer.sync()
    assert path.read_bytes() == b"on disk" and writer.pending == 0
    writer.close()


def test_sync_on_a_pipe_is_a_flush():
    read_end, write_end = os.pipe()
    writer = ringwriter.BufferedWriter(io.FileIO(write_end, "w"))
    writer.write(b"through the pipe")
    writer.sync()
    assert os.read(read_end, 100) == b"through the pipe"
    writer.close()
    os.close(read_end)


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="no ptys here")
def test_sync_on_a_tty_drains_it(monkeypatch):
    import termios
    import tty

    master, slave = os.openpty()
    tty.setraw(slave)
    drained = []
    real_tcdrain = termios.tcdrain
    monkeypatch.setattr(termios, "tcdrain", lambda fd: drained.append(fd) or real_tcdrain(fd))
    writer = ringwriter.BufferedWriter(io.FileIO(slave, "w"))
    writer.write(b"on the wire")
    writer.sync()
    assert drained == [slave]
    assert os.read(master, 100) == b"on the wire"
    writer.close()
    os.close(master)


def test_sync_on_a_raw_without_descriptor_calls_raw_flush():
    raw = ScriptedRaw()
    writer = ringwriter.BufferedWriter(raw)
    writer.write(b"abc")
    writer.sync()
    assert raw.data == b"abc"
    assert [call[0] for call in raw.calls if call[0] in ("write", "flush")] == ["write", "flush"]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full here")
def test_sync_propagates_the_flush_error_and_keeps_the_bytes():
    writer = ringwriter.BufferedWriter(io.FileIO("/dev/full", "w"))
    writer.write(b"lost?")
    with pytest.raises(OSError) as error:
        writer.sync()
    assert error.value.errno == 28 and writer.pending == 5
    with pytest.raises(OSError):
        writer.close()
    assert writer.closed


def test_sync_on_a_closed_writer_raises_like_flush(tmp_path):
    _, writer = file_writer(tmp_path)
    writer.close()
    with pytest.raises(ValueError, match="flush of closed file"):
        writer.sync()


# -- fork ---------------------------------------------------------------------------


def run_fork_scenario(writer_class, path):
    """Buffer a line, fork, let the child write and flush its own line, then the parent."""
    writer = writer_class(io.FileIO(path, "w"))
    writer.write(b"parent before fork\n")
    pid = os.fork()
    if pid == 0:
        try:
            writer.write(b"child\n")
            writer.flush()
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    writer.write(b"parent after fork\n")
    writer.close()
    return path.read_bytes()


@needs_fork
@forks_with_threads
def test_fork_never_writes_the_parents_bytes_twice(tmp_path):
    stdlib = run_fork_scenario(io.BufferedWriter, tmp_path / "stdlib")
    ours = run_fork_scenario(ringwriter.BufferedWriter, tmp_path / "ours")
    assert stdlib.count(b"parent before fork") == 2  # the stdlib's known duplication
    assert ours == b"parent before fork\nchild\nparent after fork\n"


@needs_fork
@forks_with_threads
def test_a_child_forked_while_another_thread_holds_the_lock_can_still_write(tmp_path):
    """The lock copied into the child may be held by a thread that does not exist there."""
    read_end, write_end = os.pipe()
    blocked = threading.Event()
    release = threading.Event()

    class Gate(io.RawIOBase):
        def writable(self):
            return True

        def write(self, b):
            blocked.set()
            release.wait(10)
            return len(b)

    gated = ringwriter.BufferedWriter(Gate(), 4)
    thread = threading.Thread(target=gated.write, args=(b"0123456789",))
    thread.start()
    assert blocked.wait(10)
    pid = os.fork()
    if pid == 0:
        try:
            signal.alarm(20)  # a deadlock kills the child; the parent then reads EOF
            release.set()  # this process's copy of the event: let the raw accept
            gated.write(b"abcdefgh")  # would deadlock on a lock held by the vanished thread
            os.write(write_end, b"ok")
        finally:
            os._exit(0)
    os.close(write_end)
    release.set()
    thread.join(10)
    os.waitpid(pid, 0)
    assert os.read(read_end, 10) == b"ok"
    os.close(read_end)


@needs_fork
@forks_with_threads
def test_multiprocessing_fork_does_not_duplicate(tmp_path):
    path = tmp_path / "mp"
    writer = ringwriter.BufferedWriter(io.FileIO(path, "w"))
    writer.write(b"parent\n")
    context = multiprocessing.get_context("fork")
    process = context.Process(target=writer.flush)  # the child flushes what it inherited
    process.start()
    process.join(30)
    writer.close()
    assert path.read_bytes() == b"parent\n"


# -- interpreter exit ---------------------------------------------------------------

# differential.EXIT_SCENARIOS: plain, in a cycle with its raw, a module global in a
# cycle, only in a class attribute.
LOST_BY_NOTHING_AT_EXIT = ["global", "global-cycle-through-raw", "global-in-a-self-cycle", "only-in-a-class-attribute"]


@pytest.mark.parametrize("scenario", LOST_BY_NOTHING_AT_EXIT)
def test_nothing_buffered_is_lost_at_exit(tmp_path, scenario):
    code, data, err = run_exit_scenario(ringwriter.BufferedWriter, scenario, tmp_path / "exit.out", buffer_size=8192)
    assert code == 0, err
    assert data == EXIT_DATA
