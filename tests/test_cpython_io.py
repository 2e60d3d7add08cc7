"""CPython's own Lib/test/test_io.py, run against ringwriter.BufferedWriter.

The running interpreter's test_io is the judge of its own stdlib: its BufferedWriter test
case runs with ``tp = ringwriter.BufferedWriter``, and every test of its IOBase, TextIOWrapper
and miscellaneous cases that builds a BufferedWriter runs with ours in its place.
"""
import inspect
import io

import pytest

import ringwriter

test_io = pytest.importorskip("test.test_io", reason="this CPython was built without its test suite")

_MOCKS = (
    "MockRawIO", "MisbehavedRawIO", "MockFileIO", "CloseFailureIO",
    "MockNonBlockWriterIO", "MockUnseekableIO", "MockRawIOWithoutRead", "SlowFlushRawIO",
)


def _c_namespace():
    """What test_io's load_tests puts in each C test case, with our writer swapped in."""
    namespace = {name: getattr(io, name) for name in io.__all__}
    namespace.update((name, getattr(test_io, "C" + name)) for name in _MOCKS if hasattr(test_io, "C" + name))
    namespace["BufferedWriter"] = ringwriter.BufferedWriter
    namespace["is_C"] = True
    return namespace


def _uses_buffered_writer(case, name):
    try:
        return "BufferedWriter" in inspect.getsource(getattr(case, name))
    except (OSError, TypeError):
        return False


def _ringwriter_case(case, *, only_buffered_writer_tests):
    namespace = _c_namespace()
    if only_buffered_writer_tests:
        for name in dir(case):
            if name.startswith("test") and not _uses_buffered_writer(case, name):
                namespace[name] = None  # unittest collects callables only
    return type("Ringwriter" + case.__name__, (case,), namespace)


@pytest.fixture(autouse=True)
def _in_temporary_directory(tmp_path, monkeypatch):
    """test_io writes its files (os_helper.TESTFN) in the working directory."""
    monkeypatch.chdir(tmp_path)


class TestBufferedWriter(_ringwriter_case(test_io.CBufferedWriterTest, only_buffered_writer_tests=False)):
    tp = ringwriter.BufferedWriter


TestIOBase = _ringwriter_case(test_io.CIOTest, only_buffered_writer_tests=True)
TestTextIOWrapper = _ringwriter_case(test_io.CTextIOWrapperTest, only_buffered_writer_tests=True)
TestMiscIO = _ringwriter_case(test_io.CMiscIOTest, only_buffered_writer_tests=True)


class _IOWithRingwriterOpen:
    """The io module as test_io's SignalsTest sees it, except that open() for writing
    gives ringwriter's writer (or a TextIOWrapper over it)."""

    def __getattr__(self, name):
        return getattr(io, name)

    @staticmethod
    def open(file, mode="r", *args, **kwargs):
        writes_only = not set(mode) & set("r+")
        return (ringwriter.open if writes_only else io.open)(file, mode, *args, **kwargs)


def _signals_case():
    namespace = {"io": _IOWithRingwriterOpen()}
    for name in dir(test_io.CSignalsTest):
        if name.startswith("test") and ("write" not in name or "unbuffered" in name):
            namespace[name] = None
    return type("RingwriterCSignalsTest", (test_io.CSignalsTest,), namespace)


TestSignals = _signals_case()


# The write side of CPython's TextIOWrapper tests, with ringwriter.TextWriter as the
# TextIOWrapper (and ringwriter.BufferedWriter as the BufferedWriter under it).
TEXT_WRITE_SIDE_TESTS = (
    "test_detach", "test_line_buffering", "test_encoding_errors_writing", "test_newlines_output",
    "test_destructor", "test_writelines", "test_writelines_userlist", "test_writelines_error",
    "test_append_bom", "test_seek_bom", "test_seek_append_bom", "test_flush_error_on_close",
    "test_close_error_on_close", "test_multi_close", "test_unseekable", "test_rawio_write_through",
    "test_bufio_write_through", "test_reconfigure_write", "test_reconfigure_write_fromascii",
    "test_reconfigure_write_through", "test_reconfigure_write_non_seekable",
    "test_recursive_repr", "test_threads_write", "test_internal_buffer_size",
)
# test_repr checks that the class is named TextIOWrapper; test_text_writer.py compares
# TextWriter's repr with the stdlib's, type name aside.


def _text_writer_case():
    namespace = _c_namespace()
    namespace["TextIOWrapper"] = ringwriter.TextWriter
    for name in dir(test_io.CTextIOWrapperTest):
        if name.startswith("test") and name not in TEXT_WRITE_SIDE_TESTS:
            namespace[name] = None
    return type("RingwriterTextWriterTest", (test_io.CTextIOWrapperTest,), namespace)


TestTextWriter = _text_writer_case()
