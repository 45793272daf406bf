"""devtmpfs at /dev and character devices in the guest: the built-in nodes with Linux's
numbers (`ls -l` shows them like Linux's ls), the memory devices' semantics, block device
nodes reading the attached disk's bytes (CRC-32 against zlib over the host image and each
partition's slice) and following the ata module out and back in, a write to /dev/ttyS0
reaching the serial line, mount's handling of /dev paths, and a module's chrdev (test_chrdev)
whose node comes and goes with it."""

import re
import zlib

import pytest

import conftest
import test_proc

SECTOR = test_proc.SECTOR
LS_DEV = re.compile(r"^([cb])[rwx-]{9}\s+\d+ \d+ \d+\s+(\d+), +(\d+) (\S+)$")


LABEL = "devtmpfs-label"


@pytest.fixture(scope="module")
def disk(tmp_path_factory):
    """test_proc's disk, with a testbfs signature (modules/test_fs/testbfs.c) on hda6."""
    disk = test_proc.disk.__wrapped__(tmp_path_factory)
    start = disk["parts"][6][0] * SECTOR
    with open(disk["path"], "r+b") as f:
        f.seek(start)
        f.write(b"KEELTBFS" + LABEL.encode() + b"\0")
    disk["bytes"] = disk["path"].read_bytes()
    return disk


@pytest.fixture(scope="module")
def _holder(default_iso, disk, tmp_path_factory):
    extra = ["-boot", "d", "-drive", f"file={disk['path']},format=raw,if=ide,index=0"]
    holder = conftest.SharedMachine(default_iso, tmp_path_factory.mktemp("shared-devtmpfs"),
                                    extra_args=extra)
    yield holder
    holder.close()


@pytest.fixture
def m(request, _holder):
    yield from conftest.shared_machine_fixture(request, _holder)


def dev_nodes(machine):
    """{name: (type, major, minor)} from `ls -l /dev`."""
    nodes = {}
    for line in machine.run("ls -l /dev").splitlines():
        match = LS_DEV.match(line.strip())
        if match:
            kind, major, minor, name = match.groups()
            nodes[name] = (kind, int(major), int(minor))
    return nodes


def crc(machine, command):
    fields = machine.run(command).split()
    return int(fields[0], 16), int(fields[1])


def test_builtin_nodes(m):
    nodes = dev_nodes(m)
    expected = {"null": ("c", 1, 3), "zero": ("c", 1, 5), "full": ("c", 1, 7),
                "random": ("c", 1, 8), "urandom": ("c", 1, 9), "console": ("c", 5, 1),
                "ttyS0": ("c", 4, 64), "hda": ("b", 3, 0), "hda1": ("b", 3, 1),
                "hda5": ("b", 3, 5), "hda6": ("b", 3, 6), "hdc": ("b", 22, 0)}
    for name, value in expected.items():
        assert nodes.get(name) == value, name
    assert "/dev devtmpfs" in m.run("mount")


def test_memory_devices(m):
    assert m.run("cat /dev/null").strip() == ""
    assert m.run("echo gone > /dev/null").strip() == ""
    assert "No space left on device" in m.run("echo x > /dev/full")
    assert crc(m, "crc32 -c 4096 /dev/zero") == (zlib.crc32(bytes(4096)), 4096)
    assert crc(m, "crc32 -c 100 /dev/full") == (zlib.crc32(bytes(100)), 100)
    first, second = crc(m, "crc32 -c 65536 /dev/urandom"), crc(m, "crc32 -c 65536 /dev/random")
    assert first[1] == second[1] == 65536 and first[0] != second[0]
    assert crc(m, "crc32 -c 0 /dev/zero") == (0, 0)


def test_block_nodes_read_the_disk(m, disk):
    image = disk["bytes"]
    assert crc(m, "crc32 /dev/hda") == (zlib.crc32(image), len(image))
    for number, (start, size) in disk["parts"].items():
        if number == 2:
            continue
        part = image[start * SECTOR:(start + size) * SECTOR]
        assert crc(m, f"crc32 /dev/hda{number}") == (zlib.crc32(part), len(part)), number
    assert crc(m, "crc32 -c 1000 /dev/hda1") == (zlib.crc32(image[2048 * SECTOR:][:1000]), 1000)
    out = m.run("stat /dev/hda1")
    assert "block special file" in out and "Device type: 3,1" in out


