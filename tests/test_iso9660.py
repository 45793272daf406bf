"""iso9660.ko in the guest against xorriso's view of the same images (the oracle: its `lsdl`
listing and its extraction, CRC-32s by zlib).

One machine: hdc is the boot CD; hda holds a Rock Ridge image made here (deep directories,
a directory of many sectors, 200-byte names continued through CE areas, symlinks of every
kind, sizes around the 2048-byte block); hdb is an image without Rock Ridge (names lower-cased,
no ";1") on a hard disk, so 2048-byte blocks over 512-byte sectors; hdd takes damaged images
one after another through QMP medium changes. Checks:
every name, mode, owner, size, link target and CRC-32 matches; mount without -t finds
iso9660; writes give EROFS; rmmod is refused while mounted; damaged images are refused or
lose only the damaged entry, with an `iso9660: hdd:` line and no oops.
"""

import os
import random
import re
import struct
import subprocess
import zlib

import pytest

import atadev
import conftest

HDA, HDB, HDD = 0, 1, 3
BLOCK = 2048
LSDL = re.compile(r"^(\S{10})\s+(\d+)\s+(\S+)\s+(\S+)\s+(\d+)\s+\S+\s+\d+\s+\S+\s+"
                  r"'(.*?)'(?: -> '(.*)')?$")
FAIL = re.compile(r"Oops|panic|BUG|general protection", re.I)


# ---- host side: images and xorriso's view of them ------------------------------------------

def mkisofs(src, out, rock=True):
    args = ["xorriso", "-as", "mkisofs", "-quiet"] + (["-R"] if rock else ["--norock"]) + \
        ["-o", str(out), str(src)]
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return out


def make_rock_tree(root, rng):
    deep = root.joinpath(*[f"level{i}" for i in range(12)])
    deep.mkdir(parents=True)
    (deep / "bottom.txt").write_text("at the bottom\n")
    many = root / "many"
    many.mkdir()
    for i in range(160):  # > 2 sectors of records
        (many / f"a-file-with-a-rather-long-name-number-{i:04d}.dat").write_bytes(
            rng.randbytes(rng.randrange(0, 300)))
    sizes = root / "sizes"
    sizes.mkdir()
    for size in (0, 1, 2047, 2048, 2049, 3 * 1024 * 1024 + 17):
        (sizes / f"s{size}").write_bytes(rng.randbytes(size))
    (root / ("n" * 200)).write_text("two hundred bytes of name\n")
    (root / ("m" * 255)).write_text("NAME_MAX: two NM entries\n")
    (root / ("d" * 180)).mkdir()
    (root / ("d" * 180) / ("f" * 190)).write_text("long in long\n")
    links = root / "links"
    links.mkdir()
    (links / "rel").symlink_to("../sizes/s1")
    (links / "abs").symlink_to("/etc/motd")
    (links / "multi").symlink_to("../level0/level1/./level2/../level2/x")
    (links / "dot").symlink_to(".")
    (links / "root").symlink_to("/")
    # longer than an SL entry (continued, through CE), and it must resolve: crc32 follows it
    (links / "long").symlink_to("./" * 150 + "../sizes/s2049")
    (root / "private").write_text("secret\n")
    (root / "private").chmod(0o600)
    (root / "exec").write_text("#!/bin/true\n")
    (root / "exec").chmod(0o751)
    (root / "locked").mkdir(mode=0o700)
    (root / "locked" / "inside").write_text("x\n")


def make_plain_tree(root, rng):
    (root / "SubDir").mkdir()
    (root / "ReadMe.TXT").write_text("read me\n")
    (root / "noext").write_bytes(rng.randbytes(5000))
    (root / "SubDir" / "data.bin").write_bytes(rng.randbytes(2049))


def make_small_tree(root, rng):
    (root / "sub").mkdir()
    (root / "first.txt").write_text("first\n")
    (root / ("victim-" + "v" * 190)).write_text("victim\n")
    (root / "sub" / "inner.bin").write_bytes(rng.randbytes(3000))
    (root / "last.txt").write_text("last\n")
    (root / "link").symlink_to("sub/inner.bin")


