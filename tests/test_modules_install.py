"""`make modules_install M=... INSTALL_MOD_PATH=dir` then `make INITRD_EXTRA=dir`: in the
booted guest, `modprobe modb` loads its dependencies first, from both module folders: moda (the
other out-of-tree folder, /extra/lib/modules/<version>/extra) and test_stack_a (the kernel's
/lib/modules); `modprobe -r` takes them all back. And `make INITRD_EXTRA=<dir>` of a plain
`make modules M=<dir>` folder (no modules_install): the initrd build indexes it, so `modprobe`
finds its modules and their dependencies there too."""
import shutil

import pytest

import extmod
import keel
from modtest import lsmod, run_ok


def fill_extra(root):
    build_dir = VARIANT.build_dir
    src = keel.ROOT / build_dir / "extmod-src"
    shutil.rmtree(src, ignore_errors=True)
    extmod.build_and_install(src, root, build=build_dir)


VARIANT = keel.Variant("extmod", extra=fill_extra)

PLAIN_KBUILD = "obj-m += plain_a.o plain_b.o\n"
PLAIN_A = """\
/* plain_a: exports plain_a_value() to plain_b, in the same folder. */
#include <keel/module.h>
int plain_a_value(void);
int plain_a_value(void) { return 42; }
EXPORT_SYMBOL(plain_a_value);
static int __init plain_a_init(void) { pr_info("plain_a: loaded\\n"); return 0; }
static void __exit plain_a_exit(void) { }
module_init(plain_a_init);
module_exit(plain_a_exit);
MODULE_LICENSE("GPL");
"""
PLAIN_B = """\
/* plain_b: needs plain_a. */
#include <keel/module.h>
int plain_a_value(void);
static int __init plain_b_init(void)
{
	pr_info("plain_b: loaded, plain_a_value() = %d\\n", plain_a_value());
	return 0;
}
static void __exit plain_b_exit(void) { }
module_init(plain_b_init);
module_exit(plain_b_exit);
MODULE_LICENSE("GPL");
"""


def fill_plain(root):
    """The folder itself is the INITRD_EXTRA: sources, Kbuild and the built .ko files."""
    (root / "Kbuild").write_text(PLAIN_KBUILD)
    (root / "plain_a.c").write_text(PLAIN_A)
    (root / "plain_b.c").write_text(PLAIN_B)
    extmod.make("modules", f"M={root}", build=PLAIN.build_dir)


PLAIN = keel.Variant("extmod-plain", extra=fill_plain)


@pytest.fixture(scope="module")
def guest(tmp_path_factory):
    keel.build_variant(VARIANT)
    machine = keel.boot(VARIANT.iso, tmp_path_factory.mktemp("extmod"))
    yield machine
    machine.close()


def test_modprobe_installed_module_with_dependencies(guest):
    out = run_ok(guest, "modprobe modb")
    assert "moda: loaded, scale(2) = 6" in out, out
    assert "modb: loaded, moda_scale(5) = 15, stack_a_add(1, 2) = 3" in out, out
    assert out.index("moda: loaded") < out.index("modb: loaded"), out
    assert out.index("test_stack_a: loaded") < out.index("modb: loaded"), out
    modules = lsmod(guest)
    assert modules["moda"][2] == "modb" and modules["test_stack_a"][2] == "modb", modules
    run_ok(guest, "modprobe -r modb")
    assert not {"moda", "modb", "test_stack_a"} & set(lsmod(guest))


def test_modprobe_from_a_plain_module_folder(tmp_path):
    keel.build_variant(PLAIN)
    machine = keel.boot(PLAIN.iso, tmp_path)
    try:
        out = run_ok(machine, "modprobe plain_b")
        assert "plain_b: loaded, plain_a_value() = 42" in out, out
        assert out.index("plain_a: loaded") < out.index("plain_b: loaded"), out
        run_ok(machine, "modprobe -r plain_b")
        assert not {"plain_a", "plain_b"} & set(lsmod(machine))
    finally:
        machine.close()
