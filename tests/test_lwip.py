"""lwip.ko, Debian's lwIP as Keel's TCP/IP stack (docs/net.md, "The protocol stack module"),
in QEMU: (a) the restricted user network: `dhcp eth0` leases 10.0.2.15, `ping` the gateway;
(b) 10 MiB over TCP each way between Keel's `nc` and a Python peer on 127.0.0.1 (guestfwd and
hostfwd), SHA-256 equal on both sides; (c) rmmod lwip with e1000 loaded and a reload leave
`mem` at its baseline; (d) the Linux reference guest and Keel on one dgram link ping each
other and pass a file with nc, also through a relay that drops 5% of the frames and
reorders others; (e) malformed frames and TCP segments never oops.
Networks stay inside QEMU or on 127.0.0.1.
"""

import hashlib
import random
import re
import shutil
import socket
import struct
import sys
import threading
import time
from pathlib import Path

import pytest

import keel
from modtest import mem
from test_net import (BROADCAST, KEEL_IP, KEEL_MAC, PEER_IP, PEER_MAC, Peer, arp,
                      assert_no_leak, check_arp_reply, eth, inet_checksum, ipv4, is_arp_reply,
                      malformed_frames, ping_from_peer)

BLOB_SIZE = 10 << 20
PING_LINE = re.compile(r"^64 bytes from 10\.0\.2\.2: seq=(\d+) ttl=(\d+) time=\d+\.\d{3} ms$",
                       re.M)
SHA_LINE = re.compile(r"^([0-9a-f]{64})  ", re.M)


def blob():
    return random.Random(16).randbytes(BLOB_SIZE)


def fill(root):
    """/extra/data/blob (10 MiB) to send, busybox for sha256sum in the guest."""
    (root / "data").mkdir()
    (root / "data" / "blob").write_bytes(blob())
    (root / "bin").mkdir()
    shutil.copy("/bin/busybox", root / "bin" / "busybox")


VARIANT = keel.Variant("lwip", extra=fill)


@pytest.fixture(scope="module")
def lwip_iso():
    keel.build_variant(VARIANT)
    return VARIANT.iso


def free_port(kind=socket.SOCK_STREAM):
    probe = socket.socket(socket.AF_INET, kind)
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


def slirp(extra=""):
    return ["-nic", "none", "-netdev", f"user,id=n0,restrict=on{extra}",
            "-device", "e1000,netdev=n0"]


def lease(machine):
    machine.run("modprobe lwip")
    out = machine.run("dhcp eth0", timeout=30)
    assert "dhcp: lease of 10.0.2.15 obtained from 10.0.2.2, lease time 86400" in out, out
    return out


def guest_sha256(machine, path):
    out = machine.run(f"run /extra/bin/busybox sha256sum {path}", timeout=120)
    match = SHA_LINE.search(out)
    assert match, out
    return match.group(1)


def assert_no_oops(machine):
    assert "Oops" not in machine.text and "BUG" not in machine.text, machine.tail()


def test_dhcp_ping_route(lwip_iso, boot_machine):
    machine = boot_machine(lwip_iso, extra_args=slirp())
    lease(machine)
    addr = machine.run("ip addr")
    assert "    inet 10.0.2.15/24 scope global eth0" in addr, addr
    # restrict=on: QEMU's DHCP server offers no router (nor DNS), so no default route
    route = machine.run("ip route")
    assert route.strip() == "10.0.2.0/24 dev eth0 proto kernel scope link src 10.0.2.15", route
    # route(8)'s rules, as Linux: the gateway must be on an attached subnet
    assert "Network is unreachable" in machine.run("ip route add default via 10.9.9.9 dev eth0")
    assert 'ip: Cannot find device "eth9"' in machine.run("ip route add default via 10.0.2.2 dev eth9")
    machine.run("ip route add default via 10.0.2.2 dev eth0")
    route = machine.run("ip route")
    assert route.splitlines()[0] == "default via 10.0.2.2 dev eth0", route
    assert "File exists" in machine.run("ip route add default via 10.0.2.3")
    machine.run("ip route del default")
    assert "default" not in machine.run("ip route")
    assert "No such process" in machine.run("ip route del default")
    machine.run("ip route add default via 10.0.2.2")  # the device is the one that reaches it
    route = machine.run("ip route")
    assert route.splitlines()[0] == "default via 10.0.2.2 dev eth0", route
    out = machine.run("ping -c 3 10.0.2.2", timeout=30)
    assert [int(m.group(1)) for m in PING_LINE.finditer(out)] == [0, 1, 2], out
    assert "PING 10.0.2.2 (10.0.2.2): 56 data bytes" in out, out
    assert "3 packets transmitted, 3 packets received, 0% packet loss" in out, out
    assert re.search(r"^round-trip min/avg/max = \d+\.\d{3}/\d+\.\d{3}/\d+\.\d{3} ms$", out, re.M)
    out = machine.run("ping -c 1 10.0.2.99", timeout=30)  # nobody: no reply, no hang
    assert "1 packets transmitted, 0 packets received, 100% packet loss" in out, out
    assert "ping: bad address 'no.such.name'" in machine.run("ping no.such.name", timeout=30)
    assert_no_oops(machine)


