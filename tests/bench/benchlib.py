"""Helpers for Keel's benchmarks (tests/bench/bench_*.py, run by `make bench`).

A benchmark boots the default ISO, measures, and prints one line per figure through report().
Benchmarks never fail on a timing: only a kernel that cannot boot is an error.
"""

import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import keel  # noqa: E402

RUNS = int(os.environ.get("KEEL_BENCH_RUNS", "5"))


def default_iso():
    return keel.build_variant(keel.DEFAULT)


def workdir(name):
    return Path(tempfile.mkdtemp(prefix=f"keel-bench-{name}-"))


def report(name, values, unit, fmt="{:.3f}"):
    """Prints `name: median X unit (N runs, min A, max B)`; values may be empty (n/a)."""
    if not values:
        print(f"{name}: n/a")
        return
    median = fmt.format(statistics.median(values))
    low, high = fmt.format(min(values)), fmt.format(max(values))
    print(f"{name}: median {median} {unit} ({len(values)} runs, min {low}, max {high})",
          flush=True)
