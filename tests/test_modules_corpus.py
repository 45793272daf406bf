"""Modules the loader must refuse or run correctly, on a machine of their own: the broken-module
corpus of tools/mkbadko.py (each refused with its own message, nothing leaked, the kernel fine)
and test_codegen built out of tree at -O0/-O2/-Os with GCC and with clang."""

import re

import pytest

import modtest
from modtest import lsmod, mem, run_fails, run_ok, unload_all

def test_broken_module_corpus(kmod):
    corpus = modtest.bad_corpus_manifest()
    assert len(corpus) > 40, "corpus unexpectedly small"
    unload_all(kmod)
    run_ok(kmod, "insmod /lib/modules/hello.ko ; rmmod hello")
    run_fails(kmod, "insmod /extra/bad/" + corpus[0][0])  # warm-up of the error path
    before = mem(kmod)
    wrong = []
    for name, expected in corpus:
        out = kmod.run(f"repeat 1 insmod /extra/bad/{name}")
        if expected not in out or "repeat: iteration 1 of 1 failed" not in out:
            wrong.append(f"{name}: expected {expected!r}, got {out.strip()!r}")
    assert not wrong, "\n".join(wrong)
    assert lsmod(kmod) == {}
    assert mem(kmod) == before, "refused modules leaked memory"
    assert "hello: loaded" in run_ok(kmod, "insmod /lib/modules/hello.ko ; rmmod hello")

@pytest.mark.parametrize("variant", list(modtest.CODEGEN_VARIANTS))
def test_codegen_variant(kmod, variant):
    unload_all(kmod)
    out = run_ok(kmod, f"insmod /extra/codegen/test_codegen-{variant}.ko")
    match = re.search(r"test_codegen: all (\d+) checks passed", out)
    assert match, out
    assert int(match.group(1)) >= 15
    assert "test_codegen: unloaded" in run_ok(kmod, "rmmod test_codegen")
