"""lwip.ko on Keel's `lo` (docs/net.md, "lo"): 127.0.0.1 and the machine's own address are
reached through the lo net_device, whose /proc/net/dev counters count each frame as Linux's
do (ping's 98-byte frames, TCP's SYN and RST); nothing to the own address goes out on the
wire; a frame from the wire for 127.0.0.1 is a martian, dropped; busybox nc moves 10 MiB
over TCP through lo, to 127.0.0.1 and to the own address, SHA-256 equal. A dgram peer on
127.0.0.1 stands for the wire.
"""

import hashlib
import re

import pytest

import keel
from test_lwip import VARIANT, blob
from test_net import (KEEL_MAC, echo_reply_for, eth, icmp_echo, ipv4, lwip_counters,
                      ping_from_peer, proc_net_dev, start_peer_machine)

PING_FRAME = 14 + 20 + 8 + 56  # Ethernet (zero addresses on lo), IPv4, ICMP, 56 data bytes


def ping_lines(out, host):
    return [int(m.group(1)) for m in re.finditer(
        rf"^64 bytes from {re.escape(host)}: seq=(\d+) ttl=64 time=\d+\.\d{{3}} ms$", out, re.M)]


def lo_moved(machine, before, packets):
    """lo's counters moved by exactly `packets` frames of PING_FRAME bytes each way."""
    after = proc_net_dev(machine)["lo"]
    rx_bytes, rx_packets, _, tx_bytes, tx_packets = (a - b for a, b in zip(after, before))
    assert (rx_packets, tx_packets) == (packets, packets), (before, after)
    assert (rx_bytes, tx_bytes) == (packets * PING_FRAME, packets * PING_FRAME), (before, after)
    return after


def test_ping_loopback_and_own_address(default_iso, boot_machine):
    peer, machine = start_peer_machine(default_iso, boot_machine)
    assert "    inet 127.0.0.1/8 scope host lo" in machine.run("ip addr")
    lo = proc_net_dev(machine)["lo"]
    out = machine.run("ping -c 3 127.0.0.1", timeout=30)
    assert ping_lines(out, "127.0.0.1") == [0, 1, 2], out
    assert "3 packets transmitted, 3 packets received, 0% packet loss" in out, out
    lo = lo_moved(machine, lo, 6)  # three requests, three replies

    peer.drain()
    eth0 = proc_net_dev(machine)["eth0"]
    out = machine.run("ping -c 2 10.0.3.15", timeout=30)
    assert ping_lines(out, "10.0.3.15") == [0, 1], out
    lo = lo_moved(machine, lo, 4)
    assert proc_net_dev(machine)["eth0"][4] == eth0[4], "own address went out on eth0"
    with pytest.raises(AssertionError):
        peer.expect(lambda frame: True, timeout=0.5)
    ping_from_peer(peer, 1, b"the wire still works")


def test_tcp_through_lo(default_iso, boot_machine):
    """No listener: the SYN goes out through lo, lwIP answers it with a RST through lo."""
    peer, machine = start_peer_machine(default_iso, boot_machine)
    for host in ("127.0.0.1", "10.0.3.15"):
        before = proc_net_dev(machine)["lo"]
        out = machine.run(f"nc {host} 5000", timeout=30)
        assert out.strip() == "nc: Connection refused (ECONNREFUSED)", out
        after = proc_net_dev(machine)["lo"]
        assert after[1] - before[1] == 2 and after[4] - before[4] == 2, (before, after)


def test_martian_from_the_wire_dropped(default_iso, boot_machine):
    peer, machine = start_peer_machine(default_iso, boot_machine)
    drops = lwip_counters(machine)[("ip", "drop")]
    lo = proc_net_dev(machine)["lo"]
    for seq, dst in enumerate([bytes([127, 0, 0, 1]), bytes([127, 1, 2, 3])]):
        peer.send(eth(KEEL_MAC, 0x0800, ipv4(icmp_echo(0x1234, 50 + seq, b"martian"),
                                             dst=dst)))
        with pytest.raises(AssertionError):
            peer.expect(echo_reply_for(50 + seq), timeout=1.0)
    assert lwip_counters(machine)[("ip", "drop")] == drops + 2
    assert proc_net_dev(machine)["lo"] == lo
    ping_from_peer(peer, 60, b"after the martians")


@pytest.fixture(scope="module")
def lwip_iso():
    keel.build_variant(VARIANT)  # test_lwip.py's: /extra/bin/busybox, /extra/data/blob
    return VARIANT.iso


# busybox nc -l shuts its sending side when its stdin ends, and the client quits when it
# sees that: a sleep's pipe keeps the server's stdin open. The client quits once the server
# has had everything and closed; then the sleep is killed (killall cannot tell busybox's
# applets apart by name).
NC_OVER_LO = ("run /extra/bin/busybox sh -c 'B=/extra/bin/busybox; "
              "{{ $B sleep 120 & echo $! > /tmp/sleep; wait; }} | "
              "$B nc -l -p {port} > /tmp/{port} & $B sleep 1; "
              "$B nc {host} {port} < /extra/data/blob; echo client $?; "
              "kill $($B cat /tmp/sleep); wait; echo server $?; $B sha256sum /tmp/{port}'")


@pytest.mark.parametrize("host", ["127.0.0.1", "10.0.3.15"])
def test_tcp_10mib_through_lo(lwip_iso, boot_machine, host):
    peer, machine = start_peer_machine(lwip_iso, boot_machine)
    before = proc_net_dev(machine)
    out = machine.run(NC_OVER_LO.format(host=host, port=5000), timeout=300)
    assert "client 0" in out and "server 0" in out, out
    assert f"{hashlib.sha256(blob()).hexdigest()}  /tmp/5000" in out, out
    after = proc_net_dev(machine)
    assert after["lo"][0] - before["lo"][0] > 10 << 20, (before, after)
    assert after["eth0"][4] == before["eth0"][4], (before, after)  # nothing on the wire
