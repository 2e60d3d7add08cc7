"""ringwriter.TextWriter against io.TextIOWrapper: the same results, exceptions and bytes.

The reference is io.TextIOWrapper over io.BufferedWriter; TextWriter runs over
ringwriter.BufferedWriter (where it encodes into the ring itself) and over other buffers
(where it must make TextIOWrapper's very calls). Files are compared after every step that
makes the text layer hand bytes on (flush, line buffering, close), and at the end.
"""
import gc
import io
import pickle
import re
import sys

import pytest

import ringwriter
from differential import normalize, outcome
from rawmocks import RecordingRaw, accept

ENCODINGS = ["utf-8", "UTF8", "latin-1", "ascii", "utf-16", "utf-32-be", "utf-8-sig", "cp1252", "shift_jis"]
ERRORS = [None, "strict", "replace", "surrogateescape", "backslashreplace", "xmlcharrefreplace"]
NEWLINES = [None, "", "\n", "\r", "\r\n"]
STRINGS = [
    "plain ascii line\n",
    "",
    "latin-1: café, naïve, ß\n",
    "bmp: 日本語テキスト, €, ☃\r\n",
    "astral: 😀🎉 𝄞\n",
    "lone surrogate: \udcff end\n",
    "mixed\rcarriage\r\nreturns\n",
    "x" * 9000 + "\n",
    "y" * 70000,
    "tail without newline",
]


def write_script(text, observe):
    log = []
    for index, string in enumerate(STRINGS):
        log.append((index, outcome(text.write, string), observe()))
        if index == 3:
            log.append(("flush", outcome(text.flush), observe()))
    log.append(("writelines", outcome(text.writelines, ["a\n", "b\n"]), observe()))
    log.append(("close", outcome(text.close), observe()))
    return log


def run_on_file(path, make_text):
    """The script's log, with what the file holds after each step, and the final bytes."""
    text = make_text(io.FileIO(path, "w"))
    return write_script(text, path.read_bytes), path.read_bytes()


def stdlib_text(raw, **options):
    return io.TextIOWrapper(io.BufferedWriter(raw, 64), **options)


def our_text(raw, **options):
    return ringwriter.TextWriter(ringwriter.BufferedWriter(raw, 64), **options)


def assert_same_results_never_behind(expected, actual):
    """The same results and final bytes; after every step the file holds a prefix of the
    final bytes, never less than the stdlib's, and the same after a flush or close.
    (TextWriter hands text to its buffer at once, where io.TextIOWrapper may first
    gather up to 8 KiB: its bytes can reach the file earlier, never later.)"""
    (expected_log, expected_final), (log, final) = expected, actual
    assert [step[:2] for step in log] == [step[:2] for step in expected_log]
    assert final == expected_final
    for (name, _, ours), (_, _, reference) in zip(log, expected_log, strict=True):
        assert final.startswith(ours) and len(ours) >= len(reference), name
        if name in ("flush", "close"):
            assert ours == reference, name


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("errors", ERRORS)
def test_every_encoding_and_error_handler(tmp_path, encoding, errors):
    options = {"encoding": encoding, "errors": errors}
    expected = run_on_file(tmp_path / "ref", lambda raw: stdlib_text(raw, **options))
    assert_same_results_never_behind(expected, run_on_file(tmp_path / "ours", lambda raw: our_text(raw, **options)))


@pytest.mark.parametrize("newline", NEWLINES)
@pytest.mark.parametrize("line_buffering", [False, True])
@pytest.mark.parametrize("write_through", [False, True])
def test_newlines_line_buffering_and_write_through_on_a_file(tmp_path, newline, line_buffering, write_through):
    """After every write the file holds what the stdlib's holds once flushed, and a
    line-buffered TextWriter has written (flushed) exactly when the stdlib's has."""
    options = {"encoding": "utf-8", "newline": newline, "line_buffering": line_buffering,
               "write_through": write_through}
    results = []
    for name, make in (("ref", stdlib_text), ("ours", our_text)):
        path = tmp_path / name
        text = make(io.FileIO(path, "w"), **options)
        log = []
        for string in STRINGS:
            if "\udcff" in string:
                continue
            log.append(outcome(text.write, string))
            if line_buffering:
                log.append(path.read_bytes())
        text.close()
        results.append((log, path.read_bytes()))
    assert results[0] == results[1]


