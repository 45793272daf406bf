"""Shared by the module tests (tests/test_modules*.py): the "modules" ISO variant and helpers.

The variant's initrd carries, under /extra/ (INITRD_EXTRA):
  * hello-badvermagic.ko: hello.ko with its vermagic version changed (same length);
  * bad/: the broken-module corpus of tools/mkbadko.py (NN-name.ko + manifest.txt);
  * codegen/test_codegen-<variant>.ko: modules/test_codegen built out of tree (make modules M=)
    at -O0, -O2, -Os with GCC and at -O2 with clang;
  * lib/modules/<version>/: the in-tree modules broken on purpose (Kbuild keel-broken := y,
    $(BUILD)/modules-test), which the default initrd leaves out; modprobe finds them there;
  * notmod/: relocatable ELF files named like modules that are not (hello's .mod.o, hello.o
    without vermagic, an object without .modinfo) and nolicense.ko (no MODULE_LICENSE);
its /etc/modules lists hello, and its command line sets test_params parameters.
"""

import os
import re
import shutil
import subprocess

import keel

CMDLINE_IVAL = 7
CMDLINE_SVAL = "from-cmdline"
CODEGEN_VARIANTS = {  # name: (CC, ccflags-y)
    "gcc-O0": ("gcc", "-O0"),
    "gcc-O2": ("gcc", "-O2"),
    "gcc-Os": ("gcc", "-Os"),
    "clang-O2": ("clang", "-O2"),
}
BAD_VERSION = "9.9.9"
LSMOD_HEADER = re.compile(r"^Module\s+Size\s+Used by\s*$", re.M)


