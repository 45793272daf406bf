"""pci.ko in QEMU: lspci and lspci -v against QEMU's own view (QMP query-pci) on -M pc and
-M q35 with extra devices (e1000, AHCI, virtio-rng, a PCI bridge with an e1000 behind it, and
QEMU's pci-testdev at 00:10.0 and behind the bridge at 01:02.0), pcitest.ko's probe/remove, unloading pci.ko, autoload aliases, and a machine without PCI.

pci.ko is loaded with `modprobe pci` unless the boot already did (lspci exists).
"""

import json
import re

import pytest

EXTRA_DEVICES = ["-nic", "none", "-device", "e1000", "-device", "ahci",
                 "-device", "virtio-rng-pci",
                 "-device", "pci-bridge,id=br1,chassis_nr=1", "-device", "e1000,bus=br1,addr=1",
                 "-device", "pci-testdev,addr=0x10", "-device", "pci-testdev,bus=br1,addr=2"]
TESTDEVS = ("0000:00:10.0", "0000:01:02.0")  # what pcitest.ko claims (1b36:0005)

LINE = re.compile(r"^([0-9a-f]{2}):([0-9a-f]{2})\.([0-7]) ([0-9a-f]{4}): ([0-9a-f]{4}):([0-9a-f]{4})"
                  r" \(rev ([0-9a-f]{2})\)(?: \(prog-if ([0-9a-f]{2})\))?$")
MEMORY = re.compile(r"^Memory at ([0-9a-f]+) \((32|64)-bit, (non-prefetchable|prefetchable)\)"
                    r" \[size=(\d+)([KMGT]?)\]$")
IO = re.compile(r"^I/O ports at ([0-9a-f]+) \[size=(\d+)([KMGT]?)\]$")
ROM = re.compile(r"^Expansion ROM at ([0-9a-f]+)( \[disabled\])? \[size=(\d+)([KMGT]?)\]$")
UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}

# ---- Parsing (pure functions) ----------------------------------------------------------------

def parse_lspci(text):
    """{(bus, slot, fn): {...}} from `lspci` or `lspci -v` output; -v lines go to 'lines'."""
    functions, current = {}, None
    for raw in text.splitlines():
        line = raw.rstrip()
        match = LINE.match(line)
        if match:
            bus, slot, fn = (int(match.group(i), 16) for i in (1, 2, 3))
            current = functions[(bus, slot, fn)] = {
                "class": int(match.group(4), 16), "vendor": int(match.group(5), 16),
                "device": int(match.group(6), 16), "revision": int(match.group(7), 16),
                "prog_if": int(match.group(8) or "0", 16), "lines": []}
        elif raw.startswith("\t") and current is not None:
            current["lines"].append(line.strip())
        elif line.strip():
            current = None
    return functions

def lspci_regions(lines):
    """BARs in lspci -v order, as tuples comparable with qmp_regions()."""
    regions = []
    for line in lines:
        if m := MEMORY.match(line):
            regions.append(("memory", int(m.group(1), 16), int(m.group(4)) * UNITS[m.group(5)],
                            m.group(2) == "64", m.group(3) == "prefetchable"))
        elif m := IO.match(line):
            regions.append(("io", int(m.group(1), 16), int(m.group(2)) * UNITS[m.group(3)]))
        elif m := ROM.match(line):
            regions.append(("rom", int(m.group(1), 16), int(m.group(3)) * UNITS[m.group(4)]))
    return regions

def qmp_functions(devices):
    """query-pci's device lists, bridges' subordinate devices included, keyed like lspci's."""
    found = {}
    for dev in devices:
        found[(dev["bus"], dev["slot"], dev["function"])] = dev
        found.update(qmp_functions(dev.get("pci_bridge", {}).get("devices", [])))
    return found

def qmp_regions(dev):
    """The regions QEMU reports, in BAR order; a ROM QEMU has not mapped has address None."""
    regions = []
    for region in sorted(dev.get("regions", []), key=lambda r: r["bar"]):
        if region["bar"] == 6:
            address = None if region["address"] in (-1, 2 ** 64 - 1) else region["address"]
            regions.append(("rom", address, region["size"]))
        elif region["type"] == "io":
            regions.append(("io", region["address"], region["size"]))
        else:
            regions.append(("memory", region["address"], region["size"],
                            region.get("mem_type_64", False), region.get("prefetch", False)))
    return regions

