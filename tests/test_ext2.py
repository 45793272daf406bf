"""ext2.ko (modules/ext2) in QEMU, checked against oracles written elsewhere: e2fsprogs'
mke2fs (the images), e2fsck -fn (consistency after the guest wrote) and debugfs (what the
guest left on disk), and Python's zlib (file contents, through the guest's crc32).

- reading: images made by `mke2fs -t ext2 -d` from a random host tree (1 KiB blocks on a bare
  disk, 4 KiB blocks in an MBR partition): every file's CRC, link counts, symlink targets
  (fast and slow), a sparse file reaching the triple indirect block;
- writing: a seeded random sequence of creates, appends, truncations, renames (across
  directories, replacing), links, symlinks, mkdir/rmdir and deletions, replayed on a model;
  after umount e2fsck is clean and debugfs shows exactly the model;
- ENOSPC for blocks and for inodes, reported, and the filesystem still clean;
- mount without -t, rmmod refused while mounted, mount -o ro refusing writes;
- damaged images (targeted and seeded random corruptions, one GPT partition each): the mount
  is refused or the damage gives errors, never an oops, and the shell keeps answering.
"""

import os
import random
import re
import shutil
import subprocess
import zlib

import pytest

import keel
from test_ata import drive

SBIN = ["/usr/sbin", "/sbin"]
CRC_LINE = re.compile(r"^([0-9a-f]{8}) (\d+) (\S+)$", re.M)
OOPS = re.compile(r"Oops|panic|BUG|Kernel stack")
NAMES = "abcdefghijklmnopqrstuvwxyz"


def tool(name):
    found = shutil.which(name, path=os.pathsep.join(SBIN + [os.environ.get("PATH", "")]))
    if not found:
        pytest.skip(f"{name} not installed (e2fsprogs: tools/deps.sh)")
    return found


def run_tool(*args, check=True):
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, check=check)


# ---- host trees and images ------------------------------------------------------------------

def make_tree(root, rng, big_sparse=False):
    """Random files of the sizes that matter for 1 KiB blocks, links, symlinks, nested dirs."""
    (root / "d1" / "d2" / "d3").mkdir(parents=True)
    (root / "empty-dir").mkdir()
    sizes = {"zero": 0, "one": 1, "b1023": 1023, "b1024": 1024, "b1025": 1025, "b4096": 4096,
             "ind": 14 * 1024 + 7, "dind": 300 * 1024 + 3}
    for name, size in sizes.items():
        (root / name).write_bytes(rng.randbytes(size))
    (root / "d1" / "d2" / "d3" / "deep").write_bytes(rng.randbytes(5000))
    (root / "d1" / "text").write_text("hello from ext2\n")
    with open(root / "sparse", "wb") as f:  # a hole, data in the middle, a hole at the end
        f.truncate(3 * 1024 * 1024)
        f.seek(1024 * 1024 + 100)
        f.write(rng.randbytes(9000))
    if big_sparse:  # data behind the triple indirect block (1 KiB blocks: past 64.3 MiB)
        with open(root / "tind", "wb") as f:
            f.seek(66 * 1024 * 1024)
            f.write(rng.randbytes(3000))
    for name in ("one", "b4096"):  # mke2fs -d copies xattrs: a block with 128-byte inodes
        try:
            os.setxattr(root / name, "user.keel", b"ext2 test " * 4)
        except OSError:
            pass  # a host filesystem without user xattrs: the files stay plain
    os.link(root / "b1025", root / "d1" / "hard1")
    os.link(root / "b1025", root / "d1" / "d2" / "hard2")
    os.symlink("d1/text", root / "fast")
    os.symlink("d1/d2/" + "long-name-" * 9 + "x", root / "slow")  # > 60 bytes: a block


def mkfs(path, src, block_size, size_kib, extra=()):
    run_tool(tool("mke2fs"), "-q", "-F", "-t", "ext2", "-b", block_size, *extra, "-d", src,
             path, f"{size_kib}k")


def fsck(path):
    return run_tool(tool("e2fsck"), "-fn", path, check=False)


def debugfs(path, command):
    return run_tool(tool("debugfs"), "-R", command, path).stdout


def host_crcs(root):
    """{relative path: (crc, size)} of every regular file under root."""
    out = {}
    for dirpath, _, files in os.walk(root):
        for name in files:
            p = os.path.join(dirpath, name)
            if not os.path.islink(p):
                data = open(p, "rb").read()
                out[os.path.relpath(p, root)] = (zlib.crc32(data), len(data))
    return out


