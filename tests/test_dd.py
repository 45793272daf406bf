"""The shell's stopwatch and copying tools: `dd` (operands, record counts, partial records,
skip/seek, errors), `time` and `repeat`'s `{}` iteration number. Oracle: Python computes what
dd's output file must hold from the input's bytes (zlib CRC-32 compared with the guest's)."""

import re
import zlib

import pytest

SOURCE = "/etc/motd"


def crc_of(shell, path):
    out = shell.run(f"crc32 {path}")
    match = re.search(r"^([0-9a-f]{8}) (\d+) ", out, re.M)
    assert match, out
    return int(match.group(1), 16), int(match.group(2))


def test_dd_copies_and_counts_records(shell):
    shell.run("rm -r /tmp/dd")
    shell.run("mkdir /tmp/dd")
    # 100 lines of 80 bytes (8000: 8 full records of 1000), made with repeat and >>
    shell.run("repeat -q 100 echo 0123456789012345678901234567890123456789"
              "012345678901234567890123456789012345678 >> /tmp/dd/src")
    line = ("0123456789012345678901234567890123456789"
            "012345678901234567890123456789012345678\n").encode()
    data = line * 100
    assert crc_of(shell, "/tmp/dd/src") == (zlib.crc32(data), len(data))
    out = shell.run("dd if=/tmp/dd/src of=/tmp/dd/a bs=1000")
    full, part = divmod(len(data), 1000)
    assert f"{full}+{1 if part else 0} records in" in out, out
    assert f"{full}+{1 if part else 0} records out" in out, out
    assert re.search(rf"^{len(data)} bytes copied, \d+\.\d{{6}} s, \d+\.\d MB/s$", out, re.M), out
    assert crc_of(shell, "/tmp/dd/a") == (zlib.crc32(data), len(data))
    shell.run("dd if=/tmp/dd/src of=/tmp/dd/b bs=1K count=3 skip=2")
    part = data[2048:2048 + 3072]
    assert crc_of(shell, "/tmp/dd/b") == (zlib.crc32(part), len(part))
    shell.run("dd if=/tmp/dd/src of=/tmp/dd/b bs=100 count=1 seek=1 conv=notrunc,fsync")
    expect = part[:100] + data[:100] + part[200:]
    assert crc_of(shell, "/tmp/dd/b") == (zlib.crc32(expect), len(expect))


@pytest.mark.parametrize("line, message", [
    ("dd if=/tmp/none of=/tmp/x", "dd: /tmp/none: No such file or directory"),
    ("dd if=/etc/motd of=/tmp/x bs=0", "dd: invalid operand 'bs=0'"),
    ("dd if=/etc/motd of=/tmp/x bs=9M", "dd: invalid operand 'bs=9M'"),
    ("dd if=/etc/motd of=/tmp/x count=-1", "dd: invalid operand 'count=-1'"),
    ("dd if=/etc/motd of=/tmp/x conv=sync", "dd: invalid operand 'conv=sync'"),
    ("dd if=/etc/motd", "usage: dd"),
    ("dd if=/etc/motd of=/etc", "dd: /etc: Is a directory"),
])
def test_dd_errors_are_one_line(shell, line, message):
    out = shell.run(line)
    assert message in out, out
    assert "records" not in out


def test_time_and_repeat_numbering(shell):
    out = shell.run("time sleep 0.2")
    match = re.search(r"^real (\d+)\.(\d{6}) s$", out, re.M)
    assert match, out
    assert float(f"{match.group(1)}.{match.group(2)}") >= 0.2
    shell.run("rm -r /tmp/many")
    shell.run("mkdir /tmp/many")
    out = shell.run("repeat -q 25 echo file {} of 25 > /tmp/many/f{}")
    assert "repeat: 25 iterations done" in out, out
    for n in (1, 13, 25):
        text = f"file {n} of 25\n".encode()
        assert crc_of(shell, f"/tmp/many/f{n}") == (zlib.crc32(text), len(text))
    listing = shell.run("ls /tmp/many").split()
    assert sorted(listing) == sorted(f"f{n}" for n in range(1, 26)), listing
    out = shell.run("time")
    assert "usage: time" in out, out
