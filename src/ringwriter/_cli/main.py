"""The command line of ``python -m ringwriter {bench,demo}``."""
import argparse
import platform
import sys
from typing import List, Optional

from ringwriter import __version__


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ringwriter",
        description="ringwriter: a drop-in, faster io.BufferedWriter.",
    )
    parser.add_argument("--version", action="version", version=f"ringwriter {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    bench = commands.add_parser(
        "bench", help="time ringwriter beside io.BufferedWriter on small and large writes"
    )
    bench.add_argument("--repeat", type=int, default=5, help="runs per workload; the best counts (default 5)")
    bench.add_argument("--scale", type=float, default=1.0, help="multiply every workload's size (default 1.0)")
    bench.add_argument("--sync-dir", metavar="DIR",
                       help="where to time fsync: the file system your data lives on (default: the temp dir)")
    bench.add_argument("--instructions", action="store_true",
                       help="instead of timing, count the open() workloads' instructions per operation "
                            "(valgrind's callgrind), the write(2) calls of 8 MB of lines and the system calls "
                            "per file (strace); minutes")
    demo = commands.add_parser(
        "demo", help="show what write(), flush() and sync() each do to your data: bytes, text, log records"
    )
    from ringwriter._cli.demo import SECTION_NAMES

    demo.add_argument("--section", choices=SECTION_NAMES, metavar="NAME",
                      help=f"run this section only: {', '.join(SECTION_NAMES)} (default: all)")
    args = parser.parse_args(argv)

    if args.command == "bench":
        print(f"ringwriter {__version__}, {platform.python_implementation()} "
              f"{platform.python_version()}, {platform.system()} {platform.machine()}")
        if args.instructions:
            _print_counts(args.scale)
            return 0
        from ringwriter._cli.bench import format_file_table, format_table, measure, measure_files
        from ringwriter._cli.sinks import scratch_parent

        print(f"best of {args.repeat} runs, each implementation in turn, to a regular file\n")
        print(format_table(measure(repeat=args.repeat, scale=args.scale)))
        print(f"\nThe built-in open() against ringwriter.open(), opening and closing included: best of "
              f"{args.repeat} runs, each in turn, to a file in {scratch_parent()}; ratio: the "
              "built-in's time over ringwriter's (above 1: ringwriter is faster)\n")
        print(format_file_table(measure_files(repeat=args.repeat, scale=args.scale)))
        from ringwriter._cli.costs import format_costs, measure_costs

        print("\nWhat each step costs here (ringwriter, median of many):\n")
        print(format_costs(measure_costs(args.sync_dir)))
    else:
        from ringwriter._cli.demo import run_demo

        run_demo(sys.stdout, [args.section] if args.section else SECTION_NAMES)
    return 0


def _print_counts(scale: float) -> None:
    from ringwriter._cli.counts import (LONGER_RUN, format_file_system_calls, format_instruction_table,
                                        format_write_calls, measure_file_system_calls, measure_instructions,
                                        measure_write_calls, strace_missing, valgrind_missing)

    missing = valgrind_missing()
    if missing:
        print(missing)
    else:
        print(f"user-space instructions per operation (valgrind --tool=callgrind, PYTHONHASHSEED=0): a run of "
              f"{LONGER_RUN} times the operations minus one of the operations, after a warm-up run, in one "
              "process, its start-up and exit left out; ratio: the built-in's over ringwriter's (above 1: ringwriter runs fewer)\n",
              flush=True)
        print(format_instruction_table(measure_instructions(scale)))
    missing = strace_missing()
    print()
    if missing:
        print(missing)
    else:
        print(format_write_calls(measure_write_calls()))
        print(format_file_system_calls(measure_file_system_calls()))
