"""Issue 11, classes 8, 11 and 12: nothing is cut or lost without a word, and one bad setting
does not disable the rest. One boot of a long command line (about 2,000 bytes, with a
300-byte test_params.sval, a 1,100-byte hello.who whose printk must be cut with a marker, and
malformed hello.count=x / ata.dma=maybe), a sfdisk GPT with 8192 entries on a RAM disk, and
modules that fail in ways that must be reported accurately; and a loglevel=0 boot whose oops
must still reach the console."""
import re
import subprocess

import pytest

import conftest
import keel

FILLER = " ".join(f"filler{i}=abcdefghij" for i in range(40))   # about 700 bytes
SVAL = "s" * 300
WHO = "w" * 1100
CMDLINE = (f"{FILLER} hello.count=x ata.dma=maybe test_params.sval={SVAL} "
           f"test_params.rval=4294967295 test_params.ival=7 hello.who={WHO}")
ETC_MODULES = (keel.ROOT / "iso" / "initrd" / "etc" / "modules").read_text() + "hello\n"
MODDIR = "/lib/modules"


def make_extra(root):
    subprocess.run(["sh", str(keel.ROOT / "tests" / "blk" / "mkimages.sh"), str(root)],
                   check=True)


MSGS = keel.Variant("msgs", cmdline=CMDLINE, extra=make_extra, etc={"modules": ETC_MODULES})
LOGLEVEL0 = keel.Variant("loglevel0", cmdline="loglevel=0")


@pytest.fixture(scope="module")
def _msgs_holder(tmp_path_factory):
    holder = conftest.SharedMachine(keel.build_variant(MSGS),
                                    tmp_path_factory.mktemp("shared-msgs"))
    yield holder
    holder.close()


@pytest.fixture
def msgs(request, _msgs_holder):
    yield from conftest.shared_machine_fixture(request, _msgs_holder)


def test_long_cmdline_arrives_whole(msgs):
    assert len(CMDLINE) > 1467
    assert msgs.run("cmdline").strip() == CMDLINE
    out = msgs.run(f"insmod {MODDIR}/test_params.ko")
    assert f"sval={SVAL} " in out, out[-2000:]
    # The bad boot value is reported and skipped; the good ones still apply.
    assert ("test_params: value '4294967295' for parameter 'rval' is out of range (1 to 10) "
            "(from the kernel command line); ignored") in out, out
    assert "ival=7 " in out and "rval=5 " in out, out
    msgs.run("rmmod test_params")


def test_bad_boot_values_are_skipped_and_insmod_wins(msgs):
    boot = msgs.boot_text
    assert ("hello: invalid value 'x' for parameter 'count' (from the kernel command line); "
            "ignored") in boot, boot[-3000:]
    assert ("ata: invalid value 'maybe' for parameter 'dma' (from the kernel command line); "
            "ignored") in boot or "ata" not in msgs.run("lsmod")
    msgs.run("rmmod hello")
    out = msgs.run(f"insmod {MODDIR}/hello.ko count=2")
    assert out.count("hello: ") >= 3 and out.count("bytes cut]\n") == 2, out[-2000:]
    msgs.run("rmmod hello")


def test_long_printk_is_cut_with_a_marker_and_ends_its_line(msgs):
    log = msgs.run("dmesg")
    match = re.search(r"hello: loaded \(who=w+ \[\.\.\. (\d+) bytes cut\]\n(.*)", log)
    assert match, log[-3000:]
    assert match.group(2).startswith("["), match.group(2)   # the next record is a line of its own


def test_ranges_refuse_wrapping_values(msgs):
    out = msgs.run("modprobe ramdisk rd_nr=4294967295")
    assert "ramdisk: value '4294967295' for parameter 'rd_nr' is out of range (0 to 8)" in out
    assert not re.search(r"^ramdisk\s", msgs.run("lsmod"), re.M)
    msgs.run("rmmod hello")  # loaded at boot (/etc/modules), unless a test removed it
    out = msgs.run(f"insmod {MODDIR}/hello.ko count=101")
    assert "hello: value '101' for parameter 'count' is out of range (0 to 100)" in out, out


def test_gpt_warnings_are_limited(msgs):
    out = msgs.run_sync("modprobe ramdisk image=/extra/many.img")
    log = msgs.run("dmesg")
    assert "ram0: 164 more partition table warnings not shown" in log, log[-3000:]
    assert len(re.findall(r"ram0: more than 128 partitions", log)) == 8, out
    msgs.run("rmmod ramdisk")


def test_module_failures_say_what_happened(msgs):
    out = msgs.run("modprobe test_init_enoent")
    assert "test_init_enoent: init failed: ENOENT" in out, out
    assert "not found in" not in out, out
    out = msgs.run("modinfo /extra")
    assert "modinfo: /extra: cannot read the file (EISDIR)" in out, out
    out = msgs.run("modinfo no_such_module")
    assert "module not found" in out, out
    out = msgs.run(f"insmod {MODDIR}/test_two_licenses.ko")
    assert "test_two_licenses: module license 'Proprietary' taints kernel." in out, out
    before = keel.parse_meminfo(msgs.run("mem"))
    out = msgs.run(f"insmod {MODDIR}/test_bigbss.ko")  # 255 MiB of .bss on a 256 MiB machine
    assert re.search(r"test_bigbss: not enough free memory for the module's \d+ KiB", out), out
    assert "test_bigbss" not in msgs.run("lsmod")
    after = keel.parse_meminfo(msgs.run("mem"))
    assert abs(after["MemFree"] - before["MemFree"]) <= 64, (before, after)  # kB; all given back


def test_loglevel_0_still_shows_the_oops(boot_machine):
    machine = boot_machine(keel.build_variant(LOGLEVEL0))
    machine.pos = len(machine.text)
    machine.send_line("crash pf")
    outcome = machine.wait_for(lambda text: "oops" if "Call Trace:" in text[machine.pos:]
                               else None, timeout=120, what="an oops", fatal=None)
    assert outcome == "oops", machine.text[machine.pos:]
