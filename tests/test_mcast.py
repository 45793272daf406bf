"""Multicast for UDP sockets (docs/net.md, "Sockets") on a -netdev dgram link (127.0.0.1
only) with the Python peer of test_net.py: tests/user/mcastrecv.c in Keel joins 239.1.2.3
on eth0 with IP_ADD_MEMBERSHIP; lwIP's IGMP reports the join to the link, the group's
Ethernet address goes on eth0's list and the NIC's filter, and a datagram the peer sends to
the group (Ethernet 01:00:5e:01:02:03) reaches the socket bound to INADDR_ANY. After
IP_DROP_MEMBERSHIP the leave is reported, the address leaves the list and the next datagram
the program sees is the peer's unicast marker, not the group's; after a join undone by close,
`ip maddr` no longer lists the address either. The program's own datagrams to the group
leave through eth0 (IP_MULTICAST_IF) with TTL 1 by default, then IP_MULTICAST_TTL's. The peer repeats what it sends until the
program answers (QEMU's NIC models may hold or lose frames just after a filter change), so
no assertion depends on timing."""

import re
import time

import keel
from test_dns import udp
from test_net import KEEL_IP, KEEL_MAC, eth, ipv4, start_peer_machine

GROUP = bytes([239, 1, 2, 3])
GROUP_MAC = bytes.fromhex("01005e010203")
ALL_ROUTERS = bytes([224, 0, 0, 2])
PORT = 5000
IGMP_V2_REPORT, IGMP_LEAVE = 0x16, 0x17


def igmp(kind, dst):
    """A matcher for Keel's IGMPv2 message kind about GROUP, sent to dst."""
    def match(frame):
        if len(frame) < 34 or frame[12:14] != b"\x08\x00" or frame[23] != 2:
            return False
        body = frame[14 + (frame[14] & 15) * 4:]
        return (frame[30:34] == dst and frame[26:30] == KEEL_IP and len(body) >= 8
                and body[0] == kind and body[4:8] == GROUP)
    return match


def group_frame(payload):
    return eth(GROUP_MAC, 0x0800, ipv4(udp(4000, PORT, payload), proto=17, dst=GROUP))


def unicast_frame(payload):
    return eth(KEEL_MAC, 0x0800, ipv4(udp(4000, PORT, payload), proto=17))


def send_until(machine, peer, frames, pattern, attempts=20):
    """Sends frames, again each time the program has not printed pattern within 3 s."""
    for attempt in range(attempts):
        for frame in frames:
            peer.send(frame)
        try:
            return machine.expect(pattern, timeout=3)
        except keel.KeelError:
            if attempt == attempts - 1:
                raise
    return None


def test_udp_multicast_join_receive_drop(default_iso, boot_machine):
    peer, machine = start_peer_machine(default_iso, boot_machine)
    peer.drain()
    machine.send_line(f"run /bin/mcastrecv eth0 239.1.2.3 {PORT}")
    machine.expect(r"join: ok\r?\n")
    report = peer.expect(igmp(IGMP_V2_REPORT, GROUP))
    assert report[:6] == GROUP_MAC and report[6:12] == KEEL_MAC, report[:14].hex()
    machine.expect(r"listed: yes\r?\n")
    machine.expect(r"ready\r?\n")
    got = send_until(machine, peer, [group_frame(b"to the group")], r"recv: [^\r\n]*\r?\n")
    assert got.group(0).strip() == "recv: 'to the group' from 10.0.3.2", got.group(0)
    machine.expect(r"drop: ok\r?\n")
    peer.expect(igmp(IGMP_LEAVE, ALL_ROUTERS))
    machine.expect(r"listed: no\r?\n")
    machine.expect(r"ready\r?\n")
    got = send_until(machine, peer, [group_frame(b"after the drop"), unicast_frame(b"marker")],
                     r"recv: [^\r\n]*\r?\n")
    assert got.group(0).strip() == "recv: 'marker' from 10.0.3.2", got.group(0)
    machine.expect(r"join again: ok\r?\n")
    machine.expect(r"listed: yes\r?\n")
    for ttl, payload in ((1, b"ttl one"), (3, b"ttl three")):  # IP_MULTICAST_TTL and _IF
        frame = peer.expect(lambda f, p=payload: f[:6] == GROUP_MAC and f[42:42 + len(p)] == p)
        assert frame[6:12] == KEEL_MAC and frame[12:14] == b"\x08\x00", frame[:14].hex()
        assert frame[22] == ttl and frame[23] == 17, frame[14:34].hex()
        assert frame[26:30] == KEEL_IP and frame[30:34] == GROUP, frame[14:34].hex()
    machine.wait_prompt()
    assert "run: " not in machine.text[got.end():], machine.tail()  # exit status 0
    for _ in range(50):  # close left the group; lwipd applies the list change
        maddr = machine.run("ip maddr")
        if "01:00:5e:01:02:03" not in maddr:
            break
        time.sleep(0.2)
    assert "01:00:5e:01:02:03" not in maddr, maddr
    assert re.search(r"link  01:00:5e:00:00:01$", maddr, re.M), maddr  # all hosts stays


def test_siocaddmulti(default_iso, boot_machine):
    """SIOCADDMULTI/SIOCDELMULTI from a user program are `ip maddr add|del` (the user's own,
    static entry); deleting what was never added is ENOENT."""
    _, machine = start_peer_machine(default_iso, boot_machine)
    assert machine.run("run /bin/addmulti add eth0").strip() == "SIOCADDMULTI: 0"
    out = machine.run("ip maddr show dev eth0")
    assert re.search(r"^\tlink  01:00:5e:0a:0b:0c static$", out, re.M), out
    assert machine.run("run /bin/addmulti del eth0").strip() == "SIOCDELMULTI: 0"
    assert "01:00:5e:0a:0b:0c" not in machine.run("ip maddr")
    out = machine.run("run /bin/addmulti del eth0").strip()
    assert out == "SIOCDELMULTI: -1 No such file or directory", out
    out = machine.run("run /bin/addmulti add nosuch0").strip()
    assert out == "SIOCADDMULTI: -1 No such device", out
