"""python -m ringwriter: --help and bench (the demo: test_demo.py)."""
import subprocess
import sys

from ringwriter._cli import counts
from ringwriter._cli.main import main
from ringwriter._cli.workloads import FILE_WORKLOADS, WORKLOADS


def test_help_lists_the_commands():
    result = subprocess.run([sys.executable, "-m", "ringwriter", "--help"], capture_output=True,
                            text=True, timeout=60, check=True)
    assert "bench" in result.stdout and "demo" in result.stdout


def test_bench_prints_ratios_and_the_cost_of_each_step(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "ringwriter", "bench", "--repeat", "1", "--scale", "0.01",
         "--sync-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=300, check=True)
    rows = [line.split("|") for line in result.stdout.splitlines() if line.startswith("| ")]
    ratios = [row[4].strip() for row in rows if row[2].strip() == "ringwriter"]
    assert len(ratios) == len(WORKLOADS) and all(ratio.endswith("x") and float(ratio[:-1]) > 0 for ratio in ratios)
    file_rows = {row[1].strip(): row for row in rows if row[1].strip().startswith("open(")}
    assert [name.rsplit(" (per ", 1)[0] for name in file_rows] == [workload.name for workload in FILE_WORKLOADS]
    assert all(float(cell.strip()[:-1]) > 0 for row in file_rows.values() for cell in row[4:6])
    costs = {row[1].strip(): row for row in rows if row[1].strip().startswith(("write()", "flush()", "sync("))}
    assert {"write() of 32 B", "flush() of 4 KiB", "sync() (fsync) of 4 KiB"} <= set(costs)
    assert f"a file in {tmp_path}" in costs["sync() (fsync) of 4 KiB"][2]
    assert list(tmp_path.iterdir()) == []  # its scratch files are gone


def test_bench_instructions_says_what_it_cannot_count(monkeypatch, capsys):
    # Without valgrind and strace: no counts, and a line saying so for each.
    monkeypatch.setattr(counts.shutil, "which", lambda program: None)
    assert main(["bench", "--instructions"]) == 0
    printed = capsys.readouterr().out
    assert "valgrind not found" in printed and "strace not found" in printed
    assert "instructions/op" not in printed

