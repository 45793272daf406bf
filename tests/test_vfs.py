"""The VFS in the guest: the initrd unpacked into the root ramfs equals the host's staging tree
(CRC-32s from zlib, modes, symlinks); read-write ramfs operations from the shell replayed on a
host-side model; output redirection; mount/umount of a second ramfs and what keeps it busy;
one clear error line for each errno the path walk gives; a filesystem module (test_fs)
autoloaded by mount -t and pinned while mounted."""

import random
import stat
import zlib

import pytest

import conftest
import keel

ROOT_DIRS = {"dev", "mnt", "proc", "tmp"}  # created at boot, not in the initrd
# The mount table at boot: the root, then devtmpfs and proc (kernel/fs/rootfs.c).
BOOT_MOUNTS = "rootfs / ramfs rw 0 0\ndevtmpfs /dev devtmpfs rw 0 0\nproc /proc proc rw 0 0"


def make_tree(root):
    """INITRD_EXTRA: modes, a binary file, an empty file, nested folders and symlinks."""
    rng = random.Random()
    (root / "d1" / "d2").mkdir(parents=True)
    (root / "bin.dat").write_bytes(bytes(rng.randrange(256) for _ in range(9000)))
    (root / "empty").write_bytes(b"")
    (root / "d1" / "text").write_text(conftest.random_text(rng, 20))
    (root / "d1" / "d2" / "exec").write_text("#!/bin/true\n")
    (root / "d1" / "d2" / "exec").chmod(0o750)
    (root / "private").write_text("secret\n")
    (root / "private").chmod(0o600)
    (root / "d1" / "d2").chmod(0o711)
    (root / "rel-link").symlink_to("d1/text")
    (root / "abs-link").symlink_to("/etc/motd")
    (root / "dangling").symlink_to("no/such/file")
    (root / "d1" / "up").symlink_to("../bin.dat")


VFS = keel.Variant("vfs", extra=make_tree)


@pytest.fixture(scope="module")
def vfs_variant():
    keel.build_variant(VFS)
    return VFS


@pytest.fixture(scope="module")
def _vfs_holder(vfs_variant, tmp_path_factory):
    holder = conftest.SharedMachine(vfs_variant.iso, tmp_path_factory.mktemp("shared-vfs"))
    yield holder
    holder.close()


@pytest.fixture
def vfs(request, _vfs_holder):
    yield from conftest.shared_machine_fixture(request, _vfs_holder)


def parse_ls_long(output):
    """{name: (mode string, links, size, link target or None)} from `ls -l DIR`."""
    entries = {}
    for line in output.splitlines():
        fields = line.split(None, 5)
        if len(fields) < 6:
            continue
        mode, links, _uid, _gid, size, rest = fields
        name, _, target = rest.partition(" -> ")
        entries[name] = (mode, int(links), int(size), target if mode[0] == "l" else None)
    return entries


def host_entry(path):
    st = path.lstat()
    target = str(path.readlink()) if path.is_symlink() else None
    size = len(target) if target is not None else st.st_size
    return stat.filemode(st.st_mode), size, target


def guest_crcs(machine, paths):
    """{path: (crc, size)} from `crc32`, a few paths per line."""
    result = {}
    for i in range(0, len(paths), 8):
        out = machine.run("crc32 " + " ".join(paths[i:i + 8]))
        for line in out.splitlines():
            crc, size, name = line.split(None, 2)
            result[name] = (int(crc, 16), int(size))
    return result


def test_tree_equals_staging(vfs, vfs_variant):
    root = vfs_variant.initrd_root
    files = []
    for directory in [root] + sorted(p for p in root.rglob("*") if p.is_dir() and not p.is_symlink()):
        guest_dir = "/" + str(directory.relative_to(root)) if directory != root else "/"
        listed = parse_ls_long(vfs.run(f"ls -l {guest_dir}"))
        expected = {p.name: host_entry(p) for p in directory.iterdir()}
        if directory == root:
            assert ROOT_DIRS <= set(listed), listed
            listed = {k: v for k, v in listed.items() if k not in ROOT_DIRS}
        assert set(listed) == set(expected), f"ls -l {guest_dir}"
        for name, (mode, size, target) in expected.items():
            g_mode, _links, g_size, g_target = listed[name]
            assert g_mode == mode, f"{guest_dir}/{name}: mode {g_mode}, host {mode}"
            assert g_target == target, f"{guest_dir}/{name}: link -> {g_target}, host {target}"
            if not mode.startswith("d"):
                assert g_size == size, f"{guest_dir}/{name}: size {g_size}, host {size}"
        files += [p for p in directory.iterdir() if p.is_file() and not p.is_symlink()]
    guest_paths = ["/" + str(p.relative_to(root)) for p in files]
    crcs = guest_crcs(vfs, guest_paths)
    for path, guest_path in zip(files, guest_paths):
        data = path.read_bytes()
        assert crcs[guest_path] == (zlib.crc32(data), len(data)), guest_path
    assert vfs.run("cat /extra/rel-link") == (root / "extra" / "d1" / "text").read_text()