def regions_match(ours, qemus):
    if len(ours) != len(qemus):
        return False
    for mine, theirs in zip(ours, qemus):
        if mine[0] == "rom" and theirs[0] == "rom" and theirs[1] is None:
            if mine[2] != theirs[2]:  # disabled ROM: QEMU does not say where it sits
                return False
        elif mine != theirs:
            return False
    return True

def compare_with_qmp(brief, verbose, qmp_devices):
    """A list of human-readable differences between lspci (-v) output and query-pci."""
    problems = []
    ours, qemus = parse_lspci(verbose), qmp_functions(qmp_devices)
    if set(parse_lspci(brief)) != set(ours):
        problems.append("lspci and lspci -v list different functions")
    if set(ours) != set(qemus):
        problems.append(f"functions: lspci {sorted(ours)}, QEMU {sorted(qemus)}")
    for key in sorted(set(ours) & set(qemus)):
        mine, dev = ours[key], qemus[key]
        name = "%02x:%02x.%x" % key
        if mine["class"] != dev["class_info"]["class"]:
            problems.append(f"{name}: class {mine['class']:04x} != {dev['class_info']['class']:04x}")
        if (mine["vendor"], mine["device"]) != (dev["id"]["vendor"], dev["id"]["device"]):
            problems.append(f"{name}: id {mine['vendor']:04x}:{mine['device']:04x} != QEMU's")
        if "subsystem-vendor" in dev["id"] and dev["id"]["subsystem-vendor"]:
            want = "Subsystem: %04x:%04x" % (dev["id"]["subsystem-vendor"],
                                             dev["id"]["subsystem"])
            if want not in mine["lines"]:
                problems.append(f"{name}: no '{want}' line")
        if dev.get("irq_pin"):
            if not any(re.search(rf"\bIRQ {dev['irq']}$", line) for line in mine["lines"]
                       if line.startswith("Flags:")):
                problems.append(f"{name}: Flags line lacks IRQ {dev['irq']}")
        if not regions_match(lspci_regions(mine["lines"]), qmp_regions(dev)):
            problems.append(f"{name}: regions {lspci_regions(mine['lines'])} != QEMU's "
                            f"{qmp_regions(dev)}")
    return problems

# ---- In QEMU ---------------------------------------------------------------------------------

def ensure_pci_loaded(machine):
    if "command not found" in machine.run("lspci").lower():
        output = machine.run("modprobe pci")
        assert "command not found" not in machine.run("lspci").lower(), output

def qmp_devices(machine):
    buses = machine.qmp().query_pci()
    return [dev for bus in buses for dev in bus["devices"]]

@pytest.mark.parametrize("board", ["pc", "q35"])
def test_lspci_matches_query_pci(default_iso, boot_machine, board):
    machine = boot_machine(default_iso, machine=board, extra_args=EXTRA_DEVICES)
    ensure_pci_loaded(machine)
    brief = machine.run("lspci")
    verbose = machine.run("lspci -v")
    devices = qmp_devices(machine)
    problems = compare_with_qmp(brief, verbose, devices)
    assert not problems, ("\n".join(problems) + "\n--- lspci -v ---\n" + verbose
                          + "\n--- query-pci ---\n" + json.dumps(devices, indent=1)[:6000])
    functions = parse_lspci(brief)
    assert len(functions) >= 8
    assert (1, 1, 0) in functions and functions[(1, 1, 0)]["device"] == 0x100e  # behind br1
    ide_or_ahci = [f for f in functions.values() if f["class"] in (0x0101, 0x0106)]
    assert ide_or_ahci and all(f["prog_if"] for f in ide_or_ahci)
    assert "(prog-if " not in "".join(line for line in brief.splitlines()
                                      if " 0200: " in line)  # e1000: prog-if 00 not shown

def test_pcitest_probe_and_remove(default_iso, boot_machine):
    machine = boot_machine(default_iso, extra_args=EXTRA_DEVICES)
    ensure_pci_loaded(machine)
    machine.run("modprobe pcitest")
    log = machine.run("dmesg")
    for name in TESTDEVS:
        assert f"pcitest: probe {name} (1b36:0005)" in log, log[-3000:]
    verbose = parse_lspci(machine.run("lspci -v"))
    assert "Kernel driver in use: pcitest" in verbose[(0, 0x10, 0)]["lines"]
    assert "Kernel driver in use: pcitest" in verbose[(1, 2, 0)]["lines"]
    assert "Kernel driver in use: e1000" in verbose[(0, 3, 0)]["lines"]  # not pcitest
    assert not any("Kernel driver" in line for line in verbose[(0, 0, 0)]["lines"])
    machine.run("rmmod pcitest")
    log = machine.run("dmesg")
    for name in TESTDEVS:
        assert f"pcitest: remove {name} (1b36:0005)" in log, log[-3000:]
    verbose = parse_lspci(machine.run("lspci -v"))
    assert not any("Kernel driver" in line for line in verbose[(0, 0x10, 0)]["lines"])

