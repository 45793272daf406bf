"""Host-side FAT images for tests/test_vfat.py: partitions made by mkfs.fat and filled by
mtools, MBR disks holding several of them (sfdisk), a reader of the boot sector, FAT and
directories (to aim corruptions at one file), and the way back: fsck.fat and mcopy of a
partition into a host directory.
"""

import json
import os
import shutil
import struct
import subprocess

SECTOR = 512
SFDISK = shutil.which("sfdisk") or "/usr/sbin/sfdisk"
MKFS = shutil.which("mkfs.fat") or "/usr/sbin/mkfs.fat"
FSCK = shutil.which("fsck.fat") or "/usr/sbin/fsck.fat"
MTOOLS_ENV = dict(os.environ, MTOOLS_SKIP_CHECK="1", LC_ALL="C.UTF-8", TZ="UTC")
MTIME = 1623760496  # 2021-06-15 12:34:56 UTC: the time put_tree gives every file


def _run(*args, **kwargs):
    return subprocess.run([str(a) for a in args], check=True, env=MTOOLS_ENV,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **kwargs)


def make_partition(path, bits, sectors, cluster_sectors=None):
    """An empty FAT12/16/32 file system of `sectors` sectors in the file `path`."""
    with open(path, "wb") as f:
        f.truncate(sectors * SECTOR)
    args = [MKFS, "-F", bits, "-n", "KEELTEST"]
    if cluster_sectors:
        args += ["-s", cluster_sectors]
    _run(*args, path)
    return path


def put_tree(part, tree, scratch):
    """Copies tree ({"dir/name": bytes, "dir/": None for a directory}) into partition part."""
    for path in sorted(p for p, data in tree.items() if data is None):
        _run("mmd", "-i", part, "::/" + path.rstrip("/"))
    for i, (path, data) in enumerate(sorted((p, d) for p, d in tree.items() if d is not None)):
        src = scratch / f"put-{i}"
        src.write_bytes(data)
        os.utime(src, (MTIME, MTIME))
        _run("mcopy", "-m", "-i", part, src, "::/" + path)
        src.unlink()


