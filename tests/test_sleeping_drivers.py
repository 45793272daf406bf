"""Drivers that sleep instead of spinning (issue 10, "drivers use it"): while the shell sleeps
(`sleep 2`) and while it waits for the next key, the CPU time goes to the idle task, not to
init (the shell's task); ATA commands wait for their interrupt the same way. Measured with the
scheduler's own accounting (`ps`), never with the host's clock."""

import re

import pytest

PS_LINE = re.compile(r"^\s*(\d+) (\S) +\d+ +(\d+)\.(\d{3}) +\d+ +\d+  (\S+)\s*$", re.M)


def cpu_times(shell):
    """pid -> (state, CPU seconds) from `ps`."""
    out = shell.run("ps")
    tasks = {int(m.group(1)): (m.group(2), int(m.group(3)) + int(m.group(4)) / 1000)
             for m in PS_LINE.finditer(out)}
    assert 0 in tasks and 1 in tasks, f"ps did not list the idle task and init:\n{out}"
    return tasks


def test_sleep_and_keyboard_wait_leave_the_cpu_to_idle(shell):
    before = cpu_times(shell)
    shell.run("sleep 2")
    after = cpu_times(shell)
    idle = after[0][1] - before[0][1]
    init = after[1][1] - before[1][1]
    # sleep 2 lasts at least 2 s of guest time; if the shell slept (and slept again while
    # waiting for the next command's characters), the idle task ran for nearly all of it.
    assert idle >= 1.8, f"idle task got {idle:.3f} s during sleep 2 (init: {init:.3f} s)"
    assert init < idle / 4, f"init used {init:.3f} s of CPU while idle got {idle:.3f} s"
    assert after[1][0] == "R", "init runs ps, so ps sees it running"


def test_atapi_reads_by_interrupt_stay_exact(shell):
    """The boot CD (hdc, ATAPI: PIO, one interrupt per block, each waited for on the
    channel's completion) read 40 times: every read gives the same CRC and each costs
    interrupts."""
    listing = shell.run("ata")
    if "hdc: ATAPI" not in listing:
        pytest.skip("no ATAPI boot CD as hdc in this machine")
    irqs = lambda text: int(re.search(r"secondary:.*, (\d+) interrupts", text).group(1))
    out = shell.run("repeat 40 ata read hdc 16 8")
    crcs = re.findall(r"8 sectors at 16: crc32 (0x[0-9a-f]{8})", out)
    assert len(crcs) == 40, out
    assert len(set(crcs)) == 1, f"the same sectors read differently: {set(crcs)}"
    assert irqs(shell.run("ata")) >= irqs(listing) + 40
