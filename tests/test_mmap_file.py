"""File mappings (issue 14, point 3): tests/user/mmapfile.c run in Keel and on the host with
the same output, on the initrd's ramfs (/tmp: private mappings) and on an ext2 disk (private
and shared mappings through the page cache); a file the host put on the disk read through a
mapping gives the host's checksum; what a shared mapping wrote reaches the disk image (seen
by debugfs after poweroff); and 200 map/unmap rounds leave `mem` at its baseline."""

import pytest

from fatimg import extract, fsck, make_disk, make_partition, put_tree, read_tree
from test_ata import drive
from test_ext2 import assert_fsck_clean, debugfs, mkfs, poweroff
from test_user import assert_no_leak, assert_no_oops, host_run, meminfo, program_output

DATA = bytes((i * 7 + i // 4096) & 0xFF for i in range(3 * 4096 + 1234))


def guest_run(m, args):
    out = m.run(f"run /bin/mmapfile {args}")
    assert_no_oops(out)
    return program_output(out)


@pytest.fixture
def ext2_machine(boot_machine, default_iso, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "data.bin").write_bytes(DATA)
    hda = tmp_path / "hda.img"
    mkfs(hda, src, 1024, 8 * 1024)
    m = boot_machine(default_iso, extra_args=["-boot", "d"] + drive(hda, 0))
    assert "modprobe:" not in m.run("modprobe ext2")
    assert "mount:" not in m.run("mkdir /mnt/a; mount -t ext2 hda /mnt/a")
    m.image = hda
    m.src = src
    return m


def test_private_mappings_on_ramfs_same_as_host(shell, tmp_path):
    expected, code = host_run("mmapfile", (str(tmp_path),))
    assert code == 0, expected
    assert guest_run(shell, "/tmp") == expected


def test_ext2_mappings_same_as_host(ext2_machine, tmp_path):
    m = ext2_machine
    for mode in ("", " shared"):
        expected, code = host_run("mmapfile", (str(tmp_path),) + tuple(mode.split()))
        assert code == 0, expected
        assert guest_run(m, "/mnt/a" + mode) == expected
    expected, _ = host_run("mmapfile", (str(m.src / "data.bin"), "sum"))
    got = guest_run(m, "/mnt/a/data.bin sum")
    assert got.split(":")[1] == expected.split(":")[1]


def test_shared_writes_reach_the_disk(ext2_machine, tmp_path):
    """Bytes written through a shared mapping, then munmap (no msync): umount's sync takes
    them to the disk, where debugfs finds the file otherwise unchanged."""
    m = ext2_machine
    assert guest_run(m, "/mnt/a/data.bin poke 5000 KEEL") == "poked 4 bytes\n"
    assert guest_run(m, "/mnt/a/data.bin poke 13000 tail") == "poked 4 bytes\n"
    assert "umount:" not in m.run("umount /mnt/a")
    poweroff(m)
    assert_fsck_clean(m.image)
    debugfs(m.image, f"dump /data.bin {tmp_path / 'out'}")
    want = bytearray(DATA)
    want[5000:5004] = b"KEEL"
    want[13000:13004] = b"tail"
    assert (tmp_path / "out").read_bytes() == bytes(want)


def test_vfat_mappings_same_as_host_and_on_disk(boot_machine, default_iso, tmp_path):
    """The same on a FAT16 partition (vfat.ko), then bytes poked through a shared mapping
    are in the partition mtools reads back after poweroff, and fsck.fat finds it clean."""
    part = make_partition(tmp_path / "part.img", 16, 20 * 1024)
    (tmp_path / "scratch").mkdir()
    put_tree(part, {"data.bin": DATA}, tmp_path / "scratch")
    disk = tmp_path / "hda.img"
    (number,), starts = make_disk(disk, [part])
    m = boot_machine(default_iso, extra_args=["-boot", "d"] + drive(disk, 0))
    assert "mount:" not in m.run("mkdir /mnt/b; mount -t vfat hda1 /mnt/b")
    for mode in ("", " shared"):
        expected, code = host_run("mmapfile", (str(tmp_path),) + tuple(mode.split()))
        assert code == 0, expected
        assert guest_run(m, "/mnt/b" + mode) == expected
    assert guest_run(m, "/mnt/b/data.bin poke 4095 fat!") == "poked 4 bytes\n"
    assert "umount:" not in m.run("umount /mnt/b")
    poweroff(m)
    back = extract(disk, starts[number], 20 * 1024, tmp_path / "back.img")
    clean, report = fsck(back)
    assert clean, report
    want = bytearray(DATA)
    want[4095:4099] = b"fat!"
    assert read_tree(back, tmp_path / "tree")["data.bin"] == bytes(want)


def test_no_leak_after_200_rounds(ext2_machine):
    m = ext2_machine
    guest_run(m, "/tmp loop 20")
    guest_run(m, "/mnt/a loop 20")
    before = meminfo(m)
    assert "loops: 200" in guest_run(m, "/tmp loop 200")
    assert "loops: 200" in guest_run(m, "/mnt/a loop 200")
    after = meminfo(m)
    assert_no_leak(before, after)
