"""busybox udhcpc, ifconfig and route, unchanged (Debian's busybox-static), in Keel's user
space: udhcpc's DHCP exchange goes through AF_PACKET sockets, its default script
(/etc/udhcpc/default.script, written by tools/mkuserland.sh) applies the lease with ifconfig
and route through the netdev ioctls, and /proc/net/route, `ip addr` and `ip route` agree.

QEMU's restricted user network (restrict=on) offers no router and no name server, so the DHCP
server here is a Python one at the far end of a `-netdev dgram` link on 127.0.0.1 (one
Ethernet frame per UDP datagram), offering 10.0.2.15/24, router 10.0.2.2 and name server
10.0.2.3 as QEMU's unrestricted server would, and answering ARP for 10.0.2.2. It runs in a
thread for the whole test and records the DHCP messages it saw. A renewal (SIGUSR1) goes
through udhcpc's AF_INET UDP sockets, and one test runs udhcpc against QEMU's own server.
"""

import re
import struct
import threading

import pytest

import keel
from test_net import BROADCAST, Peer, eth, inet_checksum, ipv4
from test_user import assert_no_leak, assert_no_oops, meminfo

SERVER_MAC = bytes.fromhex("525400000002")
SERVER_IP = bytes([10, 0, 2, 2])
CLIENT_IP = bytes([10, 0, 2, 15])
DNS_IP = bytes([10, 0, 2, 3])
MASK = bytes([255, 255, 255, 0])
BB = "run /bin/busybox"
DHCP_MAGIC = b"\x63\x82\x53\x63"
DISCOVER, OFFER, REQUEST, ACK = 1, 2, 3, 5


def udp(sport, dport, payload, src, dst):
    head = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0)
    pseudo = src + dst + struct.pack("!BBH", 0, 17, 8 + len(payload))
    csum = inet_checksum(pseudo + head + payload) or 0xffff
    return head[:6] + struct.pack("!H", csum) + payload


def dhcp_options(frame):
    """{code: bytes} of a DHCP request in an Ethernet frame, or None if it is not one."""
    if frame[12:14] != b"\x08\x00" or len(frame) < 14 + 20 + 8 + 240 or frame[23] != 17:
        return None
    ihl = (frame[14] & 0xf) * 4
    udp_at = 14 + ihl
    if struct.unpack("!H", frame[udp_at + 2:udp_at + 4])[0] != 67:
        return None
    bootp = frame[udp_at + 8:]
    if bootp[0] != 1 or bootp[236:240] != DHCP_MAGIC:
        return None
    options, i = {"xid": bootp[4:8], "chaddr": bootp[28:44]}, 240
    while i < len(bootp) and bootp[i] != 255:
        if bootp[i] == 0:
            i += 1
            continue
        options[bootp[i]] = bootp[i + 2:i + 2 + bootp[i + 1]]
        i += 2 + bootp[i + 1]
    return options


def dhcp_reply(request, kind):
    opts = bytes([53, 1, kind, 54, 4]) + SERVER_IP + bytes([51, 4]) + struct.pack("!I", 86400)
    opts += bytes([1, 4]) + MASK + bytes([3, 4]) + SERVER_IP + bytes([6, 4]) + DNS_IP
    opts += bytes([28, 4, 10, 0, 2, 255, 255])
    bootp = (struct.pack("!BBBB", 2, 1, 6, 0) + request["xid"] + b"\0" * 8 + CLIENT_IP
             + SERVER_IP + b"\0" * 4 + request["chaddr"] + b"\0" * 192 + DHCP_MAGIC + opts)
    bootp += b"\0" * max(0, 300 - len(bootp))
    client_mac = request["chaddr"][:6]
    packet = ipv4(udp(67, 68, bootp, SERVER_IP, CLIENT_IP), proto=17, src=SERVER_IP,
                  dst=CLIENT_IP)
    return eth(client_mac, 0x0800, packet, src=SERVER_MAC)


