"""/proc in the guest: each file's Linux format checked against an independent oracle.
/proc/modules parsed with busybox lsmod's rules and compared with the shell's lsmod;
/proc/meminfo with `mem`; /proc/partitions with lsblk and the host's sfdisk layout of an
attached disk; /proc/mounts with `mount`; /proc/cmdline with the boot command line; the
uptime growing; /proc/filesystems after a filesystem module loads; a module's own /proc files
(test_chrdev) appearing and going at rmmod, even when its exit forgets or removes twice."""

import re
import shutil
import subprocess
import zlib

import pytest

import conftest
import keel

SECTOR = 512
HDA_SECTORS = 8192
SFDISK = shutil.which("sfdisk") or "/usr/sbin/sfdisk"
MBR_SCRIPT = """label: dos
unit: sectors

{img}1 : start=2048, size=2048, type=83
{img}2 : start=4096, size=3072, type=5
{img}5 : start=4160, size=1000, type=83
{img}6 : start=5248, size=1900, type=c
"""
ROOT_FILES = {"cmdline", "devices", "filesystems", "interrupts", "meminfo", "modules",
              "mounts", "partitions", "uptime", "version"}


@pytest.fixture(scope="module")
def disk(tmp_path_factory):
    """An 4 MiB image of random bytes with an MBR (2 primary, 2 logical) and sfdisk's view."""
    path = tmp_path_factory.mktemp("proc-disk") / "hda.img"
    path.write_bytes(bytes(random_bytes(HDA_SECTORS * SECTOR)))
    subprocess.run([SFDISK, "-q", str(path)], input=MBR_SCRIPT.format(img=path), text=True,
                   check=True, stdout=subprocess.DEVNULL)
    dump = subprocess.run([SFDISK, "-d", str(path)], check=True, text=True,
                          stdout=subprocess.PIPE).stdout
    parts = {}
    for m in re.finditer(r"(\d+) : start=\s*(\d+), size=\s*(\d+)", dump):
        parts[int(m.group(1))] = (int(m.group(2)), int(m.group(3)))
    return {"path": path, "bytes": path.read_bytes(), "parts": parts}


def random_bytes(n):
    import random
    rng = random.Random(1234)
    return rng.randbytes(n)


@pytest.fixture(scope="module")
def _holder(default_iso, disk, tmp_path_factory):
    extra = ["-boot", "d", "-drive", f"file={disk['path']},format=raw,if=ide,index=0"]
    holder = conftest.SharedMachine(default_iso, tmp_path_factory.mktemp("shared-proc"),
                                    extra_args=extra)
    yield holder
    holder.close()


@pytest.fixture
def m(request, _holder):
    yield from conftest.shared_machine_fixture(request, _holder)


BAD_REPORTS = re.compile(r"BUG:|WARNING:|Oops|general protection|page fault")


def run_clean(machine, command):
    """Runs command and checks it made no BUG/WARNING/oops report."""
    out = machine.run(command)
    assert not BAD_REPORTS.search(out), f"{command}: {out}"
    return out


def cat(machine, path):
    return machine.run(f"cat {path}").replace("\r\n", "\n")


def parse_proc_modules(text):
    """busybox lsmod (2.6 format): name, size, refcount, then users "a,b," or "-"; Linux adds
    state and address. {name: (size, refcount, [users], state, address)}."""
    mods = {}
    for line in text.splitlines():
        fields = line.split()
        assert len(fields) in (6, 7), f"bad /proc/modules line {line!r}"
        assert len(fields) == 6 or re.fullmatch(r"\([A-Z]+\)", fields[6]), line
        name, size, refs, users, state, addr = fields[:6]
        assert users == "-" or users.endswith(","), line
        assert state in ("Live", "Loading", "Unloading"), line
        assert re.fullmatch(r"0x[0-9a-f]{16}", addr), line
        mods[name] = (int(size), int(refs), [] if users == "-" else users[:-1].split(","),
                      state, int(addr, 16))
    return mods


def parse_lsmod(text):
    mods = {}
    for line in text.splitlines()[1:]:
        fields = line.split()
        if not fields or fields[0] == "Kernel":
            continue
        users = fields[3].split(",") if len(fields) > 3 and not fields[3].startswith("[") \
            else []
        mods[fields[0]] = (int(fields[1]), int(fields[2]), users)
    return mods