# ---- the guest --------------------------------------------------------------------------------

def check_shell(m, out):
    assert not OOPS.search(out), out
    assert "ext2-alive" in m.run("echo ext2-alive")


def guest_crcs(m, mnt, paths):
    """{path: (crc, size)} from the guest's crc32, a few files per command."""
    got = {}
    paths = sorted(paths)
    for i in range(0, len(paths), 6):
        out = m.run("crc32 " + " ".join(f"{mnt}/{p}" for p in paths[i:i + 6]), timeout=240)
        for crc, size, name in CRC_LINE.findall(out):
            got[os.path.relpath(name, mnt)] = (int(crc, 16), int(size))
    return got


def ls_l(m, path):
    """{name: (links, rest of the line)} from the guest's ls -l."""
    out = m.run(f"ls -l {path}")
    rows = {}
    for line in out.splitlines():
        fields = line.split(None, 5)
        if len(fields) == 6 and fields[1].isdigit():
            rest = fields[5]
            name = rest.split(" -> ")[0].split(None, 1)[-1]
            rows[name] = (int(fields[1]), line)
    return rows


# ---- the random sequence and its model ------------------------------------------------------

class Model:
    """Paths (relative to the mount point) -> nodes; hard links share a node."""

    def __init__(self):
        self.nodes = {}

    def dirs(self):
        return sorted(p for p, n in self.nodes.items() if n["kind"] == "dir")

    def files(self):
        return sorted(p for p, n in self.nodes.items() if n["kind"] == "file")

    def children(self, d):
        prefix = d + "/" if d else ""
        return [p for p in self.nodes if p.startswith(prefix) and "/" not in p[len(prefix):]]

    def links(self, path):
        node = self.nodes[path]
        if node["kind"] == "dir":
            return 2 + sum(1 for c in self.children(path) if self.nodes[c]["kind"] == "dir")
        return sum(1 for n in self.nodes.values() if n is node)


def fresh_name(rng, model, d):
    while True:
        name = "".join(rng.choice(NAMES) for _ in range(rng.randint(1, 12)))
        path = f"{d}/{name}" if d else name
        if path not in model.nodes:
            return path


def words(rng, count):
    return " ".join("".join(rng.choice(NAMES) for _ in range(rng.randint(1, 30)))
                    for _ in range(count))


def op_write(rng, model, mnt, append):
    files = model.files()
    if append and files:
        path = rng.choice(files)
    else:
        path = fresh_name(rng, model, rng.choice(model.dirs() + [""]))
        if not append and files and rng.random() < 0.4:
            path = rng.choice(files)  # overwrite: O_TRUNC truncates first
    text = words(rng, rng.randint(1, 25)) + "\n"
    node = model.nodes.get(path) or {"kind": "file", "data": b""}
    node["data"] = (node["data"] if append else b"") + text.encode()
    model.nodes[path] = node
    return f"echo {text.strip()} {'>>' if append else '>'} {mnt}/{path}"


def op_truncate(rng, model, mnt):
    """Cuts (freeing data and indirect blocks) or extends with a hole."""
    path = rng.choice(model.files())
    node = model.nodes[path]
    size = rng.choice((0, rng.randrange(len(node["data"]) + 1), len(node["data"]) + 5000,
                       rng.choice((11 * 1024, 12 * 1024 + 1, 268 * 1024 + 3, 70 * 1024))))
    node["data"] = node["data"][:size] + b"\0" * (size - len(node["data"]))
    return f"truncate -s {size} {mnt}/{path}"


def op_copy(rng, model, mnt):
    src = rng.choice(model.files())
    dst = fresh_name(rng, model, rng.choice(model.dirs() + [""]))
    model.nodes[dst] = {"kind": "file", "data": model.nodes[src]["data"]}
    return f"cp {mnt}/{src} {mnt}/{dst}"


def op_mkdir(rng, model, mnt):
    path = fresh_name(rng, model, rng.choice(model.dirs() + [""]))
    model.nodes[path] = {"kind": "dir"}
    return f"mkdir {mnt}/{path}"


def op_remove(rng, model, mnt):
    empty = [d for d in model.dirs() if not model.children(d) and d != "lost+found"]
    if empty and rng.random() < 0.3:
        path = rng.choice(empty)
        del model.nodes[path]
        return f"rmdir {mnt}/{path}"
    victims = [p for p, n in model.nodes.items() if n["kind"] != "dir"]
    path = rng.choice(victims)
    del model.nodes[path]
    return f"rm {mnt}/{path}"