def arp_reply(frame, owned=(SERVER_IP,)):
    """The reply to an ARP request for one of the owned addresses, or None."""
    if frame[12:14] != b"\x08\x06" or frame[20:22] != b"\x00\x01" or frame[38:42] not in owned:
        return None
    asker_mac, asker_ip = frame[22:28], frame[28:32]
    body = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 2) + SERVER_MAC + frame[38:42] + asker_mac
    return eth(asker_mac, 0x0806, body + asker_ip, src=SERVER_MAC)


class DhcpServer(Peer):
    """A DHCP server and ARP responder for 10.0.2.2 on the dgram link, in a thread; with
    claim_offered, it also answers ARP for the address it offers, as a host using it would."""

    def __init__(self, claim_offered=False):
        super().__init__()
        self.owned = (SERVER_IP, CLIENT_IP) if claim_offered else (SERVER_IP,)
        self.seen, self.sources, self.stop = [], [], threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)

    def serve(self):
        self.sock.settimeout(0.2)
        while not self.stop.is_set():
            try:
                frame = self.sock.recv(65536)
            except OSError:
                continue
            reply = arp_reply(frame, self.owned)
            options = dhcp_options(frame)
            if options and 53 in options:
                kind = options[53][0]
                self.seen.append(kind)
                self.sources.append(frame[26:30])
                reply = dhcp_reply(options, OFFER if kind == DISCOVER else ACK)
            if reply:
                self.send(reply)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()
        self.sock.close()


@pytest.fixture
def leased(default_iso, boot_machine):
    """A machine on the DHCP server's link after `udhcpc -i eth0 -n -q`: (machine, output,
    server)."""
    with DhcpServer() as server:
        machine = boot_machine(default_iso, extra_args=server.netdev_args("e1000"))
        out = machine.run(f"{BB} udhcpc -i eth0 -n -q", timeout=60)
        assert_no_oops(out)
        assert server.seen[:1] == [DISCOVER] and REQUEST in server.seen, server.seen
        yield machine, out, server


def default_routes(route_n):
    return re.findall(r"^0\.0\.0\.0\s+(\S+)\s+0\.0\.0\.0\s+UG\s.*\s(\S+)$", route_n, re.M)


def test_udhcpc_configures_eth0(leased):
    machine, out, _ = leased
    assert "lease of 10.0.2.15 obtained from 10.0.2.2, lease time 86400" in out, out
    ifconfig = machine.run(f"{BB} ifconfig eth0")
    assert re.search(r"inet addr:10\.0\.2\.15\s+Bcast:10\.0\.2\.255\s+Mask:255\.255\.255\.0",
                     ifconfig), ifconfig
    assert re.search(r"^\s+UP BROADCAST RUNNING MULTICAST\s+MTU:1500\s+Metric:1$", ifconfig,
                     re.M), ifconfig
    route = machine.run(f"{BB} route -n")
    assert default_routes(route) == [("10.0.2.2", "eth0")], route
    assert re.search(r"^10\.0\.2\.0\s+0\.0\.0\.0\s+255\.255\.255\.0\s+U\s+0\s+0\s+0\s+eth0$",
                     route, re.M), route
    assert machine.run("cat /etc/resolv.conf").split() == ["nameserver", "10.0.2.3"]
    assert "inet 10.0.2.15/24 scope global eth0" in machine.run("ip addr")
    ip_route = machine.run("ip route")
    assert "default via 10.0.2.2 dev eth0" in ip_route, ip_route
    proc = machine.run("cat /proc/net/route").splitlines()
    assert proc[0].startswith("Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask")
    assert proc[1].startswith("eth0\t00000000\t0202000A\t0003\t0\t0\t0\t00000000\t0\t0\t0")
    assert len(proc[1]) == 127 and len(proc[0]) == 127, proc


