"""vfat.ko in QEMU, checked against host tools nobody here wrote (mkfs.fat, mtools, fsck.fat,
zlib):

- FAT32, FAT16 and FAT12 partitions made by mkfs.fat and filled by mcopy/mmd (sizes around
  page and cluster edges, long mixed-case names, names whose aliases need ~1/~2): every
  file's crc32 in the guest equals zlib's; `mount -t vfat` autoloads the module, `mount`
  without -t finds it by probing and leaves a foreign device alone; names are
  case-insensitive; rmmod is refused while mounted and allowed after umount;
- a random sequence (fixed seed) of create, append, truncate, copy, rename (same directory,
  across directories, replacing), delete, mkdir, rmdir and directory moves, replayed on a
  Python model: after umount and poweroff fsck.fat -n is clean and mcopy gives back exactly
  the model's tree;
- a full disk: -ENOSPC reported, fsck.fat clean, the FSInfo free count right;
- damaged images (targeted corruptions, then seeded random bytes in the FAT and root
  directory): the mount is refused, or the damaged file fails with one line naming the
  device, while the kernel lives and the untouched files read right.
"""

import random
import re
import zlib

import pytest

from fatimg import MTIME, SECTOR, Fat, extract, fsck, make_disk, make_partition, put_tree, read_tree

CRC_LINE = re.compile(r"^([0-9a-f]{8}) (\d+) (.+?)\s*$", re.M)
LS_LINE = re.compile(r"^[-d]\S{9}\s+\d+\s+\d+\s+\d+\s+\d+ (.+?)\s*$", re.M)
DISK_INDEX = {"hda": 0, "hdb": 1, "hdd": 3}  # hdc is the boot CD
ENOSPC = "No space left on device"


def drives(disks):
    args = ["-boot", "d"]
    for name, path in disks.items():
        args += ["-drive", f"file={path},format=raw,if=ide,index={DISK_INDEX[name]}"]
    return args


def assert_alive(m):
    assert "keel-alive" in m.run("echo keel-alive")
    for bad in ("Oops", "Kernel panic", "BUG:", "WARNING:", "general protection"):
        assert bad not in m.text, bad


def run_ok(m, command, timeout=120):
    out = m.run(command, timeout=timeout)
    assert out.strip() == "", f"{command}: {out}"


def guest_crcs(m, paths):
    """{path: (crc, size)} from crc32, four files per command line."""
    found = {}
    for i in range(0, len(paths), 4):
        batch = paths[i:i + 4]
        out = m.run("crc32 " + " ".join(f'"{p}"' for p in batch), timeout=120)
        for crc, size, path in CRC_LINE.findall(out):
            found[path] = (int(crc, 16), int(size))
    return found


def guest_names(m, path):
    return set(LS_LINE.findall(m.run(f'ls -l "{path}"')))


# ---- test 1: host-made images --------------------------------------------------------------

def read_tree_for(rng, cluster):
    sizes = [0, 1, 4095, 4096, 4097, cluster - 1, cluster, cluster + 1, 3 * cluster + 7, 70001]
    tree = {"Sub Dir/": None, "sub2/": None, "sub2/Deeper Level/": None}
    names = ["UPPER.TXT", "lower.txt", "Mixed Case Long Name.Data", "longfilename_a.txt",
             "longfilename_b.txt", "x", "A.B.C.multi dots", "Sub Dir/inner file.bin",
             "caf\u00e9 \u00fcn\u00efcode.txt",
             "sub2/Deeper Level/leaf-name-that-is-quite-long-indeed.bin", "sub2/README"]
    for i, name in enumerate(names):
        tree[name] = rng.randbytes(sizes[i % len(sizes)])
    tree["many/"] = None
    for i in range(40):  # more than one cluster of directory entries
        tree[f"many/entry number {i:02d}.txt"] = rng.randbytes(rng.randrange(0, 300))
    return tree


