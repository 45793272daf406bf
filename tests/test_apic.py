"""Interrupt controllers (issue 15 point 1): the Local APIC and I/O APIC from the ACPI MADT on
-M pc and -M q35 (BIOS and UEFI), `noapic` falling back to the 8259, ahci.ko on PCI-MSI with
its CRC checks, INTx of a legacy PCI device (e1000) through the ICH9's PIRQ GSIs, and 100
ahci load/unload cycles with memory at its baseline and the MSI vector given back.
MADT parsing with fake and malformed tables is tests/unit/test_madt.c's."""

import os
import re
import time
import zlib

import pytest

import keel
from modtest import mem

NOAPIC = keel.Variant("noapic", cmdline="noapic")
SECTOR = 512
DISK_SECTORS = 8192
CRC = re.compile(r"crc32 0x([0-9a-f]{8})")
LINE = re.compile(r"^ *(\d+): +(\d+) +(\S+) +(\d+)-(edge|fasteoi) *([^\n]*)$", re.M)


def interrupts(machine):
    """{irq: (count, chip, hwirq, trigger, handlers)} from /proc/interrupts."""
    text = machine.run("cat /proc/interrupts")
    return {int(m.group(1)): (int(m.group(2)), m.group(3), int(m.group(4)), m.group(5),
                              m.group(6).strip()) for m in LINE.finditer(text)}


def by_handler(table, name):
    lines = [(irq, row) for irq, row in table.items() if name in row[4].split(", ")]
    assert lines, f"no {name} line in {table}"
    return lines[0]


def assert_timer_runs(machine, chip, hwirq):
    irq, (count, got_chip, got_hw, trigger, _) = by_handler(interrupts(machine), "timer")
    assert (irq, got_chip, got_hw, trigger) == (0, chip, hwirq, "edge")
    machine.run("sleep 0.3")
    assert interrupts(machine)[0][0] >= count + 100  # HZ is 1000: 300 ticks, allow for TCG


@pytest.fixture(scope="module")
def disk(tmp_path_factory):
    path = tmp_path_factory.mktemp("apic") / "disk.img"
    path.write_bytes(os.urandom(DISK_SECTORS * SECTOR))
    return path


def ahci_args(path):
    return ["-drive", f"if=none,id=d0,format=raw,file={path}", "-device", "ide-hd,drive=d0,bus=ide.0"]


def check_crcs(machine, data):
    for start, count in ((0, 1), (7, 9), (250, 300), (DISK_SECTORS - 700, 700)):
        out = machine.run(f"blk read sda {start} {count}", timeout=120)
        match = CRC.search(out)
        assert match, out
        want = zlib.crc32(data[start * SECTOR:(start + count) * SECTOR])
        assert int(match.group(1), 16) == want, (start, count, out)


@pytest.mark.parametrize("mode", ["bios-cd", "uefi-cd"])
def test_pc_uses_the_ioapic(default_iso, boot_machine, mode):
    """-M pc: ISA IRQ 0 is GSI 2 through the MADT's override; PS/2, COM1 and the IDE
    channels keep working as IO-APIC edge lines; the 8259 is masked."""
    m = boot_machine(default_iso, mode=mode)
    assert "irq: IO-APIC mode:" in m.boot_text and "8259 masked" in m.boot_text
    assert "ioapic: ISA IRQ 0 -> GSI 2 (edge, active high)" in m.boot_text
    assert re.search(r"apic: Local APIC id 0 version 0x[0-9a-f]+ at 0xfee00000", m.boot_text)
    assert_timer_runs(m, "IO-APIC", 2)
    table = interrupts(m)
    assert table[4][1:4] == ("IO-APIC", 4, "edge"), table  # ttyS0: this very console
    assert table[1][1:4] == ("IO-APIC", 1, "edge"), table  # the PS/2 keyboard
    m.run("blk read hdc 16 64", timeout=60)  # the boot CD on the secondary IDE channel
    assert interrupts(m)[15][0] > table.get(15, (0,))[0]
    assert "Oops" not in m.text and "unexpected interrupt" not in m.text


def test_noapic_falls_back_to_the_8259(boot_machine):
    m = boot_machine(keel.build_variant(NOAPIC))
    assert "irq: noapic on the command line" in m.boot_text
    assert "irq: 8259 PICs remapped to vectors 0x20-0x2f" in m.boot_text
    assert "IO-APIC mode" not in m.boot_text
    assert_timer_runs(m, "XT-PIC", 0)
    assert interrupts(m)[4][1] == "XT-PIC"


@pytest.mark.parametrize("mode", ["bios-cd", "uefi-cd"])
def test_q35_ahci_on_msi(default_iso, boot_machine, disk, mode):
    m = boot_machine(default_iso, mode=mode, machine="q35", extra_args=ahci_args(disk))
    assert "irq: IO-APIC mode:" in m.boot_text
    assert "pci: ICH9 with I/O APIC: INTx on PIRQ GSIs 16-23" in m.boot_text
    assert_timer_runs(m, "IO-APIC", 2)
    irq, (count, chip, _, trigger, _) = by_handler(interrupts(m), "ahci")
    assert (chip, trigger) == ("PCI-MSI", "edge") and irq >= 48, interrupts(m)
    check_crcs(m, disk.read_bytes())
    assert interrupts(m)[irq][0] > count
    assert "completing commands by polling" not in m.text
    listing = m.run("lspci -v")
    assert re.search(rf"Interrupt: pin A routed to IRQ 16, in use: MSI IRQ {irq}\n", listing)


