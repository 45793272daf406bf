"""`poweroff` turns the machine off (ACPI S5), on both of QEMU's PC chipsets."""

import pytest


@pytest.mark.parametrize("chipset", ["pc", "q35"])
def test_poweroff_exits_qemu(boot_machine, default_iso, chipset):
    machine = boot_machine(default_iso, machine=chipset)
    qmp = machine.qmp()
    machine.send_line("poweroff")
    machine.wait_exit(timeout=120)
    events = [e for e in qmp.drain_events() if e.get("event") == "SHUTDOWN"]
    reasons = [e.get("data", {}).get("reason") for e in events]
    # With -no-reboot a triple fault also ends QEMU; it must not be how we got here.
    assert "guest-reset" not in reasons, f"QEMU stopped on a reset, not a poweroff: {reasons}"
    assert "Kernel panic" not in machine.text