def test_root_listing_and_sizes(m):
    names = set(m.run("ls /proc").split())
    assert ROOT_FILES <= names
    out = m.run("stat /proc/meminfo")
    assert re.search(r"Size: 0\s", out) and "regular file" in out
    assert "busy" in m.run("umount /proc")
    assert "proc /proc proc rw 0 0" in cat(m, "/proc/mounts")


def test_modules_match_lsmod(m):
    proc = parse_proc_modules(cat(m, "/proc/modules"))
    shell = parse_lsmod(m.run("lsmod"))
    assert set(proc) == set(shell) and "ata" in proc
    for name, (size, refs, users, state, addr) in proc.items():
        assert (size, refs, sorted(users)) == (shell[name][0], shell[name][1],
                                               sorted(shell[name][2])), name
        assert state == "Live" and addr >= 0xffffffff80000000
    assert "ata" in proc["pci"][2]


def test_meminfo_matches_mem(m):
    text = cat(m, "/proc/meminfo")
    for line in text.splitlines():
        assert re.fullmatch(r"[A-Za-z()]+:\s+\d+ kB", line), line
        assert len(line) == 27 and line[15] == " ", f"not %-15s %8lu kB: {line!r}"
    proc = {k: int(v) for k, v in re.findall(r"^(\w+):\s+(\d+) kB$", text, re.M)}
    mem = keel.parse_meminfo(m.run("mem"))
    assert proc["MemTotal"] == mem["MemTotal"]
    assert abs(proc["MemFree"] - mem["MemFree"]) <= 256
    for key in ("MemAvailable", "Buffers", "Cached", "Dirty", "Writeback"):
        assert key in proc
    assert proc["MemFree"] <= proc["MemAvailable"] <= proc["MemTotal"]


