"""Every behavioural test runs the same assertions against the stdlib and ringwriter.

``Writer`` is the class under test; ``ref`` is always the C stdlib class, the judge.
"""
import _pyio
import io

import pytest

import ringwriter

IMPLEMENTATIONS = {
    "io": io.BufferedWriter,
    "pyio": _pyio.BufferedWriter,
    "ringwriter": ringwriter.BufferedWriter,
}


@pytest.fixture(params=["io", "ringwriter"])
def Writer(request):
    """The C stdlib writer and ringwriter's: the pair every contract test compares."""
    return IMPLEMENTATIONS[request.param]


@pytest.fixture(params=["io", "pyio", "ringwriter"])
def AnyWriter(request):
    """Also the pure-Python stdlib writer, for tests where its second opinion helps."""
    return IMPLEMENTATIONS[request.param]


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

    import differential

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
