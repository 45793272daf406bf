"""Debian's busybox-static, unmodified, in the guest: the same binary runs each applet on the
host (the oracle: the host's Linux kernel) and in Keel over the same small files, and the
outputs must be equal. Shell pipelines and command substitution (`sh -c`) exercise fork,
execve, pipes, dup2 and wait4; sort, md5sum, awk and sed exercise file I/O and memory."""

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

SCRIPT_APPLETS = ("sort", "uniq", "cat", "tr", "wc", "echo", "find", "false", "true")
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
