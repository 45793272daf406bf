"""Host-only checks of out-of-tree module builds (make modules M=), as a Linux module author
would write them: a Linux-style Makefile with a multi-file module and ccflags-y (built from the
Keel tree and through the Makefile's own `make -C $(KDIR) M=$(CURDIR)`), two folders linked
through KBUILD_EXTRA_SYMBOLS, intermediates kept out of the source folder, a missing folder,
<linux/module.h> and host headers refused, modules_install's layout, broken test modules
built quietly and kept out of the default /lib/modules.
Run: /usr/bin/python3 -m pytest tests/test_modules_build.py"""
import os
import shutil
import sys

import pytest

import extmod
import keel

sys.path.insert(0, str(keel.ROOT / "tools"))
import elfsections  # noqa: E402

BROKEN = ("test_badcrc", "test_gpl_user", "test_gpl_trick", "test_dupexport")


@pytest.fixture(scope="module")
def intree():
    return extmod.make("modules")


def modinfo(ko):
    return dict(elfsections.modinfo(str(ko)))


def test_linux_makefile_multi_file_module(intree, tmp_path):
    a, _ = extmod.write_sources(tmp_path)
    extmod.make("modules", f"M={a}")
    assert sorted(os.listdir(a)) == ["Makefile", "Module.symvers", "moda.ko", "moda_main.c",
                                     "moda_util.c"], "intermediates beside the sources"
    assert "\tmoda_scale\tmoda\tEXPORT_SYMBOL\t" in (a / "Module.symvers").read_text()
    assert modinfo(a / "moda.ko")["name"] == "moda"
    objdirs = list((keel.ROOT / "build" / "extmod").glob("oot_a-*/moda"))
    assert objdirs and {"moda_main.o", "moda_util.o"} <= set(os.listdir(objdirs[0]))
    extmod.make("modules_clean", f"M={a}")
    assert not (a / "moda.ko").exists()


def test_makefile_own_kdir_invocation(intree, tmp_path):
    """`make -C <dir> KDIR=<keel>`: the Makefile's else branch calls back into the tree."""
    a, _ = extmod.write_sources(tmp_path)
    proc = extmod.make("-C", str(a), f"KDIR={keel.ROOT}")
    assert (a / "moda.ko").exists(), proc.stdout


def test_extra_symbols_link_two_folders(intree, tmp_path):
    a, b = extmod.write_sources(tmp_path)
    extmod.make("modules", f"M={a}")
    proc = extmod.make("modules", f"M={b}", check=False)
    assert proc.returncode != 0 and '"moda_scale" [modb.ko] undefined!' in proc.stdout
    extmod.make("modules", f"M={b}", f"KBUILD_EXTRA_SYMBOLS={a}/Module.symvers")
    assert modinfo(b / "modb.ko")["depends"] == "moda,test_stack_a"


def test_missing_folder_fails_loudly(tmp_path):
    proc = extmod.make("modules", f"M={tmp_path}/nowhere", check=False)
    assert proc.returncode != 0
    assert f"M={tmp_path}/nowhere: no such directory" in proc.stdout, proc.stdout
    proc = extmod.make("modules", f"M={tmp_path}", "KBUILD_EXTRA_SYMBOLS=/nonexistent/x",
                       check=False)
    assert proc.returncode != 0 and "KBUILD_EXTRA_SYMBOLS: /nonexistent/x: no such file" in \
        proc.stdout


@pytest.mark.parametrize("header, message", [
    ("linux/module.h", "<linux/module.h> is a Linux header: Keel modules include "
                       "<keel/module.h> instead"),
    ("stdio.h", "stdio.h: No such file or directory"),
])
def test_foreign_headers_refused(intree, tmp_path, header, message):
    (tmp_path / "foreign.c").write_text(f"#include <{header}>\n")
    proc = extmod.make("modules", f"M={tmp_path}", check=False)
    assert proc.returncode != 0 and message in proc.stdout, proc.stdout


def test_modules_install_layout(intree, tmp_path):
    install = tmp_path / "root"
    extmod.build_and_install(tmp_path / "src", install)
    lib = install / "lib" / "modules" / keel_version()
    assert sorted(os.listdir(lib / "extra")) == ["moda.ko", "modb.ko"]
    dep = dict(line.split(":", 1) for line in (lib / "modules.dep").read_text().splitlines())
    assert dep["extra/moda.ko"] == "" and \
        sorted(dep["extra/modb.ko"].split()) == ["extra/moda.ko", "test_stack_a.ko"], dep
    assert (lib / "modules.alias").exists()
    proc = extmod.make("modules_install", f"M={tmp_path / 'src' / 'oot_a'}", check=False)
    assert proc.returncode != 0 and "set INSTALL_MOD_PATH=" in proc.stdout


def test_broken_modules_quiet_and_not_installed():
    """A fresh build (its own BUILD, so that modpost runs) prints no modpost warning."""
    build = keel.ROOT / "build" / "test" / "modbuild"
    shutil.rmtree(build, ignore_errors=True)
    proc = extmod.make("modules", "-j2", build=build)
    assert "MODPOST" in proc.stdout and "modpost: warning" not in proc.stdout, proc.stdout
    staged = os.listdir(build / "modules-staging")
    dep = (build / "modules-staging" / "modules.dep").read_text()
    for name in BROKEN:
        assert f"{name}.ko" not in staged and name not in dep
        assert (build / "modules-test" / "lib" / "modules" / keel_version() / "extra"
                / f"{name}.ko").exists()


def keel_version():
    text = (keel.ROOT / "kernel" / "init" / "version.h").read_text()
    return text.split('#define KEEL_VERSION "', 1)[1].split('"', 1)[0]