class Receiver(threading.Thread):
    """Accepts one connection on 127.0.0.1 and hashes `size` bytes of it (QEMU's guestfwd
    connects at start-up and passes no FIN on, so the size marks the end)."""

    def __init__(self, size):
        super().__init__(daemon=True)
        self.size, self.digest, self.count = size, None, 0
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]

    def run(self):
        conn, _ = self.server.accept()
        conn.settimeout(300)
        digest = hashlib.sha256()
        with conn:
            while self.count < self.size:
                data = conn.recv(1 << 16)
                if not data:
                    break
                digest.update(data)
                self.count += len(data)
        self.digest = digest.hexdigest()
        self.server.close()


def test_tcp_10mib_each_way(lwip_iso, boot_machine):
    data = blob()
    expected = hashlib.sha256(data).hexdigest()
    receiver = Receiver(len(data))
    receiver.start()
    host_port = free_port()
    machine = boot_machine(lwip_iso, extra_args=slirp(
        f",guestfwd=tcp:10.0.2.100:5000-tcp:127.0.0.1:{receiver.port}"
        f",hostfwd=tcp:127.0.0.1:{host_port}-:5001"))
    lease(machine)
    # guest -> host: Keel connects (guestfwd), sends the file, quits a second after its end
    machine.run("nc -q 1 10.0.2.100 5000 < /extra/data/blob", timeout=300)
    receiver.join(60)
    assert (receiver.count, receiver.digest) == (len(data), expected)
    # host -> guest: Keel listens (hostfwd), saves what arrives until the host's FIN
    machine.send_line("nc -l 5001 > /recv")
    time.sleep(1.0)
    with socket.create_connection(("127.0.0.1", host_port), timeout=60) as conn:
        conn.sendall(data)
        conn.shutdown(socket.SHUT_WR)
        assert conn.recv(16) == b""  # Keel's nc closes once it has it all
    machine.wait_prompt(timeout=120)
    assert f"10485760 /recv" in machine.run("ls -l /recv")
    assert guest_sha256(machine, "/recv") == expected
    assert_no_oops(machine)


def test_rmmod_reload_keeps_mem(lwip_iso, boot_machine):
    """rmmod lwip while e1000 stays loaded and eth0 up: no netif, pcb, timeout or pbuf is
    left, so a load/use/unload cycle ends where it started."""
    machine = boot_machine(lwip_iso, extra_args=slirp())
    cycle = ["modprobe lwip", "dhcp eth0", "ping -c 2 10.0.2.2", "nc -q 0 10.0.2.2 9 < /etc/motd",
             "rmmod lwip"]
    outputs = [machine.run(c, timeout=60) for c in cycle]  # the commands' first allocations
    baseline = mem(machine)
    outputs = [machine.run(c, timeout=60) for c in cycle]
    assert "lease of 10.0.2.15" in outputs[1], outputs
    assert "2 packets received" in outputs[2], outputs
    assert "rmmod" not in outputs[4], outputs
    assert "lwip" not in machine.run("lsmod")
    assert "e1000" in machine.run("lsmod")
    assert_no_leak(baseline, mem(machine))
    lease(machine)
    assert "1 packets received" in machine.run("ping -c 1 10.0.2.2", timeout=30)
    assert_no_oops(machine)


# ---- (d) Keel and the Linux reference guest on one dgram link -----------------------------

