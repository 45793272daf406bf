"""The heap reclaims what a module leaks: test_leak allocates blocks of known sizes (small,
slab-sized, larger than a page, a kstrdup) and frees none. rmmod -- or its own failing init --
must free them with one warning naming the module and the exact byte count, and the heap's
figures must return to where they were. Its charp parameter, allocated by the kernel, must not
be taken for the module's.

Runs on the "modules" variant (tests/modtest.py), whose /etc/modules loads only hello: no line
discipline keeps a history of typed lines there, so the heap holds still between commands.
"""

import re

from modtest import lsmod, run_fails, run_ok, unload_all

MODULE = "/lib/modules/test_leak.ko"
SIZES = (24, 1000, 5000)  # LEAK_SMALL, LEAK_SLAB, LEAK_LARGE in modules/test_leak/test_leak.c
BAD_HEAP = ("double free", "not allocated by kmalloc", "Oops", "BUG")


def heap(machine):
    """{'MemFree', 'HeapUsed', 'HeapBlocks', 'HeapModules', 'HeapModuleBlocks'} from mem."""
    out = machine.run("mem")
    values = {}
    for key in ("MemFree", "HeapUsed", "HeapBlocks", "HeapModules"):
        match = re.search(rf"^{key}:\s+(\d+)", out, re.M)
        assert match, f"mem printed no {key}:\n{out}"
        values[key] = int(match.group(1))
    match = re.search(r"^HeapModules:\s+\d+ bytes in (\d+) blocks$", out, re.M)
    assert match, out
    values["HeapModuleBlocks"] = int(match.group(1))
    return values


def leaked_bytes(tag):
    return sum(SIZES) + len(tag) + 1  # the kstrdup of tag, with its NUL


def warning(tag):
    return f"module test_leak: freed 4 leaked allocations ({leaked_bytes(tag)} bytes) at unload"


def assert_clean(out):
    for bad in BAD_HEAP:
        assert bad not in out, f"{bad!r} in:\n{out}"


def test_rmmod_reclaims_leaks(kmod):
    unload_all(kmod)
    before = heap(kmod)
    tag = "kernel-owned-tag"
    out = run_ok(kmod, f"insmod {MODULE} tag={tag}")
    assert f"test_leak: holding 4 allocations ({leaked_bytes(tag)} bytes)" in out, out
    during = heap(kmod)
    assert during["HeapUsed"] >= before["HeapUsed"] + leaked_bytes(tag), (before, during)
    assert during["HeapBlocks"] >= before["HeapBlocks"] + 4, (before, during)
    # mem tells what module code allocated: exactly test_leak's blocks.
    assert during["HeapModules"] - before["HeapModules"] == leaked_bytes(tag), (before, during)
    assert during["HeapModuleBlocks"] - before["HeapModuleBlocks"] == 4, (before, during)

    out = run_ok(kmod, "rmmod test_leak")
    assert "test_leak: unloading without freeing" in out
    assert warning(tag) in out, out
    assert out.index("unloading without freeing") < out.index(warning(tag)), out
    assert out.count("leaked allocation") == 1, out
    assert_clean(out)
    assert "test_leak" not in lsmod(kmod)
    assert heap(kmod) == before, "the heap did not return to its figures before insmod"

    # Each block is listed in dmesg (debug level) with the code that allocated it.
    log = kmod.run("dmesg")
    for size in SIZES:
        assert re.search(rf"module test_leak: leaked {size} bytes at 0x[0-9a-f]+, allocated "
                         rf"at \[test_leak\] test_leak_init\+0x", log), f"no line for {size}"


def test_failed_init_reclaims_leaks(kmod):
    unload_all(kmod)
    before = heap(kmod)
    out = run_fails(kmod, f"insmod {MODULE} fail=1")
    assert "test_leak: init failed: EAGAIN" in out, out
    assert warning("leak") in out, out
    assert_clean(out)
    assert "test_leak" not in lsmod(kmod)
    assert heap(kmod) == before, "a failed init leaked"


def test_load_cycles_return_to_baseline(kmod):
    unload_all(kmod)
    before = heap(kmod)
    out = kmod.run(f"repeat -q 50 insmod {MODULE} ; rmmod test_leak", timeout=600)
    assert "repeat: 50 iterations done" in out, out
    assert_clean(kmod.run("dmesg"))
    assert heap(kmod) == before, "load/unload cycles of a leaking module leaked"