def test_mknod_in_ramfs(m, disk):
    """Device nodes made by hand in the root ramfs open the same drivers."""
    assert m.run("mknod /tmp/myzero c 1 5").strip() == ""
    assert m.run("mknod /tmp/myhda1 b 3 1").strip() == ""
    assert m.run("mknod /tmp/nodrv c 77 0").strip() == ""
    assert crc(m, "crc32 -c 333 /tmp/myzero") == (zlib.crc32(bytes(333)), 333)
    start, size = disk["parts"][1]
    part = disk["bytes"][start * SECTOR:(start + size) * SECTOR]
    assert crc(m, "crc32 /tmp/myhda1") == (zlib.crc32(part), len(part))
    assert "No such device or address" in m.run("cat /tmp/nodrv")
    assert "File exists" in m.run("mknod /tmp/myzero c 1 5")
    assert "Operation not permitted" in m.run("mknod /proc/x c 1 3")
    assert m.run("rm /tmp/myzero /tmp/myhda1 /tmp/nodrv").strip() == ""


def test_mount_takes_dev_paths(m):
    assert "Block device required" in m.run("mount /dev/null /mnt")
    assert "No such file or directory" in m.run("mount /dev/nope /mnt")
    m.run("modprobe test_fs")
    out = m.run("mount /dev/hda1 /mnt")  # random bytes: no filesystem recognises them
    assert "recognised" in out and "/mnt" not in m.run("mount")
    assert m.run("mount /dev/hda6 /mnt").strip() == ""  # probed: testbfs
    assert m.run("cat /mnt/label").strip() == LABEL
    assert "/dev/hda6 /mnt testbfs " in m.run("cat /proc/mounts")
    assert "busy" in m.run("mount /dev/hda6 /tmp").lower()  # one mount per device
    assert "in use" in m.run("rmmod ata") or "busy" in m.run("rmmod ata").lower()
    assert m.run("umount /mnt").strip() == ""
    assert m.run("mount -t testbfs hda6 /mnt").strip() == ""  # the bare name still works
    assert m.run("cat /mnt/label").strip() == LABEL
    assert m.run("umount /mnt").strip() == ""
    m.run("rmmod test_fs")


def test_mount_boot_cd_by_dev_path(m, default_iso):
    """The boot CD through its node: iso9660 (autoloaded by -t) over /dev/hdc."""
    assert "hdc: mounted" in m.run("mount -t iso9660 /dev/hdc /mnt")
    assert "/dev/hdc /mnt iso9660 " in m.run("cat /proc/mounts")
    assert "boot" in m.run("ls /mnt").split()
    assert m.run("umount /mnt").strip() == ""
    iso = default_iso.read_bytes()
    assert crc(m, "crc32 -c 65536 /dev/hdc") == (zlib.crc32(iso[:65536]), 65536)


def test_dd_through_nodes(m, disk):
    out = m.run("dd if=/dev/zero of=/tmp/zeros bs=4096 count=3")
    assert "3+0 records in" in out and "3+0 records out" in out
    assert crc(m, "crc32 /tmp/zeros") == (zlib.crc32(bytes(3 * 4096)), 3 * 4096)
    start = disk["parts"][1][0]
    m.run("dd if=/dev/hda1 of=/tmp/part bs=512 count=5 skip=1")
    part = disk["bytes"][(start + 1) * SECTOR:(start + 6) * SECTOR]
    assert crc(m, "crc32 /tmp/part") == (zlib.crc32(part), len(part))
    m.run("rm /tmp/zeros /tmp/part")


def test_ttys0_write_reaches_serial(m):
    start = len(m.text)
    m.run("echo proc-dev marker 4711 > /dev/ttyS0")
    lines = [line.strip() for line in m.text[start:].splitlines()]
    assert "proc-dev marker 4711" in lines
    start = len(m.text)
    m.run("echo console marker 4712 > /dev/console")
    assert "console marker 4712" in [line.strip() for line in m.text[start:].splitlines()]


def test_test_chrdev_node(m):
    assert "test_chrdev" not in dev_nodes(m)
    test_proc.run_clean(m, "insmod /lib/modules/test_chrdev.ko")
    devices = m.run("cat /proc/devices")
    major = int(re.search(r"^\s*(\d+) test_chrdev$", devices, re.M).group(1))
    assert dev_nodes(m)["test_chrdev"] == ("c", major, 0)
    assert m.run("cat /dev/test_chrdev").strip() == "hello from test_chrdev"
    m.run("echo abc > /dev/test_chrdev")
    stats = m.run("cat /proc/test_chrdev/stats")
    assert f"major {major}" in stats and "opens 2" in stats and "written 4" in stats
    test_proc.run_clean(m, "rmmod test_chrdev")
    assert "test_chrdev" not in dev_nodes(m)
    assert "test_chrdev" not in m.run("cat /proc/devices")


