"""The test matrix: every differential test runs through these fixtures.

- ``Writer``, the writer class under test: ``stdlib`` (io.BufferedWriter) and
  ``ringwriter``, for a test that states an absolute expectation and checks it on both
  (on the stdlib it checks the test's own premise). A test that compares the writer
  with the reference inside the test (``differential.same``, or ``REF`` explicitly)
  narrows it to ``ringwriter`` with ``@differential.compared_with_stdlib``: the
  reference is what it compares against, never a parameter compared with itself.
- ``AnyWriter``: also ``pyio`` (_pyio.BufferedWriter), where its second opinion helps.
- ``raw_path``: the raw class of the fd path (exact ``io.FileIO``) and of the portable
  path (``differential.FileIOSubclass``), for the tests that care about that axis.
- a hang guard for every test of a module that sets ``HANG_GUARD_SECONDS``.

The shared helpers themselves (recorders, normalizer, op-script runner, payloads) are in
differential.py, the mock raws in rawmocks.py.
"""
import pytest

# The shared helpers assert too: let pytest rewrite their asserts (showing both sides).
pytest.register_assert_rewrite("differential", "rawmocks")

import differential  # noqa: E402
from differential import IMPLEMENTATIONS, RAW_PATHS  # noqa: E402


@pytest.fixture(params=["stdlib", "ringwriter"])
def Writer(request):
    """The writer class under test."""
    return IMPLEMENTATIONS[request.param]


@pytest.fixture(params=["stdlib", "pyio", "ringwriter"])
def AnyWriter(request):
    """The writer class under test, _pyio's included."""
    return IMPLEMENTATIONS[request.param]


@pytest.fixture(params=list(RAW_PATHS))
def raw_path(request):
    """The raw class: exact io.FileIO (fd path) or a FileIO subclass (portable path)."""
    return RAW_PATHS[request.param]


@pytest.fixture(autouse=True)
def _no_hangs(request):
    """Modules whose tests can block (pipes, ptys, signals, threads) set
    ``HANG_GUARD_SECONDS``: each of their tests runs under ``differential.hang_guard``."""
    seconds = getattr(request.module, "HANG_GUARD_SECONDS", None)
    if seconds is None:
        yield
        return
    with differential.hang_guard(seconds):
        yield


# -- hypothesis profiles (the property-based tests, test_stateful.py) ---------------------
# "default" keeps CI within seconds; select the long run with
#     python -m pytest tests/test_stateful.py --hypothesis-profile=thorough
from hypothesis import HealthCheck, settings  # noqa: E402

for profile, examples, steps in (("default", 100, 40), ("thorough", 3000, 120)):
    settings.register_profile(
        profile,
        max_examples=examples,
        stateful_step_count=steps,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
settings.load_profile("default")


# -- hang guards report to the terminal (differential.hang_guard) -------------------------
@pytest.fixture(autouse=True, scope="session")
def _hang_guard_dumps_to_the_terminal(request):
    """A hang guard exits the process after dumping every thread's traceback; with
    pytest capturing descriptor 2 the dump would vanish with the process. Hand it the
    terminal's stderr (the descriptor pytest's capture saved, else pytest's own
    faulthandler copy)."""
    import os

    fd = None
    capman = request.config.pluginmanager.getplugin("capturemanager")
    try:
        fd = capman._global_capturing.err.targetfd_save
    except AttributeError:
        try:
            from _pytest.faulthandler import fault_handler_stderr_fd_key

            fd = request.config.stash.get(fault_handler_stderr_fd_key, None)
        except ImportError:
            fd = None
    if fd is not None:
        differential.set_hang_dump_fd(os.dup(fd))
    yield
