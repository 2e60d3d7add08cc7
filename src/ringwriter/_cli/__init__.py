"""What ``python -m ringwriter bench|demo`` runs: the side-by-side timing against
io.BufferedWriter (workloads, their sinks, the per-step costs) and the write/flush/fsync
demonstration. Not part of the library's API; the benchmark runners in the repository's
benchmarks/ folder build on the same workloads."""