def host_view(iso, workdir, rock=True):
    """{path: (mode, uid, gid, size, target, crc)} from xorriso's listing and extraction."""
    norock = [] if rock else ["-read_fs", "norock"]
    out = subprocess.run(["xorriso"] + norock + ["-indev", str(iso), "-find", "/", "-exec",
                                                 "lsdl"], check=True, capture_output=True,
                         text=True).stdout
    dest = workdir / (iso.stem + "-x")
    subprocess.run(["xorriso"] + norock + ["-osirrox", "on", "-indev", str(iso), "-extract",
                                           "/", str(dest)], check=True, capture_output=True)
    view = {}
    for line in out.splitlines():
        m = LSDL.match(line)
        if not m or m.group(6) == "/":
            continue
        path = m.group(6) if rock else m.group(6).lower()
        mode = re.sub("^e", "-", m.group(1))  # El Torito's boot catalog: a file on disk
        host = dest / m.group(6).lstrip("/")
        crc = zlib.crc32(host.read_bytes()) if mode[0] == "-" else None
        size = int(m.group(5)) if mode[0] == "-" else None
        target = m.group(7) and m.group(7)[:255]  # what the guest's ls -l shows of it
        view[path] = (mode, m.group(3), m.group(4), size, target, crc)
    return view


# ---- guest side ---------------------------------------------------------------------------

def guest_ls(machine, path):
    """{name: (mode, uid, gid, size, target)} from `ls -l path`."""
    out = machine.run(f"ls -l {path}")
    entries = {}
    for line in out.splitlines():
        fields = line.split(None, 5)
        if len(fields) < 6 or not re.fullmatch(r"[-dlcbps][-rwxsStT]{9}", fields[0]):
            continue
        name, _, target = fields[5].partition(" -> ")
        entries[name] = (fields[0], fields[2], fields[3], int(fields[4]),
                         target if fields[0][0] == "l" else None)
    return entries


def guest_crcs(machine, paths):
    """{path: (crc, size)} for the files, crc32 run on batches that fit a shell line."""
    found, batch = {}, []
    for path in list(paths) + [None]:
        if path is not None and sum(len(p) + 1 for p in batch) + len(path) < 700 \
                and len(batch) < 40:
            batch.append(path)
            continue
        if batch:
            for line in machine.run("crc32 " + " ".join(batch), timeout=240).splitlines():
                m = re.match(r"^([0-9a-f]{8}) (\d+) (\S+)$", line)
                if m:
                    found[m.group(3)] = (int(m.group(1), 16), int(m.group(2)))
        batch = [path] if path is not None else []
    return found


def guest_view(machine, mnt):
    """The mounted tree in host_view's shape (crc None for non-files)."""
    view, todo = {}, [""]
    while todo:
        rel = todo.pop()
        for name, (mode, uid, gid, size, target) in guest_ls(machine, mnt + rel).items():
            view[f"{rel}/{name}"] = (mode, uid, gid, size if mode[0] == "-" else None,
                                     target, None)
            if mode[0] == "d":
                todo.append(f"{rel}/{name}")
    files = [p for p, v in view.items() if v[0][0] == "-"]
    crcs = guest_crcs(machine, [mnt + p for p in files])
    for p in files:
        crc, size = crcs.get(mnt + p, (None, None))
        assert size == view[p][3], f"{p}: crc32 says {size} bytes, ls {view[p][3]}"
        view[p] = view[p][:5] + (crc,)
    return view


def mount(machine, dev, mnt, fstype="iso9660"):
    """Mounts dev on mnt unless it is there already; returns the command's output."""
    if f"{dev} {mnt} " in machine.run("mount"):
        return ""
    machine.run(f"mkdir -p {mnt}")
    out = machine.run(f"mount -t {fstype} {dev} {mnt}" if fstype else f"mount {dev} {mnt}")
    assert f"{dev} {mnt} iso9660 ro" in machine.run("mount"), out
    return out


def assert_alive(machine, text):
    assert not FAIL.search(text), text
    assert machine.run("echo still-here").strip() == "still-here"


def compare(host, guest):
    assert sorted(host) == sorted(guest)
    for path in host:
        assert host[path] == guest[path], path


# ---- fixtures -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def images(tmp_path_factory):
    root, rng = tmp_path_factory.mktemp("iso9660"), random.Random(9660)
    made = {}
    for name, maker, rock in (("rock", make_rock_tree, True), ("plain", make_plain_tree, False),
                              ("small", make_small_tree, True)):
        src = root / f"{name}-src"
        src.mkdir()
        maker(src, rng)
        made[name] = mkisofs(src, root / f"{name}.iso", rock)
    made["dir"] = root
    return made


