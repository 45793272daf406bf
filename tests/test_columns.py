"""Command output fits 80 columns (issue 12, point 5): one machine with devices present (a GPT
disk with a long partition name, an MBR disk, a third disk, the boot CD, COM2, a PCI serial
card, extra PCI devices, a RAM disk) and the test modules loaded runs every command that prints
a table or a report, and every line of their own output is at most 80 columns (tabs expanded).
Kernel log lines (printk, with their timestamp) are the log's, not the command's, and exempt.
"""

import re
import subprocess

import pytest

COLUMNS = 80
TIMESTAMP = re.compile(r"^\[\s*\d+\.\d{6}\]")
MODDIR = "/lib/modules"
MODULES = ("ramdisk rd_nr=1 rd_size=1024", "test_fpu", "bench_sched", "test_kthread",
           "test_timer", "pcitest", "hello", "lwip")
LONG_LABEL = "a partition name that is 36 chars..."  # GPT's longest (36 UTF-16 units)
COMMANDS = (
    "lsmod", "lsmod -v", "lspci", "lspci -v", "ps", "mem", "uptime", "cmdline", "ttys", "stty",
    "stty ttyS1", "input", "lsblk", "lsblk -g", "ata", "ata identify hda", "ata identify hdc",
    "ata read hda 0 8", "ata bench hda read 1", "serial", "serial stat ttyS2", "blk stat",
    "blk cache", "blk read hda 0 8", "blk bench hda read 1", "blk dump hda 1", "ls -l /",
    "ls -l /lib/modules", "repeat 2 uptime", "symbench 100 printk kmalloc", "schedbench clocks",
    "schedbench all 20",
    "timertest", "wqtest", "test_fpu", "test_kthread", "showkey -k -t 1",
    "showkey -a -n 1 -t 1", "help", "help debug", "help blk", "ip link", "ip addr", "help ip",
    "ip route", "ip maddr", "lwipstat", "help nc",
)
# Commands another part of the tree may add: checked when `help` lists them.
OPTIONAL = ("mount", "df", "irqs")


def make_disks(directory):
    """A GPT disk (one partition with the longest name), an MBR disk, an empty disk."""
    gpt, mbr, empty = (directory / name for name in ("gpt.img", "mbr.img", "empty.img"))
    for path, size in ((gpt, "16M"), (mbr, "16M"), (empty, "8M")):
        subprocess.run(["truncate", "-s", size, str(path)], check=True)
    script = {gpt: f'label: gpt\nsize=4M, type=L, name="{LONG_LABEL}"\nsize=4M, type=U\n'
                   "type=L\n",
              mbr: "label: dos\nsize=4M, type=83, bootable\nsize=4M, type=fd\ntype=82\n"}
    for path, text in script.items():
        subprocess.run(["/usr/sbin/sfdisk", "-q", str(path)], input=text, text=True, check=True,
                       stdout=subprocess.DEVNULL)
    return gpt, mbr, empty


@pytest.fixture
def machine(boot_machine, default_iso, tmp_path):
    gpt, mbr, empty = make_disks(tmp_path)
    extra = ["-boot", "d", "-nic", "none",
             "-drive", f"file={gpt},format=raw,if=ide,index=0",
             "-drive", f"file={mbr},format=raw,if=ide,index=1",
             "-drive", f"file={empty},format=raw,if=ide,index=3",
             "-chardev", "null,id=com2", "-serial", "chardev:com2",
             "-chardev", "null,id=pcis", "-device", "pci-serial,chardev=pcis",
             "-device", "e1000", "-device", "virtio-rng-pci"]
    machine = boot_machine(default_iso, extra_args=extra)
    for module in MODULES:
        name, _, params = module.partition(" ")
        machine.run(f"insmod {MODDIR}/{name}.ko {params}".strip())
    return machine


def too_wide(output):
    """The command's own lines (printk lines excepted) wider than 80 columns."""
    return [line for line in output.splitlines()
            if len(line.expandtabs()) > COLUMNS and not TIMESTAMP.match(line)]


def test_every_listing_fits_80_columns(machine):
    listed = set(re.findall(r"^  (\S+)", machine.run("help") + machine.run("help debug"), re.M))
    modules = re.findall(r"^(\w+)\s+\d+\s", machine.run("lsmod"), re.M)
    assert {"ramdisk", "serial", "ata", "pci", "bench_sched"} <= set(modules), modules
    commands = list(COMMANDS) + [name for name in OPTIONAL if name in listed]
    commands += [f"modinfo {name}" for name in modules]
    wide = {}
    for command in commands:
        out = machine.run(command, timeout=300)
        assert "command not found" not in out, f"{command}: {out}"
        if too_wide(out):
            wide[command] = too_wide(out)
    assert not wide, "\n".join(f"{cmd}:\n" + "\n".join(lines) for cmd, lines in wide.items())


def test_long_details_are_cut_not_lost(machine):
    """lsblk cuts a long GPT name with "..." to fit; the rest of the row is intact."""
    out = machine.run("lsblk")
    row = next(line for line in out.splitlines() if line.startswith("hda1 "))
    assert len(row) <= COLUMNS and row.endswith("...") and '"a partition' in row, out
    assert row.split()[5:8] == ["part", "2048", "gpt"], row
    guids = machine.run("lsblk -g")
    assert re.search(r"^hda1 +[0-9a-f-]{36} [0-9a-f-]{36}$", guids, re.M), guids
    assert not re.search(r"^hdb", guids, re.M), guids  # MBR partitions have no GUIDs
    assert re.search(r"^hdb1 .* 0x83 +Linux, bootable$", out, re.M), out
