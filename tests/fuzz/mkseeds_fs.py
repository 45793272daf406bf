#!/usr/bin/env python3
"""Seed corpus for a filesystem fuzz target (tests/mk/fuzz.mk): small valid images.

    mkseeds_fs.py NAME DIR

NAME is flatfs (written here, format in tests/fs/flatfs.h), vfat (mkfs.fat -C: FAT12, FAT16,
FAT32, filled with mtools when present), ext2 (mke2fs -d: 1 KiB and 4 KiB blocks) or iso9660
(xorriso -as mkisofs -R). Every image holds the same small tree: files smaller than a block,
one spanning several pages, an empty one, nested directories and (where the format has them)
a symlink. Trailing zero bytes are cut: the fuzz driver pads its input with zeros to the
disk size, so a seed is only as long as its last non-zero byte. A missing host tool skips
its images with a note (a target then starts from fewer seeds), never fails the build.
"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile


def sample_tree(root):
    """The files every seed image holds."""
    os.makedirs(os.path.join(root, "sub", "deeper"))
    with open(os.path.join(root, "hello.txt"), "w") as f:
        f.write("hello, keel\n")
    with open(os.path.join(root, "big.bin"), "wb") as f:
        f.write(bytes((i * 131 + 7) % 251 + 1 for i in range(13065)))
    open(os.path.join(root, "empty"), "w").close()
    with open(os.path.join(root, "sub", "deeper", "nested.txt"), "w") as f:
        f.write("nested\n" * 100)
    return [("hello.txt", False), ("big.bin", False), ("empty", False), ("sub", True),
            ("sub/deeper", True), ("sub/deeper/nested.txt", False)]


def save(out_dir, name, image):
    with open(os.path.join(out_dir, name), "wb") as f:
        f.write(image.rstrip(b"\0") or b"\0")


def run(cmd):
    """Runs a host tool; False (with a note) when it is missing or fails."""
    if not shutil.which(cmd[0]):
        print(f"mkseeds_fs: {cmd[0]} not found, skipping those seeds", file=sys.stderr)
        return False
    res = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if res.returncode:
        print(f"mkseeds_fs: {' '.join(cmd)}: {res.stderr.strip()}", file=sys.stderr)
    return res.returncode == 0


def flatfs_image(bs, nr_blocks, files):
    """A flatfs image (tests/fs/flatfs.h) holding files: a list of (name, bytes)."""
    nr_files, direct = 8, 40
    table_blocks = (nr_files * 128 + bs - 1) // bs
    next_block = 2 + table_blocks
    img = bytearray(nr_blocks * bs)
    table = bytearray()
    for name, data in files:
        blocks = []
        for off in range(0, len(data), bs):
            chunk = data[off:off + bs]
            if chunk.strip(b"\0"):  # an all-zero block stays a hole
                img[next_block * bs:next_block * bs + len(chunk)] = chunk
                blocks.append(next_block)
                next_block += 1
            else:
                blocks.append(0)
        blocks += [0] * (direct - len(blocks))
        table += struct.pack(f"<32sQII{direct}H", name.encode(), len(data), 1, 0, *blocks)
    img[2 * bs:2 * bs + len(table)] = table
    for b in range(next_block):
        img[bs + b // 8] |= 1 << (b % 8)
    struct.pack_into("<8s6I", img, 0, b"FLATFS01", bs, nr_blocks, nr_files,
                     nr_blocks - next_block, 0, 0)
    return bytes(img)


def seeds_flatfs(out_dir, tree):
    files = [("hello.txt", b"hello, keel\n"), ("holes", b"\0" * 5000 + b"tail"),
             ("big.bin", bytes((i * 131 + 7) % 251 + 1 for i in range(13065))), ("empty", b"")]
    for bs in (512, 1024, 2048, 4096):
        save(out_dir, f"flatfs-{bs}", flatfs_image(bs, min(bs * 8, (1 << 20) // bs), files))


def seeds_vfat(out_dir, tree, work):
    for fat, size_kb, extra in (("12", 1024, []), ("16", 8192, ["-s", "1"]), ("32", 34 * 1024, ["-s", "1"])):
        img = os.path.join(work, f"fat{fat}.img")
        if not run(["mkfs.fat", "-C", "-F", fat, "-n", f"KEEL{fat}", *extra, img, str(size_kb)]):
            continue
        for path, is_dir in tree:
            if is_dir:
                run(["mmd", "-i", img, "::" + path])
            else:
                run(["mcopy", "-i", img, os.path.join(tree_root(work), path), "::" + path])
        with open(img, "rb") as f:
            save(out_dir, f"vfat-fat{fat}", f.read())


def seeds_ext2(out_dir, tree, work):
    os.symlink("sub/deeper/nested.txt", os.path.join(tree_root(work), "link"))
    for bs in (1024, 4096):
        img = os.path.join(work, f"ext2-{bs}.img")
        if run(["mke2fs", "-q", "-F", "-t", "ext2", "-b", str(bs), "-N", "64",
                "-d", tree_root(work), img, "1M" if bs == 1024 else "4M"]):
            with open(img, "rb") as f:
                save(out_dir, f"ext2-{bs}", f.read())


def seeds_iso9660(out_dir, tree, work):
    os.symlink("hello.txt", os.path.join(tree_root(work), "link"))
    img = os.path.join(work, "rr.iso")
    if run(["xorriso", "-as", "mkisofs", "-quiet", "-R", "-V", "KEEL", "-o", img,
            tree_root(work)]):
        with open(img, "rb") as f:
            save(out_dir, "iso9660-rr", f.read())


def tree_root(work):
    return os.path.join(work, "tree")


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: mkseeds_fs.py NAME DIR")
    name, out_dir = sys.argv[1], sys.argv[2]
    makers = {"flatfs": lambda o, t, w: seeds_flatfs(o, t), "vfat": seeds_vfat,
              "ext2": seeds_ext2, "iso9660": seeds_iso9660}
    if name not in makers:
        sys.exit(f"mkseeds_fs: no seeds for {name!r}: add a maker to tests/fuzz/mkseeds_fs.py")
    os.makedirs(out_dir, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        tree = sample_tree(tree_root(work))
        makers[name](out_dir, tree, work)


if __name__ == "__main__":
    main()
