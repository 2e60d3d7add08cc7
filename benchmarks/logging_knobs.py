"""What each logging knob costs: time and instructions per record, by configuration.

    python -m pip install ".[bench]"
    python benchmarks/logging_knobs.py [--update-readme] [--no-instructions]

Logs ``RECORDS`` records of "user %s did %d things" (format ``FORMAT``) through a no-op
handler (the stdlib's logger, record and dispatch), ``logging.FileHandler``,
``ringwriter.handlers.FileHandler``, and both ``StreamHandler`` classes over a file the
program opened, under each configuration of ``CONFIGURATIONS``:
the stdlib's defaults, its documented switches (``logging.logThreads``,
``logProcesses``, ``logMultiprocessing``, ``logAsyncioTasks``; ``logging._srcfile =
None`` for the caller lookup, as the logging HOWTO's "Optimization" section says),
ringwriter's compiled record factory, all of them together, and
``ringwriter.records.install()`` (the compiled logger with the compiled factory). Every (configuration,
handler) pair runs in a process of its own, ``REPEATS`` times, interleaved; the time
is the best run's (the least disturbed by other work on the machine). Instructions
are counted by callgrind (valgrind) as the difference between two run lengths, which
the machine's load does not move; ``--no-instructions`` skips them. Then the floor,
measured the same way step by step (``FLOOR_STEPS``): a logger call that returns at
once, a record made, its bytes copied; what no logging stack can go below.

Writes ``benchmarks/results/cpython-3.X/logging-knobs.md`` and ``.json``;
``--update-readme`` also puts the table in the README's section for this Python.
Takes about 4 minutes on 2 cores (1 without instructions).

``--json``: the same, for JSON lines (``JSON_SUITE``): "request %d served in %.3f ms"
with two extras, through python-json-logger's JsonFormatter, OrjsonFormatter and
MsgspecFormatter (``JSON_FORMAT``) on ``logging.FileHandler`` and on
``ringwriter.handlers.FileHandler``, with the stdlib's logger and with
``ringwriter.records.install()``; the speed-ups are over ``logging.FileHandler`` with
JsonFormatter. A formatter whose module is missing is left out. Writes
``logging-json.md`` and ``.json``.
"""
import argparse
import io
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from importlib import import_module
from typing import Any, Callable, Dict, List, NamedTuple, Optional, Tuple

import ringwriter
import ringwriter.handlers
import ringwriter.records

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
RECORDS = 20_000
REPEATS = 5
# The two run lengths whose difference callgrind counts (startup cancels out).
INSTRUCTION_RECORDS = (2_000, 6_000)
SCRIPT = "benchmarks/logging_knobs.py"
README_KIND = "logging knobs"


class NoOpHandler(logging.Handler):
    """The floor: dispatch, filter and lock, but emit does nothing."""

    def emit(self, record: logging.LogRecord) -> None:
        """Nothing."""


HANDLERS: Dict[str, Callable[[str], logging.Handler]] = {
    "no-op handler (floor)": lambda path: NoOpHandler(),
    "logging.FileHandler": logging.FileHandler,
    "ringwriter.handlers.FileHandler": ringwriter.handlers.FileHandler,
    # A stream the program opened (as a container's stderr is), a regular file here.
    "logging.StreamHandler": lambda path: logging.StreamHandler(open(path, "w")),
    "ringwriter.handlers.StreamHandler": lambda path: ringwriter.handlers.StreamHandler(open(path, "w")),
}
BASELINE = "logging.FileHandler"
# What each handler's speed-up is taken against: the stdlib's handler of its kind.
COUNTERPART = {"ringwriter.handlers.FileHandler": "logging.FileHandler",
               "ringwriter.handlers.StreamHandler": "logging.StreamHandler"}
JSON_FORMAT = FORMAT
# python-json-logger's formatters: the module and class, and the module each needs.
JSON_FORMATTERS = {
    "JsonFormatter": ("pythonjsonlogger.json", "JsonFormatter", "pythonjsonlogger"),
    "OrjsonFormatter": ("pythonjsonlogger.orjson", "OrjsonFormatter", "orjson"),
    "MsgspecFormatter": ("pythonjsonlogger.msgspec", "MsgspecFormatter", "msgspec"),
}


def _switches_off() -> None:
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    logging.logAsyncioTasks = False  # 3.12+; an unused attribute before


def _caller_lookup_off() -> None:
    logging._srcfile = None  # type: ignore[attr-defined]


def _compiled_records() -> None:
    logging.setLogRecordFactory(ringwriter.records.make_log_record)


def _compiled_logger() -> None:
    ringwriter.records.install()


class Configuration(NamedTuple):
    name: str
    apply: Callable[[], None]


