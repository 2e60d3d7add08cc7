"""Real stdlib programs that take a binary file object write the very same bytes through
ringwriter as through the stdlib's own buffered file: archives that seek back to patch
headers, compressors, pickle's framing, csv/json/print over a TextIOWrapper, buffer
protocol objects."""
import array
import bz2
import csv
import gzip
import io
import json
import lzma
import pickle
import shutil
import struct
import tarfile
import wave
import zipfile

import pytest

import ringwriter


def write_gzip(out):
    with gzip.GzipFile(filename="", fileobj=out, mode="wb", mtime=0) as compressed:
        for i in range(5000):
            compressed.write(b"line %d\n" % i)


def write_zip(out):
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for i in range(20):
            archive.writestr(zipfile.ZipInfo(f"f{i}.txt", date_time=(2020, 1, 1, 0, 0, 0)), b"x" * (i * 1000))
        with archive.open(zipfile.ZipInfo("streamed.bin", date_time=(2020, 1, 1, 0, 0, 0)), "w") as member:
            for i in range(1000):
                member.write(b"%d," % i)


def write_tar(out):
    with tarfile.open(fileobj=out, mode="w", format=tarfile.USTAR_FORMAT) as archive:
        for i in range(10):
            data = b"y" * (i * 777)
            info = tarfile.TarInfo(f"t{i}")
            info.size, info.mtime = len(data), 0
            archive.addfile(info, io.BytesIO(data))


def write_tar_gz(out):
    # tarfile's own "w:gz" stamps the current time in the gzip header: give it none.
    with gzip.GzipFile(filename="", fileobj=out, mode="wb", mtime=0) as compressed:
        write_tar(compressed)


def write_pickle(out):
    pickle.dump({"numbers": list(range(10000)), "blob": b"z" * 100_000}, out, protocol=5)
    pickle.Pickler(out, protocol=2).dump([1, 2.5, "three"])


def write_text(out):
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    rows = csv.writer(text)
    for i in range(3000):
        rows.writerow([i, "héllo", i * 1.5])
    json.dump({"k": list(range(100))}, text)
    print("end", 1, 2, sep="|", file=text)
    text.flush()
    text.detach()


def write_buffers(out):
    shutil.copyfileobj(io.BytesIO(bytes(range(256)) * 1000), out)
    out.write(memoryview(b"abcdef")[1:4])
    out.write(bytearray(b"ba"))
    out.write(array.array("i", [1, 2, 3]))
    out.write(memoryview(array.array("d", [1.5, 2.5])))
    out.writelines([b"a", bytearray(b"b"), memoryview(b"c")])


def write_compressors(out):
    with bz2.BZ2File(out, "wb") as compressed:
        compressed.write(b"q" * 100_000)
    with lzma.LZMAFile(out, "wb") as compressed:
        compressed.write(b"r" * 100_000)


def write_wave(out):
    with wave.open(out, "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(8000)
        sound.writeframes(struct.pack("<1000h", *range(1000)))


PROGRAMS = [write_gzip, write_zip, write_tar, write_tar_gz, write_pickle,
            write_text, write_buffers, write_compressors, write_wave]


@pytest.mark.parametrize("program", PROGRAMS, ids=["gzip", "zip", "tar", "tar.gz", "pickle", "text", "buffers",
                                                   "bz2+xz", "wave"])
def test_program_writes_the_stdlibs_bytes(tmp_path, program):
    outputs = []
    openers = [
        lambda path: open(path, "wb"),
        lambda path: ringwriter.open(path, "wb"),
        lambda path: ringwriter.BufferedWriter(io.FileIO(path, "w"), 7),
    ]
    for n, opener in enumerate(openers):
        path = tmp_path / f"out{n}"
        with opener(path) as out:
            program(out)
        outputs.append(path.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]
    assert outputs[0]