class Model:
    """The expected tree under /tmp/m: path -> bytes (file), None (directory), str (link)."""

    def __init__(self, rng):
        self.rng, self.tree, self.counter = rng, {"": None}, 0

    def fresh(self):
        self.counter += 1
        return f"n{self.counter}"

    def pick(self, kind):
        choices = sorted(p for p, v in self.tree.items() if p and
                         {"file": isinstance(v, bytes), "dir": v is None,
                          "link": isinstance(v, str)}[kind])
        return self.rng.choice(choices) if choices else None

    def some_dir(self):
        return self.rng.choice(sorted(p for p, v in self.tree.items() if v is None))

    def children(self, path):
        return [p for p in self.tree if p.startswith(path + "/")]


def guest(path):
    return "/tmp/m" + ("/" + path if path else "")


def random_step(m):
    """One shell command and its effect on the model; None when nothing fits."""
    op = m.rng.choice(["create", "create", "append", "rename", "delete", "mkdir", "rmdir",
                       "cp", "mv", "symlink"])
    word = "".join(m.rng.choice("abcdefghij0123456789") for _ in range(m.rng.randint(1, 30)))
    if op in ("create", "mkdir", "symlink"):
        path = (m.some_dir() + "/" + m.fresh()).lstrip("/")
        if op == "create":
            m.tree[path] = word.encode() + b"\n"
            return f"echo {word} > {guest(path)}"
        if op == "mkdir":
            m.tree[path] = None
            return f"mkdir {guest(path)}"
        m.tree[path] = word
        return f"ln -s {word} {guest(path)}"
    if op == "append":
        path = m.pick("file")
        if path is None:
            return None
        m.tree[path] += word.encode() + b"\n"
        return f"echo {word} >> {guest(path)}"
    if op in ("rename", "mv", "cp"):
        path = m.pick("file") or m.pick("link")
        if path is None:
            return None
        dest = (m.some_dir() + "/" + m.fresh()).lstrip("/")
        if op == "cp":
            if not isinstance(m.tree[path], bytes):
                return None
            m.tree[dest] = m.tree[path]
            return f"cp {guest(path)} {guest(dest)}"
        m.tree[dest] = m.tree.pop(path)
        return f"mv {guest(path)} {guest(dest)}"
    if op == "delete":
        path = m.pick("file") or m.pick("link")
        if path is None:
            return None
        del m.tree[path]
        return f"rm {guest(path)}"
    path = m.pick("dir")  # rmdir: only empty ones succeed, so pick those
    if path is None or m.children(path):
        return None
    del m.tree[path]
    return f"rmdir {guest(path)}"


def check_model(machine, m):
    files = []
    for directory in sorted(p for p, v in m.tree.items() if v is None):
        listed = parse_ls_long(machine.run(f"ls -l {guest(directory)}"))
        prefix = directory + "/" if directory else ""
        expected = {p[len(prefix):]: v for p, v in m.tree.items()
                    if p and p.startswith(prefix) and "/" not in p[len(prefix):]}
        assert set(listed) == set(expected), f"ls -l {guest(directory)}"
        for name, value in expected.items():
            mode, _links, size, target = listed[name]
            if isinstance(value, str):
                assert mode[0] == "l" and target == value, name
            elif value is None:
                assert mode[0] == "d", name
            else:
                assert mode[0] == "-" and size == len(value), name
                files.append(prefix + name)
    crcs = guest_crcs(machine, [guest(p) for p in files])
    for path in files:
        assert crcs[guest(path)] == (zlib.crc32(m.tree[path]), len(m.tree[path])), path


