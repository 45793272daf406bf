"""The socket system calls (docs/net.md, "Sockets") against the host Linux as the oracle:
tests/user/sockets.c (TCP) and sockdgram.c (UDP, ICMP raw and datagram echo, the calls'
argument errors) run over 127.0.0.1 in Keel, where the first AF_INET socket autoloads lwip.ko,
and on the host in a network namespace of their own (`unshare -n`: only its loopback, and
`ping_group_range` opened for ICMP datagram sockets without touching the host's), and print
the same lines. Then no memory is left behind by repeated runs."""

import subprocess
import time

import pytest

import conftest
import keel
from test_user import (USER_BUILD, assert_no_leak, assert_no_oops, meminfo,
                       program_output)

LEAK_SLACK = 4096
SECTIONS = [("sockets", "tcp"), ("sockets", "tcpstate"), ("sockdgram", "udp"),
            ("sockdgram", "errors"), ("sockdgram", "icmp"), ("sockdgram", "mcast")]
# The namespace's loopback is down until set up; ICMP datagram sockets need the group range.
NETNS_SETUP = ('busybox ip link set lo up && echo "0 0" > /proc/sys/net/ipv4/ping_group_range'
               ' && exec "$0" "$@"')


def host_run(name, args):
    """build/user/NAME ARGS on the host, in a fresh network namespace."""
    argv = ["unshare", "-n", "/bin/sh", "-c", NETNS_SETUP, str(USER_BUILD / name), *args]
    proc = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=120)
    if proc.returncode and "unshare" in proc.stderr:
        pytest.fail(f"the oracle needs `unshare -n` (root): {proc.stderr.strip()}")
    return proc.stdout, proc.returncode


def guest_lines(out):
    """The program's lines, without run's exit report."""
    return "".join(l + "\n" for l in program_output(out).splitlines() if not l.startswith("run: "))


@pytest.fixture(scope="module")
def _sock_holder(default_iso, tmp_path_factory):
    holder = conftest.SharedMachine(default_iso, tmp_path_factory.mktemp("shared-sockets"))
    yield holder
    holder.close()


@pytest.fixture
def guest(request, _sock_holder):
    yield from conftest.shared_machine_fixture(request, _sock_holder)


@pytest.mark.parametrize("name,section", SECTIONS, ids=[s for _, s in SECTIONS])
def test_same_output_as_host(guest, name, section):
    expected, code = host_run(name, [section])
    assert code == 0, expected
    out = guest.run(f"run /bin/{name} {section}", timeout=300)
    assert_no_oops(out)
    assert guest_lines(out) == expected
    assert "run: " not in out, out  # exit status 0, no signal


def settled_mem(guest, baseline=None, timeout=200):
    """mem once lwIP's TIME_WAIT connections (2 MSL, 120 s) have gone: with a baseline, the
    first reading back within assert_no_leak's slack of it; without, the first reading whose
    heap stopped shrinking over 10 s. The last reading when time runs out."""
    deadline = time.monotonic() + timeout
    last = meminfo(guest)
    while time.monotonic() < deadline:
        if baseline and last["HeapUsed"] - baseline["HeapUsed"] <= LEAK_SLACK:
            break
        time.sleep(10)
        now = meminfo(guest)
        if not baseline and now["HeapUsed"] >= last["HeapUsed"]:
            return now
        last = now
    return last


def test_no_leak(guest):
    """Every section once (lwip.ko's first allocations), then twice more: once the TIME_WAIT
    connections are gone, mem is back where it was."""
    def all_sections():
        for name, section in SECTIONS:
            assert_no_oops(guest.run(f"run /bin/{name} {section}", timeout=300))
    all_sections()
    before = settled_mem(guest)
    all_sections()
    all_sections()
    assert_no_leak(before, settled_mem(guest, before), heap_slack=LEAK_SLACK)
