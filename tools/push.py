#!/usr/bin/python3
"""Sends freshly built modules to a running `make run` guest, which replaces the loaded copies.

Usage: push.py SOCKET MODULE.ko...

SOCKET is the unix socket QEMU serves the guest's fourth serial port on (ttyS3, where the
kernel's modpushd listens; see kernel/module/push.c for the frame). For each module this
prints the guest's answer and the time from sending to the new code running, and exits
non-zero when a module could not be replaced.
"""

import os
import socket
import struct
import sys
import time
import zlib

MAGIC = b"KEELPUSH"
ANSWER_TIMEOUT = 60.0  # the guest may be busy; a lost guest is noticed this late at worst


def module_name(path):
    """The name the kernel knows the module by: .modinfo's name=, else the file's stem."""
    data = open(path, "rb").read()
    at = data.find(b"\0name=")
    if at >= 0:
        end = data.find(b"\0", at + 6)
        return data[at + 6:end].decode("ascii", "replace")
    return os.path.basename(path)[:-3].replace("-", "_")


def frame(path):
    image = open(path, "rb").read()
    name = module_name(path).encode()
    return (MAGIC + struct.pack("<I", len(name)) + name
            + struct.pack("<II", len(image), zlib.crc32(image)) + image)


def read_answer(sock):
    """The guest's one-line answer ("OK ..." or "ERR ..."); the line carries nothing else."""
    line = b""
    sock.settimeout(ANSWER_TIMEOUT)
    while not line.endswith(b"\n"):
        chunk = sock.recv(1)
        if not chunk:
            raise ConnectionError("the guest closed the line")
        line += chunk
    return line.decode("utf-8", "replace").strip()


def push(sock, path):
    start = time.monotonic()
    sock.sendall(frame(path))
    answer = read_answer(sock)
    total_ms = (time.monotonic() - start) * 1000
    words = answer.split(" ", 2)
    if words[0] == "OK" and len(words) == 3:
        print(f"push: {words[1]}: replaced in {int(words[2]) / 1000:.1f} ms in the guest, "
              f"{total_ms:.1f} ms from send to running")
        return True
    print(f"push: {path}: {answer}", file=sys.stderr)
    return False


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(argv[1])
    except OSError as e:
        print(f"push: cannot reach the guest at {argv[1]} ({e.strerror}); is `make run` "
              "running with the same BUILD=?", file=sys.stderr)
        return 1
    ok = all([push(sock, path) for path in argv[2:]])
    sock.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