@pytest.fixture(scope="module")
def _iso_holder(default_iso, images, tmp_path_factory):
    extra = (atadev.drive_args(HDA, "cd", images["rock"]) +
             atadev.drive_args(HDB, "hd", images["plain"]) +
             atadev.drive_args(HDD, "cd", images["small"]))
    holder = conftest.SharedMachine(default_iso, tmp_path_factory.mktemp("shared-iso9660"),
                                    extra_args=extra)
    yield holder
    holder.close()


@pytest.fixture
def m(request, _iso_holder):
    yield from conftest.shared_machine_fixture(request, _iso_holder)


# ---- the tests ----------------------------------------------------------------------------

def test_boot_cd_matches_xorriso(m, default_iso, images):
    assert "hdc" in m.run("lsblk")
    mount(m, "hdc", "/tmp/boot")
    compare(host_view(default_iso, images["dir"]), guest_view(m, "/tmp/boot"))


def test_rock_ridge_image_matches_xorriso(m, images):
    mount(m, "hda", "/tmp/rock")
    host = host_view(images["rock"], images["dir"])
    assert len(host) > 190 and any(len(p.rsplit("/", 1)[1]) == 200 for p in host)
    compare(host, guest_view(m, "/tmp/rock"))
    out = m.run("crc32 /tmp/rock/links/long")
    data = (images["dir"] / "rock-src" / "sizes" / "s2049").read_bytes()
    assert f"{zlib.crc32(data):08x} 2049 " in out


def test_plain_image_names_lower_case(m, images):
    mount(m, "hdb", "/tmp/plain")
    host = host_view(images["plain"], images["dir"], rock=False)
    assert "/readme.txt" in host and "/subdir/data.bin" in host
    compare(host, guest_view(m, "/tmp/plain"))


def test_probe_erofs_and_rmmod(m):
    m.run("umount /tmp/plain")
    m.run("modprobe iso9660")
    mount(m, "hdb", "/tmp/plain", fstype=None)
    for cmd in ("touch /tmp/plain/new", "mkdir /tmp/plain/dir", "rm /tmp/plain/readme.txt",
                "rmdir /tmp/plain/subdir", "mv /tmp/plain/noext /tmp/plain/x"):
        assert "Read-only file system" in m.run(cmd), cmd
    assert "in use" in m.run("rmmod iso9660")
    for line in m.run("mount").splitlines():
        if " iso9660 " in line:
            m.run(f"umount {line.split()[1]}")
    assert m.run("rmmod iso9660").strip() == ""
    assert "iso9660" not in m.run("lsmod")


# ---- damaged images -----------------------------------------------------------------------

def read_root(image):
    """(volume blocks, root extent, root size) from the primary volume descriptor."""
    pvd = image[16 * BLOCK:17 * BLOCK]
    return (struct.unpack_from("<I", pvd, 80)[0], struct.unpack_from("<I", pvd, 158)[0],
            struct.unpack_from("<I", pvd, 166)[0])


