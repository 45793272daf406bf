"""CD medium changes under ata.ko (issue 11, class 13: a changed medium kept the old size until
the driver was reloaded, and `blk rescan` did not re-read it).

The default ISO boots from hdc; hdd holds a small ISO the host made and hdb is an empty CD
drive. QMP swaps the media (blockdev-change-medium, eject) while the guest runs: `lsblk`,
`blk read` and `blk rescan` must see the new size and data (CRC32 against the host file), an
empty drive must fail reads with one clear "No medium found" line, and inserting a medium again
must work, all without reloading the driver.
"""

import re
import zlib

import pytest

import atadev
import conftest

HDB, HDD = 1, 3


@pytest.fixture(scope="module")
def isos(tmp_path_factory):
    root = tmp_path_factory.mktemp("ata-media")
    return {"small": atadev.make_iso(root / "small.iso", 700_000),
            "big": atadev.make_iso(root / "big.iso", 2_500_000)}


@pytest.fixture(scope="module")
def _media_holder(default_iso, isos, tmp_path_factory):
    extra = atadev.drive_args(HDB, "cd") + atadev.drive_args(HDD, "cd", isos["small"])
    holder = conftest.SharedMachine(default_iso, tmp_path_factory.mktemp("shared-ata-media"),
                                    extra_args=extra)
    yield holder
    holder.close()


@pytest.fixture
def cd(request, _media_holder):
    yield from conftest.shared_machine_fixture(request, _media_holder)


def sectors(path):
    return path.stat().st_size // atadev.CD_SECTOR


def whole_crc(machine, name, path):
    return atadev.guest_crc(machine, f"blk read {name} 0 {sectors(path)}") == \
        zlib.crc32(path.read_bytes())


def test_boot_sizes(cd, isos):
    assert re.search(r'ata: hdb: ATAPI "QEMU DVD-ROM", no medium, read-only', cd.boot_text)
    assert "READ CAPACITY" not in cd.boot_text  # an empty drive is not an error
    sizes = atadev.lsblk_sizes(cd.run("lsblk"))
    assert (sizes["hdb"], sizes["hdd"]) == (0, sectors(isos["small"]))
    assert whole_crc(cd, "hdd", isos["small"])


def test_swap_to_a_bigger_medium(cd, isos):
    atadev.change_medium(cd, HDD, isos["big"])
    out = cd.run("lsblk")
    assert f"block: hdd: medium changed: {sectors(isos['big'])} sectors of 2048 bytes" in out
    assert atadev.lsblk_sizes(out)["hdd"] == sectors(isos["big"])
    assert whole_crc(cd, "hdd", isos["big"])
    # `ata` shows what the last look found, without reloading the driver.
    assert atadev.parse_ata(cd.run("ata"))["hdd"] == ("ATAPI", sectors(isos["big"]), False)


def test_blk_read_alone_sees_the_change(cd, isos):
    """No lsblk in between: opening the device for `blk read` revalidates it."""
    atadev.change_medium(cd, HDD, isos["small"])
    assert whole_crc(cd, "hdd", isos["small"])
    out = cd.run(f"blk read hdd {sectors(isos['small'])} 1")  # where the big ISO went on
    assert "past the end of the device" in out


def test_eject_then_reads_fail_cleanly(cd, isos):
    atadev.eject(cd, HDD)
    out = cd.run("blk read hdd 16 1")
    assert "block: hdd: medium removed" in out
    assert "blk: hdd: No medium found" in out
    sizes = atadev.lsblk_sizes(cd.run("lsblk"))
    assert sizes["hdd"] == 0
    assert "(no medium)" in cd.run("lsblk")
    # The raw path (no block layer, no revalidation) names the cause too.
    out = cd.run("ata read hdd 16 1")
    assert "ata: hdd: READ(10) at sector 16: no medium" in out
    assert "No medium found (ENOMEDIUM)" in out
    assert atadev.parse_ata(cd.run("ata"))["hdd"] == ("ATAPI", 0, True)


def test_insert_again_and_rescan(cd, isos):
    atadev.change_medium(cd, HDD, isos["big"])
    # The raw read is the first command to meet the change: it fails and says why.
    out = cd.run("ata read hdd 16 1")
    assert "the medium changed" in out and "Input/output error" in out
    out = cd.run("blk rescan hdd")
    assert f"block: hdd: medium changed: {sectors(isos['big'])} sectors" in out
    assert whole_crc(cd, "hdd", isos["big"])
    assert "medium changed" not in cd.run("blk rescan hdd")  # nothing new the second time


def test_insert_into_drive_empty_at_boot(cd, isos, default_iso):
    atadev.change_medium(cd, HDB, isos["small"])
    assert atadev.lsblk_sizes(cd.run("lsblk"))["hdb"] == sectors(isos["small"])
    assert whole_crc(cd, "hdb", isos["small"])
    # The boot CD never changed: same size, and no change reported for it.
    out = cd.run("lsblk")
    assert atadev.lsblk_sizes(out)["hdc"] == sectors(default_iso)
    assert "hdc: medium" not in out