def test_partitions_match_lsblk_and_sfdisk(m, disk):
    text = cat(m, "/proc/partitions")
    lines = text.splitlines()
    assert lines[0] == "major minor  #blocks  name" and lines[1] == ""
    rows = {}
    for line in lines[2:]:
        assert re.fullmatch(r" {0,3}\d+ +\d+ +\d+ \w+", line), line
        major, minor, blocks, name = line.split()
        rows[name] = (int(major), int(minor), int(blocks))
    assert rows["hda"] == (3, 0, HDA_SECTORS * SECTOR // 1024)
    for number, (start, size) in disk["parts"].items():
        if number == 2:  # the extended partition's own entry
            continue
        assert rows[f"hda{number}"] == (3, number, size * SECTOR // 1024)
    lsblk = {line.split()[0] for line in m.run("lsblk").splitlines()[1:] if line.strip()}
    shown = {name for name in lsblk if not name.startswith("hdc")}
    assert shown <= set(rows) | {"hda2"}
    assert rows["hdc"][:2] == (22, 0)


def test_devices_lists_majors(m):
    text = cat(m, "/proc/devices")
    char, _, block = text.partition("\nBlock devices:\n")
    assert char.startswith("Character devices:\n")
    assert {"  1 mem", "  4 ttyS", "  5 /dev/console"} <= set(char.splitlines())
    assert {"  3 ide0", " 22 ide1"} <= set(block.splitlines())


def test_interrupts_count_up(m):
    first = cat(m, "/proc/interrupts").splitlines()
    assert re.fullmatch(r" {11}CPU0 *", first[0])
    timer = [line for line in first if re.match(r"\s*0:", line)]
    assert timer and re.fullmatch(r"  0: +\d+ +(XT-PIC|IO-APIC) \d+-edge +timer", timer[0])
    m.run("sleep 0.2")
    again = [line for line in cat(m, "/proc/interrupts").splitlines() if re.match(r"\s*0:", line)]
    assert int(again[0].split()[1]) > int(timer[0].split()[1])
    assert re.fullmatch(r"ERR: +\d+", first[-1])


def test_uptime_grows(m):
    first = cat(m, "/proc/uptime").strip()
    assert re.fullmatch(r"\d+\.\d\d \d+\.\d\d", first)
    m.run("sleep 0.3")
    up1, idle1 = map(float, first.split())
    up2, idle2 = map(float, cat(m, "/proc/uptime").split())
    assert up2 >= up1 + 0.25 and idle2 >= idle1 and idle2 <= up2 + 0.01
    assert idle2 - idle1 > 0.1  # sleeping is idle time


def test_version_and_filesystems(m):
    version = cat(m, "/proc/version")
    assert re.match(r"Keel version \d+\.\d+\.\d+ \(", version)
    lines = cat(m, "/proc/filesystems").splitlines()
    assert {"nodev\tramfs", "nodev\tproc", "nodev\tdevtmpfs"} <= set(lines)
    assert "nodev\ttestfs" not in lines
    m.run("modprobe test_fs")
    assert "nodev\ttestfs" in cat(m, "/proc/filesystems").splitlines()
    m.run("rmmod test_fs")
    assert "nodev\ttestfs" not in cat(m, "/proc/filesystems").splitlines()


def test_small_reads_and_copies(m):
    """crc32 -c N reads N bytes in one call: odd sizes cut the file where asked; cp reads it
    to the end in its own chunks and the copy is the same text."""
    text = cat(m, "/proc/version").encode()
    for n in (1, 7, 13, len(text) - 1, len(text), len(text) + 100):
        out = m.run(f"crc32 -c {n} /proc/version")
        crc, size = out.split()[:2]
        assert (int(crc, 16), int(size)) == (zlib.crc32(text[:n]), len(text[:n]))
    m.run("cp /proc/modules /tmp/modules.copy")
    assert cat(m, "/tmp/modules.copy") == cat(m, "/proc/modules")


def test_module_proc_entries(m):
    assert "test_chrdev" not in m.run("ls /proc").split()
    run_clean(m, "insmod /lib/modules/test_chrdev.ko")
    assert set(m.run("ls /proc/test_chrdev").split()) == {"echo", "stats"}
    stats = cat(m, "/proc/test_chrdev/stats")
    assert re.match(r"major \d+\nopens 0\nwritten 0\n", stats)
    m.run("echo ping pong > /proc/test_chrdev/echo")
    assert cat(m, "/proc/test_chrdev/echo") == "ping pong\n"
    assert "Input/output error" in m.run("echo x > /proc/meminfo")
    out = run_clean(m, "rmmod test_chrdev")
    assert "left behind" not in out and "no such entry" not in out
    assert "test_chrdev" not in m.run("ls /proc").split()
    assert "No such file or directory" in m.run("cat /proc/test_chrdev/stats")


def test_double_remove_and_forgetful_module(m):
    run_clean(m, "insmod /lib/modules/test_chrdev.ko double_remove=1")
    out = run_clean(m, "rmmod test_chrdev")
    assert "remove_proc_entry: /proc/test_chrdev/stats: no such entry" in out
    assert "not registered" in out and "Oops" not in out
    run_clean(m, "insmod /lib/modules/test_chrdev.ko forget=1")
    out = run_clean(m, "rmmod test_chrdev")
    assert "left behind by its module" in out and "Oops" not in out
    assert "test_chrdev" not in m.run("ls /proc").split()
    assert "test_chrdev" not in cat(m, "/proc/devices")
    assert "No such file or directory" in m.run("cat /proc/test_chrdev/stats")
    # Everything was released: loading again works.
    run_clean(m, "insmod /lib/modules/test_chrdev.ko")
    assert "echo" in m.run("ls /proc/test_chrdev")
    run_clean(m, "rmmod test_chrdev")


def test_tainting_module_flagged(m):
    run_clean(m, "insmod /lib/modules/test_proprietary.ko")
    line = [l for l in cat(m, "/proc/modules").splitlines() if l.startswith("test_proprietary ")]
    assert line and line[0].endswith(" (P)")
    parse_proc_modules(cat(m, "/proc/modules"))
    run_clean(m, "rmmod test_proprietary")


def test_zz_no_reports_in_dmesg(m):
    """Last: nothing the tests above did left a BUG, WARNING or oops in the kernel log."""
    assert not BAD_REPORTS.search(m.run("dmesg"))


def test_cmdline_matches_boot(custom_shell):
    assert cat(custom_shell, "/proc/cmdline") == conftest.TEST_CMDLINE + "\n"
    assert cat(custom_shell, "/proc/cmdline") == custom_shell.run("cmdline").replace("\r\n", "\n")
