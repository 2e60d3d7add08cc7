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
    demo = commands.add_parser(
        "demo", help="show what write(), flush() and sync() each do to your data: bytes, text, log records"
    )
    from ringwriter._cli.demo import SECTION_NAMES

    demo.add_argument("--section", choices=SECTION_NAMES, metavar="NAME",
                      help=f"run this section only: {', '.join(SECTION_NAMES)} (default: all)")
    args = parser.parse_args(argv)

    if args.command == "bench":
        from ringwriter._cli.bench import format_table, measure

        print(f"ringwriter {__version__}, {platform.python_implementation()} "
              f"{platform.python_version()}, {platform.system()} {platform.machine()}")
        print(f"best of {args.repeat} runs, each implementation in turn, to a regular file\n")
        print(format_table(measure(repeat=args.repeat, scale=args.scale)))
        from ringwriter._cli.costs import format_costs, measure_costs

        print("\nWhat each step costs here (ringwriter, median of many):\n")
        print(format_costs(measure_costs(args.sync_dir)))
    else:
        from ringwriter._cli.demo import run_demo

        run_demo(sys.stdout, [args.section] if args.section else SECTION_NAMES)
    return 0
