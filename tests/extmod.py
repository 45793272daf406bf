"""Out-of-tree module sources for the build tests (tests/test_modules_build.py) and the
modules_install + modprobe test (tests/test_modules_install.py), and `make` helpers.

  oot_a/  a Linux-style Makefile (KERNELRELEASE guard, obj-m, moda-objs: two sources,
          ccflags-y): moda.ko exports moda_scale()
  oot_b/  a Kbuild file: modb.ko uses moda_scale (KBUILD_EXTRA_SYMBOLS=oot_a/Module.symvers)
          and the in-tree test_stack_a's stack_a_add
"""
import os
import subprocess

import keel

MAKEFILE_A = """\
# A module Makefile as Linux's documentation writes it.
ifneq ($(KERNELRELEASE),)
obj-m := moda.o
moda-objs := moda_main.o moda_util.o
ccflags-y := -DMODA_FACTOR=3
else
KDIR ?= /lib/modules/$(shell uname -r)/build
all:
\t$(MAKE) -C $(KDIR) M=$(CURDIR) modules
clean:
\trm -f *.ko
endif
"""
MODA_MAIN = """\
/* moda: loads and prints moda_scale(2), from its second source file. */
#include <keel/module.h>
int moda_scale(int x);
static int __init moda_init(void)
{
	pr_info("moda: loaded, scale(2) = %d\\n", moda_scale(2));
	return 0;
}
static void __exit moda_exit(void)
{
	pr_info("moda: unloaded\\n");
}
module_init(moda_init);
module_exit(moda_exit);
MODULE_LICENSE("GPL");
"""
MODA_UTIL = """\
/* moda's second source: the exported helper, scaled by a ccflags-y define. */
#include <keel/export.h>
int moda_scale(int x);
int moda_scale(int x)
{
	return x * MODA_FACTOR;
}
EXPORT_SYMBOL(moda_scale);
"""
KBUILD_B = "obj-m += modb.o\n"
MODB = """\
/* modb: uses moda (another out-of-tree folder) and the in-tree test_stack_a. */
#include <keel/module.h>
int moda_scale(int x);
int stack_a_add(int a, int b);
static int __init modb_init(void)
{
	pr_info("modb: loaded, moda_scale(5) = %d, stack_a_add(1, 2) = %d\\n", moda_scale(5),
		stack_a_add(1, 2));
	return 0;
}
static void __exit modb_exit(void)
{
}
module_init(modb_init);
module_exit(modb_exit);
MODULE_LICENSE("GPL");
"""


def write_sources(top):
    """Writes oot_a/ and oot_b/ under top; returns their paths."""
    a, b = top / "oot_a", top / "oot_b"
    a.mkdir(parents=True)
    b.mkdir(parents=True)
    (a / "Makefile").write_text(MAKEFILE_A)
    (a / "moda_main.c").write_text(MODA_MAIN)
    (a / "moda_util.c").write_text(MODA_UTIL)
    (b / "Kbuild").write_text(KBUILD_B)
    (b / "modb.c").write_text(MODB)
    return a, b


def make(*args, check=True, build=None):
    """make in the Keel tree; returns the CompletedProcess (stdout and stderr together)."""
    env = dict(os.environ)
    for var in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL"):
        env.pop(var, None)
    argv = ["make", "--no-print-directory", *args] + ([f"BUILD={build}"] if build else [])
    proc = subprocess.run(argv, cwd=keel.ROOT, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    if check and proc.returncode != 0:
        raise keel.KeelError(f"{' '.join(argv)} failed:\n{proc.stdout[-4000:]}")
    return proc


def build_and_install(top, install, build=None):
    """Builds oot_a then oot_b (against a's Module.symvers), installs both under install."""
    a, b = write_sources(top)
    make("modules", build=build)  # the in-tree Module.symvers (test_stack_a's exports)
    make("modules_install", f"M={a}", f"INSTALL_MOD_PATH={install}", build=build)
    make("modules_install", f"M={b}", f"KBUILD_EXTRA_SYMBOLS={a}/Module.symvers",
         f"INSTALL_MOD_PATH={install}", build=build)
    return a, b