def test_taken_major_is_refused(m):
    out = m.run("insmod /lib/modules/test_chrdev.ko major=1")
    assert "EBUSY" in out or "busy" in out.lower()
    assert "test_chrdev" not in m.run("lsmod")
    assert "test_chrdev" not in dev_nodes(m)
    assert dev_nodes(m)["null"] == ("c", 1, 3)  # the real owner of major 1 is untouched


def test_block_node_writes(m, disk):
    """A write through /dev/hda5 lands on the disk: read back through the node and the blk
    command (the raw device); the image keeps it after the last close's writeback."""
    start = disk["parts"][5][0]
    assert test_proc.run_clean(m, "echo written through dev > /dev/hda5").strip() == ""
    text = b"written through dev\n"
    assert crc(m, f"crc32 -c {len(text)} /dev/hda5") == (zlib.crc32(text), len(text))
    sector = text + disk["bytes"][start * SECTOR + len(text):(start + 1) * SECTOR]
    out = m.run(f"blk read hda {start} 1")
    assert f"crc32 0x{zlib.crc32(sector):08x}" in out
    with open(disk["path"], "rb") as f:
        f.seek(start * SECTOR)
        assert f.read(len(text)) == text
    disk["bytes"] = disk["path"].read_bytes()
    assert "Read-only file system" in m.run("echo x > /dev/hdc")  # the CD
    size = len(disk["bytes"])
    assert crc(m, f"crc32 -c {size + 4096} /dev/hda")[1] == size  # the node ends at the disk's end


def test_rescan_keeps_nodes(m, disk):
    """A partition rescan removes and re-adds the partitions: their nodes follow."""
    out = test_proc.run_clean(m, "blk rescan hda")
    assert "usage" not in out and "blk:" not in out and "hda5" in m.run("lsblk")
    nodes = dev_nodes(m)
    assert {n: nodes[n] for n in ("hda1", "hda5", "hda6")} == \
        {"hda1": ("b", 3, 1), "hda5": ("b", 3, 5), "hda6": ("b", 3, 6)}
    start, size = disk["parts"][6]
    part = disk["bytes"][start * SECTOR:(start + size) * SECTOR]
    assert crc(m, "crc32 /dev/hda6") == (zlib.crc32(part), len(part))


def test_rmmod_ata_removes_nodes(m, disk):
    """Last: unloads and reloads the disk driver."""
    out = test_proc.run_clean(m, "rmmod ata")
    nodes = dev_nodes(m)
    assert not [name for name in nodes if name.startswith("hd")]
    assert "hda" not in m.run("cat /proc/partitions")
    test_proc.run_clean(m, "modprobe ata")
    nodes = dev_nodes(m)
    assert nodes["hda1"] == ("b", 3, 1) and nodes["hdc"] == ("b", 22, 0)
    image = disk["bytes"]
    assert crc(m, "crc32 /dev/hda") == (zlib.crc32(image), len(image))
    assert not test_proc.BAD_REPORTS.search(m.run("dmesg"))


def heap_blocks(machine):
    return int(re.search(r"^HeapBlocks:\s+(\d+)", machine.run("mem"), re.M).group(1))


def test_no_leaks(m):
    """Opening, reading and closing proc files and device nodes, loading and unloading a
    module with a chrdev, node and proc entries: the heap comes back to the same block count
    (after one warm-up round fills the dcache and the page cache)."""
    line = ("crc32 /proc/modules ; crc32 /proc/meminfo ; crc32 /proc/devices ; "
            "crc32 -c 4096 /dev/urandom ; crc32 /dev/hda1 ; "
            "insmod /lib/modules/test_chrdev.ko ; cat /dev/test_chrdev ; "
            "crc32 /proc/test_chrdev/stats ; rmmod test_chrdev ; crc32 /dev/null")
    def growth(command):
        assert "2 iterations done" in test_proc.run_clean(m, f"repeat -q 2 {command}")
        before = heap_blocks(m)
        assert "20 iterations done" in test_proc.run_clean(m, f"repeat -q 20 {command}")
        return heap_blocks(m) - before

    # The measurement itself (mem, repeat) moves the count a little: an empty round says how.
    assert growth(line) == growth("echo x")
