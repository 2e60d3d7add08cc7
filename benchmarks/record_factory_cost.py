"""What making one log record costs: the stdlib's factory (``logging.LogRecord``) beside
``ringwriter.records.make_log_record``, on the running CPython.

    python benchmarks/record_factory_cost.py [--records N] [--repeat R] [--no-callgrind]

Each factory makes the records ``Logger.makeRecord`` asks for, with no handler, no
formatting and nothing kept; then the whole of ``logger.info(...)`` to a handler that
does nothing, with each factory installed by ``logging.setLogRecordFactory``:

- instructions per record, counted by ``valgrind --tool=callgrind`` (reproducible on a
  noisy machine): a run of 11 x N/10 records minus a run of N/10, divided by N, each in
  a fresh interpreter (``sys.executable``);
- microseconds per record, ``timeit``, best of R runs of N records, the factories taking
  turns.

Cases: a message alone, one argument (where ``LogRecord`` asks whether it is a
Mapping), two arguments, ``logger.info`` with one argument; from 3.12 on, the same with
asyncio imported and no event loop running, which decides what taskName costs.
"""
import argparse
import re
import subprocess
import sys
import timeit

CASES = {
    "message alone": ("'order received'", "()"),
    "one argument": ("'order %d received'", "(1,)"),
    "two arguments": ("'user %s placed order %d'", "('ann', 1)"),
    "logger.info, one argument, no-op handler": ("'order %d received'", "(1,)"),
}
STATEMENT = dict.fromkeys(CASES, "factory(*arguments)")
STATEMENT["logger.info, one argument, no-op handler"] = "log.info(arguments[4], *arguments[5])"
FACTORIES = {"logging.LogRecord": "logging.LogRecord", "make_log_record": "ringwriter.records.make_log_record"}
SETUP = """\
import logging, sys
import ringwriter.records
{imports}
factory = {factory}
arguments = ("shop.orders", logging.INFO, "/srv/shop/orders.py", 42, {msg}, {args}, None, "receive", None)
logging.setLogRecordFactory(factory)
class NoOp(logging.Handler):
    def emit(self, record):
        pass
log = logging.getLogger("shop.orders")
log.handlers[:] = [NoOp()]
log.setLevel(logging.INFO)
log.propagate = False
"""
LOOP = "for _ in range({n}):\n    {statement}\n"


def setup(factory, case, with_asyncio):
    msg, args = CASES[case]
    return SETUP.format(imports="import asyncio" if with_asyncio else "", factory=FACTORIES[factory], msg=msg,
                        args=args)


def instructions(code):
    run = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, "-c", code],
        capture_output=True, text=True, check=True)
    return int(re.search(r"Collected : (\d+)", run.stderr).group(1))


def instructions_per_record(factory, case, with_asyncio, records):
    code = setup(factory, case, with_asyncio)
    short = instructions(code + LOOP.format(n=records // 10, statement=STATEMENT[case]))
    long = instructions(code + LOOP.format(n=11 * records // 10, statement=STATEMENT[case]))
    return (long - short) / records


def microseconds_per_record(case, with_asyncio, records, repeat):
    timers = {factory: timeit.Timer(STATEMENT[case], setup(factory, case, with_asyncio))
              for factory in FACTORIES}
    best = dict.fromkeys(FACTORIES, float("inf"))
    for _ in range(repeat):
        for factory, timer in timers.items():
            best[factory] = min(best[factory], timer.timeit(records) / records * 1e6)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--no-callgrind", action="store_true", help="timing only")
    options = parser.parse_args()
    variants = [(case, False) for case in CASES]
    if sys.version_info >= (3, 12):
        variants += [(case, True) for case in CASES]
    print(f"CPython {sys.version.split()[0]} ({sys.executable})")
    print("| case | logging.LogRecord | make_log_record |")
    print("|---|---:|---:|")
    for case, with_asyncio in variants:
        name = case + (", asyncio imported" if with_asyncio else "")
        times = microseconds_per_record(case, with_asyncio, options.records, options.repeat)
        cells = []
        for factory in FACTORIES:
            cell = f"{times[factory]:.2f} µs"
            if not options.no_callgrind:
                cell = f"{instructions_per_record(factory, case, with_asyncio, options.records):,.0f} instructions, " + cell
            cells.append(cell)
        print(f"| {name} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
