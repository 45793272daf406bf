"""Debian's busybox-static network applets, unmodified, on Keel's socket system calls
(docs/net.md, "Sockets"): on QEMU's user network with restrict=on, `ping` the gateway and
127.0.0.1 in busybox's own lines; `nc` both ways with a Python peer on 127.0.0.1 (Keel
listening behind hostfwd, and Keel connecting through guestfwd) with SHA-256 equal on both
sides; `wget` of 1 MiB from a Python HTTP server on 127.0.0.1 through guestfwd. QEMU's
restricted network drops DNS to 10.0.2.3 (nothing may reach the host's resolver), so
`nslookup` asks a Python DNS peer on a -netdev dgram link instead (test_dns.py's)."""

import hashlib
import http.server
import random
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import keel
from test_dns import Responder
from test_lwip import PING_LINE, SHA_LINE, Receiver, free_port, lease, slirp
from test_net import start_peer_machine
from test_user import program_output

MIB = 1 << 20
BB = "run /extra/bin/busybox"
PING_SUMMARY = re.compile(r"^round-trip min/avg/max = \d+\.\d{3}/\d+\.\d{3}/\d+\.\d{3} ms$",
                          re.M)


def mib():
    return random.Random(1604).randbytes(MIB)


def fill(root):
    """/extra/bin/busybox, /extra/data/mib (1 MiB to send)."""
    (root / "bin").mkdir()
    shutil.copy("/bin/busybox", root / "bin" / "busybox")
    (root / "data").mkdir()
    (root / "data" / "mib").write_bytes(mib())


VARIANT = keel.Variant("busynet", extra=fill)


class FileHandler(http.server.BaseHTTPRequestHandler):
    """GET /file: the 1 MiB with its Content-Length (QEMU's guestfwd passes no FIN on, so
    wget must know where the body ends); anything else 404."""
    body = mib()
    requests = []

    def do_GET(self):
        self.requests.append((self.path, self.headers.get("User-Agent")))
        if self.path != "/file":
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def net_iso():
    keel.build_variant(VARIANT)
    return VARIANT.iso


def slirp_guest(net_iso, boot_machine, receiver=None, httpd=None):
    """A machine on the restricted user network, eth0 leased, hostfwd from a free host port
    to the guest's 5001, guestfwd 10.0.2.100:5000 to the receiver and 10.0.2.100:80 to the
    HTTP server when given (QEMU connects to them at start-up). Returns (machine, port)."""
    host_port = free_port()
    fwd = f",hostfwd=tcp:127.0.0.1:{host_port}-:5001"
    if receiver:
        fwd += f",guestfwd=tcp:10.0.2.100:5000-tcp:127.0.0.1:{receiver.port}"
    if httpd:
        fwd += f",guestfwd=tcp:10.0.2.100:80-tcp:127.0.0.1:{httpd.server_address[1]}"
    machine = boot_machine(net_iso, extra_args=slirp(fwd))
    lease(machine)
    return machine, host_port


def busybox(machine, line, timeout=60):
    out = machine.run(f"{BB} {line}", timeout=timeout)
    assert "Oops" not in out and "BUG" not in out, out
    return program_output(out)


def guest_sha256(machine, path):
    match = SHA_LINE.search(busybox(machine, f"sha256sum {path}", timeout=120))
    assert match, machine.tail()
    return match.group(1)


def assert_ping(out, host, count):
    assert f"PING {host} ({host}): 56 data bytes" in out, out
    seqs = [int(m.group(1)) for m in re.finditer(
        rf"^64 bytes from {re.escape(host)}: seq=(\d+) ttl=\d+ time=\d+\.\d{{3}} ms$", out,
        re.M)]
    assert seqs == list(range(count)), out
    assert f"--- {host} ping statistics ---" in out, out
    assert (f"{count} packets transmitted, {count} packets received, 0% packet loss"
            in out), out
    assert PING_SUMMARY.search(out), out


def test_ping_gateway(net_iso, boot_machine):
    machine, _ = slirp_guest(net_iso, boot_machine)
    out = busybox(machine, "ping -c 3 10.0.2.2", timeout=60)
    assert_ping(out, "10.0.2.2", 3)
    assert all(m.group(2) == "255" for m in PING_LINE.finditer(out)), out  # QEMU's TTL


def test_ping_loopback(net_iso, boot_machine):
    machine, _ = slirp_guest(net_iso, boot_machine)
    assert_ping(busybox(machine, "ping -c 2 127.0.0.1", timeout=60), "127.0.0.1", 2)


def test_ping_nobody(net_iso, boot_machine):
    machine, _ = slirp_guest(net_iso, boot_machine)
    out = busybox(machine, "ping -c 1 -W 2 10.0.2.99", timeout=60)
    assert "1 packets transmitted, 0 packets received, 100% packet loss" in out, out


