"""What ``python -m ringwriter bench|demo`` runs: the side-by-side timing against
io.BufferedWriter (workloads, their sinks, the per-step costs) and the demo of what each
call does to your data, for bytes, text and log records. Not part of the library's API;
the benchmark runners in the repository's benchmarks/ folder build on the same workloads."""
