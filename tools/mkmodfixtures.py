#!/usr/bin/python3
"""Builds the module loader's test fixtures: small modules compiled with the kernel's module
flags by gcc and clang at -O0/-O2/-Os, `ld -r`-linked into .ko files.

usage: mkmodfixtures.py OUTDIR     (rebuilds only what is older than its sources)

The flags are read from the Makefile's KERNEL_ARCH_FLAGS so fixtures match real modules.
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = os.path.join(ROOT, "tests", "fixtures", "modload")

COMPILERS = ("gcc", "clang")
OPT_LEVELS = ("-O0", "-O2", "-Os")
C_MODULE = ("fx_main.c", "fx_ops.c")
ASM_MODULES = {"fx-got": "fx_got.S", "fx-overflow": "fx_overflow.S", "fx-unknown": "fx_unknown.S"}


def makefile_flags():
    """KERNEL_ARCH_FLAGS, and the extra ones the Makefile adds for gcc only."""
    text = open(os.path.join(ROOT, "Makefile")).read().replace("\\\n", " ")
    common = re.search(r"^KERNEL_ARCH_FLAGS\s*:=(.*)$", text, re.M)
    gcc_only = re.search(r"^KERNEL_ARCH_FLAGS\s*\+=(.*)$", text, re.M)
    if not common:
        sys.exit("mkmodfixtures: KERNEL_ARCH_FLAGS not found in Makefile")
    return common.group(1).split(), gcc_only.group(1).split() if gcc_only else []


def run(cmd):
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode:
        sys.exit("mkmodfixtures: %s failed:\n%s" % (" ".join(cmd), result.stderr))


def up_to_date(target, sources):
    if not os.path.exists(target):
        return False
    mtime = os.path.getmtime(target)
    return all(os.path.getmtime(s) <= mtime for s in sources)


def build_module(outdir, name, cc, cflags, sources):
    target = os.path.join(outdir, name + ".ko")
    paths = [os.path.join(SRC, s) for s in sources]
    if up_to_date(target, paths + [os.path.abspath(__file__), os.path.join(ROOT, "Makefile")]):
        return
    objs = []
    for src in paths:
        obj = os.path.join(outdir, "%s-%s.o" % (name, os.path.basename(src).split(".")[0]))
        run([cc] + cflags + ["-c", src, "-o", obj])
        objs.append(obj)
    run(["ld", "-r", "-o", target + ".tmp"] + objs)
    os.replace(target + ".tmp", target)
    for obj in objs:
        os.unlink(obj)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    common, gcc_only = makefile_flags()
    base = ["-std=gnu11", "-Wall", "-Werror", "-Wno-unused-parameter"] + common
    for cc in COMPILERS:
        flags = base + (gcc_only if cc == "gcc" else [])
        for opt in OPT_LEVELS:
            name = "fx-basic-%s-%s" % (cc, opt[1:])
            build_module(outdir, name, cc, flags + [opt], C_MODULE)
        build_module(outdir, "fx-basic-%s-O2g" % cc, cc, flags + ["-O2", "-g"], C_MODULE)
    for name, src in ASM_MODULES.items():
        build_module(outdir, name, "gcc", common, [src])


if __name__ == "__main__":
    main()
