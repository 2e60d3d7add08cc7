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