@pytest.mark.parametrize("newline", NEWLINES)
@pytest.mark.parametrize("write_through", [False, True])
@pytest.mark.parametrize("line_buffering", [False, True])
def test_other_buffers_get_the_stdlibs_calls(newline, write_through, line_buffering):
    """Over a buffer that is not a ringwriter (here io.BufferedWriter over a recording
    raw), every call reaching the raw is the stdlib's, in size and order."""
    calls = []
    for make in (io.TextIOWrapper, ringwriter.TextWriter):
        raw = RecordingRaw(accept)
        text = make(io.BufferedWriter(raw, 16), encoding="utf-8", newline=newline,
                    line_buffering=line_buffering, write_through=write_through)
        log = [outcome(text.write, string) for string in STRINGS if "\udcff" not in string]
        log.append(outcome(text.close))
        calls.append((log, raw.calls))
    assert calls[0] == calls[1]


def test_attributes_tell_seek_reconfigure_and_detach(tmp_path):
    observed = []
    for make in (stdlib_text, our_text):
        path = tmp_path / make.__name__
        text = make(io.FileIO(path, "w"), encoding="utf-8", errors="replace")
        text.mode = "w"
        steps = [
            text.encoding, text.errors, text.newlines, text.line_buffering, text.write_through,
            text.mode, text.readable(), text.writable(), text.seekable(), text.isatty(),
            text.name == str(path), text.closed, text.fileno() > 2,
            text.write("héllo\n"), text.tell(), outcome(text.seek, 0, 1), outcome(text.seek, 1, 1),
            outcome(text.seek, 0, 2), text.write("more"), text.seek(0), text.write("H"),
            outcome(text.read), outcome(text.readline), outcome(next, iter([])),
            outcome(text.reconfigure, encoding="latin-1"), text.encoding, text.write("é"),
            outcome(text.reconfigure, line_buffering=True, write_through=True),
            text.line_buffering, text.write_through, text.write("é\n"),
            outcome(text.reconfigure, newline="\r\n"), text.write("x\ny"),
        ]
        buffer = text.detach()
        steps += [outcome(text.write, "gone"), outcome(text.flush), outcome(text.close),
                  text.encoding, text.line_buffering, outcome(lambda: text.closed)]
        buffer.close()
        observed.append((normalize(steps), path.read_bytes()))
    assert observed[0] == observed[1]


def test_closed_writes_and_reads_raise_like_the_stdlib(tmp_path):
    observed = []
    for make in (stdlib_text, our_text):
        text = make(io.FileIO(tmp_path / make.__name__, "w"), encoding="utf-8")
        text.close()
        observed.append([outcome(text.write, "x"), outcome(text.writelines, ["x"]), outcome(text.flush),
                         outcome(text.close), outcome(text.tell), outcome(text.__enter__),
                         outcome(text.write, b"bytes")])
    assert observed[0] == observed[1]


def test_non_str_arguments_raise_like_the_stdlib(tmp_path):
    observed = []
    for make in (stdlib_text, our_text):
        text = make(io.FileIO(tmp_path / make.__name__, "w"), encoding="utf-8")
        observed.append([outcome(text.write, value) for value in (b"bytes", 1, None, bytearray(b"x"))])
        text.close()
    assert observed[0] == observed[1]


def test_repr_and_pickling(tmp_path):
    for make in (stdlib_text, our_text):
        text = make(io.FileIO(str(tmp_path / "r.txt"), "w"), encoding="utf-8")
        shown = re.sub(r"<[\w.]*(TextIOWrapper|TextWriter)", "<T", repr(text))
        assert shown == f"<T name={str(tmp_path / 'r.txt')!r} encoding='utf-8'>"
        text.mode = "w"
        assert re.sub(r"<[\w.]*(TextIOWrapper|TextWriter)", "<T", repr(text)).endswith("mode='w' encoding='utf-8'>")
        with pytest.raises(TypeError, match="cannot pickle"):
            pickle.dumps(text)
        text.close()
    assert isinstance(our_text(io.FileIO(tmp_path / "s.txt", "w"), encoding="utf-8"), io.TextIOBase)


def test_a_dropped_text_writer_flushes_and_warns_like_the_stdlib(tmp_path, recwarn):
    import gc
    import warnings
    warnings.simplefilter("always", ResourceWarning)
    for make in (stdlib_text, our_text):
        path = tmp_path / make.__name__
        text = make(io.FileIO(path, "w"), encoding="utf-8")
        text.write("kept\n")
        del text
        gc.collect()
        assert path.read_bytes() == b"kept\n"
    messages = [str(w.message) for w in recwarn if issubclass(w.category, ResourceWarning)]
    assert len(messages) == 2 and "TextWriter" in messages[1], messages


