"""Checker of the "ptwalk" exercise (docs/mm.md#exercises): a module ptwalk.ko whose command
`ptwalk ADDR` walks the page tables for a hexadecimal virtual address and ends with
"ptwalk: 0xVADDR -> 0xPHYS, <4K|2M|1G> page, P[ RW][ US][ G][ NX]", or says "not mapped"."""

import re

import exlib

EXERCISE = exlib.Exercise(
    "ptwalk", "docs/mm.md#exercises", command="ptwalk", module="ptwalk",
    what="write a module ptwalk.ko adding the command `ptwalk ADDR`")

KERNEL_VMA = 0xffffffff80000000
DIRECT_MAP_BASE = 0xffff800000000000
SUMMARY = re.compile(r"^ptwalk: 0x([0-9a-f]+) -> 0x([0-9a-f]+), (4K|2M|1G) page, P((?: \w+)*)$",
                     re.M)
LEVELS = re.compile(r"^\s+(PML4|PDPT|PD|PT)\s*\[\s*(\d+)\]", re.M)


def walk(machine, addr):
    out = machine.run(f"ptwalk {addr:x}")
    match = SUMMARY.search(out)
    assert match, f"no summary line from `ptwalk {addr:x}`:\n{out}"
    assert int(match.group(1), 16) == addr, f"the summary names another address:\n{out}"
    return int(match.group(2), 16), match.group(3), set(match.group(4).split()), out


def test_loads(machine, exercise):
    exlib.insmod(machine, exercise)


def test_kernel_text(machine, target):
    kmain = target.symbol("kmain")
    phys, size, flags, out = walk(machine, kmain)
    assert phys == kmain - KERNEL_VMA, f"kmain is at physical {kmain - KERNEL_VMA:#x}:\n{out}"
    assert "RW" not in flags and "NX" not in flags, \
        f"kernel text is read-only and executable (W^X), got {sorted(flags)}:\n{out}"
    # Each level's index is 9 bits of the address.
    indices = [(name, int(i)) for name, i in LEVELS.findall(out)]
    expected = [("PML4", (kmain >> 39) & 511), ("PDPT", (kmain >> 30) & 511),
                ("PD", (kmain >> 21) & 511), ("PT", (kmain >> 12) & 511)]
    assert indices == expected[:len(indices)] and len(indices) >= 2, \
        f"levels and indices should be {expected[:len(indices) or 4]}, got {indices}"


def test_direct_map(machine, target):
    # RAM at 64 MiB, seen through the direct map: 2 MiB pages, writable, never executable.
    phys, size, flags, out = walk(machine, DIRECT_MAP_BASE + 0x4000123)
    assert phys == 0x4000123 and size == "2M", out
    assert "RW" in flags and "NX" in flags, \
        f"the direct map is writable and never executable, got {sorted(flags)}:\n{out}"
    # The direct map's alias of the kernel's text is made read-only too (no writable
    # mapping of code anywhere), which split its 2 MiB page into 4 KiB pages.
    kmain = target.symbol("kmain")
    phys, size, flags, out = walk(machine, DIRECT_MAP_BASE + kmain - KERNEL_VMA)
    assert phys == kmain - KERNEL_VMA and size == "4K", out
    assert "RW" not in flags and "NX" in flags, \
        f"the alias of kernel text is read-only and not executable, got {sorted(flags)}:\n{out}"


def section_address(machine, module, section):
    listing = machine.run("lsmod -v")
    match = re.search(rf"^{module}\s.*?^\s+{re.escape(section)}\s+0x([0-9a-f]+)$", listing,
                      re.M | re.S)
    assert match, f"lsmod -v shows no {section} for {module}:\n{listing}"
    return int(match.group(1), 16)


def test_module_text_and_data(machine):
    phys, size, flags, out = walk(machine, section_address(machine, "ptwalk", ".text"))
    assert size == "4K" and "RW" not in flags and "NX" not in flags, \
        f"module text is mapped with 4 KiB pages, read-only, executable:\n{out}"
    # n_tty (loaded at boot by /etc/modules) has initialised data.
    phys, size, flags, out = walk(machine, section_address(machine, "n_tty", ".data"))
    assert size == "4K" and "RW" in flags and "NX" in flags, \
        f"module data is mapped with 4 KiB pages, writable, not executable:\n{out}"


def test_not_mapped(machine):
    out = machine.run("ptwalk 0")
    assert "not mapped" in out and not SUMMARY.search(out), \
        f"address 0 is not mapped after boot; `ptwalk 0` said:\n{out}"


def test_unloads(machine, exercise):
    exlib.rmmod_clean(machine, exercise)
