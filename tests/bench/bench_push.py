#!/usr/bin/python3
"""The module author's loop, timed: with `make run` up, edit a module's source and run
`make push M=dir`; the figure is the wall time from the edit to the new code running in the
guest (make's rebuild, the transfer over the push line, rmmod and insmod), and the guest's own
share of it. Figures only: nothing here fails on timing."""
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pexpect

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import benchlib  # noqa: E402
import keel  # noqa: E402

VARIANT = keel.Variant("bench-push")
SOURCE = """\
#include <keel/module.h>
static int __init loop_init(void) { pr_info("benchloop: edit %d\\n", EDIT); return 0; }
static void __exit loop_exit(void) { }
module_init(loop_init);
module_exit(loop_exit);
MODULE_LICENSE("GPL");
"""
PUSHED = re.compile(r"replaced in ([\d.]+) ms in the guest, ([\d.]+) ms from send")


def make(*args, check=True):
    return subprocess.run(["make", "--no-print-directory", f"BUILD={VARIANT.build_dir}", *args],
                          cwd=keel.ROOT, check=check, text=True, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT)


def edit(folder, n):
    (folder / "benchloop.c").write_text(SOURCE.replace("EDIT", str(n)))


def main():
    folder = Path(tempfile.mkdtemp(prefix="keel-bench-push-"))
    edit(folder, 0)
    keel.build_variant(VARIANT)
    make("modules", f"M={folder}")
    child = pexpect.spawn("make", ["--no-print-directory", f"BUILD={VARIANT.build_dir}",
                                   f"INITRD_EXTRA={folder}", "run"], cwd=str(keel.ROOT),
                          encoding="utf-8", codec_errors="replace", timeout=keel.BOOT_TIMEOUT)
    child.expect_exact(keel.PROMPT)
    child.send("insmod /extra/benchloop.ko\r")
    child.expect_exact("benchloop: edit 0")
    totals, guest = [], []
    for n in range(1, benchlib.RUNS + 1):
        start = time.monotonic()
        edit(folder, n)
        done = make("push", f"M={folder}", check=False)
        child.expect_exact(f"benchloop: edit {n}", timeout=keel.CMD_TIMEOUT)
        totals.append((time.monotonic() - start) * 1000)
        match = PUSHED.search(done.stdout)
        if match:
            guest.append(float(match.group(1)))
    child.send("\x01x")
    child.expect(pexpect.EOF, timeout=keel.CMD_TIMEOUT)
    benchlib.report("make push: edit to new code running", totals, "ms", "{:.0f}")
    benchlib.report("make push: the guest's part (receive, rmmod, insmod)", guest, "ms", "{:.1f}")


if __name__ == "__main__":
    main()