def linux_guest(tmp_path):
    """The guest's kernel and initrd, copied here: mkguest.sh rebuilds them in one folder, so
    two tests running at once (pytest -n) take turns, and each boots its own copy."""
    import fcntl
    sys.path.insert(0, str(Path(__file__).parent / "bench"))
    import linuxguest
    extra = tmp_path / "linux-extra"
    extra.mkdir()
    lock_path = linuxguest.guest_dir().parent / "linux-guest.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            images = linuxguest.prepare(extra, mods="e1000")
            copies = [tmp_path / path.name for path in images]
            for path, copy in zip(images, copies):
                shutil.copyfile(path, copy)
            return linuxguest, copies
        except linuxguest.Unavailable as why:
            pytest.fail(f"the Linux reference guest cannot be built: {why}")


def dgram(local, remote, mac):
    return ["-nic", "none", "-netdev",
            f"dgram,id=n0,local.type=inet,local.host=127.0.0.1,local.port={local},"
            f"remote.type=inet,remote.host=127.0.0.1,remote.port={remote}",
            "-device", f"e1000,netdev=n0,mac={mac}"]


def start_pair(lwip_iso, boot_machine, tmp_path, linuxguest, images, net, ports):
    """Keel (.15) and the Linux guest (.2) on subnet net (e.g. "10.0.4"); ports = (Keel's
    QEMU's port, Linux's, where Linux's QEMU sends, where Keel's sends): each other's ports,
    or a relay's. Returns both machines, links up and settled; the caller closes Linux's."""
    keel_port, linux_port, linux_sends_to, keel_sends_to = ports
    machine = boot_machine(lwip_iso, extra_args=dgram(keel_port, keel_sends_to,
                                                      "52:54:00:12:34:60"))
    linux = linuxguest.LinuxMachine(*images, tmp_path / "linux",
                                    extra_args=dgram(linux_port, linux_sends_to,
                                                     "52:54:00:12:34:61"))
    linux.start()
    linux.wait_prompt()
    linux.run(f"ip link set eth0 up; ip addr add {net}.2/24 dev eth0")
    machine.run("modprobe lwip")
    machine.run("ip link set eth0 up")
    machine.run(f"ip addr add {net}.15/24 dev eth0")
    # each e1000 holds what it receives for a second after its RCTL write (QEMU's
    # flush_queue_timer, docs/net.md): let both links settle
    time.sleep(2)
    return machine, linux


def nc_both_ways(machine, linux, linuxguest, net, timeout):
    """Keel -> Linux and Linux -> Keel with nc, checked by busybox's sha256sum on each side."""
    linux.send_line("nc -l -p 6000 > /tmp/got")
    time.sleep(1.0)
    machine.run(f"nc -q 3 {net}.2 6000 < /extra/bin/busybox", timeout=timeout)
    linux.expect(re.escape(linuxguest.PROMPT), timeout)
    assert SHA_LINE.search(linux.run("sha256sum /tmp/got")).group(1) == \
        guest_sha256(machine, "/extra/bin/busybox")
    machine.send_line("nc -l 6001 > /got")
    time.sleep(1.0)
    linux.run(f"nc {net}.15 6001 < /bin/busybox", timeout=timeout)
    machine.wait_prompt(timeout=timeout)
    assert guest_sha256(machine, "/got") == SHA_LINE.search(
        linux.run("sha256sum /bin/busybox")).group(1)


def test_linux_peer_ping_and_nc(lwip_iso, boot_machine, tmp_path):
    linuxguest, images = linux_guest(tmp_path)
    keel_port, linux_port = free_port(socket.SOCK_DGRAM), free_port(socket.SOCK_DGRAM)
    machine, linux = start_pair(lwip_iso, boot_machine, tmp_path, linuxguest, images, "10.0.4",
                                (keel_port, linux_port, keel_port, linux_port))
    try:
        linux.run("ping -c 1 -W 2 10.0.4.15", timeout=30)  # ARP once
        out = linux.run("ping -c 3 10.0.4.15", timeout=60)
        assert "3 packets transmitted, 3 packets received, 0% packet loss" in out, out
        out = machine.run("ping -c 3 10.0.4.2", timeout=60)
        assert re.findall(r"^64 bytes from 10\.0\.4\.2: seq=(\d)", out, re.M) == ["0", "1", "2"]
        nc_both_ways(machine, linux, linuxguest, "10.0.4", 120)
    finally:
        linux.close()
    assert_no_oops(machine)


