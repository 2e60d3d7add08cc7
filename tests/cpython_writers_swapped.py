"""Runs one of the interpreter's own Lib/test suites with every write-only ``open()``
sent to ``ringwriter.open``: the swap a user makes to speed up code they do not own.

    python cpython_writers_swapped.py MODE SUITE [TEST_ID ...]

MODE is ``ringwriter`` (the swap below) or ``stdlib`` (nothing swapped: the judge).
SUITE is a module or package of the ``test`` package (``test_gzip``); TEST_IDs, when
given, narrow the run to those tests (the ids a previous run printed). Prints one JSON
object on its last line: the ids of the tests that ran, failed and errored, how many
open() calls went to ringwriter.open, and the module globals that were rebound after
the import (aliases made before the swap).

The swap replaces ``builtins.open`` and ``io.open`` (which gzip, lzma, zipfile, wave,
os.fdopen, tempfile and pathlib's ``Path.open`` on 3.11-3.14 look up at each call, and
3.14's ``pathlib._os.magic_open`` and ``Path.copy`` through the builtins) before the
suite is imported, so that module-level aliases made at import (tarfile's
``bltn_open``, bz2's ``_builtin_open``) are the shim too; 3.10's pathlib binds
``io.open`` at import into ``_NormalAccessor.open``, a class attribute, which gets the
shim as a staticmethod. After the import every module global still bound to the
original open (an alias made at start-up, before the swap) is rebound to the shim.
"""
import builtins
import importlib
import io
import json
import sys
import unittest

import ringwriter

ORIGINAL_OPEN = io.open
# Left out for time only (the file must run in about three minutes on two cores), each
# class the twin of one that runs: NoneInfoExtractTests extract the same archive again
# for each of its members' fields (about 40 s of tarfile's 60 s on a loaded machine),
# zipfile's LzmaTests* are its Deflated/Bzip2 tests with a third compressor.
SKIPPED_FOR_TIME = {"test_tarfile": ("NoneInfoExtractTests",), "test_zipfile": ("LzmaTests",)}
WRITE_ONLY_LETTERS = frozenset("wax")


def writes_only(mode):
    """Whether ``mode`` opens for writing only: one of w/a/x, no r, no +."""
    return isinstance(mode, str) and bool(WRITE_ONLY_LETTERS & set(mode)) and not {"r", "+"} & set(mode)


SENT = []  # the modes of the calls sent to ringwriter.open


def shim_open(file, mode="r", *args, **kwargs):
    """The built-in open(), with write-only modes sent to ringwriter.open."""
    if writes_only(mode):
        SENT.append(mode)
        return ringwriter.open(file, mode, *args, **kwargs)
    return ORIGINAL_OPEN(file, mode, *args, **kwargs)


def install():
    builtins.open = io.open = shim_open
    pathlib = sys.modules.get("pathlib")
    if pathlib is None:
        import pathlib
    accessor = getattr(pathlib, "_NormalAccessor", None)  # CPython 3.10
    if accessor is not None:
        accessor.open = staticmethod(shim_open)


def rebind_aliases():
    """Rebind module globals still bound to the original open (an alias made before
    install(), such as tokenize's ``_builtin_open``) to the shim: their names."""
    rebound = []
    for name, module in list(sys.modules.items()):
        if name in ("_io", "__main__", __name__) or module is None:
            continue
        namespace = getattr(module, "__dict__", {})
        for attribute, value in list(namespace.items()):
            if value is ORIGINAL_OPEN:
                namespace[attribute] = shim_open
                rebound.append(f"{name}.{attribute}")
    return sorted(rebound)


def main(mode, suite_name, test_ids):
    if mode == "ringwriter":
        install()
    suite_module = importlib.import_module(f"test.{suite_name}")
    rebound = rebind_aliases() if mode == "ringwriter" else []
    loader = unittest.defaultTestLoader
    # A package (test_zipfile on 3.12+, test_pathlib on 3.13+) loads its modules through
    # its load_tests, as ``python -m unittest`` does.
    loaded = loader.loadTestsFromNames(test_ids) if test_ids else loader.loadTestsFromModule(suite_module)
    skipped_classes = SKIPPED_FOR_TIME.get(suite_name, ())
    suite = unittest.TestSuite()

    def collect(tests):
        for test in tests:
            if isinstance(test, unittest.TestSuite):
                collect(test)
            elif not type(test).__name__.startswith(skipped_classes):
                suite.addTest(test)

    collect(loaded)
    ran = [test.id() for test in suite]
    result = unittest.TextTestRunner(stream=sys.stderr, verbosity=1).run(suite)
    print(json.dumps({
        "ran": ran,
        "failed": [test.id() for test, _ in result.failures],
        "errored": [test.id() for test, _ in result.errors],
        "unexpected_successes": [test.id() for test in result.unexpectedSuccesses],
        "rebound": rebound,
        "sent_to_ringwriter": len(SENT),
    }))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
