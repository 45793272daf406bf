#!/usr/bin/python3
"""Module loading figures: load+link+init cost per KiB and per relocation, export lookup time
with 100, 1,000 and 10,000 module exports in the table, and a module with 10,000 relocations
against 1,000 distinct exported symbols. Figures only: nothing here fails on timing."""
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import keel  # noqa: E402

LOAD_LINE = re.compile(r"(\w+): loaded in (\d+) us \(link (\d+) us, init (\d+) us\), "
                       r"(\d+) KiB image, (\d+) relocations")
LOOKUP_LINE = re.compile(r"symbench: (\d+) exports, .* (\d+) ns per lookup")
LOOKUP_NAMES = "printk kmalloc kfree memcpy strlen snprintf panic try_module_get"
ROUNDS = 5


def build_bench_modules(outdir):
    subprocess.run([sys.executable, "tools/mkbenchmods.py", str(outdir)], cwd=keel.ROOT, check=True)
    subprocess.run(["make", "-s", f"BUILD={keel.BUILD}", "modules", f"M={outdir}"],
                   cwd=keel.ROOT, check=True, stdout=subprocess.DEVNULL)


def ship(extra, outdir):
    for ko in outdir.glob("*.ko"):
        shutil.copy(ko, extra / ko.name)


def load_figures(machine, path, name):
    """Loads and unloads path ROUNDS times; returns (median us, link us, KiB, relocations)."""
    runs = []
    for _ in range(ROUNDS):
        machine.run(f"insmod {path}")
        machine.run(f"rmmod {name}")
    for line in machine.run("dmesg").splitlines():
        m = LOAD_LINE.search(line)
        if m and m.group(1) == name:
            runs.append(tuple(int(g) for g in m.groups()[1:]))
    runs = runs[-ROUNDS:]
    total = statistics.median(r[0] for r in runs)
    link = statistics.median(r[1] for r in runs)
    return total, link, runs[0][3], runs[0][4]


def lookup_ns(machine):
    out = machine.run(f"symbench 2000 {LOOKUP_NAMES}")
    m = LOOKUP_LINE.search(out)
    return (int(m.group(1)), int(m.group(2))) if m else (None, None)


def main():
    with tempfile.TemporaryDirectory(prefix="keel-bench-") as tmp:
        outdir = Path(tmp) / "mods"
        build_bench_modules(outdir)
        variant = keel.Variant("bench-modules", extra=lambda extra: ship(extra, outdir))
        iso = keel.build_variant(variant)
        machine = keel.boot(iso, Path(tmp))
        try:
            report(machine)
        finally:
            machine.close()


def report(machine):
    print("module loading (QEMU TCG, bios-cd; median of %d loads):" % ROUNDS)
    for path, name in (("/lib/modules/hello.ko", "hello"), ("/extra/bench_exp_1000.ko",
                                                            "bench_exp_1000")):
        total, link, kib, relocs = load_figures(machine, path, name)
        print(f"  {name:16s} {kib:5d} KiB {relocs:6d} relocations: load+link+init {total:6.0f} us"
              f" ({total / max(kib, 1):7.1f} us/KiB, {1000 * link / max(relocs, 1):7.0f} ns/relocation)")
    base_n, base_ns = lookup_ns(machine)
    print("export lookup (average of the kernel names in LOOKUP_NAMES):")
    print(f"  {base_n:6d} exports (kernel only): {base_ns} ns per lookup")
    for n in (100, 1000, 10000):
        machine.run(f"insmod /extra/bench_exp_{n}.ko")
        count, ns = lookup_ns(machine)
        print(f"  {count:6d} exports (+{n} from a module): {ns} ns per lookup"
              f" (ratio to kernel only: {ns / max(base_ns, 1):.2f})")
        machine.run(f"rmmod bench_exp_{n}")
    machine.run("insmod /extra/bench_exp_1000.ko")
    total, link, kib, relocs = load_figures(machine, "/extra/bench_relocs.ko", "bench_relocs")
    print(f"bench_relocs: {relocs} relocations against 1000 distinct symbols, {kib} KiB: "
          f"load+link+init {total:.0f} us, link {link:.0f} us "
          f"({1000 * link / max(relocs, 1):.0f} ns per relocation)")


if __name__ == "__main__":
    main()
