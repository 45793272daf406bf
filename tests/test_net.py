"""Networking's first slice in QEMU: the netdev core, e1000.ko and netecho.ko (the ARP/ICMP
test responder). (a) QEMU's restricted user network: ping the slirp gateway; (b) a UDP
"dgram" netdev on 127.0.0.1 with a Python peer that checks Keel's replies byte by byte and
sends malformed frames; (c) rmmod e1000 during a flood; (d) pcitest leaves the e1000 alone.
Networks stay inside QEMU or on 127.0.0.1.
"""

import re
import socket
import struct
import time

import pytest

import keel
from modtest import mem

MAC = "52:54:00:12:34:57"
SLIRP = ["-nic", "none", "-netdev", "user,id=n0,restrict=on",
         "-device", f"e1000,netdev=n0,mac={MAC}"]
PING_LINE = re.compile(r"^64 bytes from 10\.0\.2\.2: seq=(\d+) ttl=(\d+) time=\d+\.\d{3} ms$", re.M)


def proc_net_dev(machine):
    """{name: (rx_bytes, rx_packets, rx_drop, tx_bytes, tx_packets)} from /proc/net/dev."""
    text = machine.run("cat /proc/net/dev")
    lines = [line for line in text.splitlines() if ":" in line and "|" not in line]
    result = {}
    for line in lines:
        name, _, rest = line.partition(":")
        fields = [int(f) for f in rest.split()]
        assert len(fields) == 16, line
        result[name.strip()] = (fields[0], fields[1], fields[3], fields[8], fields[9])
    return result


def bring_up(machine, addr="10.0.2.15/24"):
    machine.run("modprobe netecho")
    out = machine.run("ip link set eth0 up")
    assert "rror" not in out, out
    machine.run(f"ip addr add {addr} dev eth0")


def test_slirp_ping(default_iso, boot_machine):
    machine = boot_machine(default_iso, extra_args=SLIRP)
    assert "e1000" in machine.run("lsmod"), "e1000 was not autoloaded by its PCI ID"
    link = machine.run("ip link")
    assert re.search(r"^2: eth0: <BROADCAST,MULTICAST> mtu 1500 state DOWN$", link, re.M), link
    assert f"link/ether {MAC} brd ff:ff:ff:ff:ff:ff" in link, link
    assert re.search(r"^1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 state UNKNOWN$", link, re.M), link
    before = proc_net_dev(machine)
    bring_up(machine)
    assert "e1000: eth0: link up, 1000 Mbps, full duplex" in machine.text
    addr = machine.run("ip addr")
    assert "    inet 10.0.2.15/24 scope global eth0" in addr, addr
    assert "<BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 state UP" in addr, addr
    out = machine.run("ping -c 3 10.0.2.2", timeout=30)
    assert [int(m.group(1)) for m in PING_LINE.finditer(out)] == [0, 1, 2], out
    assert "--- 10.0.2.2 ping statistics ---" in out, out
    assert "3 packets transmitted, 3 packets received, 0% packet loss" in out, out
    assert re.search(r"^round-trip min/avg/max = \d+\.\d{3}/\d+\.\d{3}/\d+\.\d{3} ms$", out, re.M)
    after = proc_net_dev(machine)
    assert after["eth0"][1] >= before["eth0"][1] + 4, (before, after)  # ARP reply + 3 echoes
    assert after["eth0"][4] >= before["eth0"][4] + 4, (before, after)
    header = machine.run("cat /proc/net/dev").splitlines()
    assert any(line.startswith("Inter-|   Receive") for line in header), header
