"""python -m ringwriter: --help and bench (the demo: test_demo.py)."""
import subprocess
import sys

from ringwriter._cli.workloads import WORKLOADS


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
    costs = {row[1].strip(): row for row in rows if row[1].strip().startswith(("write()", "flush()", "sync("))}
    assert {"write() of 32 B", "flush() of 4 KiB", "sync() (fsync) of 4 KiB"} <= set(costs)
    assert f"a file in {tmp_path}" in costs["sync() (fsync) of 4 KiB"][2]
    assert list(tmp_path.iterdir()) == []  # its scratch files are gone