def test_ifconfig_and_route_change_eth0(leased):
    machine, _, _ = leased
    machine.run(f"{BB} ifconfig eth0 down")
    assert "state DOWN" in machine.run("ip link")
    assert default_routes(machine.run(f"{BB} route -n")) == []  # down flushes, as Linux
    machine.run(f"{BB} ifconfig eth0 up")
    assert re.search(r"eth0: <BROADCAST,MULTICAST,UP,LOWER_UP>", machine.run("ip link"))
    out = machine.run(f"{BB} ifconfig eth0 10.0.2.20 netmask 255.255.255.0")
    assert_no_oops(out)
    ifconfig = machine.run(f"{BB} ifconfig eth0")
    assert re.search(r"inet addr:10\.0\.2\.20\s+Bcast:10\.0\.2\.255\s+Mask:255\.255\.255\.0",
                     ifconfig), ifconfig
    assert "inet 10.0.2.20/24 scope global eth0" in machine.run("ip addr")
    machine.run(f"{BB} route add default gw 10.0.2.2")
    assert default_routes(machine.run(f"{BB} route -n")) == [("10.0.2.2", "eth0")]
    out = machine.run(f"{BB} route add default gw 10.0.2.2")
    assert "SIOCADDRT: File exists" in out, out
    assert "default via 10.0.2.2 dev eth0" in machine.run("ip route")
    machine.run(f"{BB} route del default gw 10.0.2.2")
    assert default_routes(machine.run(f"{BB} route -n")) == []
    out = machine.run(f"{BB} route del default gw 10.0.2.2")
    assert "SIOCDELRT: No such process" in out, out
    out = machine.run(f"{BB} route add default gw 192.168.9.1")
    assert "SIOCADDRT: Network is unreachable" in out, out


def test_bad_inputs_are_errors(leased):
    machine, _, _ = leased
    out = machine.run(f"{BB} ifconfig nosuch0")
    assert "ifconfig: nosuch0: error fetching interface information: Device not found" in out
    out = machine.run(f"{BB} ifconfig eth0 mtu 20000")
    assert "ifconfig: SIOCSIFMTU: Invalid argument" in out, out
    out = machine.run(f"{BB} ifconfig eth0 mtu 40")
    assert "ifconfig: SIOCSIFMTU: Invalid argument" in out, out
    machine.run(f"{BB} ifconfig eth0 mtu 1400")
    assert "mtu 1400 " in machine.run("ip link")
    out = machine.run(f"{BB} ifconfig eth0 netmask 255.0.255.0")
    assert "SIOCSIFNETMASK: Invalid argument" in out, out
    out = machine.run(f"{BB} route add -net 10.9.0.0 netmask 255.255.0.0 dev nosuch0")
    assert "SIOCADDRT: No such device" in out, out
    out = machine.run(f"{BB} ifconfig eth0 hw ether 52:54:00:00:00:99")
    assert "SIOCSIFHWADDR: Operation not supported" in out, out
    assert_no_oops(machine.run("dmesg"))


def test_renew_through_udp_socket(leased):
    """SIGUSR1 makes udhcpc renew: a unicast DHCPREQUEST from an AF_INET UDP socket bound to
    10.0.2.15:68 and the ACK received on its listening socket (SO_BINDTODEVICE, SO_BROADCAST,
    SO_REUSEADDR, port 68), then the script's renew."""
    machine, _, server = leased
    server.sources.clear()
    script = ("udhcpc -i eth0 -f -t 3 2>&1 & pid=$!; sleep 6; kill -USR1 $pid; sleep 6; "
              "kill $pid; wait")
    out = machine.run(f"{BB} sh -c '{script}'", timeout=90)
    assert_no_oops(out)
    assert "sending renew to server 10.0.2.2" in out, out
    assert out.count("lease of 10.0.2.15 obtained from 10.0.2.2") == 2, out
    assert CLIENT_IP in server.sources, server.sources  # the renewal came from 10.0.2.15
    assert default_routes(machine.run(f"{BB} route -n")) == [("10.0.2.2", "eth0")]


