"""Kernel threads that fault (test_fault module): the oops names the task and the module
function; unbounded recursion ends in the stack's guard page with "kernel stack overflow",
in a thread and in the shell's own task.
An oops halts the machine, so each case boots its own."""

import re

import pytest

from modtest import run_ok

CASES = {  # case: (task name, the function the oops must name)
    "null": ("tflt_null", "test_fault_null_deref"),
    "overflow": ("tflt_overflow", "test_fault_recurse"),
    "overflow-shell": ("init", "test_fault_recurse"),  # the shell's own stack (issue 11)
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_kthread_oops(boot_machine, default_iso, case):
    comm, function = CASES[case]
    machine = boot_machine(default_iso)
    run_ok(machine, "insmod /lib/modules/test_fault.ko")
    machine.pos = len(machine.text)
    machine.send_line(f"test_fault {case}")
    machine.wait_for(lambda text: "end of oops" in text, timeout=120, what="the oops",
                     fatal=None)
    oops = machine.text[machine.pos:]
    assert re.search(rf"^.*CPU: 0 PID: \d+ Comm: {comm}$", oops, re.M), oops
    assert re.search(rf"^.*RIP: .*\[test_fault\] {function}\+0x", oops, re.M), oops
    trace = oops.split("Call Trace:", 1)[1]
    assert f"[test_fault] {function}+0x" in trace, oops
    if case == "null":
        assert "unable to handle page fault for address: 0x0000000000000000" in oops, oops
        assert "ret_from_kthread_asm" in trace, oops  # a thread's trace ends at its start
    if case.startswith("overflow"):
        assert re.search(rf"BUG: kernel stack overflow: task {comm} \(pid \d+\) ran past its "
                         r"stack 0x[0-9a-f]+-0x[0-9a-f]+ into the guard page", oops), oops