def op_move(rng, model, mnt):
    movable = [p for p in model.nodes if p != "lost+found"]
    src = rng.choice(movable)
    kind = model.nodes[src]["kind"]
    targets = [d for d in model.dirs() + [""] if d != src and not d.startswith(src + "/")]
    dst = fresh_name(rng, model, rng.choice(targets))
    others = [p for p in model.files() if p != src and model.nodes[p] is not model.nodes[src]]
    if kind == "file" and others and rng.random() < 0.4:
        dst = rng.choice(others)  # replacing an existing file
    moved = {p: n for p, n in model.nodes.items() if p == src or p.startswith(src + "/")}
    for p in moved:
        del model.nodes[p]
    for p, n in moved.items():
        model.nodes[dst + p[len(src):]] = n
    return f"mv {mnt}/{src} {mnt}/{dst}"


def op_link(rng, model, mnt):
    src = rng.choice(model.files())
    dst = fresh_name(rng, model, rng.choice(model.dirs() + [""]))
    model.nodes[dst] = model.nodes[src]
    return f"ln {mnt}/{src} {mnt}/{dst}"


def op_symlink(rng, model, mnt):
    dst = fresh_name(rng, model, rng.choice(model.dirs() + [""]))
    target = words(rng, 1) if rng.random() < 0.5 else "/".join(words(rng, 8).split())
    model.nodes[dst] = {"kind": "symlink", "target": target}
    return f"ln -s {target} {mnt}/{dst}"


def random_ops(rng, model, mnt, count):
    ops = [(lambda: op_write(rng, model, mnt, False), 4), (lambda: op_write(rng, model, mnt, True), 3),
           (lambda: op_copy(rng, model, mnt), 1), (lambda: op_truncate(rng, model, mnt), 2),
           (lambda: op_mkdir(rng, model, mnt), 2),
           (lambda: op_remove(rng, model, mnt), 3), (lambda: op_move(rng, model, mnt), 3),
           (lambda: op_link(rng, model, mnt), 2), (lambda: op_symlink(rng, model, mnt), 1)]
    funcs, weights = zip(*ops)
    return [rng.choices(funcs, weights)[0]() for _ in range(count)]


