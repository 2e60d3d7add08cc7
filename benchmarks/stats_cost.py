"""What the ``stats`` counters cost on 32-byte writes: the extension as shipped beside
the same source with every counter update removed, built the same way.

    python benchmarks/stats_cost.py [--writes N] [--repeat R]

Both variants are compiled from ``src/ringwriter/_writer.pyx`` into a temporary
directory with ``cythonize -i`` (the same compiler and flags). Two measurements:

- instructions per write, counted by ``valgrind --tool=callgrind`` (reproducible on a
  noisy machine): a run of N writes minus a run of none, divided by N;
- ns per write, best of R timed runs, the two variants taking turns.

The counters are plain C integers; the removal is textual (``pass`` for the ``+=`` lines and the
largest-pending update), so a change to the source that this script cannot undo makes
it fail rather than measure something else.
"""
import argparse
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
from typing import Dict

REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE = os.path.join(REPOSITORY, "src", "ringwriter", "_writer.pyx")
COUNTER_UPDATE = re.compile(
    r"^( *)self\._(write_calls|bytes_copied|bytes_zero_copy|raw_writes|flushes) \+= .*\n", re.M)
LARGEST_PENDING_UPDATE = re.compile(
    r"^( *)if self\._count > self\._largest_pending:\n *self\._largest_pending = self\._count\n", re.M)
COUNTER_UPDATES_EXPECTED = 10

# Run in a child: ``CHILD_SCRIPT <variant dir> <writes> <timed: 0/1>``.
CHILD_SCRIPT = """
import io, os, sys, tempfile, time
sys.path.insert(0, sys.argv[1])
import _writer
writes, timed = int(sys.argv[2]), sys.argv[3] == "1"
payload = b"x" * 31 + b"\\n"
directory = tempfile.mkdtemp()
writer = _writer.BufferedWriter(io.FileIO(os.path.join(directory, "out"), "w"))

def run(write, payload, writes):
    start = time.perf_counter()
    for _ in range(writes):
        write(payload)
    return time.perf_counter() - start

elapsed = run(writer.write, payload, writes)
writer.close()
os.unlink(os.path.join(directory, "out"))
os.rmdir(directory)
if timed:
    print(elapsed * 1e9 / writes)
"""


def without_counters(source: str) -> str:
    """``source`` with every counter update replaced by ``pass`` (a block may hold
    nothing else)."""
    stripped, updates = COUNTER_UPDATE.subn(r"\1pass\n", source)
    stripped, largest = LARGEST_PENDING_UPDATE.subn(r"\1pass\n", stripped)
    if updates != COUNTER_UPDATES_EXPECTED or largest != 1:
        raise SystemExit(f"expected {COUNTER_UPDATES_EXPECTED} counter updates and 1 largest-pending"
                         f" update in {SOURCE}, found {updates} and {largest}: update this script")
    return stripped


def build(directory: str, source: str) -> str:
    os.makedirs(directory)
    with open(os.path.join(directory, "_writer.pyx"), "w") as pyx:
        pyx.write(source)
    subprocess.run([sys.executable, "-m", "Cython.Build.Cythonize", "-i", "-q", "_writer.pyx"],
                   cwd=directory, check=True, stdout=subprocess.DEVNULL)
    return directory


def instructions(variant: str, writes: int) -> int:
    """Instructions callgrind counts for a child making ``writes`` writes."""
    with tempfile.NamedTemporaryFile(suffix=".callgrind") as out:
        result = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out.name}",
             sys.executable, "-c", CHILD_SCRIPT, variant, str(writes), "0"],
            capture_output=True, text=True, check=True,
            env=dict(os.environ, PYTHONHASHSEED="0"))  # the same dict probes in every run
    return int(re.search(r"Collected : (\d+)", result.stderr).group(1))


def ns_per_write(variant: str, writes: int) -> float:
    result = subprocess.run([sys.executable, "-c", CHILD_SCRIPT, variant, str(writes), "1"],
                            capture_output=True, text=True, check=True)
    return float(result.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writes", type=int, default=1_000_000, help="writes per timed run")
    parser.add_argument("--callgrind-writes", type=int, default=100_000, help="writes under callgrind")
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per variant; the best counts")
    args = parser.parse_args()

    with open(SOURCE) as pyx:
        shipped = pyx.read()
    work = tempfile.mkdtemp(prefix="ringwriter-stats-cost-")
    try:
        variants = {
            "with counters (as shipped)": build(os.path.join(work, "with"), shipped),
            "without counters": build(os.path.join(work, "without"), without_counters(shipped)),
        }
        per_write: Dict[str, float] = {}
        if shutil.which("valgrind"):
            for name, variant in variants.items():
                baseline = instructions(variant, 0)
                per_write[name] = (instructions(variant, args.callgrind_writes) - baseline) / args.callgrind_writes
        best = {name: float("inf") for name in variants}
        for _ in range(args.repeat):
            for name, variant in variants.items():
                best[name] = min(best[name], ns_per_write(variant, args.writes))
    finally:
        shutil.rmtree(work)

    print(f"32-byte writes into a {io.DEFAULT_BUFFER_SIZE} B buffer on a regular file, Python {sys.version.split()[0]}\n")
    print("| variant | instructions per write (callgrind) | ns per write (best of %d) |" % args.repeat)
    print("|---|---:|---:|")
    for name in variants:
        counted = f"{per_write[name]:.1f}" if name in per_write else "n/a (no valgrind)"
        print(f"| {name} | {counted} | {best[name]:.1f} |")
    with_name, without_name = variants
    if per_write:
        print(f"\ncounters' cost in instructions: "
              f"{per_write[with_name] / per_write[without_name] - 1:+.1%}")
    print(f"counters' cost in time: {best[with_name] / best[without_name] - 1:+.1%}"
          " (noisier: compare several runs)")


if __name__ == "__main__":
    main()