def _make(*args):
    env = dict(os.environ)
    env.pop("MAKEFLAGS", None)
    env.pop("MFLAGS", None)
    proc = subprocess.run(["make", "--no-print-directory", *args], cwd=keel.ROOT, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        raise keel.KeelError(f"make {' '.join(args)} failed:\n{proc.stdout[-4000:]}")


def broken_module_path(name):
    """Where the variant's guest finds a module that is broken on purpose."""
    return f"/extra/lib/modules/{kernel_version()}/extra/{name}.ko"


def kernel_version():
    text = (keel.ROOT / "kernel" / "init" / "version.h").read_text()
    return re.search(r'#define KEEL_VERSION "([^"]+)"', text).group(1)


def patch_vermagic(src, dst, version):
    """Copies a .ko, replacing the version at the start of its vermagic= (same length)."""
    data = src.read_bytes()
    old = b"vermagic=" + kernel_version().encode() + b" "
    new = b"vermagic=" + version.encode() + b" "
    assert len(old) == len(new) and data.count(old) == 1, f"{src}: no unique {old!r}"
    dst.write_bytes(data.replace(old, new))


def build_codegen_variants(build_dir, out_dir):
    source = keel.ROOT / "modules" / "test_codegen" / "test_codegen.c"
    work_root = keel.ROOT / build_dir / "codegen-variants"
    shutil.rmtree(work_root, ignore_errors=True)
    out_dir.mkdir(parents=True)
    for name, (cc, flags) in CODEGEN_VARIANTS.items():
        work = work_root / name
        work.mkdir(parents=True)
        shutil.copy(source, work)
        (work / "Kbuild").write_text(f"ccflags-y := {flags}\n")
        _make(f"BUILD={build_dir}", f"CC={cc}", "modules", f"M={work}")
        shutil.copy(work / "test_codegen.ko", out_dir / f"test_codegen-{name}.ko")


NOLICENSE_SOURCE = """/* A module without MODULE_LICENSE: taints the kernel as 'unspecified'. */
#include <keel/module.h>

static int __init nolicense_init(void)
{
	return 0;
}

static void __exit nolicense_exit(void)
{
}

module_init(nolicense_init);
module_exit(nolicense_exit);
"""


def build_not_modules(build_dir, out_dir):
    """What insmod must refuse as "not a kernel module", and a module with no licence."""
    hello = keel.ROOT / build_dir / "modules" / "hello"
    out_dir.mkdir(parents=True)
    shutil.copy(hello / "hello.mod.o", out_dir / "hello_mod.ko")
    shutil.copy(hello / "hello.o", out_dir / "hello_plain.ko")
    subprocess.run(["gcc", "-c", "-x", "c", "-O2", "-fno-pic", "-o", str(out_dir / "nomodinfo.ko"),
                    "-"], input="int nomodinfo(int x) { return x + 1; }\n", text=True,
                   check=True)
    work = keel.ROOT / build_dir / "nolicense"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    (work / "nolicense.c").write_text(NOLICENSE_SOURCE)
    _make(f"BUILD={build_dir}", "modules", f"M={work}")
    shutil.copy(work / "nolicense.ko", out_dir / "nolicense.ko")


def fill_extra(root):
    """INITRD_EXTRA of the variant; builds what it needs in the variant's own build folder."""
    build_dir = VARIANT.build_dir
    _make(f"BUILD={build_dir}", "-j2", "modules")
    hello = keel.ROOT / build_dir / "modules" / "hello.ko"
    patch_vermagic(hello, root / "hello-badvermagic.ko", BAD_VERSION)
    exporter = keel.ROOT / build_dir / "modules" / "test_stack_a.ko"  # has an __ksymtab
    subprocess.run(["/usr/bin/python3", str(keel.ROOT / "tools" / "mkbadko.py"), str(hello),
                    str(exporter), str(root / "bad")], check=True, cwd=keel.ROOT)
    build_codegen_variants(build_dir, root / "codegen")
    build_not_modules(build_dir, root / "notmod")
    shutil.copytree(keel.ROOT / build_dir / "modules-test", root, dirs_exist_ok=True)


VARIANT = keel.Variant(
    "modules",
    cmdline=f"test_params.ival={CMDLINE_IVAL} test_params.sval={CMDLINE_SVAL}",
    extra=fill_extra,
    etc={"modules": "# loaded at boot by the module tests' variant\nhello\n"},
)


def bad_corpus_manifest():
    """[(file name, expected message)] of the corpus shipped in the variant's initrd."""
    manifest = VARIANT.initrd_root / "extra" / "bad" / "manifest.txt"
    entries = []
    for line in manifest.read_text().splitlines():
        if line.strip():
            name, expected = line.split("\t")[:2]  # a third field marks kernel-only checks
            entries.append((name, expected))
    return entries


def lsmod(machine):
    """{name: (size, used count, used-by text)} from lsmod; asserts on its header."""
    out = machine.run("lsmod")
    assert LSMOD_HEADER.search(out), f"lsmod header missing:\n{out}"
    modules = {}
    for line in out.splitlines():
        match = re.match(r"^(\w+)\s+(\d+)\s+(\d+)\s?(.*)$", line)
        if match:
            modules[match.group(1)] = (int(match.group(2)), int(match.group(3)),
                                       match.group(4).strip())
    return modules


def mem(machine):
    info = keel.parse_meminfo(machine.run("mem"))
    assert "MemFree" in info and "HeapUsed" in info, "mem printed no MemFree/HeapUsed"
    return {key: info[key] for key in ("MemFree", "HeapUsed")}


def run_ok(machine, command, timeout=keel.CMD_TIMEOUT):
    """Runs command through `repeat 1`, which reports a failure; asserts it succeeded."""
    out = machine.run(f"repeat 1 {command}", timeout)
    assert "repeat: 1 iteration done" in out, f"{command!r} failed:\n{out}"
    return out


def run_fails(machine, command, timeout=keel.CMD_TIMEOUT):
    """Runs command through `repeat 1`; asserts the command failed. Returns its output."""
    out = machine.run(f"repeat 1 {command}", timeout)
    assert "repeat: iteration 1 of 1 failed" in out, f"{command!r} did not fail:\n{out}"
    return out


def unload_all(machine):
    """rmmod every removable module (users first), so a test starts from a clean list."""
    for _ in range(8):
        modules = lsmod(machine)
        removable = [name for name, (_, used, text) in modules.items()
                     if used == 0 and "[permanent]" not in text]
        if not removable:
            return modules
        machine.run("rmmod " + " ".join(removable))
    return lsmod(machine)