class LossyRelay(threading.Thread):
    """Carries frames between two dgram netdevs on 127.0.0.1, dropping 5% of them and
    swapping 5% with the next one from the same side (seeded, so a failure repeats)."""

    def __init__(self, left_qemu_port, right_qemu_port):
        super().__init__(daemon=True)
        self.rng = random.Random(7)
        self.left, self.right = (socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                                 for _ in range(2))
        for sock in (self.left, self.right):
            sock.bind(("127.0.0.1", 0))
            sock.settimeout(0.2)
        self.targets = {self.left: (self.right, right_qemu_port),
                        self.right: (self.left, left_qemu_port)}
        self.held = {}
        self.stop = threading.Event()
        self.dropped = self.swapped = 0

    def port(self, sock):
        return sock.getsockname()[1]

    def forward(self, source, frame):
        out, port = self.targets[source]
        if self.rng.random() < 0.05:
            self.dropped += 1
            return
        if source in self.held:
            out.sendto(frame, ("127.0.0.1", port))
            out.sendto(self.held.pop(source), ("127.0.0.1", port))
            self.swapped += 1
        elif self.rng.random() < 0.05:
            self.held[source] = frame
        else:
            out.sendto(frame, ("127.0.0.1", port))

    def run(self):
        import select
        while not self.stop.is_set():
            ready, _, _ = select.select([self.left, self.right], [], [], 0.2)
            for sock in ready:
                self.forward(sock, sock.recv(65536))
            if not ready:  # a quiet moment: let a held frame go
                for sock, frame in list(self.held.items()):
                    out, port = self.targets[sock]
                    out.sendto(frame, ("127.0.0.1", port))
                    del self.held[sock]


def test_tcp_through_lossy_reordering_relay(lwip_iso, boot_machine, tmp_path):
    """Keel and the Linux guest through a relay that drops 5% and reorders: nc's transfer
    each way still arrives exact (lwIP's retransmission and out-of-order queue)."""
    linuxguest, images = linux_guest(tmp_path)
    keel_port, linux_port = free_port(socket.SOCK_DGRAM), free_port(socket.SOCK_DGRAM)
    relay = LossyRelay(keel_port, linux_port)
    relay.start()
    try:
        machine, linux = start_pair(lwip_iso, boot_machine, tmp_path, linuxguest, images,
                                    "10.0.5", (keel_port, linux_port, relay.port(relay.right),
                                               relay.port(relay.left)))
        try:
            nc_both_ways(machine, linux, linuxguest, "10.0.5", 300)
        finally:
            linux.close()
    finally:
        relay.stop.set()
    assert relay.dropped > 50 and relay.swapped > 50, (relay.dropped, relay.swapped)
    assert_no_oops(machine)


# ---- (e) malformed frames and TCP segments over a dgram link ------------------------------

def tcp_segment(sport, dport, seq, ack, flags, window=8192, data=b"", doff=5, options=b"",
                bad_csum=False, src=PEER_IP, dst=KEEL_IP):
    head = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, doff << 4, flags, window, 0, 0)
    segment = head + options + data
    pseudo = src + dst + struct.pack("!BBH", 0, 6, len(segment))
    csum = inet_checksum(pseudo + segment) ^ (0x1111 if bad_csum else 0)
    return segment[:16] + struct.pack("!H", csum) + segment[18:]


def tcp_frame(segment, **ip):
    return eth(KEEL_MAC, 0x0800, ipv4(segment, proto=6, **ip))


