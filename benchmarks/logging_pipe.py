"""Records per second through handlers over a pipe, the stdlib's beside ringwriter's.

    python benchmarks/logging_pipe.py [--rounds 7] [--records 20000]

What a container logs through: ``StreamHandler(sys.stderr)`` and ``FileHandler("/dev/stderr")``
with stderr a pipe (drained here by a reader thread as fast as it can), and the same
handlers on a regular file for comparison. Over the pipe ringwriter's handlers hand the
kernel writes of at most ``PIPE_BUF`` bytes cut at record boundaries (README: "Many
processes, one log"); on the file, batches of the buffer's size.

One interleaved run: every round runs each configuration once, in a fresh process, in
a new order; a sample is the time of ``--records`` calls of ``log.info(...)`` with
arguments and the format of ``logging_workloads.FORMAT``, the handler's close included.
Prints, per configuration, the median records/s with the spread (lowest-highest) over
the rounds, and each ringwriter row's ratio of medians over the stdlib's.
"""
import argparse
import logging
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time

from logging_workloads import FORMAT

CONFIGURATIONS = {
    "logging.StreamHandler(sys.stderr), pipe": ("logging", "stream"),
    "ringwriter.handlers.StreamHandler(sys.stderr), pipe": ("ringwriter", "stream"),
    'logging.FileHandler("/dev/stderr"), pipe': ("logging", "dev-stderr"),
    'ringwriter.handlers.FileHandler("/dev/stderr"), pipe': ("ringwriter", "dev-stderr"),
    "logging.FileHandler, regular file": ("logging", "file"),
    "ringwriter.handlers.FileHandler, regular file": ("ringwriter", "file"),
}


def sample(implementation: str, destination: str, records: int, path: str) -> float:
    """Seconds for ``records`` records through one handler (in this process)."""
    if implementation == "ringwriter":
        import ringwriter.handlers as handlers
    else:
        handlers = logging  # type: ignore[assignment]
    if destination == "stream":
        handler: logging.Handler = handlers.StreamHandler(sys.stderr)
    else:
        handler = handlers.FileHandler("/dev/stderr" if destination == "dev-stderr" else path)
    handler.setFormatter(logging.Formatter(FORMAT))
    log = logging.getLogger("app")
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    start = time.perf_counter()
    for i in range(records):
        log.info("request %d served in %.3f ms", i, 1.5)
    handler.close()
    return time.perf_counter() - start


def run_sample(name: str, records: int, directory: str) -> float:
    """One sample of ``name`` in a fresh process whose stderr is a drained pipe."""
    log_file = os.path.join(directory, "app.log")
    if os.path.exists(log_file):
        os.unlink(log_file)
    read_end, write_end = os.pipe()
    drained = threading.Thread(target=_drain, args=(read_end,))
    drained.start()
    try:
        out = subprocess.run(
            [sys.executable, __file__, "--sample", name, "--records", str(records), "--path", log_file],
            stdout=subprocess.PIPE, stderr=write_end, stdin=subprocess.DEVNULL, check=True, text=True,
        ).stdout
    finally:
        os.close(write_end)
        drained.join()
    return float(out)


def _drain(read_end: int) -> None:
    with os.fdopen(read_end, "rb", buffering=0) as pipe:
        while pipe.read(1 << 16):
            pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--records", type=int, default=20000)
    parser.add_argument("--sample", help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.sample:
        print(sample(*CONFIGURATIONS[arguments.sample], arguments.records, arguments.path))
        return
    rates = {name: [] for name in CONFIGURATIONS}
    order = list(CONFIGURATIONS)
    rng = random.Random(0)
    with tempfile.TemporaryDirectory() as directory:
        for _ in range(arguments.rounds):
            rng.shuffle(order)
            for name in order:
                rates[name].append(arguments.records / run_sample(name, arguments.records, directory))
    print(f"CPython {sys.version.split()[0]}, {arguments.rounds} rounds of {arguments.records} records, "
          f"load {os.getloadavg()[0]:.2f}")
    print(f"{'configuration':58} {'records/s (median, low-high)':>30} {'vs stdlib':>10}")
    medians = {name: statistics.median(values) for name, values in rates.items()}
    for name, values in rates.items():
        implementation, destination = CONFIGURATIONS[name]
        baseline = next(other for other, config in CONFIGURATIONS.items() if config == ("logging", destination))
        ratio = f"{medians[name] / medians[baseline]:.2f}x"
        print(f"{name:58} {medians[name]:>12,.0f} ({min(values):,.0f}-{max(values):,.0f}) {ratio:>10}")


if __name__ == "__main__":
    main()
