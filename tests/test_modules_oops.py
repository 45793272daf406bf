"""A proprietary module taints the kernel, a permanent one stays, and an oops in a module's
init names the module and function and lists the modules and the taint. An oops halts the
kernel, so this runs on a machine of its own."""

import re


from modtest import lsmod, run_fails, run_ok

MODDIR = "/lib/modules"


def test_taint_permanent_and_oops_in_init(boot_machine, modules_iso):
    machine = boot_machine(modules_iso)
    assert "Kernel tainted" not in machine.run("lsmod")

    out = run_ok(machine, f"insmod {MODDIR}/test_proprietary.ko")
    assert "test_proprietary: module license 'Proprietary' taints kernel." in out
    assert re.search(r"^Kernel tainted: P\b", machine.run("lsmod"), re.M)

    run_ok(machine, f"insmod {MODDIR}/test_permanent.ko")
    out = run_fails(machine, "rmmod test_permanent")
    assert "test_permanent" in out and "permanent" in out.split("test_permanent", 1)[1]
    modules = lsmod(machine)
    assert "[permanent]" in modules["test_permanent"][2], modules

    machine.pos = len(machine.text)
    machine.send_line(f"insmod {MODDIR}/test_oops.ko")
    machine.wait_for(lambda text: "Tainted:" in text and "Call Trace:" in text
                     and "end of oops" in text, timeout=120, what="the oops", fatal=None)
    oops = machine.text[machine.pos:]
    assert re.search(r"^.*RIP: .*\[test_oops\] test_oops_poke\S*\+0x[0-9a-f]+", oops, re.M), oops
    assert re.search(r"^.*\[test_oops\] test_oops_\w+\S*\+0x[0-9a-f]+/0x[0-9a-f]+$",
                     oops.split("Call Trace:", 1)[1], re.M), oops
    linked = re.search(r"Modules linked in:(.*)$", oops, re.M)
    assert linked, oops
    names = linked.group(1).split()
    assert {"test_oops", "test_permanent", "test_proprietary(P)"} <= set(names), names
    assert re.search(r"^.*Tainted: P\s*$", oops, re.M), oops
