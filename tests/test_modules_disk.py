"""Modules loaded from disk: `make modules_install INSTALL_MOD_PATH=<root>` of the in-tree
modules and of two out-of-tree folders (moda, and modb which needs moda and the in-tree
test_stack_a) gives a tree that `mke2fs -d` and `mcopy` turn into an ext2 disk and a FAT16
disk. In the guest: `insmod /mnt/.../moda.ko` from the FAT disk; then the ext2 disk mounted on
/lib/modules (hiding the initrd's) serves `modprobe modb`, which loads its dependencies from
the disk in order; `modprobe -r` takes them back and the disk unmounts."""

import shutil
import subprocess

import pytest

import extmod
import keel
from modtest import lsmod, run_ok

DISK_MIB = 32


def install_tree(root, build):
    src = keel.ROOT / build / "extmod-disk-src"
    shutil.rmtree(src, ignore_errors=True)
    extmod.make("modules_install", f"INSTALL_MOD_PATH={root}", build=build)
    extmod.build_and_install(src, root, build=build)
    versions = list((root / "lib" / "modules").iterdir())
    assert len(versions) == 1, versions
    return versions[0]


def make_ext2(image, tree):
    subprocess.run(["mke2fs", "-q", "-F", "-t", "ext2", "-b", "1024", "-d", str(tree),
                    str(image), f"{DISK_MIB}M"], check=True)


def make_fat(image, files):
    with open(image, "wb") as f:
        f.truncate(DISK_MIB << 20)
    subprocess.run(["mkfs.fat", "-F", "16", str(image)], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["mmd", "-i", str(image), "::/mods"], check=True)
    subprocess.run(["mcopy", "-i", str(image)] + [str(f) for f in files] + ["::/mods/"],
                   check=True)


@pytest.fixture(scope="module")
def disks(tmp_path_factory, default_iso):
    work = tmp_path_factory.mktemp("moddisk")
    modlib = install_tree(work / "root", keel.BUILD)
    ext2 = work / "modules.ext2"
    make_ext2(ext2, modlib.parent)  # the image's root is /lib/modules: <version>/...
    fat = work / "mods.fat"
    make_fat(fat, [modlib / "extra" / "moda.ko", modlib / "extra" / "modb.ko"])
    return ext2, fat, modlib.name


def test_insmod_and_modprobe_from_disks(boot_machine, default_iso, disks):
    ext2, fat, version = disks
    m = boot_machine(default_iso, extra_args=[
        "-boot", "d", "-drive", f"file={ext2},format=raw,if=ide,index=0",
        "-drive", f"file={fat},format=raw,if=ide,index=1"])
    run_ok(m, "mount -t vfat hdb /mnt")
    out = run_ok(m, "insmod /mnt/mods/moda.ko")
    assert "moda: loaded" in out, out
    run_ok(m, "umount /mnt")  # a module loaded from a disk does not keep the disk busy
    run_ok(m, "rmmod moda")
    run_ok(m, "mount -t ext2 -o ro hda /lib/modules")
    out = run_ok(m, f"ls /lib/modules/{version}")
    assert "extra" in out and "kernel" in out and "modules.dep" in out, out
    out = run_ok(m, "modprobe modb")
    assert "modb: loaded, moda_scale(5) = 15, stack_a_add(1, 2) = 3" in out, out
    assert out.index("moda: loaded") < out.index("modb: loaded"), out
    assert out.index("test_stack_a: loaded") < out.index("modb: loaded"), out
    modules = lsmod(m)
    assert {"moda", "modb", "test_stack_a"} <= set(modules), modules
    run_ok(m, "modprobe -r modb")
    modules = lsmod(m)
    assert not {"moda", "modb", "test_stack_a"} & set(modules), modules
    run_ok(m, "umount /lib/modules")
    out = run_ok(m, "modprobe test_stack_a")  # the initrd's modules are back
    assert "test_stack_a: loaded" in out, out