class Suite(NamedTuple):
    """One table: its configurations and handlers (each made with its formatter set),
    the one logging call each record is, the column the speed-ups are over and where
    the results go."""

    name: str
    configurations: Tuple[Configuration, ...]
    handlers: Dict[str, Callable[[str], logging.Handler]]
    log: Callable[[Callable[..., Any]], None]
    baseline: str
    results: str
    readme_kind: str


CONFIGURATIONS = (
    Configuration("stdlib defaults", lambda: None),
    Configuration("logThreads, logProcesses, logMultiprocessing, logAsyncioTasks = False", _switches_off),
    Configuration("logging._srcfile = None (no caller lookup)", _caller_lookup_off),
    Configuration("logging.setLogRecordFactory(ringwriter.records.make_log_record)", _compiled_records),
    Configuration("all three", lambda: (_switches_off(), _caller_lookup_off(), _compiled_records())),
    Configuration("ringwriter.records.install() (the compiled logger and record factory)", _compiled_logger),
)


def _formatted(make_handler: Callable[[str], logging.Handler],
               make_formatter: Callable[[], logging.Formatter]) -> Callable[[str], logging.Handler]:
    def make(path: str) -> logging.Handler:
        handler = make_handler(path)
        handler.setFormatter(make_formatter())
        return handler

    return make


def _json_formatter(name: str) -> Callable[[], logging.Formatter]:
    module, class_name, _ = JSON_FORMATTERS[name]
    return lambda: getattr(import_module(module), class_name)(JSON_FORMAT)


def _available(required: str) -> bool:
    try:
        import_module(required)
    except ImportError:
        return False
    return True


def _json_handlers() -> Dict[str, Callable[[str], logging.Handler]]:
    handlers = {"no-op handler (floor)": _formatted(lambda path: NoOpHandler(), _json_formatter("JsonFormatter"))}
    for formatter, (_, _, required) in JSON_FORMATTERS.items():
        if _available(required):
            for name in ("logging.FileHandler", "ringwriter.handlers.FileHandler"):
                handlers[f"{name} + {formatter}"] = _formatted(HANDLERS[name], _json_formatter(formatter))
    return handlers


def _log_plain(info: Callable[..., Any]) -> None:
    info("user %s did %d things", "alice", 42)


def _log_request(info: Callable[..., Any]) -> None:
    info("request %d served in %.3f ms", 1234, 1.5, extra={"path": "/api/v1/items", "status": 200})


SUITE = Suite("plain", CONFIGURATIONS, {name: _formatted(make, lambda: logging.Formatter(FORMAT))
                                        for name, make in HANDLERS.items()},
              _log_plain, BASELINE, "logging-knobs", README_KIND)
JSON_SUITE = Suite("json", (CONFIGURATIONS[0], CONFIGURATIONS[-1]), _json_handlers() if _available("pythonjsonlogger")
                   else {}, _log_request, f"{BASELINE} + JsonFormatter", "logging-json", "logging json")
SUITES = {suite.name: suite for suite in (SUITE, JSON_SUITE)}


def _logger_with(handler: logging.Handler) -> logging.Logger:
    logger = logging.getLogger("app")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    return logger


def run_worker(suite: Suite, configuration: str, handler: str, records: int) -> float:
    """Set up one configuration and handler, log ``records`` records; the seconds taken."""
    next(c for c in suite.configurations if c.name == configuration).apply()
    directory = tempfile.mkdtemp()
    try:
        made = suite.handlers[handler](os.path.join(directory, "app.log"))
        info = _logger_with(made).info
        log = suite.log
        # Outside the timing: ringwriter's first JsonFormatter record runs the probe (once
        # per process, some 70 records formatted by the library and by the renderer).
        made.format(logging.makeLogRecord({"msg": "before the clock"}))
        start = time.perf_counter()
        for _ in range(records):
            log(info)
        made.close()  # the buffered handler's last write belongs to its cost
        return time.perf_counter() - start
    finally:
        shutil.rmtree(directory)


# The floor, step by step: what a record costs at the least, each step alone, with
# the same message and arguments. Each returns the seconds ``records`` of it took.
def _call_below_the_level(logger_class: Any, records: int) -> float:
    logging.setLoggerClass(logger_class)
    debug = _logger_with(NoOpHandler()).debug
    start = time.perf_counter()
    for _ in range(records):
        debug("user %s did %d things", "alice", 42)
    return time.perf_counter() - start


def _record_made(records: int) -> float:
    make = ringwriter.records.make_log_record
    args = ("alice", 42)
    start = time.perf_counter()
    for line in range(records):
        make("app", logging.INFO, __file__, line, "user %s did %d things", args, None)
    return time.perf_counter() - start


def _bytes_copied(records: int) -> float:
    line = b"2026-12-03 10:19:00,123 INFO app user alice did 42 things\n"
    with tempfile.TemporaryFile() as file, ringwriter.BufferedWriter(io.FileIO(file.fileno(), "w", closefd=False)) as out:
        write = out.write
        start = time.perf_counter()
        for _ in range(records):
            write(line)
        return time.perf_counter() - start