def test_unloading_pci_removes_lspci(default_iso, boot_machine):
    machine = boot_machine(default_iso, extra_args=EXTRA_DEVICES)
    ensure_pci_loaded(machine)
    before = machine.run("lspci")
    machine.run("rmmod pcitest")  # autoloaded or not: it must go before pci can
    machine.run("rmmod serial")  # loaded at boot, a PCI driver too
    machine.run("rmmod ata")     # so must ata.ko, autoloaded for the PIIX IDE function
    machine.run("rmmod ahci")    # and ahci.ko, autoloaded for the -device ahci controller
    machine.run("rmmod e1000")   # and e1000.ko, autoloaded for the e1000s
    machine.run("rmmod pci")
    assert "command not found" in machine.run("lspci").lower()
    machine.run("modprobe pci")
    assert parse_lspci(machine.run("lspci")) == parse_lspci(before)

def test_modules_alias_has_pcitest(default_iso, boot_machine):
    machine = boot_machine(default_iso)
    aliases = machine.run("cat /lib/modules/modules.alias")
    assert "alias pci:v00001B36d00000005sv*sd*bc*sc*i* pcitest" in aliases, aliases
    assert "alias pci:v00008086d0000100Esv*sd*bc*sc*i* e1000" in aliases, aliases
    assert "pcitest" not in [line.split()[-1] for line in aliases.splitlines()
                             if "v00008086d0000100E" in line], aliases

def test_no_pci_machine(default_iso, boot_machine):
    """-M isapc has no PCI host bridge: pci.ko refuses to load, and says why."""
    machine = boot_machine(default_iso, machine="isapc", extra_args=["-cpu", "qemu64"])
    output = machine.run("modprobe pci") + machine.run("dmesg")
    assert "pci: no PCI configuration mechanism #1 found" in output, output[-3000:]
    assert "command not found" in machine.run("lspci").lower()
    assert machine.run("echo alive").strip() == "alive"

def test_driver_autoloaded_at_boot(default_iso, boot_machine):
    """/etc/modules loads pci; the devices it finds make the kernel load pcitest and e1000."""
    machine = boot_machine(default_iso, extra_args=EXTRA_DEVICES)
    log = machine.run("dmesg")
    assert "modules: loaded pci (from /etc/modules)" in log, log[-3000:]
    for name in TESTDEVS:
        assert f"pcitest: probe {name} (1b36:0005)" in log, log[-3000:]
    lsmod = machine.run("lsmod")
    # serial.ko (loaded at boot), ata.ko (autoloaded for the PIIX IDE function), ahci.ko (for
    # the AHCI controller) and e1000.ko use pci too.
    users = re.search(r"^pci\s+\d+\s+5 (\S+)$", lsmod, re.M)
    assert users and set(users.group(1).split(",")) == {"pcitest", "serial", "ata", "ahci",
                                                       "e1000"}, lsmod
    refused = machine.run("rmmod pci")
    assert "rmmod: pci is in use by: " in refused, refused
    assert "pci " in machine.run("lsmod")
    machine.run("rmmod pcitest")
    log = machine.run("dmesg")
    assert "pcitest: remove 0000:00:10.0 (1b36:0005)" in log, log[-3000:]
    assert "pcitest" not in machine.run("lsmod")
    # modprobe takes a device's modalias too, as Linux's does.
    machine.run("modprobe pci:v00001B36d00000005sv00001AF4sd00001100bc00scFFi00")
    assert re.search(r"^pcitest\s", machine.run("lsmod"), re.M)

def test_device_without_driver_is_listed(default_iso, boot_machine):
    """A device no module claims (virtio-rng) is listed by lspci, with no error at boot."""
    machine = boot_machine(default_iso, extra_args=EXTRA_DEVICES)
    functions = parse_lspci(machine.run("lspci"))
    assert any(f["vendor"] == 0x1af4 for f in functions.values()), functions
    log = machine.run("dmesg")
    assert "modprobe: module pci:v00001AF4" not in log, log[-3000:]