def bad_segments(port, seq, ack):
    """Segments lwIP must drop, or answer with an ACK or a RST, never trip over. seq is the
    next in-window sequence number: only those without data use it, so the stream stays
    exact; in-window SYNs and RSTs get challenge ACKs (RFC 5961)."""
    fin, syn, rst, psh, ack_f, urg = 1, 2, 4, 8, 16, 32
    rng = random.Random(5)
    far = seq + 10 ** 6
    segs = [
        tcp_segment(40000, port, seq + 1, ack, 0xff),                       # every flag
        tcp_segment(40000, port, seq + 1, ack, syn | fin),
        tcp_segment(40000, port, seq + 1, ack, syn | rst | ack_f),
        tcp_segment(40000, port, seq + 5, ack, rst),                        # RST, wrong seq
        tcp_segment(40000, port, seq, ack, ack_f, window=0),                # window closed
        tcp_segment(40000, port, seq, ack, ack_f, window=65535),
        tcp_segment(40000, port, far, ack, ack_f | psh, data=b"far away"),
        tcp_segment(40000, port, seq, ack + 10 ** 6, ack_f),                # acks the future
        tcp_segment(40000, port, far, ack, ack_f | urg, data=b"urgent"),
        tcp_segment(40000, port, seq, ack, ack_f, doff=15, data=b"x" * 8),  # header past end
        tcp_segment(40000, port, seq, ack, ack_f, doff=2),                    # doff < 5
        tcp_segment(40000, port, seq, ack, ack_f, doff=8,
                    options=b"\x02\x04\x00\x00\x03\x03\x0e\x08\x0a\x00\x00\x00"),
        tcp_segment(40000, port, seq, ack, ack_f, doff=6, options=b"\x02\xff\x05\xb4"),
        tcp_segment(40000, port, seq, ack, ack_f | psh, data=b"bad sum", bad_csum=True),
        tcp_segment(40001, port, 1, 0, ack_f),                              # no connection
        tcp_segment(40002, 1, 1, 0, syn),                                   # closed port
    ]
    segs += [bytes(rng.randrange(256) for _ in range(rng.randrange(1, 60))) for _ in range(20)]
    return segs


def handshake(peer, port, sport=40000, isn=1000):
    """SYN to Keel's listening port; returns Keel's ISN from the SYN-ACK, after our ACK."""
    peer.send(tcp_frame(tcp_segment(sport, port, isn, 0, 2, options=b"\x02\x04\x05\xb4",
                                    doff=6)))
    frame = peer.expect(lambda f: f[12:14] == b"\x08\x00" and f[23] == 6 and
                        struct.unpack("!H", f[34:36])[0] == port and f[47] & 0x12 == 0x12,
                        timeout=10)
    their_isn = struct.unpack("!I", frame[38:42])[0]
    peer.send(tcp_frame(tcp_segment(sport, port, isn + 1, their_isn + 1, 16)))
    return their_isn


def test_malformed_frames_and_segments(lwip_iso, boot_machine):
    peer = Peer()
    machine = boot_machine(lwip_iso, extra_args=peer.netdev_args())
    machine.run("modprobe lwip")
    machine.run("ip link set eth0 up")
    machine.run("ip addr add 10.0.3.15/24 dev eth0")
    peer.send(eth(BROADCAST, 0x0806, arp(1, PEER_MAC, PEER_IP, b"\0" * 6, KEEL_IP)))
    check_arp_reply(peer.expect(is_arp_reply))
    ping_from_peer(peer, 1, b"before")  # the ARP entry and the commands' first use
    machine.run("mem")
    baseline = mem(machine)
    for frame in malformed_frames(500):
        peer.send(frame)
        time.sleep(0.001)
    machine.send_line("nc -l 7000")
    time.sleep(0.5)
    their_isn = handshake(peer, 7000)
    for _ in range(4):
        for seg in bad_segments(7000, 1001, their_isn + 1):
            peer.send(tcp_frame(seg))
            time.sleep(0.002)
    peer.send(tcp_frame(tcp_segment(40000, 7000, 1001, their_isn + 1, 16 | 8, data=b"hello\n")))
    peer.send(tcp_frame(tcp_segment(40000, 7000, 1007, their_isn + 1, 16 | 1)))
    machine.expect("hello", timeout=10)
    machine.wait_prompt(timeout=30)  # nc ends at our FIN and closes: ACK Keel's FIN
    fin = peer.expect(lambda f: f[12:14] == b"\x08\x00" and f[23] == 6 and f[47] & 1, timeout=10)
    fin_seq = struct.unpack("!I", fin[38:42])[0]
    peer.send(tcp_frame(tcp_segment(40000, 7000, 1008, fin_seq + 1, 16)))
    peer.drain()
    ping_from_peer(peer, 2, b"still here")
    time.sleep(7)  # fragments kept for reassembly expire (IP_REASS_MAXAGE, lwipopts.h)
    assert_no_leak(baseline, mem(machine))
    assert_no_oops(machine)
