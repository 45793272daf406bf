"""`make modules_install M=... INSTALL_MOD_PATH=dir` then `make INITRD_EXTRA=dir`: in the
booted guest, `modprobe modb` loads its dependencies first, from both module folders: moda (the
other out-of-tree folder, /extra/lib/modules/<version>/extra) and test_stack_a (the kernel's
/lib/modules); `modprobe -r` takes them all back."""
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
