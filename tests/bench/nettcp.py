"""The host's end of bench_net.py's TCP throughput figures. Both directions go through QEMU
user-network hostfwd rules on 127.0.0.1 with the guest's nc listening, so every transfer is one
TCP connection that ends with a FIN from its sender: guest->host, the host connects, counts and
hashes what arrives and times it from the first byte to the guest's FIN; host->guest, it sends
random bytes and times from connect() until the guest closes (its nc has written everything
to a file). A figure counts only when the bytes check out (hash and count), else the transfer
raises TransferError and the caller prints why instead of a number.
"""

import socket
import time
import zlib

CHUNK = 1 << 16
IO_TIMEOUT = 120  # seconds without progress before a transfer is declared stuck
LISTEN_WAIT = 30  # seconds the guest's nc may take to start listening
RETRY_PAUSE = 0.2


class TransferError(Exception):
    """A transfer did not complete or its bytes did not check out; the message says how."""


class Crc32:
    """zlib's CRC-32 with hashlib's interface (Keel's shell `crc32` prints the same)."""

    def __init__(self, data=b""):
        self.value = zlib.crc32(data)

    def update(self, data):
        self.value = zlib.crc32(data, self.value)

    def hexdigest(self):
        return f"{self.value:08x}"


def free_port():
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


def hostfwd(pairs):
    """",hostfwd=..." for each (host port, guest port), to append to a -netdev user line."""
    return "".join(f",hostfwd=tcp:127.0.0.1:{host}-:{guest}" for host, guest in pairs)


def mib_per_s(count, seconds):
    if seconds <= 0:
        raise TransferError(f"{count} bytes in no measurable time")
    return count / seconds / (1 << 20)


def _stream_in(conn, hasher):
    """Reads to EOF; returns (total bytes, MiB/s from the first byte on, not counting the
    first read, whose bytes came before the clock started), or None when nothing came."""
    first = conn.recv(CHUNK)
    if not first:
        return None
    start, count = time.monotonic(), len(first)
    hasher.update(first)
    try:
        while data := conn.recv(CHUNK):
            hasher.update(data)
            count += len(data)
    except ConnectionError as error:
        raise TransferError(f"{error.strerror} after {count} bytes") from None
    return count, mib_per_s(count - len(first), time.monotonic() - start)


def receive(port, hasher):
    """Connects to the guest's `nc -l` (through hostfwd `port`) that sends a file, retrying
    while it is not listening yet; returns (total bytes, MiB/s). The caller compares
    hasher's digest with the guest's."""
    deadline = time.monotonic() + LISTEN_WAIT
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=IO_TIMEOUT) as conn:
                result = _stream_in(conn, hasher)
            if result:
                return result
        except ConnectionError:
            pass  # QEMU passes on the guest's reset: nobody listens yet
        except socket.timeout:
            raise TransferError(f"no data for {IO_TIMEOUT} s") from None
        if time.monotonic() > deadline:
            raise TransferError(f"nothing came from the guest in {LISTEN_WAIT} s")
        time.sleep(RETRY_PAUSE)


def _stream_out(port, data):
    """One attempt; the seconds from connect() to the guest's close, or None if refused."""
    try:
        conn = socket.create_connection(("127.0.0.1", port), timeout=IO_TIMEOUT)
    except ConnectionError:
        return None
    with conn:
        start = time.monotonic()
        try:
            conn.sendall(data)
            conn.shutdown(socket.SHUT_WR)
            extra = conn.recv(CHUNK)
        except ConnectionError:
            return None
        except socket.timeout:
            raise TransferError(f"stuck for {IO_TIMEOUT} s") from None
        if extra:
            raise TransferError(f"the guest sent {len(extra)} unexpected bytes")
        return time.monotonic() - start


def send(port, data):
    """Sends `data` to the guest's `nc -l` (through hostfwd `port`), retrying while it is not
    listening yet; returns MiB/s. The caller checks the guest's copy."""
    deadline = time.monotonic() + LISTEN_WAIT
    while (seconds := _stream_out(port, data)) is None:
        if time.monotonic() > deadline:
            raise TransferError(f"no transfer completed in {LISTEN_WAIT} s (connections "
                                "reset: the guest's nc is not listening, or failed)")
        time.sleep(RETRY_PAUSE)
    return mib_per_s(len(data), seconds)