def model_from_tree(root):
    model, inodes = Model(), {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = os.path.join(dirpath, name)
            rel = os.path.relpath(p, root)
            if os.path.islink(p):
                model.nodes[rel] = {"kind": "symlink", "target": os.readlink(p)}
            elif os.path.isdir(p):
                model.nodes[rel] = {"kind": "dir"}
            else:
                st = os.stat(p)
                if st.st_ino not in inodes:
                    inodes[st.st_ino] = {"kind": "file", "data": open(p, "rb").read()}
                model.nodes[rel] = inodes[st.st_ino]
    return model


def compare_with_debugfs(image, model, tmp_path):
    """debugfs's rdump of the image against the model: tree, contents, symlinks, links."""
    out = tmp_path / "rdump"
    out.mkdir()
    debugfs(image, f"rdump / {out}")
    found = model_from_tree(out)
    found.nodes.pop("lost+found", None)
    expect = {p: n for p, n in model.nodes.items() if p != "lost+found"}
    assert sorted(found.nodes) == sorted(expect)
    for p, n in expect.items():
        got = found.nodes[p]
        assert got["kind"] == n["kind"], p
        if n["kind"] == "file":
            assert got["data"] == n["data"], p
        if n["kind"] == "symlink":
            assert got["target"] == n["target"], p
    for p in expect:
        text = debugfs(image, f"stat /{p}")
        links = int(re.search(r"Links: (\d+)", text).group(1))
        assert links == model.links(p), (p, text)


# ---- one boot: reading, random writes, ENOSPC, probing, rmmod, read-only ---------------------

def boot_with(boot_machine, iso, disks):
    """A machine with the given images as hda, hdb, hdd (hdc is the CD), ext2.ko loaded."""
    args = ["-boot", "d"]
    for index, path in disks.items():
        args += drive(path, index)
    m = boot_machine(iso, extra_args=args)
    assert "modprobe:" not in m.run("modprobe ext2")  # probing asks the registered types
    m.run("mkdir /mnt/a /mnt/b /mnt/c")
    return m


def poweroff(m):
    m.send_line("poweroff")
    m.wait_exit()
    assert not OOPS.search(m.text), m.text[-3000:]


def assert_fsck_clean(image):
    result = fsck(image)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def trees(tmp_path_factory):
    """The host trees and the images mke2fs made of them (read-only tests copy them)."""
    tmp = tmp_path_factory.mktemp("ext2-trees")
    rng = random.Random(0xE2F5)
    src1, src4 = tmp / "src1", tmp / "src4"
    src1.mkdir()
    src4.mkdir()
    make_tree(src1, rng, big_sparse=True)
    make_tree(src4, rng)
    img1 = tmp / "one-k.img"  # 1 KiB blocks, 128-byte inodes, a bare disk
    mkfs(img1, src1, 1024, 96 * 1024, ["-I", "128"])
    img4 = tmp / "four-k.img"  # 4 KiB blocks (256-byte inodes) in an MBR partition at 1 MiB
    img4.write_bytes(b"\0" * (16 << 20))
    subprocess.run([tool("sfdisk"), "-q", str(img4)], input="label: dos\nstart=2048, type=83\n",
                   text=True, capture_output=True, check=True)
    run_tool(tool("mke2fs"), "-q", "-F", "-t", "ext2", "-b", 4096, "-E", "offset=1048576",
             "-d", src4, img4, "12m")
    img2 = tmp / "two-k-rev0.img"  # 2 KiB blocks, revision 0 (no features at all)
    mkfs(img2, src4, 2048, 16 * 1024, ["-r", "0"])
    return {"src1": src1, "src4": src4, "img1": img1, "img4": img4, "img2": img2, "tmp": tmp}


def test_read_probe_rmmod_read_only(boot_machine, default_iso, trees, tmp_path):
    hda, hdb = tmp_path / "hda.img", tmp_path / "hdb.img"
    shutil.copyfile(trees["img1"], hda)
    shutil.copyfile(trees["img4"], hdb)
    m = boot_with(boot_machine, default_iso, {0: hda, 1: hdb})
    out = m.run("mount hda /mnt/a")  # no -t: probed
    assert "mount:" not in out, out
    assert re.search(r"hda /mnt/a ext2 rw", m.run("mount")), m.run("mount")
    out = m.run("mount -t ext2 hdb1 /mnt/b")
    assert "mount:" not in out, out
    for src, mnt in ((trees["src1"], "/mnt/a"), (trees["src4"], "/mnt/b")):
        expect = host_crcs(src)
        assert guest_crcs(m, mnt, expect) == expect
        top = ls_l(m, mnt)
        assert top["b1025"][0] == 3 and top["d1"][0] == 3 and top["empty-dir"][0] == 2
        assert top["fast"][1].endswith("fast -> d1/text")
        assert top["slow"][1].endswith("slow -> " + os.readlink(src / "slow"))
        assert ls_l(m, f"{mnt}/d1/d2")["hard2"][0] == 3
        assert "Links: 3" in m.run(f"stat {mnt}/d1/hard1")
        assert "hello from ext2" in m.run(f"cat {mnt}/fast")
    out = m.run("rmmod ext2")
    assert "rmmod" in out and "ext2" in m.run("lsmod"), out
    # read-only: every write is refused, reads work
    assert "umount:" not in m.run("umount /mnt/b")
    assert "mount:" not in m.run("mount -o ro hdb1 /mnt/b")
    out = m.run("echo no > /mnt/b/new") + m.run("mkdir /mnt/b/x") + m.run("rm /mnt/b/one")
    assert out.count("Read-only file system") == 3, out
    assert "hello from ext2" in m.run("cat /mnt/b/d1/text")
    assert "umount:" not in m.run("umount /mnt/b") + m.run("umount /mnt/a")
    out = m.run("rmmod ext2")
    assert "rmmod:" not in out and "ext2" not in m.run("lsmod"), out
    poweroff(m)
    assert_fsck_clean(hda)  # mounted read-write, only read: still clean


HUGE = 5 << 30  # past 4 GiB: i_size_high


def test_large_file(boot_machine, default_iso, tmp_path):
    """A sparse file over 4 GiB (i_size_high, LARGE_FILE): its size, an append at its end and
    a truncation that keeps it over 4 GiB reach the disk as debugfs and e2fsck expect."""
    src = tmp_path / "src"
    src.mkdir()
    tail = random.Random(5).randbytes(3000)
    with open(src / "huge", "wb") as f:
        f.seek(HUGE)
        f.write(tail)
    hda = tmp_path / "hda.img"
    mkfs(hda, src, 4096, 16 * 1024)
    m = boot_with(boot_machine, default_iso, {0: hda})
    assert "mount:" not in m.run("mount -t ext2 hda /mnt/a")
    assert f" {HUGE + 3000} huge" in m.run("ls -l /mnt/a")
    assert not m.run("echo more >> /mnt/a/huge").strip()
    assert f" {HUGE + 3005} huge" in m.run("ls -l /mnt/a")
    assert not m.run(f"truncate -s {(4 << 30) + 10} /mnt/a/huge").strip()
    assert "umount:" not in m.run("umount /mnt/a")
    poweroff(m)
    assert_fsck_clean(hda)
    assert re.search(rf"Size: {(4 << 30) + 10}\b", debugfs(hda, "stat /huge"))


@pytest.mark.parametrize("image,src,dev,offset", [
    ("img1", "src1", "hda", None), ("img4", "src4", "hda1", 1 << 20),
    ("img2", "src4", "hda", None)], ids=["1k", "4k-partition", "2k-rev0"])
def test_random_writes_match_model(boot_machine, default_iso, trees, tmp_path, image, src,
                                   dev, offset):
    """150 seeded operations, replayed on the model; e2fsck and debugfs then see exactly
    the model."""
    hda = tmp_path / "hda.img"
    shutil.copyfile(trees[image], hda)
    model = model_from_tree(trees[src])
    model.nodes["lost+found"] = {"kind": "dir"}
    m = boot_with(boot_machine, default_iso, {0: hda})
    assert "mount:" not in m.run(f"mount -t ext2 {dev} /mnt/a")
    rng = random.Random(20261130)
    for command in random_ops(rng, model, "/mnt/a", 150):
        out = m.run(command, timeout=120)
        assert not out.strip(), (command, out)
    for name in ("one", "b4096"):  # their xattr blocks go with them
        if name in model.nodes:
            assert not m.run(f"rm /mnt/a/{name}").strip()
            del model.nodes[name]
    assert "umount:" not in m.run("umount /mnt/a")
    poweroff(m)
    if offset is not None:  # e2fsck and debugfs want the filesystem alone
        with open(hda, "rb") as f:
            f.seek(offset)
            data = f.read(12 << 20)
        hda = tmp_path / "fs.img"
        hda.write_bytes(data)
    assert_fsck_clean(hda)
    compare_with_debugfs(hda, model, tmp_path)


def test_enospc_blocks_and_inodes(boot_machine, default_iso, tmp_path):
    small = tmp_path / "small"
    small.mkdir()
    (small / "seed").write_bytes(random.Random(3).randbytes(40 * 1024))
    hda = tmp_path / "hda.img"
    mkfs(hda, small, 1024, 400, ["-N", "32", "-m", "0"])
    m = boot_with(boot_machine, default_iso, {0: hda})
    assert "mount:" not in m.run("mount -t ext2 hda /mnt/c")
    out = ""
    for i in range(20):
        out = m.run(f"cp /mnt/c/seed /mnt/c/copy{i}", timeout=120)
        if out.strip():
            break
    assert "No space left on device" in out, out
    for i in range(8):  # cp gave up on a whole page: up to 3 blocks may be left
        if m.run(f"echo {i} > /mnt/c/fill{i}").strip():
            break
    # no block for a new directory, nor for a directory growing past its block
    assert "No space left on device" in m.run("mkdir /mnt/c/full")
    long_name = "n" * 60
    for i in range(20):
        out = m.run(f"touch /mnt/c/{long_name}{i:02}")
        if out.strip():
            break
    assert "No space left on device" in out, out
    m.run("rm /mnt/c/copy0")
    for i in range(40):
        out = m.run(f"touch /mnt/c/i{i}")
        if out.strip():
            break
    assert "No space left on device" in out, out
    assert "umount:" not in m.run("umount /mnt/c")
    poweroff(m)
    assert_fsck_clean(hda)


# ---- damaged images ----------------------------------------------------------------------------

PART_SECTORS = 2048  # 1 MiB per filesystem, one GPT partition each
BS = 1024


def template(tmp):
    """A small 1 KiB-block filesystem and where its structures lie (from debugfs)."""
    src = tmp / "tsrc"
    (src / "sub").mkdir(parents=True)
    rng = random.Random(7)
    (src / "a").write_bytes(rng.randbytes(3000))
    (src / "ind").write_bytes(rng.randbytes(20000))
    for name in ("s1", "s2", "s3"):
        (src / "sub" / name).write_text(f"{name} text\n")
    img = tmp / "template.img"
    mkfs(img, src, BS, 1024, ["-I", "128", "-N", "64"])
    stats = debugfs(img, "stats")
    where = {
        "crcs": host_crcs(src),
        "ind_ind": int(re.search(r"\(IND\):(\d+)", debugfs(img, "stat /ind")).group(1)),
        "sub_block": int(debugfs(img, "blocks /sub").split()[0]),
        "root_block": int(debugfs(img, "blocks /").split()[0]),
        "itable": int(re.search(r"inode table at (\d+)", stats).group(1)),
        "bbitmap": int(re.search(r"block bitmap at (\d+)", stats).group(1)),
    }
    imap = debugfs(img, "imap /a")
    where["a_inode"] = (int(re.search(r"located at block (\d+)", imap).group(1)) * BS +
                        int(re.search(r"offset (0x[0-9a-f]+)", imap).group(1), 16))
    return img.read_bytes(), where


def put(data, offset, fmt, value):
    import struct
    struct.pack_into("<" + fmt, data, offset, value)


def targeted(base, w):
    """(name, image bytes, expected error text or None when the mount must fail)."""
    sub, sb = w["sub_block"] * BS, 1024
    cases = {}

    def case(name, edits):
        data = bytearray(base)
        for offset, fmt, value in edits:
            put(data, offset, fmt, value)
        cases[name] = data
    case("magic", [(sb + 56, "H", 0x1234)])
    case("log_block_size", [(sb + 24, "I", 20)])
    case("inodes_per_group", [(sb + 40, "I", 0)])
    case("gdt_bitmap", [(2 * BS, "I", 0xFFFFFF0)])
    case("rec_len_0", [(sub + 12 + 4, "H", 0)])           # ".." of sub
    case("rec_len_odd", [(sub + 12 + 4, "H", 13)])
    case("rec_len_past", [(sub + 12 + 4, "H", 2048)])
    # the third record (s1, after "." and "..") names an inode past s_inodes_count
    case("dirent_ino", [])
    case("indirect", [(w["ind_ind"] * BS, "I", 0xFFFFFF)])
    case("links_0", [(w["a_inode"] + 26, "H", 0)])
    case("into_itable", [(w["a_inode"] + 40, "I", w["itable"])])  # a's block 0
    case("bitmap_itable", [])
    ro_compat = int.from_bytes(base[sb + 100:sb + 104], "little")
    incompat = int.from_bytes(base[sb + 96:sb + 100], "little")
    case("ro_compat", [(sb + 100, "I", ro_compat | 0x8)])       # huge_file
    case("needs_recovery", [(sb + 96, "I", incompat | 0x4)])
    case("extents", [(sb + 96, "I", incompat | 0x40)])
    case("not_clean", [(sb + 58, "H", 0)])
    data = cases["dirent_ino"]
    off = sub
    for _ in range(20):  # find "s1"
        rec = int.from_bytes(data[off + 4:off + 6], "little")
        nlen = data[off + 6]
        if bytes(data[off + 8:off + 8 + nlen]) == b"s1":
            put(data, off, "I", 100000)
            break
        off += rec
    data = cases["bitmap_itable"]
    for block in range(w["itable"], w["itable"] + 8):  # 64 inodes of 128 bytes
        bit = block - 1  # first data block 1
        data[w["bbitmap"] * BS + bit // 8] &= ~(1 << (bit % 8)) & 0xFF
    return cases


def mutations(base, w, count):
    """count seeded random mutations of the fields that matter: the superblock's geometry,
    the group descriptor, the inodes in use (root, a, ind, sub, s1-s3) and both directories'
    blocks; whole 16/32-bit fields get random, small or huge values."""
    rng = random.Random(0xBAD)
    itable = w["itable"] * BS
    regions = [(1024, 92), (2 * BS, 32), (w["root_block"] * BS, BS), (w["sub_block"] * BS, BS)]
    regions += [(itable + (ino - 1) * 128, 128) for ino in (2, 12, 13, 14, 15, 16, 17)]
    images = []
    for _ in range(count):
        data = bytearray(base)
        start, length = rng.choice(regions)
        for _ in range(rng.randint(1, 4)):
            size = rng.choice((1, 2, 4))
            offset = start + rng.randrange(0, length - size + 1, size)
            value = rng.choice((0, 1, rng.randrange(2 ** (8 * size)), 2 ** (8 * size) - 1))
            data[offset:offset + size] = value.to_bytes(size, "little")
        images.append(data)
    return images


def gpt_disk(path, images):
    sectors = 2048 + len(images) * PART_SECTORS + 2048
    with open(path, "wb") as f:
        f.truncate(sectors * 512)
    table = "label: gpt\n" + "".join(
        f"start={2048 + i * PART_SECTORS}, size={PART_SECTORS}\n" for i in range(len(images)))
    subprocess.run([tool("sfdisk"), "-q", str(path)], input=table, text=True,
                   capture_output=True, check=True)
    with open(path, "r+b") as f:
        for i, data in enumerate(images):
            f.seek((2048 + i * PART_SECTORS) * 512)
            f.write(data)


def partition(path, index):
    with open(path, "rb") as f:
        f.seek((2048 + index * PART_SECTORS) * 512)
        return f.read(PART_SECTORS * 512)


@pytest.fixture(scope="module")
def damaged(default_iso, tmp_path_factory):
    """One machine for the damaged images: hda holds the targeted ones, hdb the random."""
    tmp = tmp_path_factory.mktemp("ext2-damaged")
    base, where = template(tmp)
    cases = targeted(base, where)
    hda, hdb = tmp / "targeted.img", tmp / "random.img"
    gpt_disk(hda, list(cases.values()))
    gpt_disk(hdb, mutations(base, where, 20))
    m = keel.Machine(default_iso, tmp / "qemu", extra_args=["-boot", "d"] + drive(hda, 0) +
                     drive(hdb, 1)).start()
    try:
        m.wait_prompt()
        m.run("mkdir /mnt/x")
        m.run("modprobe ext2")
        yield {"m": m, "where": where, "names": list(cases), "hda": hda, "hdb": hdb,
               "tmp": tmp}
    finally:
        print(f"--- serial output ---\n{m.text}")
        m.close()


def dev_of(damaged, name):
    return f"hda{damaged['names'].index(name) + 1}"


@pytest.mark.parametrize("name,line", [
    ("magic", "no ext2 superblock"), ("log_block_size", "superblock: unsupported block size"),
    ("inodes_per_group", "superblock: bad blocks/inodes per group"),
    ("gdt_bitmap", "group 0 descriptor: block bitmap outside blocks 1-1023"),
    ("extents", "unsupported incompat features 0x40: not mounted")])
def test_nonsense_superblock_is_refused(damaged, name, line):
    m, dev = damaged["m"], dev_of(damaged, name)
    out = m.run(f"mount -t ext2 {dev} /mnt/x")
    assert f"ext2: {dev}: {line}" in out and "mount:" in out, out
    assert len([x for x in out.splitlines() if "ext2:" in x]) == 1, out
    assert not m.run("ls /mnt/x").strip()
    check_shell(m, out)


@pytest.fixture
def mounted(damaged):
    """mounted(name): mounts that targeted image on /mnt/x until the test ends."""
    m, devs = damaged["m"], []

    def mount(name):
        dev = dev_of(damaged, name)
        out = m.run(f"mount -t ext2 {dev} /mnt/x")
        assert "mount:" not in out, out
        devs.append(dev)
        return dev
    yield mount
    if devs:
        assert "umount:" not in m.run("umount /mnt/x")


@pytest.mark.parametrize("name,line", [
    ("rec_len_0", "block 0: bad rec_len 0"), ("rec_len_odd", "block 0: unaligned rec_len 13"),
    ("rec_len_past", "block 0: rec_len past the end 2048")])
def test_bad_directory_block(damaged, mounted, name, line):
    m, dev = damaged["m"], mounted(name)
    out = m.run("ls /mnt/x/sub")
    assert re.search(rf"ext2: {dev}: directory inode \d+ {line}", out), out
    assert "ls:" in out
    crcs = guest_crcs(m, "/mnt/x", ["a", "ind"])
    assert crcs == {k: damaged["where"]["crcs"][k] for k in ("a", "ind")}
    check_shell(m, out)


def test_dirent_inode_out_of_range(damaged, mounted):
    m, dev = damaged["m"], mounted("dirent_ino")
    out = m.run("cat /mnt/x/sub/s1")
    assert re.search(rf"ext2: {dev}: directory inode \d+: \"s1\": bad inode 100000", out), out
    assert "cat:" in out
    assert "s2 text" in m.run("cat /mnt/x/sub/s2")
    check_shell(m, out)


def test_indirect_pointer_past_the_end(damaged, mounted):
    m, dev = damaged["m"], mounted("indirect")
    out = m.run("crc32 /mnt/x/ind")
    assert f"ext2: {dev}: inode 13: bad data block pointer 16777215" in out, out
    assert "crc32:" in out
    assert guest_crcs(m, "/mnt/x", ["a"]) == {"a": damaged["where"]["crcs"]["a"]}
    check_shell(m, out)


def test_data_pointer_into_the_inode_table(damaged, mounted):
    m, dev = damaged["m"], mounted("into_itable")
    out = m.run("crc32 /mnt/x/a")
    assert f"ext2: {dev}: inode 12: bad data block pointer {damaged['where']['itable']}" in out
    assert "crc32:" in out
    assert guest_crcs(m, "/mnt/x", ["ind"]) == {"ind": damaged["where"]["crcs"]["ind"]}
    check_shell(m, out)


def test_link_count_zero(damaged, mounted):
    m, dev = damaged["m"], mounted("links_0")
    out = m.run("cat /mnt/x/a")
    assert f"ext2: {dev}: inode 12: link count 0 on a reachable inode" in out, out
    assert "s3 text" in m.run("cat /mnt/x/sub/s3")
    check_shell(m, out)


@pytest.mark.parametrize("name,features", [("ro_compat", "0x0/0x8"),
                                           ("needs_recovery", "0x4/0x0")])
def test_unsupported_features_mount_read_only(damaged, name, features):
    m, dev = damaged["m"], dev_of(damaged, name)
    out = m.run(f"mount -t ext2 {dev} /mnt/x")
    try:
        assert f"ext2: {dev}: unsupported features {features}: mounted read-only" in out, out
        assert "Read-only file system" in m.run("touch /mnt/x/new")
        assert "s1 text" in m.run("cat /mnt/x/sub/s1")
    finally:
        assert "umount:" not in m.run("umount /mnt/x")


def test_not_clean_warns_and_mounts(damaged):
    m = damaged["m"]
    dev = dev_of(damaged, "not_clean")
    out = m.run(f"mount -t ext2 {dev} /mnt/x")
    try:
        assert f"ext2: {dev}: filesystem not cleanly unmounted" in out, out
        assert not m.run("echo fine > /mnt/x/new").strip()
        assert "fine" in m.run("cat /mnt/x/new")
    finally:
        assert "umount:" not in m.run("umount /mnt/x")


def test_bitmap_claiming_inode_table_free(damaged):
    """Writes must not land on the inode table, whatever the block bitmap says."""
    m, dev, w = damaged["m"], dev_of(damaged, "bitmap_itable"), damaged["where"]
    assert "mount:" not in m.run(f"mount -t ext2 {dev} /mnt/x")
    try:
        out = "".join(m.run(f"cp /mnt/x/ind /mnt/x/copy{i}") for i in range(4))
        assert "metadata block" in out and "marked free" in out, out
        assert guest_crcs(m, "/mnt/x", [f"copy{i}" for i in range(4)]) == \
            {f"copy{i}": w["crcs"]["ind"] for i in range(4)}
    finally:
        assert "umount:" not in m.run("umount /mnt/x")
    m.run("sync")
    image = damaged["tmp"] / "bitmap.img"
    image.write_bytes(partition(damaged["hda"], damaged["names"].index("bitmap_itable")))
    itable = set(range(w["itable"], w["itable"] + 8))
    for i in range(4):
        text = debugfs(image, f"blocks /copy{i}")
        assert len(text.split()) == 21 and not {int(b) for b in text.split()} & itable, text
        dumped = damaged["tmp"] / f"copy{i}"
        debugfs(image, f"dump /copy{i} {dumped}")
        data = dumped.read_bytes()
        assert (zlib.crc32(data), len(data)) == w["crcs"]["ind"]
    check_shell(m, out)


def small_files(listing):
    """Paths of the regular files under 1 MiB in `ls -l /mnt/x /mnt/x/sub` output: a damaged
    size can make a sparse file of terabytes, whose zeros take too long to read."""
    paths, folder = [], None
    for line in listing.splitlines():
        if line.endswith(":"):
            folder = line[:-1]
        fields = line.split()
        if folder and len(fields) == 6 and line.startswith("-") and fields[4].isdigit():
            if int(fields[4]) < (1 << 20):
                paths.append(f"{folder}/{fields[5]}")
    return paths


def test_random_mutations(damaged):
    m = damaged["m"]
    for i in range(1, 21):
        dev = f"hdb{i}"
        out = m.run(f"mount -t ext2 {dev} /mnt/x")
        if "mount:" not in out:
            listing = m.run("ls -l /mnt/x /mnt/x/sub")
            out += listing
            files = small_files(listing)
            if files:
                out += m.run("crc32 " + " ".join(files), timeout=120)
            out += m.run(f"echo write {i} > /mnt/x/new")
            out += m.run("mkdir /mnt/x/newdir")
            out += m.run("rm /mnt/x/sub/s2")
            out += m.run("umount /mnt/x")
        assert not OOPS.search(out), (dev, out)
        assert "ext2-alive" in m.run("echo ext2-alive"), dev
