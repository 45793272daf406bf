"""lwIP's DHCP client and the device's configuration (docs/net.md, "DHCP leases and the
device"): a Python DHCP server on a dgram link (127.0.0.1 only) leases 10.0.3.50 with a router
and a one-second renewal time; `dhcp eth0` prints the lease and `ip addr`/`ip route` show it;
at lwIP's first renewal (its DHCP timer ticks once a minute) the server either acknowledges
another address, 10.0.3.51, or refuses the renewal (DHCPNAK: lwIP drops the address and
starts over) and then leases 10.0.3.51; either way the device follows: `ip addr` and `ip
route` show the new lease, and the peer reaches Keel at the new address only.
"""

import socket
import struct
import threading
import time

import pytest

from test_net import (KEEL_MAC, PEER_IP, PEER_MAC, BROADCAST, Peer, arp, echo_reply_for, eth,
                      icmp_echo, inet_checksum, ipv4)

FIRST, RENEWED = bytes([10, 0, 3, 50]), bytes([10, 0, 3, 51])
MASK = bytes([255, 255, 255, 0])
COOKIE = b"\x63\x82\x53\x63"
DISCOVER, OFFER, REQUEST, ACK, NAK = 1, 2, 3, 5, 6


def udp(sport, dport, payload, src, dst):
    head = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0)
    pseudo = src + dst + struct.pack("!BBH", 0, 17, len(head) + len(payload))
    csum = inet_checksum(pseudo + head + payload) or 0xffff
    return head[:6] + struct.pack("!H", csum) + payload


def dhcp_options(raw):
    """{code: bytes} of a BOOTP message's options (after the magic cookie)."""
    options, i = {}, 240
    while i < len(raw) and raw[i] != 255:
        if raw[i] == 0:
            i += 1
            continue
        options[raw[i]] = raw[i + 2:i + 2 + raw[i + 1]]
        i += 2 + raw[i + 1]
    return options


class DhcpServer(threading.Thread):
    """Answers ARP for 10.0.3.2 and DHCP: DISCOVER -> OFFER, REQUEST -> ACK. The lease is
    FIRST until the first renewal (a REQUEST with ciaddr set), RENEWED after: the renewal is
    acknowledged with it, or with nak, refused."""

    def __init__(self, peer, nak):
        super().__init__(daemon=True)
        self.peer, self.stop, self.log = peer, threading.Event(), []
        self.nak, self.lease = nak, FIRST

    def reply(self, request, kind, yiaddr, to_client):
        xid, flags, chaddr = request[4:8], request[10:12], request[28:44]
        options = bytes([53, 1, kind, 54, 4]) + PEER_IP + bytes([51, 4]) + \
            struct.pack("!I", 600) + bytes([58, 4]) + struct.pack("!I", 1) + \
            bytes([59, 4]) + struct.pack("!I", 300) + bytes([1, 4]) + MASK + \
            bytes([3, 4]) + PEER_IP + b"\xff"
        bootp = struct.pack("!BBBB", 2, 1, 6, 0) + xid + b"\0\0" + flags + bytes(4) + \
            yiaddr + PEER_IP + bytes(4) + chaddr + bytes(192) + COOKIE + options
        bootp += bytes(max(0, 300 - len(bootp)))
        dst_ip = yiaddr if to_client else b"\xff" * 4
        dst_mac = KEEL_MAC if to_client else BROADCAST
        self.peer.send(eth(dst_mac, 0x0800, ipv4(udp(67, 68, bootp, PEER_IP, dst_ip), proto=17,
                                                 dst=dst_ip)))

    def handle(self, frame):
        if frame[12:14] == b"\x08\x06" and frame[20:22] == b"\x00\x01" and frame[38:42] == PEER_IP:
            self.peer.send(eth(frame[22:28], 0x0806, arp(2, PEER_MAC, PEER_IP, frame[22:28],
                                                         frame[28:32])))
            return
        if frame[12:14] != b"\x08\x00" or frame[23] != 17 or frame[36:38] != b"\x00\x43":
            return
        request = frame[14 + 4 * (frame[14] & 15) + 8:]
        kind = dhcp_options(request).get(53, b"\0")[0]
        renewal = request[12:16] != bytes(4)
        self.log.append((kind, renewal))
        if kind == REQUEST and renewal and self.lease == FIRST:
            self.lease = RENEWED
            if self.nak:
                self.reply(request, NAK, bytes(4), False)
                return
        if kind == DISCOVER:
            self.reply(request, OFFER, self.lease, False)
        elif kind == REQUEST:
            self.reply(request, ACK, self.lease, renewal)

    def run(self):
        self.peer.sock.settimeout(0.2)
        while not self.stop.is_set():
            try:
                self.handle(self.peer.sock.recv(65536))
            except socket.timeout:
                pass


def reachable_at(peer, addr, seq):
    peer.send(eth(KEEL_MAC, 0x0800, ipv4(icmp_echo(0x1234, seq, b"where are you"), dst=addr)))
    try:
        peer.expect(echo_reply_for(seq), timeout=2.0)
        return True
    except AssertionError:
        return False


@pytest.mark.parametrize("nak", [False, True], ids=["ack", "nak"])
def test_renewal_to_a_new_address_followed(default_iso, boot_machine, nak):
    peer = Peer()
    machine = boot_machine(default_iso, extra_args=peer.netdev_args())
    server = DhcpServer(peer, nak)
    server.start()
    try:
        machine.run("modprobe lwip")
        out = machine.run("dhcp eth0", timeout=30)
        assert "dhcp: lease of 10.0.3.50 obtained from 10.0.3.2, lease time 600" in out, out
        assert "    inet 10.0.3.50/24 scope global eth0" in machine.run("ip addr")
        assert machine.run("ip route").splitlines()[:2] == [
            "default via 10.0.3.2 dev eth0",
            "10.0.3.0/24 dev eth0 proto kernel scope link src 10.0.3.50"]
        deadline = time.monotonic() + 100  # lwIP renews at its next one-minute DHCP tick
        while "inet 10.0.3.51/24" not in (addr := machine.run("ip addr")):
            assert time.monotonic() < deadline, (addr, server.log)
            time.sleep(2)
        assert (REQUEST, True) in server.log, server.log
        # refused, lwIP started over with a DISCOVER
        assert server.log.count((DISCOVER, False)) == (2 if nak else 1), server.log
        assert "    inet 10.0.3.51/24 scope global eth0" in addr, addr
        assert "10.0.3.50" not in addr, addr
        assert machine.run("ip route").splitlines()[:2] == [
            "default via 10.0.3.2 dev eth0",
            "10.0.3.0/24 dev eth0 proto kernel scope link src 10.0.3.51"]
    finally:
        server.stop.set()
        server.join()
    peer.drain()
    assert reachable_at(peer, RENEWED, 1)
    assert not reachable_at(peer, FIRST, 2)
    assert "Oops" not in machine.text and "BUG" not in machine.text
