"""Command line: ``python -m ringwriter {bench,demo}`` (see ringwriter._cli)."""
import sys

from ringwriter._cli.main import main

if __name__ == "__main__":
    sys.exit(main())
