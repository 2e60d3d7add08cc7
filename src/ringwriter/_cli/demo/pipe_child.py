"""One of the two processes of the demo's "many processes, one pipe" section.

    python -m ringwriter._cli.demo.pipe_child LETTER LENGTH [LENGTH...]

Logs one record of each LENGTH (the line written, newline included, is LENGTH bytes of
LETTER) through ``ringwriter.handlers.StreamHandler(sys.stderr)``, the last at ERROR so
that it flushes the others with it, and prints how many write(2) calls the logging took
(``syscw``, counted by the kernel) once ``logging.shutdown()`` has run.
"""
import logging
import sys
from typing import List

import ringwriter.handlers
from ringwriter._cli.demo.outside import write_syscalls


def main(argv: List[str]) -> None:
    """Log the records ``argv`` asks for; print the write(2) calls they took."""
    letter, lengths = argv[0], [int(length) for length in argv[1:]]
    log = logging.getLogger(f"child {letter}")
    log.setLevel(logging.INFO)
    log.addHandler(ringwriter.handlers.StreamHandler(sys.stderr))
    before = write_syscalls()
    for length in lengths[:-1]:
        log.info(letter * (length - 1))
    log.error(letter * (lengths[-1] - 1))
    logging.shutdown()
    after = write_syscalls()
    print("?" if before is None or after is None else after - before)


if __name__ == "__main__":
    main(sys.argv[1:])
