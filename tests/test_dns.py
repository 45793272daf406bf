"""lwip.ko's DNS resolver (docs/net.md, "The commands"): lwIP's DNS client asks the servers
/etc/resolv.conf lists, as every user-space resolver does. A Python peer on a -netdev dgram
link (127.0.0.1 only) answers ARP, ping and DNS queries, including broken answers; the shell's
`ping NAME` resolves through it. Names it does not know are NXDOMAIN ("bad address"), and no
malformed answer oopses the kernel."""

import struct
import threading

import pytest

from test_net import (BROADCAST, KEEL_IP, KEEL_MAC, PEER_IP, PEER_MAC, arp, eth,
                      inet_checksum, ipv4, icmp_echo, start_peer_machine)

NAMES = {"peer.test": PEER_IP, "alias.keel.test": PEER_IP}


def parse_question(msg):
    """(id, name, qtype, end of question) of a DNS query, or None."""
    if len(msg) < 12:
        return None
    ident, flags, qd = struct.unpack("!HHH", msg[:6])
    pos, labels = 12, []
    while pos < len(msg) and msg[pos]:
        n = msg[pos]
        labels.append(msg[pos + 1:pos + 1 + n].decode(errors="replace"))
        pos += 1 + n
    if pos + 5 > len(msg) or qd != 1:
        return None
    qtype = struct.unpack("!H", msg[pos + 1:pos + 3])[0]
    return ident, ".".join(labels), qtype, pos + 5


def dns_reply(query):
    parsed = parse_question(query)
    if not parsed:
        return None
    ident, name, qtype, end = parsed
    question = query[12:end]
    if name == "truncated.test":
        return struct.pack("!HHHHHH", ident, 0x8180, 1, 1, 0, 0) + question + b"\xc0"
    if name == "loop.test":  # an answer whose name is a compression pointer to itself
        at = 12 + len(question)
        answer = struct.pack("!HHHIH", 0xc000 | at, 1, 1, 60, 4) + PEER_IP
        return struct.pack("!HHHHHH", ident, 0x8180, 1, 1, 0, 0) + question + answer
    if name == "overlong.test":  # an A record claiming 400 bytes of data
        answer = struct.pack("!HHHIH", 0xc00c, 1, 1, 60, 400) + PEER_IP
        return struct.pack("!HHHHHH", ident, 0x8180, 1, 1, 0, 0) + question + answer
    if name == "wrongid.test":
        ident ^= 0x5555
    addr = NAMES.get(name, PEER_IP if name == "wrongid.test" else None)
    if addr is None or qtype != 1:
        return struct.pack("!HHHHHH", ident, 0x8183, 1, 0, 0, 0) + question  # NXDOMAIN
    answer = struct.pack("!HHHIH", 0xc00c, 1, 1, 60, 4) + addr
    return struct.pack("!HHHHHH", ident, 0x8180, 1, 1, 0, 0) + question + answer


def udp(src_port, dst_port, payload):
    return struct.pack("!HHHH", src_port, dst_port, 8 + len(payload), 0) + payload


class Responder(threading.Thread):
    """The peer's stack: ARP replies, echo replies and DNS answers; counts the queries."""

    def __init__(self, peer):
        super().__init__(daemon=True)
        self.peer, self.queries, self.stop = peer, [], threading.Event()

    def handle(self, frame):
        if frame[12:14] == b"\x08\x06" and frame[38:42] == PEER_IP and frame[20:22] == b"\0\1":
            self.peer.send(eth(frame[6:12], 0x0806, arp(2, PEER_MAC, PEER_IP, frame[6:12],
                                                         frame[28:32])))
        if frame[12:14] != b"\x08\x00" or frame[30:34] != PEER_IP:
            return
        ihl = (frame[14] & 15) * 4
        ip, body = frame[14:14 + ihl], frame[14 + ihl:]
        if ip[9] == 1 and body[0] == 8:
            reply = icmp_echo(*struct.unpack("!HH", body[4:8]), body[8:], kind=0)
            self.peer.send(eth(KEEL_MAC, 0x0800, ipv4(reply, dst=KEEL_IP)))
        elif ip[9] == 17 and struct.unpack("!H", body[2:4])[0] == 53:
            sport = struct.unpack("!H", body[:2])[0]
            self.queries.append(parse_question(body[8:]))
            answer = dns_reply(body[8:])
            if answer:
                self.peer.send(eth(KEEL_MAC, 0x0800, ipv4(udp(53, sport, answer), proto=17)))

    def run(self):
        self.peer.sock.settimeout(0.2)
        while not self.stop.is_set():
            try:
                self.handle(self.peer.sock.recv(65536))
            except (TimeoutError, OSError, IndexError, struct.error):
                continue


@pytest.fixture
def dns_machine(default_iso, boot_machine):
    peer, machine = start_peer_machine(default_iso, boot_machine)
    responder = Responder(peer)
    responder.start()
    yield machine, responder
    responder.stop.set()


def test_resolv_conf_names(dns_machine):
    machine, responder = dns_machine
    machine.run("echo nameserver 10.0.3.2 > /etc/resolv.conf")
    out = machine.run("ping -c 1 peer.test", timeout=30)
    assert "PING peer.test (10.0.3.2): 56 data bytes" in out, out
    assert "1 packets transmitted, 1 packets received" in out, out
    assert ("peer.test", 1) in [(q[1], q[2]) for q in responder.queries if q]
    out = machine.run("ping -c 1 alias.keel.test", timeout=30)
    assert "1 packets received" in out, out
    assert "ping: bad address 'nosuch.test'" in machine.run("ping nosuch.test", timeout=30)


def test_no_server_listed(dns_machine):
    machine, responder = dns_machine
    machine.run("echo search keel.test > /etc/resolv.conf")
    out = machine.run("ping -c 1 peer.test", timeout=30)
    assert "ping: bad address 'peer.test'" in out, out
    assert not responder.queries


def test_broken_answers(dns_machine):
    machine, responder = dns_machine
    machine.run("echo nameserver 10.0.3.2 > /etc/resolv.conf")
    for name in ("truncated.test", "overlong.test", "wrongid.test"):
        out = machine.run(f"ping -c 1 {name}", timeout=40)
        assert f"ping: bad address '{name}'" in out, out
    # lwIP skips an answer's name without following pointers, so a self-pointing name is
    # harmless: it resolves; what matters is that nothing loops
    out = machine.run("ping -c 1 loop.test", timeout=40)
    assert "PING loop.test (10.0.3.2)" in out, out
    out = machine.run("ping -c 1 peer.test", timeout=30)
    assert "1 packets received" in out, out
    assert "Oops" not in machine.text and "BUG" not in machine.text
