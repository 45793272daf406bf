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
           (lambda: op_copy(rng, model, mnt), 1), (lambda: op_mkdir(rng, model, mnt), 2),
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

@pytest.fixture(scope="module")
def rw_session(default_iso, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ext2-rw")
    rng = random.Random(0xE2F5)
    src1, src4 = tmp / "src1", tmp / "src4"
    src1.mkdir()
    src4.mkdir()
    make_tree(src1, rng, big_sparse=True)
    make_tree(src4, rng)
    hda = tmp / "hda.img"  # 1 KiB blocks, 128-byte inodes, a bare disk
    mkfs(hda, src1, 1024, 96 * 1024, ["-I", "128"])
    hdb = tmp / "hdb.img"  # 4 KiB blocks in an MBR partition at 1 MiB
    hdb.write_bytes(b"\0" * (16 << 20))
    subprocess.run([tool("sfdisk"), "-q", str(hdb)], input="label: dos\nstart=2048, type=83\n",
                   text=True, capture_output=True, check=True)
    run_tool(tool("mke2fs"), "-q", "-F", "-t", "ext2", "-b", 4096, "-E", "offset=1048576",
             "-d", src4, hdb, "12m")
    hdd = tmp / "hdd.img"  # small: ENOSPC
    small = tmp / "small"
    small.mkdir()
    (small / "seed").write_bytes(rng.randbytes(40 * 1024))
    mkfs(hdd, small, 1024, 400, ["-N", "32", "-m", "0"])
    m = keel.Machine(default_iso, tmp / "qemu", extra_args=["-boot", "d"] + drive(hda, 0) +
                     drive(hdb, 1) + drive(hdd, 3)).start()
    try:
        m.wait_prompt()
        yield {"m": m, "tmp": tmp, "src1": src1, "src4": src4, "hda": hda, "hdb": hdb,
               "hdd": hdd, "rng": rng, "results": {}}
    finally:
        print(f"--- serial output ---\n{m.text}")
        m.close()


def test_read_images(rw_session):
    s, m = rw_session, rw_session["m"]
    m.run("mkdir /mnt/a /mnt/b /mnt/c")
    assert "modprobe:" not in m.run("modprobe ext2")  # probing asks the registered types
    out = m.run("mount hda /mnt/a")  # no -t: probed
    assert "mount:" not in out, out
    assert re.search(r"hda /mnt/a ext2 rw", m.run("mount")), m.run("mount")
    out = m.run("mount -t ext2 hdb1 /mnt/b")
    assert "mount:" not in out, out
    for src, mnt in ((s["src1"], "/mnt/a"), (s["src4"], "/mnt/b")):
        expect = host_crcs(src)
        got = guest_crcs(m, mnt, expect)
        assert got == expect
        top = ls_l(m, mnt)
        assert top["b1025"][0] == 3 and top["d1"][0] == 3 and top["empty-dir"][0] == 2
        assert top["fast"][1].endswith("fast -> d1/text")
        assert top["slow"][1].endswith("slow -> " + os.readlink(src / "slow"))
        assert ls_l(m, f"{mnt}/d1/d2")["hard2"][0] == 3
        assert "Links: 3" in m.run(f"stat {mnt}/d1/hard1")
        assert "hello from ext2" in m.run(f"cat {mnt}/fast")
    check_shell(m, m.text)


def test_rmmod_refused_while_mounted(rw_session):
    m = rw_session["m"]
    out = m.run("rmmod ext2")
    assert "rmmod" in out and ("busy" in out.lower() or "in use" in out.lower()), out
    assert "ext2" in m.run("lsmod")


def test_read_only_mount_refuses_writes(rw_session):
    m = rw_session["m"]
    assert "mount:" not in m.run("umount /mnt/b")
    out = m.run("mount -o ro hdb1 /mnt/b")
    assert "mount:" not in out, out
    out = m.run("echo no > /mnt/b/new") + m.run("mkdir /mnt/b/x") + m.run("rm /mnt/b/one")
    assert out.count("Read-only file system") == 3, out
    assert "hello from ext2" in m.run("cat /mnt/b/d1/text")
    assert "umount:" not in m.run("umount /mnt/b")


def test_random_writes_match_model(rw_session, tmp_path):
    s, m = rw_session, rw_session["m"]
    model = model_from_tree(s["src1"])
    model.nodes["lost+found"] = {"kind": "dir"}
    rng = random.Random(20261130)
    for command in random_ops(rng, model, "/mnt/a", 150):
        out = m.run(command, timeout=120)
        assert not out.strip(), (command, out)
    # a truncation to a middle size of a file with indirect blocks, through O_TRUNC + cp
    assert not m.run("cp /mnt/a/d1/text /mnt/a/dind-cut").strip()
    model.nodes["dind-cut"] = {"kind": "file", "data": model.nodes["d1/text"]["data"]}
    m.run("sync")
    assert "umount:" not in m.run("umount /mnt/a")
    s["results"]["model"] = model
    check_shell(m, m.text)


def test_enospc(rw_session):
    s, m = rw_session, rw_session["m"]
    assert "mount:" not in m.run("mount -t ext2 hdd /mnt/c")
    errors = ""
    for i in range(20):
        out = m.run(f"cp /mnt/c/seed /mnt/c/copy{i}", timeout=120)
        if out.strip():
            errors = out
            break
    assert "No space left on device" in errors, errors
    m.run("rm /mnt/c/copy0")
    assert "ext2-alive" in m.run("echo ext2-alive")
    out = ""
    for i in range(40):
        out = m.run(f"touch /mnt/c/i{i}")
        if out.strip():
            break
    assert "No space left on device" in out, out
    m.run("sync")
    assert "umount:" not in m.run("umount /mnt/c")
    s["results"]["enospc"] = True
    check_shell(m, m.text)


def test_rmmod_after_umount_and_poweroff(rw_session):
    m = rw_session["m"]
    out = m.run("rmmod ext2")
    assert "rmmod:" not in out, out
    assert "ext2" not in m.run("lsmod")
    m.send_line("poweroff")
    m.wait_exit()
    assert not OOPS.search(m.text), m.text[-2000:]


def test_host_sees_the_model(rw_session, tmp_path):
    s = rw_session
    if "model" not in s["results"]:
        pytest.skip("the random sequence did not run")
    result = fsck(s["hda"])
    assert result.returncode == 0, result.stdout + result.stderr
    compare_with_debugfs(s["hda"], s["results"]["model"], tmp_path)


def test_host_fsck_after_enospc(rw_session):
    s = rw_session
    if "enospc" not in s["results"]:
        pytest.skip("the ENOSPC sequence did not run")
    result = fsck(s["hdd"])
    assert result.returncode == 0, result.stdout + result.stderr
