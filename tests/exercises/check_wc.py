"""Checker of the "wc" exercise (docs/fs.md#exercises): a module wc.ko whose command
`wc FILE...` prints each file's lines, words and bytes as "%7lu %7lu %7lu NAME" (coreutils
`wc`'s columns), then a "total" line when given several files, reading the files through the
exported kernel file API. The counts are compared with the host's for the same bytes."""

import re

import exlib

EXERCISE = exlib.Exercise(
    "wc", "docs/fs.md#exercises", command="wc", module="wc",
    what="write a module wc.ko adding the shell command `wc FILE...`")

# Made in the guest by test_files_written_in_the_guest, with what echo writes into them.
GUEST_FILES = [
    ("/tmp/f", ["echo one two  three > /tmp/f", "echo four >> /tmp/f"],
     b"one two three\nfour\n"),
    ("/tmp/empty", ["touch /tmp/empty"], b""),
]


def counts(data):
    """lines, words, bytes: newlines; maximal runs of bytes that are not C-locale spaces."""
    return data.count(b"\n"), len(data.split()), len(data)


def line(c, name):
    return "%7d %7d %7d %s\n" % (c[0], c[1], c[2], name)


def expected(files):
    """What `wc` prints for these (name, bytes), a total line after two or more."""
    out = "".join(line(counts(data), name) for name, data in files)
    if len(files) > 1:
        total = [sum(counts(data)[i] for _, data in files) for i in range(3)]
        out += line(total, "total")
    return out


def initrd_file(target, path):
    return path, (target.initrd_root / path.lstrip("/")).read_bytes()


def test_loads(machine, exercise):
    exlib.insmod(machine, exercise)


def test_one_file(machine, target):
    motd = initrd_file(target, "/etc/motd")
    out = machine.run("wc /etc/motd")
    assert out == expected([motd]), \
        f"`wc /etc/motd` printed:\n{out!r}\nexpected:\n{expected([motd])!r}"


def test_several_files(machine, target):
    files = [initrd_file(target, p) for p in ("/etc/motd", "/etc/rc", "/etc/modules")]
    out = machine.run("wc /etc/motd /etc/rc /etc/modules")
    assert out == expected(files), \
        f"several files, then a total line; got:\n{out!r}\nexpected:\n{expected(files)!r}"


def test_binary_files(machine, target):
    # Bigger than any sensible buffer: words and lines straddle the chunks read.
    files = [initrd_file(target, p) for p in ("/lib/modules/hello.ko", "/lib/modules/ata.ko")]
    out = machine.run("wc /lib/modules/hello.ko /lib/modules/ata.ko")
    assert out == expected(files), \
        f"module files (binary, tens of KiB); got:\n{out!r}\nexpected:\n{expected(files)!r}"


def test_files_written_in_the_guest(machine):
    for path, commands, data in GUEST_FILES:
        for command in commands:
            machine.run(command)
        out = machine.run(f"wc {path}")
        assert out == expected([(path, data)]), \
            f"`wc {path}` ({data!r}) printed {out!r}, expected {expected([(path, data)])!r}"


def test_missing_file(machine, target):
    motd = initrd_file(target, "/etc/motd")
    out = machine.run("wc /no/such/file /etc/motd")
    assert re.search(r"^wc: /no/such/file: \S.*$", out, re.M), \
        f"a missing file should give one line 'wc: /no/such/file: <error>':\n{out}"
    assert line(counts(motd[1]), "/etc/motd") in out, \
        f"wc should go on with the next file after an error:\n{out}"


def test_directory(machine):
    out = machine.run("wc /etc")
    assert re.search(r"^wc: /etc: \S.*$", out, re.M), \
        f"a directory should give one line 'wc: /etc: <error>': {out!r}"


def test_usage(machine):
    out = machine.run("wc")
    assert "usage" in out.lower(), f"`wc` without a file should print a usage line: {out!r}"


def test_unloads(machine, exercise):
    exlib.rmmod_clean(machine, exercise)
    assert exlib.command_not_found(machine.run("wc /etc/motd")), \
        "the command should go away with the module"