FLOOR_STEPS: Dict[str, Callable[[int], float]] = {
    "log.debug() below the level, logging.Logger": lambda records: _call_below_the_level(logging.Logger, records),
    "log.debug() below the level, ringwriter.records.Logger (a call that returns at once)":
        lambda records: _call_below_the_level(ringwriter.records.Logger, records),
    "a record made (ringwriter.records.make_log_record)": _record_made,
    "its 58 bytes copied (ringwriter.BufferedWriter.write)": _bytes_copied,
}
# The steps whose sum is the least a record costs.
FLOOR_SUM = list(FLOOR_STEPS)[1:]


def _worker_command(suite: Suite, configuration: str, handler: str, records: int) -> List[str]:
    return [sys.executable, os.path.abspath(__file__), "--worker", suite.name, configuration, handler, str(records)]


def _floor_command(step: str, records: int) -> List[str]:
    return [sys.executable, os.path.abspath(__file__), "--floor-step", step, str(records)]


def measure_time(command: Callable[[int], List[str]]) -> float:
    """Microseconds per record: one worker process's run of ``command(records)``."""
    output = subprocess.run(command(RECORDS), check=True, capture_output=True, text=True).stdout
    return float(output) / RECORDS * 1e6


def measure_instructions(command: Callable[[int], List[str]]) -> float:
    """Instructions per record, by callgrind: the difference of two run lengths."""
    counts = []
    for records in INSTRUCTION_RECORDS:
        result = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"] + command(records),
                                check=True, capture_output=True, text=True)
        collected = [line for line in result.stderr.splitlines() if "Collected" in line]
        counts.append(int(collected[-1].split()[-1]))
    return (counts[1] - counts[0]) / (INSTRUCTION_RECORDS[1] - INSTRUCTION_RECORDS[0])


def _pair(suite: Suite, configuration: str, handler: str) -> Callable[[int], List[str]]:
    return lambda records: _worker_command(suite, configuration, handler, records)


def _step(name: str) -> Callable[[int], List[str]]:
    return lambda records: _floor_command(name, records)