def test_nc_host_to_guest(net_iso, boot_machine):
    """Keel's busybox nc listens (hostfwd); the host sends 1 MiB and half-closes; nc writes
    what came to a file and exits at the end of the stream."""
    machine, host_port = slirp_guest(net_iso, boot_machine)
    data = mib()
    machine.send_line(f"{BB} sh -c '/extra/bin/busybox nc -l -p 5001 > /tmp/nc-in'")
    time.sleep(2.0)
    with socket.create_connection(("127.0.0.1", host_port), timeout=60) as conn:
        conn.sendall(data)
        conn.shutdown(socket.SHUT_WR)
        conn.settimeout(120)
        assert conn.recv(16) == b""  # busybox nc closes once it has read the end
    machine.wait_prompt(timeout=120)
    assert guest_sha256(machine, "/tmp/nc-in") == hashlib.sha256(data).hexdigest()


def test_nc_guest_to_host_listen(net_iso, boot_machine):
    """Keel's busybox nc listens and sends the file to the host that connects (hostfwd):
    nc half-closes at the end of its stdin, the host reads to the FIN, closes, nc exits."""
    machine, host_port = slirp_guest(net_iso, boot_machine)
    data = mib()
    machine.send_line(f"{BB} sh -c '/extra/bin/busybox nc -l -p 5001 < /extra/data/mib'")
    time.sleep(2.0)
    got = bytearray()
    with socket.create_connection(("127.0.0.1", host_port), timeout=60) as conn:
        conn.settimeout(120)
        while chunk := conn.recv(1 << 16):
            got += chunk
    machine.wait_prompt(timeout=120)
    assert hashlib.sha256(got).hexdigest() == hashlib.sha256(data).hexdigest()


def test_nc_guest_connects(net_iso, boot_machine):
    """Keel's busybox nc connects to 10.0.2.100:5000, which guestfwd joins to the host's
    receiver; QEMU never passes the end of the stream on, so nc is stopped with Ctrl-C once
    the receiver has counted all of it."""
    receiver = Receiver(MIB)
    receiver.start()
    machine, _ = slirp_guest(net_iso, boot_machine, receiver=receiver)
    machine.send_line(f"{BB} sh -c '/extra/bin/busybox nc 10.0.2.100 5000 < /extra/data/mib'")
    receiver.join(120)
    assert (receiver.count, receiver.digest) == (MIB, hashlib.sha256(mib()).hexdigest())
    machine.send("\x03")
    machine.wait_prompt(timeout=60)


def test_wget(net_iso, boot_machine):
    httpd = http.server.HTTPServer(("127.0.0.1", 0), FileHandler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        machine, _ = slirp_guest(net_iso, boot_machine, httpd=httpd)
        out = busybox(machine, "wget -O /tmp/wget-file http://10.0.2.100/file", timeout=180)
    finally:
        httpd.shutdown()
    assert "Connecting to 10.0.2.100 (10.0.2.100:80)" in out, out
    assert re.search(r"'/tmp/wget-file' saved", out), out
    assert ("/file", "Wget") in FileHandler.requests, FileHandler.requests
    assert guest_sha256(machine, "/tmp/wget-file") == hashlib.sha256(mib()).hexdigest()


NSLOOKUP_ORACLE = """
import socket, subprocess, sys, threading
sys.path.insert(0, sys.argv[1])
from test_dns import dns_reply
server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
server.bind(("127.0.0.1", 53))
def serve():
    while True:
        query, addr = server.recvfrom(2048)
        answer = dns_reply(query)
        if answer:
            server.sendto(answer, addr)
threading.Thread(target=serve, daemon=True).start()
proc = subprocess.run(["/bin/busybox", "nslookup", sys.argv[2], "127.0.0.1"], timeout=60,
                      stdout=subprocess.PIPE, text=True)
print(proc.stdout, end="")
print(f"status {proc.returncode}")
"""


def host_nslookup(name):
    """busybox nslookup on the host against test_dns.py's answers, served on 127.0.0.1:53 in
    a network namespace of its own; the server's address as Keel's peer has it."""
    proc = subprocess.run(["unshare", "-n", "/bin/sh", "-c",
                           'busybox ip link set lo up && exec "$0" "$@"', sys.executable,
                           "-c", NSLOOKUP_ORACLE, str(Path(__file__).parent), name],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out, status = proc.stdout.rsplit("status ", 1)
    return re.sub(r"^(Server:\s+|Address:\s+)127\.0\.0\.1", r"\g<1>10.0.3.2", out,
                  flags=re.M), int(status)


def test_nslookup(net_iso, boot_machine):
    """busybox nslookup NAME SERVER against test_dns.py's peer on a dgram link prints what
    the same binary prints on the host against the same answers (A found, AAAA and an
    unknown name NXDOMAIN)."""
    peer, machine = start_peer_machine(net_iso, boot_machine)
    responder = Responder(peer)
    responder.start()
    try:
        for name in ("peer.test", "nosuch.test"):
            expected, status = host_nslookup(name)
            out = busybox(machine, f"nslookup {name} 10.0.3.2", timeout=60)
            assert "".join(l + "\n" for l in out.splitlines()
                           if not l.startswith("run: ")) == expected, out
            assert f"exited with status {status}" in out if status else "run: " not in out
        assert ("peer.test", 1) in [(q[1], q[2]) for q in responder.queries if q]
    finally:
        responder.stop.set()
