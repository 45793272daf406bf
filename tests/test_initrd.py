"""ls and cat show exactly what was packed into the initrd (iso/initrd/, modules, and random
INITRD_EXTRA files under /extra/), unpacked into the root ramfs next to /dev /mnt /proc /tmp;
the build's CMDLINE reaches `cmdline`; /etc/rc runs first."""

import re

import conftest


def named_entries(line, names):
    return {token.rstrip("/") for token in line.split()} & names


# Empty mount points the kernel creates in the root ramfs after unpacking the initrd.
BOOT_DIRS = {"dev", "mnt", "proc", "tmp"}


def check_listing(shell, directory, path, also=frozenset()):
    expected = {entry.name for entry in directory.iterdir()} | also
    output = shell.run(f"ls {path}")
    lines = [line for line in output.splitlines() if line.strip()]
    listed = set()
    for line in lines:
        if set(line.split()) <= {".", "..", "./", "../"}:
            continue
        named = named_entries(line, expected)
        assert named, f"ls {path} lists something not in the initrd: {line!r}"
        listed |= named
    assert listed == expected, f"ls {path}: missing {sorted(expected - listed)}\n{output}"


def is_text(data):
    return all(b == 0x0a or 0x20 <= b < 0x7f for b in data) and b">" not in data


def test_ls_matches_initrd(custom_shell, custom_variant):
    root = custom_variant.initrd_root
    check_listing(custom_shell, root, "/", also=BOOT_DIRS)
    for directory in sorted(p for p in root.rglob("*") if p.is_dir()):
        check_listing(custom_shell, directory, "/" + str(directory.relative_to(root)))


def test_cat_matches_initrd(custom_shell, custom_variant):
    root = custom_variant.initrd_root
    files = sorted(p for p in root.rglob("*") if p.is_file() and is_text(p.read_bytes()))
    assert any("extra" in p.parts for p in files), "INITRD_EXTRA files are missing"
    for path in files:
        guest_path = "/" + str(path.relative_to(root))
        output = custom_shell.run(f"cat {guest_path}", timeout=120)
        expected = path.read_text()
        assert output.rstrip("\n") == expected.rstrip("\n"), f"cat {guest_path} differs"


def test_cmdline(custom_shell):
    assert conftest.TEST_CMDLINE in custom_shell.run("cmdline")


def test_rc_runs_before_first_prompt(custom_shell):
    boot_text = custom_shell.boot_text or ""
    assert re.search(rf"(?m)^{conftest.RC_MARKER_OUTPUT}\s*$", boot_text), (
        "the /etc/rc echo did not print before the first prompt")