def make_disk(path, parts, ptype="c"):
    """An MBR disk holding the partition images parts (1-3 primary, then logicals 5...).
    Returns the partition numbers, in the order of parts."""
    sizes = [os.path.getsize(p) // SECTOR for p in parts]
    total = sum(sizes) + 2048 * (len(parts) + 3)
    with open(path, "wb") as f:
        f.truncate(total * SECTOR)
    lines = ["label: dos", "unit: sectors", ""]
    for i, size in enumerate(sizes):
        if i == 3:
            lines.append("type=5")
        lines.append(f"size={size}, type={ptype}")
    _run(SFDISK, "-q", path, input="\n".join(lines) + "\n", text=True)
    table = json.loads(_run(SFDISK, "--json", path, text=True).stdout)["partitiontable"]
    starts = {int(p["node"][len(str(path)):]): p["start"] for p in table["partitions"]}
    numbers = [i + 1 if i < 3 else i + 2 for i in range(len(parts))]
    with open(path, "r+b") as disk:
        for number, part in zip(numbers, parts):
            _copy_sparse(part, disk, starts[number] * SECTOR)
    return numbers, starts


def _copy_sparse(src, disk, offset, chunk=65536):
    """Copies src into disk at offset, skipping zero chunks (the disk file is sparse)."""
    with open(src, "rb") as f:
        pos = 0
        while block := f.read(chunk):
            if block.count(0) != len(block):
                disk.seek(offset + pos)
                disk.write(block)
            pos += len(block)


def extract(disk, start, sectors, out):
    """Partition bytes [start, start + sectors) of disk into the file out."""
    with open(disk, "rb") as f:
        f.seek(start * SECTOR)
        out.write_bytes(f.read(sectors * SECTOR))
    return out


def fsck(part):
    """(clean?, fsck.fat -n output)."""
    proc = subprocess.run([FSCK, "-n", str(part)], env=MTOOLS_ENV, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return proc.returncode == 0, proc.stdout


def read_tree(part, out):
    """The partition's files as {"dir/name": bytes, "dir/": None}, through mcopy."""
    out.mkdir()
    listing = _run("mdir", "-/", "-b", "-i", part, "::/", text=True).stdout.split()
    if listing:
        _run("mcopy", "-s", "-n", "-i", part, "::/*", out)
    tree = {}
    for root, dirs, files in os.walk(out):
        rel = os.path.relpath(root, out)
        prefix = "" if rel == "." else rel + "/"
        for d in dirs:
            tree[prefix + d + "/"] = None
        for name in files:
            tree[prefix + name] = open(os.path.join(root, name), "rb").read()
    return tree


class Fat:
    """A FAT file system image in memory: the BPB, FAT and directory entries, for aiming
    corruptions (a file's short entry, its chain) and for reading the FSInfo counters."""

    def __init__(self, data):
        self.data = bytearray(data)
        (self.bps, self.spc, self.reserved, self.fats, self.root_entries, total16, _media,
         fat16_len) = struct.unpack_from("<HBHBHHBH", self.data, 11)
        total32, fat32_len = struct.unpack_from("<II", self.data, 32)
        self.fat_len = fat16_len or fat32_len
        self.total = total16 or total32
        self.fat_start = self.reserved * SECTOR
        root_secs = (self.root_entries * 32 + SECTOR - 1) // SECTOR
        self.root_start = (self.reserved + self.fats * self.fat_len) * SECTOR
        self.data_start = self.root_start + root_secs * SECTOR
        self.clusters = (self.total - self.data_start // SECTOR) // self.spc
        self.bits = 32 if not fat16_len else (12 if self.clusters < 4085 else 16)
        self.root_cluster = struct.unpack_from("<I", self.data, 44)[0] if self.bits == 32 \
            else 0
        self.cluster_bytes = self.spc * SECTOR

    def fat_get(self, n):
        off = self.fat_start + (n * 3 // 2 if self.bits == 12 else n * self.bits // 8)
        if self.bits == 12:
            v = struct.unpack_from("<H", self.data, off)[0]
            return v >> 4 if n & 1 else v & 0xfff
        if self.bits == 16:
            return struct.unpack_from("<H", self.data, off)[0]
        return struct.unpack_from("<I", self.data, off)[0] & 0x0fffffff

    def fat_set(self, n, value):
        for copy in range(self.fats):
            base = self.fat_start + copy * self.fat_len * SECTOR
            if self.bits == 12:
                off = base + n * 3 // 2
                v = struct.unpack_from("<H", self.data, off)[0]
                v = (v & 0xf) | (value << 4) if n & 1 else (v & 0xf000) | value
                struct.pack_into("<H", self.data, off, v & 0xffff)
            elif self.bits == 16:
                struct.pack_into("<H", self.data, base + n * 2, value)
            else:
                struct.pack_into("<I", self.data, base + n * 4, value)

    def fat_entry_bytes(self, n):
        """Offsets in the first FAT holding cluster n's entry."""
        if self.bits == 12:
            off = self.fat_start + n * 3 // 2
            return {off, off + 1}
        width = self.bits // 8
        return set(range(self.fat_start + n * width, self.fat_start + (n + 1) * width))

    def chain(self, start):
        out, n = [], start
        while 2 <= n < self.clusters + 2 and len(out) <= self.clusters:
            out.append(n)
            n = self.fat_get(n)
        return out

    def cluster_offset(self, n):
        return self.data_start + (n - 2) * self.cluster_bytes

    def dir_offsets(self, start):
        """Byte offsets of the entries of the directory starting at cluster start (0: root)."""
        if start == 0 and self.bits != 32:
            return [self.root_start + i * 32 for i in range(self.root_entries)]
        offs = []
        for c in self.chain(start or self.root_cluster):
            base = self.cluster_offset(c)
            offs += [base + i for i in range(0, self.cluster_bytes, 32)]
        return offs

    def find(self, shortname, dir_start=0):
        """(entry offset, first cluster, size) of the 11-byte short name in a directory."""
        key = shortname.encode()
        for off in self.dir_offsets(dir_start):
            if self.data[off] == 0:
                break
            if bytes(self.data[off:off + 11]) == key:
                hi, lo, size = struct.unpack_from("<H4xHI", self.data, off + 20)
                return off, (hi << 16 | lo) if self.bits == 32 else lo, size
        raise KeyError(shortname)

    def set_start(self, entry_off, cluster):
        struct.pack_into("<H", self.data, entry_off + 26, cluster & 0xffff)
        if self.bits == 32:
            struct.pack_into("<H", self.data, entry_off + 20, cluster >> 16)

    def fsinfo_free(self):
        sector = struct.unpack_from("<H", self.data, 48)[0]
        return struct.unpack_from("<I", self.data, sector * SECTOR + 488)[0]

    def count_free(self):
        return sum(1 for n in range(2, self.clusters + 2) if self.fat_get(n) == 0)