@pytest.fixture(scope="module")
def read_disks(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("vfat-read")
    rng = random.Random(1234)
    specs = {"hda": (32, 80 * 1024, 1), "hdb": (16, 24 * 1024, 4), "hdd": (12, 4 * 1024, 2)}
    disks, trees, fats = {}, {}, {}
    for name, (bits, sectors, spc) in specs.items():
        part = make_partition(tmp / f"{name}.part", bits, sectors, spc)
        trees[name] = read_tree_for(rng, spc * SECTOR)
        put_tree(part, trees[name], tmp)
        make_disk(tmp / f"{name}.img", [part])
        disks[name] = tmp / f"{name}.img"
        fats[name] = Fat(part.read_bytes())
    return disks, trees, fats


def check_df(m, mnt, fat):
    """statfs through df: size and use in KiB, from the host's reading of the FAT."""
    line = next(ln for ln in m.run("df").splitlines() if ln.endswith(" " + mnt))
    blocks, used, avail = (int(f) for f in line.split()[1:4])
    free = fat.count_free()
    assert blocks == fat.clusters * fat.cluster_bytes // 1024, line
    assert avail == free * fat.cluster_bytes // 1024, line
    assert used == (fat.clusters - free) * fat.cluster_bytes // 1024, line


def check_tree_in_guest(m, mnt, tree):
    files = sorted(p for p, d in tree.items() if d is not None)
    crcs = guest_crcs(m, [f"{mnt}/{p}" for p in files])
    for p in files:
        assert crcs.get(f"{mnt}/{p}") == (zlib.crc32(tree[p]), len(tree[p])), p
    for d in [""] + [p for p, d in tree.items() if d is None]:
        want = {p[len(d):].rstrip("/") for p in tree
                if p.startswith(d) and p != d and "/" not in p[len(d):].rstrip("/")}
        assert guest_names(m, f"{mnt}/{d}") == want, d


def test_read_host_made_images(boot_machine, default_iso, read_disks):
    disks, trees, fats = read_disks
    m = boot_machine(default_iso, extra_args=drives(disks))
    m.run("mkdir /mnt/a /mnt/b /mnt/d")
    run_ok(m, "mount -t vfat /dev/hda1 /mnt/a")  # autoloads vfat.ko (fs-vfat)
    run_ok(m, "mount hdb1 /mnt/b")           # no -t: probing finds vfat
    run_ok(m, "mount -t vfat hdd1 /mnt/d")
    out = m.run("mount hda /tmp")            # the whole disk: an MBR, not FAT, quietly
    assert "no filesystem type recognised it" in out and "vfat:" not in out
    assert "vfat" in m.run("mount")
    for name, mnt in (("hda", "/mnt/a"), ("hdb", "/mnt/b"), ("hdd", "/mnt/d")):
        check_tree_in_guest(m, mnt, trees[name])
        check_df(m, mnt, fats[name])
    # Case-insensitive names, the same file whatever the case.
    data = trees["hda"]["Mixed Case Long Name.Data"]
    crcs = guest_crcs(m, ["/mnt/a/MIXED CASE LONG NAME.DATA", "/mnt/a/upper.txt"])
    assert crcs["/mnt/a/MIXED CASE LONG NAME.DATA"] == (zlib.crc32(data), len(data))
    assert crcs["/mnt/a/upper.txt"][1] == len(trees["hda"]["UPPER.TXT"])
    # mtools wrote MTIME (even seconds, UTC) as the entries' date and time.
    for mnt in ("/mnt/a", "/mnt/b", "/mnt/d"):
        assert f"Modify: {MTIME}.000000000" in m.run(f"stat {mnt}/lower.txt")
    # Read-only: writes refused, the tree unchanged.
    run_ok(m, "umount /mnt/d")
    run_ok(m, "mount -t vfat -o ro hdd1 /mnt/d")
    assert "Read-only file system" in m.run("echo x > /mnt/d/new")
    assert "Read-only file system" in m.run("rm /mnt/d/lower.txt")
    check_tree_in_guest(m, "/mnt/d", trees["hdd"])
    assert "in use" in m.run("rmmod vfat")
    for mnt in ("/mnt/a", "/mnt/b", "/mnt/d"):
        run_ok(m, f"umount {mnt}")
    m.run("rmmod vfat")
    assert not re.search(r"^vfat\b", m.run("lsmod"), re.M)
    assert_alive(m)


# ---- test 2: a random sequence against a model --------------------------------------------

class Model:
    """The tree the guest should end with: {"dir/name": bytearray}, directories "dir/"."""

    def __init__(self, rng, tree):
        self.rng = rng
        self.tree = {p: (None if d is None else bytearray(d)) for p, d in tree.items()}
        self.serial = 0

    def dirs(self):
        return [""] + [p for p, d in self.tree.items() if d is None]

    def files(self):
        return [p for p, d in self.tree.items() if d is not None]

    def taken(self, parent, name):
        key = (parent + name).lower()
        return any(p.rstrip("/").lower() == key for p in self.tree)

    def new_name(self, parent):
        while True:
            self.serial += 1
            n = self.serial
            name = self.rng.choice([f"f{n}.txt", f"F{n}.TXT", f"Long Name {n}.text",
                                    f"longfilename{n}.dat", f"x{n}", f"MiXed{n}.Ab"])
            if not self.taken(parent, name):
                return parent + name

    def children(self, d):
        return [p for p in self.tree if p != d and p.startswith(d)]

    def words(self):
        return " ".join(self.rng.choice(["alpha", "beta", "gamma", "delta", "x"])
                        for _ in range(self.rng.randrange(1, 12)))


def q(mnt, path):
    return f'"{mnt}/{path.rstrip("/")}"'


def op_create(md, mnt):
    path = md.new_name(md.rng.choice(md.dirs()))
    words = md.words()
    md.tree[path] = bytearray((words + "\n").encode())
    return f"echo {words} > {q(mnt, path)}"


def op_append(md, mnt):
    path = md.rng.choice(md.files())
    words = md.words()
    md.tree[path] += (words + "\n").encode()
    return f"echo {words} >> {q(mnt, path)}"


def op_truncate(md, mnt):
    path = md.rng.choice(md.files())
    data = md.tree[path]
    size = md.rng.choice([0, len(data) // 2, len(data) + md.rng.randrange(1, 9000)])
    md.tree[path] = data[:size] + bytearray(max(0, size - len(data)))
    return f"truncate -s {size} {q(mnt, path)}"


def op_copy(md, mnt):
    src = md.rng.choice(md.files())
    dst = md.new_name(md.rng.choice(md.dirs()))
    md.tree[dst] = bytearray(md.tree[src])
    return f"cp {q(mnt, src)} {q(mnt, dst)}"


def op_rename(md, mnt):
    src = md.rng.choice(md.files())
    others = [f for f in md.files() if f != src]
    if others and md.rng.random() < 0.3:
        dst = md.rng.choice(others)  # replaces a file
    else:
        parent = src.rpartition("/")[0] + "/" if md.rng.random() < 0.5 and "/" in src else \
            md.rng.choice(md.dirs())
        dst = md.new_name(parent.lstrip("/"))
    md.tree[dst] = md.tree.pop(src)
    return f"mv {q(mnt, src)} {q(mnt, dst)}"


def op_overwrite(md, mnt):
    path = md.rng.choice(md.files())
    words = md.words()
    md.tree[path] = bytearray((words + "\n").encode())
    return f"echo {words} > {q(mnt, path)}"


def op_delete(md, mnt):
    path = md.rng.choice(md.files())
    del md.tree[path]
    return f"rm {q(mnt, path)}"


def op_mkdir(md, mnt):
    path = md.new_name(md.rng.choice(md.dirs())) + "/"
    md.tree[path] = None
    return f"mkdir {q(mnt, path)}"


def op_rmdir(md, mnt):
    empty = [d for d in md.dirs() if d and not md.children(d)]
    if not empty:
        return None
    path = md.rng.choice(empty)
    del md.tree[path]
    return f"rmdir {q(mnt, path)}"


def op_move_dir(md, mnt):
    dirs = [d for d in md.dirs() if d]
    if not dirs:
        return None
    src = md.rng.choice(dirs)
    parent = md.rng.choice([d for d in md.dirs() if not d.startswith(src)])
    dst = md.new_name(parent) + "/"
    for p in [src] + md.children(src):
        md.tree[dst + p[len(src):]] = md.tree.pop(p)
    return f"mv {q(mnt, src)} {q(mnt, dst)}"


OPS = [(op_create, 6), (op_append, 5), (op_truncate, 4), (op_copy, 3), (op_rename, 5),
       (op_delete, 2), (op_mkdir, 2), (op_rmdir, 1), (op_move_dir, 1), (op_overwrite, 2)]


def random_ops(m, md, mnt, count):
    fns, weights = zip(*OPS)
    done = 0
    while done < count:
        fn = md.rng.choices(fns, weights)[0]
        if fn is not op_create and fn is not op_mkdir and not md.files():
            continue
        command = fn(md, mnt)
        if command:
            run_ok(m, command)
            done += 1


@pytest.fixture
def ops_disks(tmp_path):
    rng = random.Random(99)
    specs = {"hda": (32, 80 * 1024, 1), "hdb": (16, 24 * 1024, 4), "hdd": (12, 4 * 1024, 1)}
    disks, parts, trees = {}, {}, {}
    for name, (bits, sectors, spc) in specs.items():
        part = make_partition(tmp_path / f"{name}.part", bits, sectors, spc)
        trees[name] = {"Start Dir/": None, "Start Dir/seed.bin": rng.randbytes(5000),
                       "top.bin": rng.randbytes(20000)}
        put_tree(part, trees[name], tmp_path)
        _, starts = make_disk(tmp_path / f"{name}.img", [part])
        disks[name] = tmp_path / f"{name}.img"
        parts[name] = (starts[1], sectors)
    return disks, parts, trees


def test_random_operations_match_model(boot_machine, default_iso, ops_disks, tmp_path):
    disks, parts, trees = ops_disks
    m = boot_machine(default_iso, extra_args=drives(disks))
    m.run("mkdir /mnt/a /mnt/b /mnt/d")
    counts = {"hda": 250, "hdb": 120, "hdd": 80}
    models = {}
    for (name, count), mnt in zip(counts.items(), ("/mnt/a", "/mnt/b", "/mnt/d")):
        run_ok(m, f"mount -t vfat {name}1 {mnt}")
        models[name] = Model(random.Random(f"ops-{name}"), trees[name])
        random_ops(m, models[name], mnt, count)
    for mnt in ("/mnt/a", "/mnt/b", "/mnt/d"):
        run_ok(m, f"umount {mnt}")
    m.send_line("poweroff")
    m.wait_exit()
    for name, (start, sectors) in parts.items():
        part = extract(disks[name], start, sectors, tmp_path / f"{name}.out")
        clean, report = fsck(part)
        assert clean, f"{name}: fsck.fat -n:\n{report}"
        fat = Fat(part.read_bytes())
        if fat.bits == 32:
            assert fat.fsinfo_free() == fat.count_free(), name
        got = read_tree(part, tmp_path / f"{name}-tree")
        want = {p: (None if d is None else bytes(d)) for p, d in models[name].tree.items()}
        assert sorted(got) == sorted(want), name
        for p in want:
            assert got[p] == want[p], f"{name}: {p}"


# ---- test 3: a full disk -------------------------------------------------------------------

def test_full_disk_enospc(boot_machine, default_iso, tmp_path):
    rng = random.Random(7)
    # (FAT bits, sectors, cluster sectors, SRC.BIN size, FILLER.BIN size): the FAT32 one
    # (35 MiB: mtools wants 65525 clusters) is mostly full from the start, to save time.
    parts = {"hda": (32, 70 * 1024, 1, 400000, 32 << 20), "hdb": (12, 1400, 1, 150000, 0)}
    disks, where, srcs = {}, {}, {}
    for name, (bits, sectors, spc, size, filler) in parts.items():
        part = make_partition(tmp_path / f"{name}.part", bits, sectors, spc)
        srcs[name] = rng.randbytes(size)
        tree = {"SRC.BIN": srcs[name], "Keep Dir/": None}
        if filler:
            tree["FILLER.BIN"] = bytes(filler)
        put_tree(part, tree, tmp_path)
        _, starts = make_disk(tmp_path / f"{name}.img", [part])
        disks[name], where[name] = tmp_path / f"{name}.img", (starts[1], sectors)
    m = boot_machine(default_iso, extra_args=drives(disks))
    m.run("mkdir /mnt/a /mnt/b")
    written = {}
    for name, mnt in (("hda", "/mnt/a"), ("hdb", "/mnt/b")):
        run_ok(m, f"mount -t vfat {name}1 {mnt}")
        for i in range(200):
            out = m.run(f'cp {mnt}/SRC.BIN "{mnt}/Keep Dir/copy number {i}.bin"', timeout=120)
            if out.strip():
                assert ENOSPC in out, out
                break
        else:
            pytest.fail(f"{name}: never full")
        written[name] = i
        # A failed write gives back the clusters of its page: a few may be left for mkdir.
        for j in range(20):
            out = m.run(f"mkdir {mnt}/newdir{j}")
            if out.strip():
                break
        assert ENOSPC in out, out
        run_ok(m, f"rm \"{mnt}/Keep Dir/copy number 0.bin\"")
        run_ok(m, f"echo fits now > {mnt}/small.txt")
        run_ok(m, f"umount {mnt}")
    m.send_line("poweroff")
    m.wait_exit()
    for name, (start, sectors) in where.items():
        part = extract(disks[name], start, sectors, tmp_path / f"{name}.out")
        clean, report = fsck(part)
        assert clean, f"{name}: fsck.fat -n:\n{report}"
        fat = Fat(part.read_bytes())
        if fat.bits == 32:
            assert fat.fsinfo_free() == fat.count_free()
        tree, src = read_tree(part, tmp_path / f"{name}-tree"), srcs[name]
        assert tree["SRC.BIN"] == src and tree["small.txt"] == b"fits now\n"
        copies = [p for p in tree if p.startswith("Keep Dir/copy")]
        # copy 0 removed; the one that hit ENOSPC is there, partial, if its entry fitted
        assert written[name] - 1 <= len(copies) <= written[name]
        for p in copies:
            assert src.startswith(tree[p]), p


# ---- test 5: damaged images ----------------------------------------------------------------

GOOD = {"GOOD1.TXT": 700, "GOOD2.BIN": 5000}


def damage_tree(rng):
    tree = {name: rng.randbytes(size) for name, size in GOOD.items()}
    tree["VICTIM.BIN"] = rng.randbytes(3000)
    tree["Long Victim Name.txt"] = rng.randbytes(100)
    tree["SUB/"] = None
    tree["SUB/INNER.TXT"] = rng.randbytes(1500)
    return tree


def bpb_spc_zero(fat):
    fat.data[13] = 0
    return "refused"


def bpb_sector_size_3(fat):
    fat.data[11:13] = (3).to_bytes(2, "little")
    return "refused"


def chain_loop(fat):
    _, start, _ = fat.find("VICTIM  BIN")
    chain = fat.chain(start)
    fat.fat_set(chain[-1], chain[0])
    return "VICTIM.BIN"


def cluster_past_end(fat):
    _, start, _ = fat.find("VICTIM  BIN")
    fat.fat_set(start, fat.clusters + 5)
    return "VICTIM.BIN"


def entry_cluster_one(fat):
    off, _, _ = fat.find("VICTIM  BIN")
    fat.set_start(off, 1)
    return "VICTIM.BIN"


def size_beyond_chain(fat):
    off, _, size = fat.find("VICTIM  BIN")
    fat.data[off + 28:off + 32] = (size * 40).to_bytes(4, "little")
    return "VICTIM.BIN"


def lfn_garbage(fat):
    off, _, _ = fat.find("LONGVI~1TXT")
    for slot in range(off - 64, off, 32):  # the name's two slots: wrong ids and checksum
        fat.data[slot] = 0x55
        fat.data[slot + 13] ^= 0xff
    return "LONGVI~1.TXT"  # still readable under its short name


def subdir_past_end(fat):
    off, _, _ = fat.find("SUB        ")
    fat.set_start(off, fat.clusters + 100)
    return "SUB/INNER.TXT"


def subdir_loop(fat):
    _, start, _ = fat.find("SUB        ")
    fat.fat_set(start, start)
    return "SUB/INNER.TXT"


def fat32_root_cluster(fat):
    fat.data[44:48] = (fat.clusters + 1000).to_bytes(4, "little")
    return "refused"


TARGETED = [(12, bpb_spc_zero), (16, bpb_sector_size_3), (32, chain_loop), (12, chain_loop),
            (16, cluster_past_end), (32, entry_cluster_one), (12, size_beyond_chain),
            (16, lfn_garbage), (12, subdir_past_end), (32, subdir_loop),
            (32, fat32_root_cluster)]
PART_SECTORS = {12: 1024, 16: 8 * 1024, 32: 70 * 1024}  # mtools: FAT32 >= 65525 clusters


def random_mutation(rng, fat):
    """Seeded random bytes in the FAT or the root directory; returns the changed offsets."""
    if rng.random() < 0.5:
        lo, hi = fat.fat_start, fat.fat_start + fat.fat_len * SECTOR
    else:
        lo, hi = fat.root_start, fat.root_start + 6 * 32
    offs = {rng.randrange(lo, hi) for _ in range(rng.randrange(1, 9))}
    for off in offs:
        fat.data[off] = rng.randrange(256)
    return offs


def good_file_bytes(fat):
    """{name: offsets its reading depends on}: its chain's FAT entries and the root entries up
    to its own (an earlier one turned into an end marker or a long-name slot hides it)."""
    deps = {}
    for name in GOOD:
        base, ext = name.split(".")
        off, start, _ = fat.find(f"{base:8}{ext:3}")
        deps[name] = {b for c in fat.chain(start) for b in fat.fat_entry_bytes(c)}
        deps[name] |= set(range(fat.root_start, off + 32))
    return deps


@pytest.fixture(scope="module")
def damaged(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("vfat-damaged")
    rng = random.Random(4242)
    cases = []
    for i, (bits, fn) in enumerate(TARGETED):
        tree = damage_tree(rng)
        part = make_partition(tmp / f"t{i}.part", bits, PART_SECTORS[bits], 1)
        put_tree(part, tree, tmp)
        fat = Fat(part.read_bytes())
        expect = fn(fat)
        part.write_bytes(fat.data)
        cases.append((fn.__name__, part, tree, expect, list(GOOD)))
    for i in range(20):
        tree = damage_tree(rng)
        bits = rng.choice([12, 16])
        part = make_partition(tmp / f"r{i}.part", bits, PART_SECTORS[bits], 1)
        put_tree(part, tree, tmp)
        fat = Fat(part.read_bytes())
        deps = good_file_bytes(fat)
        offs = random_mutation(rng, fat)
        safe = [name for name in GOOD if not deps[name] & offs]
        part.write_bytes(fat.data)
        cases.append((f"random-{i}", part, tree, "random", safe))
    disks, placed = {}, []
    for d, name in enumerate(("hda", "hdb", "hdd")):
        mine = cases[d::3]
        numbers, _ = make_disk(tmp / f"{name}.img", [c[1] for c in mine])
        disks[name] = tmp / f"{name}.img"
        placed += [(f"{name}{n}",) + c for n, c in zip(numbers, mine)]
    return disks, placed


def check_damaged(m, dev, label, tree, expect, safe):
    out = m.run(f"mount -t vfat {dev} /mnt/x")
    if expect == "refused":
        assert len(re.findall(rf"vfat: {dev}: ", out)) == 1 and "/mnt/x" in out, \
            f"{label}: {out}"
        return
    if out.strip():
        assert expect == "random", f"{label}: {out}"
        return
    m.run("ls -l /mnt/x /mnt/x/SUB")
    files = [p for p, d in tree.items() if d is not None]
    crcs = guest_crcs(m, [f"/mnt/x/{p}" for p in files])
    for name in safe:
        assert crcs.get(f"/mnt/x/{name}") == (zlib.crc32(tree[name]), len(tree[name])), \
            f"{label}: {name}"
    if expect not in ("random", "LONGVI~1.TXT"):
        out = m.run(f"crc32 /mnt/x/{expect}")
        assert len(re.findall(rf"vfat: {dev}: ", out)) == 1, f"{label}: {out}"
        assert re.search(r"(?m)^crc32: ", out), f"{label}: {out}"
    if expect == "LONGVI~1.TXT":
        data = tree["Long Victim Name.txt"]
        got = guest_crcs(m, [f"/mnt/x/{expect}"])
        assert got.get(f"/mnt/x/{expect}") == (zlib.crc32(data), len(data)), label
    run_ok(m, "umount /mnt/x")


def test_damaged_images(boot_machine, default_iso, damaged):
    disks, placed = damaged
    m = boot_machine(default_iso, extra_args=drives(disks))
    m.run("mkdir /mnt/x")
    for dev, label, _part, tree, expect, safe in placed:
        check_damaged(m, dev, label, tree, expect, safe)
        assert_alive(m)
