"""Boot time: wall time from starting QEMU to the first `keel> ` prompt (BIOS, CD, TCG), and
the kernel's own entry-to-prompt time from its dmesg line."""

import re
import shutil
import sys
import time

import benchlib
from benchlib import keel

ENTRY_TO_PROMPT = re.compile(r"boot: entry to prompt took (\d+\.\d+) ms")


def one_boot(iso, index):
    directory = benchlib.workdir(f"boot{index}")
    machine = keel.Machine(iso, directory, mode="bios-cd").start()
    try:
        machine.wait_prompt()
        wall = time.monotonic() - machine.started_at
        match = ENTRY_TO_PROMPT.search(machine.run("dmesg"))
        return wall, float(match.group(1)) if match else None
    finally:
        machine.close()
        shutil.rmtree(directory, ignore_errors=True)


def main():
    iso = benchlib.default_iso()
    walls, kernel_ms = [], []
    for index in range(benchlib.RUNS):
        try:
            wall, entry_ms = one_boot(iso, index)
        except keel.KeelError as error:
            print(f"bench_boot: boot {index + 1} failed:\n{error}", file=sys.stderr)
            return 1
        walls.append(wall)
        if entry_ms is not None:
            kernel_ms.append(entry_ms)
    benchlib.report("boot-to-prompt wall", walls, "s", "{:.2f}")
    benchlib.report("kernel entry-to-prompt", kernel_ms, "ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