def root_records(image):
    """[(byte offset, record bytes)] of the root directory."""
    _, extent, size = read_root(image)
    found, pos = [], extent * BLOCK
    while pos < extent * BLOCK + size:
        length = image[pos]
        if length == 0:
            pos = (pos // BLOCK + 1) * BLOCK
            continue
        found.append((pos, bytes(image[pos:pos + length])))
        pos += length
    return found


def find_record(image, needle):
    for pos, rec in root_records(image):
        if needle in rec:
            return pos, rec
    raise AssertionError(f"no record with {needle!r}")


def susp_entry(image, rec_pos, sig):
    """Byte offset in image of the first SUSP entry sig in the record at rec_pos."""
    length, name_len = image[rec_pos], image[rec_pos + 32]
    pos = rec_pos + 33 + name_len + (1 - name_len % 2)
    while pos + 4 <= rec_pos + length:
        if bytes(image[pos:pos + 2]) == sig:
            return pos
        pos += image[pos + 2]
    raise AssertionError(f"no {sig!r} entry")


def put32(image, pos, value):
    struct.pack_into("<I", image, pos, value)
    struct.pack_into(">I", image, pos + 4, value)


def no_cd001(img):
    img[16 * BLOCK + 1:16 * BLOCK + 6] = b"XXXXX"


def block_512(img):
    struct.pack_into("<H", img, 16 * BLOCK + 128, 512)
    struct.pack_into(">H", img, 16 * BLOCK + 130, 512)


def root_past_end(img):
    put32(img, 16 * BLOCK + 158, read_root(img)[0] + 100)


def record_too_short(img):
    img[find_record(img, b"VICTIM")[0]] = 12


def susp_len_zero(img):
    img[susp_entry(img, find_record(img, b"FIRST")[0], b"PX") + 2] = 0


def ce_loop(img):
    ce = susp_entry(img, find_record(img, b"VICTIM")[0], b"CE")
    block, off, length = (struct.unpack_from("<I", img, ce + i)[0] for i in (4, 12, 20))
    area = block * BLOCK + off
    img[area:area + 32] = img[ce:ce + 28] + b"ST\x04\x01"  # a CE to itself, then stop


def multi_extent(img):
    img[find_record(img, b"FIRST")[0] + 25] |= 0x80


def nm_slash(img):
    img[susp_entry(img, find_record(img, b"FIRST")[0], b"NM") + 6] = ord("/")


def nm_past_entry(img):
    img[susp_entry(img, find_record(img, b"FIRST")[0], b"NM") + 2] = 250


TARGETED = {  # corruption: True when the mount itself must be refused
    no_cd001: True, block_512: True, root_past_end: True, record_too_short: False,
    susp_len_zero: False, ce_loop: False, nm_past_entry: False, multi_extent: False,
    nm_slash: False,
}


def insert(m, images, name, data):
    path = images["dir"] / f"bad-{name}.iso"
    path.write_bytes(data)
    atadev.change_medium(m, HDD, path)


def exercise(m, mnt="/tmp/bad"):
    """Mounts hdd and reads all it can; the whole output."""
    m.run(f"mkdir -p {mnt}")
    out = m.run(f"mount -t iso9660 hdd {mnt}")
    if "hdd " + mnt not in m.run("mount"):
        return out, False
    for cmd in (f"ls -l {mnt}", f"ls -l {mnt}/sub", f"crc32 {mnt}/first.txt {mnt}/last.txt",
                f"crc32 {mnt}/sub/inner.bin {mnt}/link"):
        out += m.run(cmd)
    m.run(f"umount {mnt}")
    return out, True


@pytest.mark.parametrize("corrupt", list(TARGETED), ids=lambda f: f.__name__)
def test_targeted_damage(m, images, corrupt):
    img = bytearray(images["small"].read_bytes())
    corrupt(img)
    insert(m, images, corrupt.__name__, img)
    out, mounted = exercise(m)
    assert mounted != TARGETED[corrupt], out
    errors = [line[line.index("iso9660: hdd:"):] for line in out.splitlines()
              if "iso9660: hdd:" in line]
    if corrupt is no_cd001:
        assert "no ISO 9660 volume descriptor" in out
    assert errors and all(len(line) <= 80 for line in errors), out
    assert len(errors) <= 2, out  # once at the mount or lookup, maybe once in readdir
    if mounted:  # only the damaged entry is lost
        assert "last.txt" in out and "inner.bin" in out
    if corrupt is ce_loop:
        assert "(a loop?)" in out
    if corrupt is multi_extent:  # refused; the next record is taken for its second extent
        assert "multi-extent file not supported" in out and "Operation not supported" in out
    assert_alive(m, out)


def test_random_mutations(m, images):
    base = images["small"].read_bytes()
    first_data = min(struct.unpack_from("<I", rec, 2)[0] for _, rec in root_records(base)
                     if not rec[25] & 2 and struct.unpack_from("<I", rec, 10)[0])
    blocks = list(range(16, first_data))  # descriptors, path tables, directories, CE areas
    for seed in range(24):
        rng = random.Random(seed)
        img = bytearray(base)
        block = rng.choice(blocks)
        for _ in range(rng.randint(1, 12)):
            spot = rng.randrange(200 if block == 16 else BLOCK)  # the PVD's fields: first 190
            img[block * BLOCK + spot] = rng.randrange(256)
        insert(m, images, f"random-{seed}", img)
        out, _ = exercise(m)
        assert_alive(m, out)