def test_arping_gateway(leased):
    """busybox arping: ARP requests go out and the replies come back through an AF_PACKET
    SOCK_DGRAM socket bound to ETH_P_ARP (-s: the source address is given, so arping binds a
    UDP socket to it rather than asking a connected one)."""
    machine, _, _ = leased
    out = machine.run(f"{BB} arping -c 2 -s 10.0.2.15 -I eth0 10.0.2.2", timeout=30)
    assert_no_oops(out)
    assert "ARPING 10.0.2.2 from 10.0.2.15 eth0" in out, out
    assert len(re.findall(r"^Unicast reply from 10\.0\.2\.2 \[52:54:00:00:00:02\]", out,
                          re.M)) == 2, out
    assert "Received 2 response(s)" in out, out


@pytest.mark.parametrize("claimed", [False, True], ids=["free", "in-use"])
def test_udhcpc_arp_check(default_iso, boot_machine, claimed):
    """udhcpc -a probes the offered address with ARP through a SOCK_PACKET socket: no answer,
    the lease is taken; an answer, it declines (DHCPDECLINE) and waits to start again."""
    with DhcpServer(claim_offered=claimed) as server:
        machine = boot_machine(default_iso, extra_args=server.netdev_args("e1000"))
        out = machine.run(f"{BB} timeout 10 udhcpc -i eth0 -n -q -a -A 30", timeout=60)
        assert_no_oops(out)
        if claimed:
            assert "offered address is in use (got ARP reply), declining" in out, out
            assert 4 in server.seen, server.seen  # DHCPDECLINE
        else:
            assert "lease of 10.0.2.15 obtained from 10.0.2.2" in out, out
            assert 4 not in server.seen, server.seen


def test_udhcpc_on_qemu_user_net(default_iso, boot_machine):
    """QEMU's own DHCP server (restrict=on, so it offers no router and no name server)."""
    machine = boot_machine(default_iso, extra_args=["-nic", "none", "-netdev",
                                                    "user,id=n0,restrict=on", "-device",
                                                    "e1000,netdev=n0"])
    out = machine.run(f"{BB} udhcpc -i eth0 -n -q", timeout=60)
    assert_no_oops(out)
    assert "lease of 10.0.2.15 obtained from 10.0.2.2" in out, out
    ifconfig = machine.run(f"{BB} ifconfig eth0")
    assert re.search(r"inet addr:10\.0\.2\.15\s+Bcast:10\.0\.2\.255\s+Mask:255\.255\.255\.0",
                     ifconfig), ifconfig
    assert default_routes(machine.run(f"{BB} route -n")) == []
    assert machine.run("cat /etc/resolv.conf").strip() == ""
    assert "inet 10.0.2.15/24 scope global eth0" in machine.run("ip addr")


def test_packet_sockets_leave_no_leak(default_iso, boot_machine):
    """tests/user/packet.c (sockets, ioctls, filters, a full receive queue on lo) run ten
    times: the heap is as it was."""
    machine = boot_machine(default_iso)
    machine.run("run /bin/packet")  # first use: lwip.ko is not involved, caches warm up
    before = meminfo(machine)
    for _ in range(10):
        assert_no_oops(machine.run("run /bin/packet", timeout=60))
    assert_no_leak(before, meminfo(machine))


def test_netfuzz_no_oops(default_iso, boot_machine):
    """tests/user/netfuzz.c: random netdev ioctls, socket options, binds, BPF programs and
    frames on packet sockets (lo and an e1000 on QEMU's user network), three seeds: no oops,
    the shell still answers."""
    machine = boot_machine(default_iso, extra_args=["-nic", "none", "-netdev",
                                                    "user,id=n0,restrict=on", "-device",
                                                    "e1000,netdev=n0"])
    machine.run("ip link set eth0 up")
    for seed in (1, 2, 3):
        out = machine.run(f"run /bin/netfuzz {seed}", timeout=300)
        assert_no_oops(out)
        assert re.search(r"^netfuzz: \d+ of 3000 calls succeeded$", out, re.M), out
    assert "eth0" in machine.run("ip link")
    assert_no_oops(machine.run("dmesg"))