def test_read_write_operations_follow_model(vfs):
    seed = random.randrange(1 << 30)
    print(f"seed {seed}")
    m = Model(random.Random(seed))
    vfs.run("rm -r /tmp/m")
    assert vfs.run("mkdir /tmp/m") == ""
    steps = 0
    while steps < 60:
        command = random_step(m)
        if command is None:
            continue
        steps += 1
        out = vfs.run(command)
        assert out == "", f"step {steps} (seed {seed}): {command}: {out}"
    check_model(vfs, m)
    assert vfs.run("rm -r /tmp/m") == ""
    assert "No such file" in vfs.run("ls /tmp/m")


def test_redirection(vfs):
    assert vfs.run("echo one > /tmp/out") == ""
    assert vfs.run("echo two >>/tmp/out") == ""
    assert vfs.run("cat /tmp/out") == "one\ntwo\n"
    assert vfs.run("ls / >/tmp/out") == ""
    assert set(vfs.run("cat /tmp/out").split()) >= ROOT_DIRS | {"etc", "lib"}
    assert vfs.run("echo again > /tmp/out") == ""
    assert vfs.run("cat /tmp/out") == "again\n"
    assert vfs.run("echo x > /nope/out").strip() == "shell: /nope/out: No such file or directory"
    assert vfs.run("echo x >").strip() == "shell: missing file name after >"
    assert vfs.run("rm /tmp/out") == ""


def test_mount_and_busy_umount(vfs):
    assert vfs.run("mount").strip() == BOOT_MOUNTS
    assert vfs.run("mount -t ramfs none /mnt") == ""
    assert vfs.run("mount").splitlines()[-1] == "none /mnt ramfs rw 0 0"
    assert vfs.run("echo inside > /mnt/f") == ""
    assert vfs.run("cd /mnt") == ""
    assert vfs.run("pwd").strip() == "/mnt"
    assert "target is busy" in vfs.run("umount /mnt")
    assert vfs.run("cd ..") == "" and vfs.run("pwd").strip() == "/"
    assert vfs.run("mkdir /mnt/sub") == ""
    assert vfs.run("mount -t ramfs -o ro none /mnt/sub") == ""
    assert vfs.run("mount").splitlines()[-1] == "none /mnt/sub ramfs ro 0 0"
    assert vfs.run("touch /mnt/sub/x").strip() == "touch: /mnt/sub/x: Read-only file system"
    assert "target is busy" in vfs.run("umount /mnt")
    assert vfs.run("umount /mnt/sub") == ""
    assert vfs.run("umount /mnt") == ""
    assert vfs.run("umount /mnt").strip() == "umount: /mnt: not mounted"
    assert vfs.run("ls /mnt") == ""
    assert vfs.run("mount -t nosuchfs none /mnt").strip() == \
        "mount: unknown filesystem type 'nosuchfs'"
    assert vfs.run("mount").strip() == BOOT_MOUNTS
    assert "/" in vfs.run("df").splitlines()[1]


@pytest.mark.parametrize("command, message", [
    ("cat /nope", "cat: /nope: No such file or directory"),
    ("cat /etc/motd/x", "cat: /etc/motd/x: Not a directory"),
    ("cat /etc", "cat: /etc: Is a directory"),
    ("mkdir /etc", "mkdir: /etc: File exists"),
    ("rmdir /etc", "rmdir: /etc: Directory not empty"),
    ("cat /" + "a" * 256, "cat: /" + "a" * 256 + ": File name too long"),
    ("cat /tmp/loop", "cat: /tmp/loop: Too many levels of symbolic links"),
    ("mv /etc /etc/x", "mv: /etc: Invalid argument"),
    ("ls /tmp/nope/x", "ls: /tmp/nope/x: No such file or directory"),
])
def test_error_lines(vfs, command, message):
    vfs.run("ln -s loop /tmp/loop")
    out = vfs.run(command)
    assert out.splitlines() == [message], out


def test_filesystem_module_autoloads_and_stays_while_mounted(vfs):
    """modules/test_fs registers "testfs" with MODULE_ALIAS_FS: mount -t loads it, and the
    superblock's module reference makes rmmod say it is in use until umount."""
    assert "test_fs" not in vfs.run("lsmod").split()
    vfs.run("mount -t testfs none /mnt")
    assert "test_fs" in vfs.run("lsmod").split()
    assert vfs.run("mount").splitlines()[-1] == "none /mnt testfs rw 0 0"
    assert vfs.run("cat /mnt/hello") == "hello from testfs\n"
    assert "test_fs is in use" in vfs.run("rmmod test_fs")
    assert vfs.run("umount /mnt") == ""
    vfs.run("rmmod test_fs")
    assert "test_fs" not in vfs.run("lsmod").split()
    assert vfs.run("ls /mnt") == ""
