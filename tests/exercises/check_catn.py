"""Checker of the "catn" exercise (docs/vfs.md#exercises): a built-in shell command
`catn FILE...` (in the kernel, not a module) printing files with numbered lines as GNU
`cat -n` does: "%6d<TAB>" before each line, counting on across files."""

import re

import exlib

EXERCISE = exlib.Exercise(
    "catn", "docs/vfs.md#exercises", command="catn",
    kernel_marker=r'\.name\s*=\s*"catn"',
    what="add a built-in command `catn` to the kernel (a struct shell_command named \"catn\")")


def cat_n(*texts):
    """What GNU cat -n prints for these file contents, one after the other."""
    out, number, at_start = [], 0, True
    for text in texts:
        for line in text.splitlines(keepends=True):
            if at_start:
                number += 1
                out.append(f"{number:6d}\t")
            out.append(line)
            at_start = line.endswith("\n")
    return "".join(out)


def test_numbers_motd(machine, target):
    motd = (target.initrd_root / "etc" / "motd").read_text()
    out = machine.run("catn /etc/motd")
    assert out == cat_n(motd), f"`catn /etc/motd` printed:\n{out!r}\nexpected:\n{cat_n(motd)!r}"


def test_several_files(machine, target):
    a = (target.initrd_root / "etc" / "motd").read_text()
    b = (target.initrd_root / "etc" / "modules").read_text()
    out = machine.run("catn /etc/motd /etc/modules")
    assert out == cat_n(a, b), f"numbering runs on across files; got:\n{out!r}"


def test_missing_file(machine):
    out = machine.run("catn /no/such/file")
    assert re.search(r"catn: /no/such/file: No such file or directory", out), out


def test_directory(machine):
    out = machine.run("catn /etc")
    assert re.search(r"catn: /etc: .*[Dd]irectory", out), out


def test_usage(machine):
    out = machine.run("catn")
    assert "usage" in out.lower(), f"`catn` without a file should print a usage line: {out!r}"
