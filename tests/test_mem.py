"""`mem` reports the RAM QEMU gave the machine, less what the firmware keeps."""

import pytest

import keel

MIB = 1024


@pytest.mark.parametrize("size_mib", [32, 1024])
def test_memtotal_matches_qemu(boot_machine, default_iso, size_mib):
    machine = boot_machine(default_iso, mem=f"{size_mib}M")
    info = keel.parse_meminfo(machine.run("mem"))
    assert "MemTotal" in info, "mem printed no MemTotal line"
    total_kb, ram_kb = info["MemTotal"], size_mib * MIB
    # Below 1 MiB and a few % at the top (ACPI tables, firmware data) are not usable RAM.
    lowest = ram_kb - 1 * MIB - ram_kb * 5 // 100
    assert lowest <= total_kb <= ram_kb, (
        f"-m {size_mib}M: MemTotal {total_kb} kB outside [{lowest}, {ram_kb}] kB")
    assert 0 < info.get("MemFree", 0) <= total_kb
    assert info.get("HeapUsed", -1) >= 0