_TEXT_CLASS = re.compile(r"_io\.TextIOWrapper|ringwriter\._text\.TextWriter")


def _attribute_steps(text):
    """What a program sees setting, reading and deleting attributes, and replacing
    ``write`` on the instance (which print() must then call)."""
    def attribute_error(action):
        try:
            action()
        except AttributeError as error:
            return _TEXT_CLASS.sub("<T>", str(error)), error.name, error.obj is text
        return "no error"

    printed = []
    steps = [attribute_error(lambda: text.mode), attribute_error(lambda: text.extra)]
    text.mode, text.extra = "w+", 42
    steps.append((text.mode, text.extra))
    del text.mode
    steps += [attribute_error(lambda: text.mode), attribute_error(lambda: delattr(text, "mode"))]
    text.write = printed.append
    print("replaced", file=text)
    del text.write
    print("own", file=text)
    steps.append(printed)
    return steps


@pytest.mark.parametrize("opened", [False, True], ids=["constructed", "opened"])
def test_attributes_set_read_and_deleted_like_the_stdlib(tmp_path, opened):
    observed = []
    for opener, make in ((open, stdlib_text), (ringwriter.open, our_text)):
        path = tmp_path / make.__name__
        text = opener(path, "w", encoding="utf-8") if opened else make(io.FileIO(path, "w"), encoding="utf-8")
        if opened:
            del text.mode
        observed.append(_attribute_steps(text))
        text.close()
        observed.append(path.read_bytes())
    assert observed[0] == observed[2] and observed[1] == observed[3] == b"own\n"


def test_writers_make_no_instance_dict_until_an_attribute_is_set(tmp_path):
    # The instance dict, where there is one, is among the objects the writer refers to.
    # 3.11 keeps the empty one: its LOAD_METHOD specialises only with a dict there.
    keeps_empty_dict = sys.version_info[:2] == (3, 11)
    with ringwriter.open(tmp_path / "t.txt", "w", encoding="utf-8") as text:
        for writer in (text, text.buffer):
            dicts = [item for item in gc.get_referents(writer) if type(item) is dict]
            assert dicts == ([{}] if keeps_empty_dict else [])
            writer.extra = 1
            assert {"extra": 1} in gc.get_referents(writer)


@pytest.mark.skipif(sys.version_info < (3, 11), reason="no specialising interpreter")
def test_a_write_method_lookup_in_a_loop_specialises(tmp_path):
    import dis

    with ringwriter.open(tmp_path / "t.txt", "w", encoding="utf-8") as text:
        def loop():
            for _ in range(1000):
                text.write("")

        loop()
        lookup = next(instruction.opname for instruction in dis.get_instructions(loop, adaptive=True)
                      if instruction.argval == "write")
    assert lookup not in ("LOAD_METHOD", "LOAD_METHOD_ADAPTIVE", "LOAD_ATTR"), lookup


def test_open_returns_a_text_writer_in_text_modes(tmp_path):
    for mode in ("w", "a", "x", "wt"):
        path = tmp_path / f"{mode}.txt"
        with ringwriter.open(path, mode, encoding="utf-8") as text:
            assert type(text) is ringwriter.TextWriter and text.mode == mode
            assert isinstance(text.buffer, ringwriter.BufferedWriter)
            print("héllo", file=text)
        assert path.read_text(encoding="utf-8") == "héllo\n"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "utf-8-sig"])
def test_bom_once_and_never_when_appending(tmp_path, encoding):
    outputs = []
    for opener in (open, ringwriter.open):
        path = tmp_path / f"{opener.__module__}.txt"
        for mode in ("w", "a", "a"):
            with opener(path, mode, encoding=encoding) as text:
                text.write("line\n")
        outputs.append(path.read_bytes())
    assert outputs[0] == outputs[1]


def test_threads_keep_every_line_whole(tmp_path):
    import threading
    path = tmp_path / "threads.txt"
    text = ringwriter.open(path, "w", encoding="utf-8")

    def work(name):
        for i in range(5000):
            text.write(f"{name} {i:05d} é日😀\n")

    threads = [threading.Thread(target=work, args=(f"t{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    text.close()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 20000
    for n in range(4):
        assert [line.split()[1] for line in lines if line.startswith(f"t{n} ")] == [f"{i:05d}" for i in range(5000)]