def test_q35_ahci_intx_on_pirq_gsi(default_iso, boot_machine, disk):
    """ahci msi=0: INTA of 00:1f.2 is PIRQ A, GSI 16, level triggered, active low."""
    m = boot_machine(default_iso, machine="q35", extra_args=ahci_args(disk))
    m.run("rmmod ahci")
    m.run("modprobe ahci msi=0")
    assert "ahci: 0000:00:1f.2: IRQ 16 (INTx)" in m.text
    irq, (count, chip, hw, trigger, _) = by_handler(interrupts(m), "ahci")
    assert (irq, chip, hw, trigger) == (16, "IO-APIC", 16, "fasteoi")
    check_crcs(m, disk.read_bytes())
    assert interrupts(m)[16][0] > count
    assert "completing commands by polling" not in m.text


def test_q35_noapic_ahci_on_intx(boot_machine, disk):
    m = boot_machine(keel.build_variant(NOAPIC), machine="q35", extra_args=ahci_args(disk))
    irq, (_, chip, hw, trigger, _) = by_handler(interrupts(m), "ahci")
    assert (chip, trigger, irq) == ("XT-PIC", "edge", hw) and irq < 16
    assert re.search(rf"ahci: 0000:00:1f\.2: IRQ {irq} \(INTx\)", m.boot_text)
    check_crcs(m, disk.read_bytes())
    assert "completing commands by polling" not in m.text


def test_q35_e1000_intx_through_pirq_gsi(default_iso, boot_machine):
    """The 82540EM has no MSI: INTA of slot 2 is PIRQG, GSI 22, level triggered."""
    m = boot_machine(default_iso, machine="q35",
                     extra_args=["-nic", "none", "-netdev", "user,id=n0,restrict=on",
                                 "-device", "e1000,netdev=n0,addr=2"])
    m.run("modprobe lwip")  # ping
    m.run("ip link set eth0 up")
    m.run("ip addr add 10.0.2.15/24 dev eth0")
    out = m.run("ping -c 2 10.0.2.2", timeout=30)
    assert "2 packets transmitted, 2 packets received" in out, out
    irq, (count, chip, hw, trigger, _) = by_handler(interrupts(m), "e1000")
    assert (irq, chip, hw, trigger) == (22, "IO-APIC", 22, "fasteoi") and count > 0


def test_ahci_reload_100_times(default_iso, boot_machine, disk):
    m = boot_machine(default_iso, machine="q35", extra_args=ahci_args(disk))
    first_irq = by_handler(interrupts(m), "ahci")[0]
    m.run("rmmod ahci")
    assert not [r for r in interrupts(m).values() if r[1].startswith("PCI-MSI")]
    m.run("modprobe ahci")
    m.run("rmmod ahci")
    m.run("mem")
    baseline = mem(m)
    out = m.run("repeat -q 100 modprobe ahci ; rmmod ahci", timeout=900)
    assert "rror" not in out and "failed" not in out, out
    after = mem(m)
    assert after["HeapUsed"] - baseline["HeapUsed"] < 1024, (baseline, after)
    assert baseline["MemFree"] - after["MemFree"] <= 64, (baseline, after)
    assert not [r for r in interrupts(m).values() if r[1].startswith("PCI-MSI")]
    m.run("modprobe ahci")
    assert by_handler(interrupts(m), "ahci")[0] == first_irq  # the same vector came back
    check_crcs(m, disk.read_bytes())
    assert "still registered" not in m.text and "left its interrupt vectors" not in m.text


def test_msix_every_vector_fires(default_iso, boot_machine):
    """MSI-X on q35's default NIC (82574L, 5 vectors; e1000e.ko unloaded): test_msix.ko raises
    each vector alone; unloading gives them back, 20 times without a leak. The pause before
    each rmmod is for QEMU: its e1000e aborts when a throttling timer it armed after the last
    message expires with MSI-X off, and under host load its main loop runs timers late."""
    m = boot_machine(default_iso, machine="q35")
    m.run("rmmod e1000e")  # autoloaded for the NIC; test_msix takes the function instead
    out = m.run("modprobe test_msix")
    match = re.search(r"test_msix: 0000:00:02\.0: (\d+) MSI-X vectors \(IRQ (\d+)-(\d+)\), "
                      r"each fired once: ok", m.text)
    assert match and int(match.group(1)) == 5, out
    first, last = int(match.group(2)), int(match.group(3))
    table = interrupts(m)
    for irq in range(first, last + 1):
        assert table[irq][1] == "PCI-MSIX" and table[irq][4] == "test_msix", table
        assert table[irq][0] == 1, table  # raised once, by its own turn
    assert re.search(rf"in use: MSI-X IRQ {first}-{last}\n", m.run("lspci -v"))
    m.run("sleep 0.5")
    m.run("rmmod test_msix")
    assert not [r for r in interrupts(m).values() if r[4] == "test_msix"]
    m.run("repeat -q 1 modprobe test_msix ; sleep 0.5 ; rmmod test_msix")
    baseline = mem(m)
    out = m.run("repeat -q 20 modprobe test_msix ; sleep 0.5 ; rmmod test_msix", timeout=900)
    assert "rror" not in out and "did not fire" not in m.text, out
    after = mem(m)
    assert after["HeapUsed"] - baseline["HeapUsed"] < 1024, (baseline, after)
    assert baseline["MemFree"] - after["MemFree"] <= 64, (baseline, after)
    assert not [r for r in interrupts(m).values() if r[4] == "test_msix"]