def table(suite: Suite, times: Dict[str, Dict[str, float]],
          instructions: Optional[Dict[str, Dict[str, float]]]) -> List[str]:
    """The README's table: per configuration, µs (and instructions) per record for each
    handler, and each handler's speed-up over the stdlib's of its kind (the baseline for
    the others) with the defaults."""
    defaults = suite.configurations[0].name
    columns = list(suite.handlers)
    compared = {name: COUNTERPART.get(name, suite.baseline) for name in columns if name not in COUNTERPART.values()}
    head = ["configuration"] + [f"{name}: µs/record" for name in columns]
    head += [f"{name}: vs {counterpart}, defaults" for name, counterpart in compared.items()]
    if instructions is not None:
        head += [f"{name}: instructions/record" for name in columns]
        head += [f"{name}: instructions vs {counterpart}, defaults" for name, counterpart in compared.items()]
    lines = ["| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 1)]
    for configuration in suite.configurations:
        row = [configuration.name] + [f"{times[configuration.name][name]:.2f}" for name in columns]
        row += [f"{times[defaults][counterpart] / times[configuration.name][name]:.2f}x"
                for name, counterpart in compared.items()]
        if instructions is not None:
            counts = instructions[configuration.name]
            row += [f"{counts[name]:,.0f}" for name in columns]
            row += [f"{instructions[defaults][counterpart] / counts[name]:.2f}x" for name, counterpart in compared.items()]
        lines.append("| " + " | ".join(row) + " |")
    return lines


def floor_table(times: Dict[str, float], instructions: Optional[Dict[str, float]],
                file_handler: Dict[str, float]) -> List[str]:
    """The floor, step by step, their sum, and ringwriter's FileHandler under install()
    against it."""
    installed = CONFIGURATIONS[-1].name
    lines = ["| step | µs/record | instructions/record |", "|---|---:|---:|"]

    def row(name: str, seconds: float, count: Optional[float]) -> str:
        return f"| {name} | {seconds:.2f} | {'—' if count is None else f'{count:,.0f}'} |"

    lines += [row(name, times[name], None if instructions is None else instructions[name]) for name in FLOOR_STEPS]
    lines.append(row("**the floor: the last three together**", sum(times[name] for name in FLOOR_SUM),
                     None if instructions is None else sum(instructions[name] for name in FLOOR_SUM)))
    lines.append(row(f"ringwriter.handlers.FileHandler, {installed}", file_handler["time"], file_handler.get("instructions")))
    return lines


def long_table(suite: Suite, times: Dict[str, Dict[str, float]],
               instructions: Optional[Dict[str, Dict[str, float]]]) -> List[str]:
    """The same numbers, a row per (configuration, handler): for a suite of many handlers."""
    baseline = times[suite.configurations[0].name][suite.baseline]
    head = ["configuration", "handler + formatter", "µs/record", f"vs {suite.baseline}, defaults"]
    if instructions is not None:
        head += ["instructions/record", "instructions vs baseline"]
    base_instructions = instructions[suite.configurations[0].name][suite.baseline] if instructions else 0.0
    lines = ["| " + " | ".join(head) + " |", "|---|---|" + "---:|" * (len(head) - 2)]
    for configuration in suite.configurations:
        for name in suite.handlers:
            micros = times[configuration.name][name]
            row = [configuration.name, name, f"{micros:.2f}", f"{baseline / micros:.2f}x"]
            if instructions is not None:
                count = instructions[configuration.name][name]
                row += [f"{count:,.0f}", f"{base_instructions / count:.2f}x"]
            lines.append("| " + " | ".join(row) + " |")
    return lines


def main() -> None:
    """Measure every configuration and handler; write the results (and the README)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--worker", nargs=4, metavar=("SUITE", "CONFIGURATION", "HANDLER", "RECORDS"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--floor-step", nargs=2, metavar=("STEP", "RECORDS"), help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help="JSON lines through python-json-logger's formatters")
    parser.add_argument("--update-readme", action="store_true")
    parser.add_argument("--no-instructions", action="store_true", help="do not count instructions (no valgrind)")
    args = parser.parse_args()
    if args.worker:
        suite_name, configuration, handler, records = args.worker
        print(run_worker(SUITES[suite_name], configuration, handler, int(records)))
        return
    if args.floor_step:
        step, records = args.floor_step
        print(FLOOR_STEPS[step](int(records)))
        return
    # Not at the top: a worker (and the tests, which run workers) needs no pyperf.
    from common import PYTHON, RESULTS_DIR, update_readme

    suite = JSON_SUITE if args.json else SUITE
    started = time.monotonic()
    best: Dict[str, Dict[str, float]] = {c.name: {h: float("inf") for h in suite.handlers}
                                         for c in suite.configurations}
    # The floor is the plain suite's: the JSON one compares formatters on the same logger.
    steps = {} if args.json else FLOOR_STEPS
    floor = {step: float("inf") for step in steps}
    for _ in range(REPEATS):  # interleaved: a burst of load touches every pair alike
        for configuration in suite.configurations:
            for handler in suite.handlers:
                best[configuration.name][handler] = min(best[configuration.name][handler],
                                                        measure_time(_pair(suite, configuration.name, handler)))
        for step in steps:
            floor[step] = min(floor[step], measure_time(_step(step)))
    instructions = floor_instructions = None
    if not args.no_instructions and shutil.which("valgrind"):
        instructions = {c.name: {h: measure_instructions(_pair(suite, c.name, h)) for h in suite.handlers}
                        for c in suite.configurations}
        floor_instructions = {step: measure_instructions(_step(step)) for step in steps}
    elapsed = time.monotonic() - started
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    command = f"python {SCRIPT}{' --json' if args.json else ''}{' --update-readme' if args.update_readme else ''}"
    header = (f"Made by `{command}` on "
              f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} with {PYTHON}; {RECORDS:,} records per run, "
              f"best of {REPEATS} interleaved runs, each in its own process; instructions: callgrind, "
              f"{INSTRUCTION_RECORDS[1]:,} minus {INSTRUCTION_RECORDS[0]:,} records; took {elapsed:.0f} s; "
              f"load average at the end {load:.2f} on {os.cpu_count()} CPUs.")
    lines = [header, ""] + (long_table if args.json else table)(suite, best, instructions)
    if steps:
        installed = CONFIGURATIONS[-1].name
        ours = {"time": best[installed]["ringwriter.handlers.FileHandler"]}
        if instructions is not None:
            ours["instructions"] = instructions[installed]["ringwriter.handlers.FileHandler"]
        lines += ["", "The floor, step by step:", ""] + floor_table(floor, floor_instructions, ours)
    os.makedirs(RESULTS_DIR, exist_ok=True)
    with open(os.path.join(RESULTS_DIR, f"{suite.results}.md"), "w") as page:
        page.write("\n".join(lines) + "\n")
    with open(os.path.join(RESULTS_DIR, f"{suite.results}.json"), "w") as numbers:
        json.dump({"microseconds_per_record": best, "instructions_per_record": instructions,
                   "floor_microseconds": floor, "floor_instructions": floor_instructions,
                   "records": RECORDS, "repeats": REPEATS, "elapsed_seconds": round(elapsed, 1)}, numbers, indent=2)
    print("\n".join(lines))
    if args.update_readme:
        update_readme(suite.readme_kind, SCRIPT + (" --json" if args.json else ""), "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
