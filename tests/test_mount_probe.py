"""`mount DEV DIR` without -t on a fresh boot, as a user types it: the superblock's magic
numbers (libblkid's way) name the type, whose module loads by itself (fs-<type>). Disks made by
the host's mkfs.fat, mke2fs and xorriso; a blank disk gets one error line and nothing stays
mounted or loaded."""

import subprocess

import pytest

from modtest import lsmod

DISK_MIB = 16


def make_images(directory):
    fat = directory / "fat.img"
    with open(fat, "wb") as f:
        f.truncate(DISK_MIB << 20)
    subprocess.run(["mkfs.fat", "-F", "16", str(fat)], check=True, stdout=subprocess.DEVNULL)
    ext2 = directory / "ext2.img"
    subprocess.run(["mke2fs", "-q", "-F", "-t", "ext2", str(ext2), f"{DISK_MIB}M"], check=True)
    tree = directory / "tree"
    tree.mkdir()
    (tree / "hello.txt").write_text("hello\n")
    iso = directory / "cd.iso"
    subprocess.run(["xorriso", "-as", "mkisofs", "-quiet", "-R", "-o", str(iso), str(tree)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    blank = directory / "blank.img"
    with open(blank, "wb") as f:
        f.truncate(DISK_MIB << 20)
    return [fat, ext2, iso, blank]


@pytest.fixture
def probe_machine(boot_machine, default_iso, tmp_path):
    args = ["-boot", "d"]
    for index, image in zip((0, 1, 3), make_images(tmp_path)[:3]):
        args += ["-drive", f"file={image},format=raw,if=ide,index={index}"]
    return boot_machine(default_iso, extra_args=args)


def test_mount_without_type_loads_the_module(probe_machine):
    m = probe_machine
    before = lsmod(m)
    assert not {"vfat", "ext2", "iso9660"} & set(before), before
    for dev, fstype in (("hda", "vfat"), ("hdb", "ext2"), ("hdd", "iso9660")):
        m.run(f"mkdir -p /mnt/{dev}")
        out = m.run(f"mount /dev/{dev} /mnt/{dev}")
        assert "rror" not in out and "failed" not in out, out
        table = m.run("mount")
        assert f"/dev/{dev} /mnt/{dev} {fstype} " in table or \
            f"{dev} /mnt/{dev} {fstype} " in table, table
    assert {"vfat", "ext2", "iso9660"} <= set(lsmod(m))
    assert "hello" in m.run("cat /mnt/hdd/hello.txt")
    for dev in ("hda", "hdb", "hdd"):
        assert m.run(f"umount /mnt/{dev}").strip() == ""


def test_blank_disk_is_refused_in_one_line(boot_machine, default_iso, tmp_path):
    blank = make_images(tmp_path)[3]
    m = boot_machine(default_iso, extra_args=[
        "-boot", "d", "-drive", f"file={blank},format=raw,if=ide,index=0"])
    out = m.run("mount /dev/hda /mnt")
    lines = [line for line in out.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("mount: "), out
    assert " /mnt " not in m.run("mount"), m.run("mount")
