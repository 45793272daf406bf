"""WARN_ON_ONCE/WARN/WARN_ON and refcount_t saturation from a module (modules/test_warn): each
report says where it fired and has a call trace naming the module's function, the machine
carries on, and the macros return the condition."""

import re


def test_warn_reports_and_carries_on(shell):
    out = shell.run("insmod /lib/modules/test_warn.ko")
    # One report for the three WARN_ON_ONCE hits, one for WARN; WARN_ON(false) reports nothing.
    reports = re.findall(r"WARNING: at \S*test_warn\.c:\d+ test_warn_init\(\)", out)
    assert len(reports) == 2, out
    assert "WARN_ON_ONCE(i < answer)" in out, out
    assert "test_warn: answer is 41" in out, out
    assert "[test_warn] test_warn_init+0x" in out, out
    assert "Call Trace:" in out and "---[ end trace ]---" in out, out
    assert "test_warn: WARN_ON_ONCE returned true 3 times" in out, out
    assert "test_warn: WARN returned true" in out, out
    assert "test_warn: WARN_ON(false) returned false" in out, out
    # Two overflows, one report (once per kind), and the count sticks at REFCOUNT_SATURATED.
    assert out.count("refcount_t: saturated; leaking memory.") == 1, out
    assert re.search(r"WARNING: at \S*refcount\.c:\d+ refcount_warn_saturate\(\)", out), out
    assert "test_warn: refcount 0xc0000000 after overflow, min(3, 5) = 3" in out, out
    shell.run("rmmod test_warn")
    assert "test_warn" not in shell.run("lsmod")
    assert "keel" in shell.run("echo keel")
