"""Debian's busybox-static, unmodified, in the guest: the same binary runs each applet on the
host (the oracle: the host's Linux kernel) and in Keel over the same small files, and the
outputs must be equal. Shell pipelines and command substitution (`sh -c`) exercise fork,
execve, pipes, dup2 and wait4; sort, md5sum, awk and sed exercise file I/O and memory."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

import keel
from test_user import ENV, assert_no_oops, program_output

BUSYBOX = Path("/bin/busybox")  # tools/deps.sh installs Debian's busybox-static
FILES = {
    "words": "pear\napple\nfig\napple\nbanana\n",
    "nums": "3\n1\n2\n10\n",
    "text": "the quick brown fox\njumps over\nthe lazy dog\n",
}

SCRIPT_APPLETS = ("sort", "uniq", "cat", "tr", "wc", "echo", "find", "false", "true", "cp",
                  "md5sum", "cmp", "tar", "ls", "awk", "mkdir", "pwd", "rm")
GUEST_BIN = "/extra/bin"
APPLETS = [
    ("echo", "hello", "world"),
    ("cat", "words", "nums"),
    ("sort", "words"),
    ("sort", "-n", "nums"),
    ("sort", "-u", "words"),
    ("wc", "-l", "words"),
    ("md5sum", "words", "nums", "text"),
    ("head", "-n", "2", "text"),
    ("tail", "-n", "1", "text"),
    ("seq", "1", "5"),
    ("expr", "6", "*", "7"),
    ("sed", "s/apple/APPLE/", "words"),
    ("awk", "{ print NR, $2 }", "text"),
    ("grep", "-c", "apple", "words"),
    ("cut", "-c1-3", "words"),
    ("basename", "/a/b/c.txt", ".txt"),
    ("ls", "-1"),
    ("sh", "-c", "sort words | uniq -c"),
    ("sh", "-c", "cat text | tr a-z A-Z | wc -w"),
    ("sh", "-c", "for i in 1 2 3; do echo item $i; done"),
    ("sh", "-c", "x=$(echo sub); echo got $x; false || echo alt; true && echo yes"),
    ("sh", "-c", "find . -type f | sort"),
    ("sh", "-c", "exit 3"),
    # Files written in the guest's ramfs (the initrd) and in the host's temporary directory.
    ("sh", "-c", "cp words words.copy && md5sum words.copy && cmp words words.copy && echo same"),
    ("sh", "-c", "(echo one; echo two) > sub.out; (cd /; pwd); cat sub.out; wc -l < sub.out"),
    ("sh", "-c", "echo abc >> app.out; echo def >> app.out; cat app.out; "
                 "ls nonexistent 2>/dev/null || echo missing"),
    ("sh", "-c", "tar cf t.tar words nums && tar tf t.tar && mkdir -p x && tar xf t.tar -C x && "
                 "md5sum x/words x/nums && rm -r x t.tar"),
    ("sh", "-c", "ls -l words nums text | awk '{ print $1, $5, $9 }'"),
]


def applet_links(bindir):
    """busybox and a symlink per applet the scripts call, so `sh -c` runs busybox's applets
    on both sides (the host's PATH would find coreutils)."""
    bindir.mkdir(exist_ok=True)
    shutil.copy(BUSYBOX, bindir / "busybox")
    for applet in SCRIPT_APPLETS:
        (bindir / applet).symlink_to("busybox")


def fill(root):
    """INITRD_EXTRA lands under /extra: /extra/bin/busybox (and applet links), /extra/data."""
    applet_links(root / "bin")
    data = root / "data"
    data.mkdir()
    for name, text in FILES.items():
        (data / name).write_text(text)


VARIANT = keel.Variant("busybox", extra=fill)


@pytest.fixture(scope="module")
def guest(tmp_path_factory):
    if not BUSYBOX.exists():
        pytest.fail("busybox-static is missing: tools/deps.sh installs it")
    keel.build_variant(VARIANT)
    machine = keel.boot(VARIANT.iso, tmp_path_factory.mktemp("busybox"))
    machine.run("cd /extra/data")
    yield machine
    machine.close()


@pytest.fixture(scope="module")
def host_data(tmp_path_factory):
    data = tmp_path_factory.mktemp("bbdata")
    for name, text in FILES.items():
        (data / name).write_text(text)
    applet_links(data.parent / (data.name + "-bin"))
    return data


def with_path(argv, bindir):
    """sh -c scripts find the applets in bindir first."""
    if argv[0] != "sh":
        return list(argv)
    return ["sh", "-c", f"PATH={bindir}; {argv[2]}"]


def quote(word):
    return '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"'


@pytest.mark.parametrize("argv", APPLETS, ids=lambda a: " ".join(a)[:40])
def test_applet_same_as_host(guest, host_data, argv):
    host_bin = host_data.parent / (host_data.name + "-bin")
    host = subprocess.run(["/bin/busybox", *with_path(argv, host_bin)], executable=BUSYBOX,
                          cwd=host_data, env=ENV, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=60)
    guest_argv = with_path(argv, GUEST_BIN)
    out = guest.run(f"run {GUEST_BIN}/busybox " + " ".join(quote(w) for w in guest_argv),
                    timeout=120)
    assert_no_oops(out)
    got = "".join(l + "\n" for l in program_output(out).splitlines()
                  if not l.startswith("run: "))
    assert got == host.stdout, f"{argv}:\nhost:\n{host.stdout}\nkeel:\n{out}"
    if host.returncode:
        assert f"exited with status {host.returncode}" in out, out


def test_module_and_system_applets(guest):
    """Keel only (the host's kernel is not ours to load modules into): busybox's insmod,
    lsmod, rmmod and modprobe through init_module/finit_module/delete_module, dmesg through
    syslog(2), mount through /proc/mounts and mount(2), free through sysinfo(2)."""
    bb = "run /bin/busybox"
    out = guest.run(f"{bb} insmod /lib/modules/hello.ko who=busybox")
    assert_no_oops(out)
    assert "hello: loaded (who=busybox" in guest.run(f"{bb} dmesg")
    lsmod = guest.run(f"{bb} lsmod")
    assert any(line.split()[:1] == ["hello"] for line in lsmod.splitlines()), lsmod
    guest.run(f"{bb} rmmod hello")
    assert "hello" not in guest.run("lsmod")
    assert "exited with status" in guest.run(f"{bb} rmmod hello")  # ENOENT now
    guest.run(f"{bb} modprobe hello")  # modules.dep in /lib/modules/$(uname -r)
    assert "hello" in guest.run("lsmod")
    guest.run(f"{bb} modprobe -r hello")
    assert "hello" not in guest.run("lsmod")
    guest.run("mkdir /mnt/bbram")
    assert_no_oops(guest.run(f"{bb} mount -t ramfs none /mnt/bbram"))
    assert "none on /mnt/bbram type ramfs" in guest.run(f"{bb} mount")
    guest.run(f"{bb} umount /mnt/bbram")
    assert "/mnt/bbram" not in guest.run(f"{bb} mount")
    free = guest.run(f"{bb} free")
    assert re.search(r"^Mem:\s+\d+\s+\d+\s+\d+", free, re.M), free
