"""Checker of the "bootinfo" exercise (docs/boot.md#exercises): a built-in shell command
`bootinfo` (in the kernel, not a module) printing what the boot loader passed in the multiboot2
information: the loader's name, the command line, the memory map and the total of its
available regions. Compared with the kernel's own boot log, `cmdline` and `mem`."""

import re

import exlib

EXERCISE = exlib.Exercise(
    "bootinfo", "docs/boot.md#exercises", command="bootinfo",
    kernel_marker=r'"bootinfo"',
    what="add a built-in command `bootinfo` to the kernel (a struct shell_command named "
         "\"bootinfo\")")

REGION = re.compile(r"\[mem 0x([0-9a-f]{16})-0x([0-9a-f]{16})\] (\S.*?)\s*$", re.M)


def regions(text, prefix):
    """(first, last, type) of each region line starting with prefix ("  " or "mm: ")."""
    return [(int(m.group(1), 16), int(m.group(2), 16), m.group(3))
            for m in REGION.finditer(text)
            if text[:m.start()].endswith(prefix)]


def field(out, name):
    match = re.search(rf"^{name}: ?(.*)$", out, re.M)
    assert match, f"`bootinfo` should print a line '{name}: ...':\n{out}"
    return match.group(1).rstrip()


def test_loader_name(machine):
    out = machine.run("bootinfo")
    logged = re.search(r'boot: loader "([^"]*)"', machine.run("dmesg"))
    assert logged, "the boot log has no 'boot: loader' line"
    assert field(out, "loader") == logged.group(1), \
        f"the boot log names the loader {logged.group(1)!r}; bootinfo printed:\n{out}"
    assert logged.group(1).startswith("GRUB"), logged.group(1)


def test_command_line(machine):
    out = machine.run("bootinfo")
    assert field(out, "command line") == machine.run("cmdline").strip(), \
        f"`bootinfo` and `cmdline` disagree:\n{out}"


def test_memory_map(machine):
    out = machine.run("bootinfo")
    mine = regions(out, "  ")
    logged = regions(machine.run("dmesg"), "mm: ")
    assert logged, "the boot log has no 'mm: [mem ...]' lines"
    assert mine == logged, (f"bootinfo's regions differ from the kernel's boot log (QEMU's map "
                            f"has no overlaps, so the two are the same):\n{out}")
    count = re.search(r"^memory map: (\d+) regions?$", out, re.M)
    assert count and int(count.group(1)) == len(mine), \
        f"'memory map: N regions' should count the {len(mine)} region lines:\n{out}"


def test_usable_total(machine):
    out = machine.run("bootinfo")
    match = re.search(r"^usable: (\d+) KiB$", out, re.M)
    assert match, f"`bootinfo` should end with 'usable: N KiB':\n{out}"
    usable = int(match.group(1))
    available = sum(last + 1 - first for first, last, kind in regions(out, "  ")
                    if kind == "available")
    assert usable == available // 1024, \
        f"usable should be the available regions' total, {available // 1024} KiB:\n{out}"
    total = re.search(r"^MemTotal:\s+(\d+) kB$", machine.run("mem"), re.M)
    assert total and usable == int(total.group(1)), \
        f"`mem` says MemTotal {total and total.group(1)} kB; bootinfo says {usable} KiB"


def test_usage(machine):
    out = machine.run("bootinfo now")
    assert ("usage:" in out or "extra argument" in out) and "loader:" not in out, \
        f"`bootinfo now` (an unexpected argument) should be refused in one line: {out!r}"
