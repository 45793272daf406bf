"""Loadable modules on one booted machine: hello and lsmod/modinfo, stacking and modprobe,
the loader's refusals, failing init rollback, parameters, and memory after many load cycles.

The machine boots the "modules" variant (tests/modtest.py): /etc/modules loads hello, the
command line sets test_params.ival/sval. Each test starts by unloading what an earlier one left.
"""

import re

import modtest
from modtest import lsmod, mem, run_fails, run_ok, unload_all

MODDIR = "/lib/modules"
DUPEXPORT = modtest.broken_module_path("test_dupexport")

def test_etc_modules_loads_hello_at_boot(kmod):
    boot = kmod.boot_text
    assert "modules: loaded hello (from /etc/modules)" in boot, "no /etc/modules report at boot"
    assert "hello: loaded (who=world, count=1)" in boot
    assert "hello" in lsmod(kmod) or "hello: unloaded" in kmod.text

def test_hello_lsmod_modinfo(kmod):
    unload_all(kmod)
    assert lsmod(kmod) == {}, "modules left loaded"
    out = run_ok(kmod, f"insmod {MODDIR}/hello.ko who=Keel count=2")
    assert "hello: loaded (who=Keel, count=2)" in out
    modules = lsmod(kmod)
    assert "hello" in modules and modules["hello"][0] > 0 and modules["hello"][1] == 0
    info = kmod.run("modinfo hello")
    for key in ("license", "author", "description", "version", "vermagic", "name"):
        assert re.search(rf"^{key}:\s+\S", info, re.M), f"modinfo: no {key}: line\n{info}"
    assert re.search(r"^vermagic:\s+" + re.escape(modtest.kernel_version()) + " ", info, re.M)
    assert re.search(r"^parm:\s+who:.*\(charp\)$", info, re.M), info
    assert re.search(r"^parm:\s+count:.*\(int\)$", info, re.M), info
    from_file = kmod.run(f"modinfo {MODDIR}/hello.ko")
    assert f"filename:       {MODDIR}/hello.ko" in from_file and "license:        GPL" in from_file
    assert "hello: unloaded" in run_ok(kmod, "rmmod hello")
    assert "hello" not in lsmod(kmod)
    assert "no such module loaded" in run_fails(kmod, "rmmod hello")

def test_stacking_and_modprobe(kmod):
    unload_all(kmod)
    out = run_ok(kmod, "modprobe test_stack_b")
    assert out.index("test_stack_a: loaded") < out.index("test_stack_b:"), out
    assert "stack_a_add(40, 2) = 42, stack_a_secret() = 4242" in out
    modules = lsmod(kmod)
    assert modules["test_stack_a"][1:] == (1, "test_stack_b"), modules
    assert modules["test_stack_b"][1] == 0
    out = run_fails(kmod, "rmmod test_stack_a")
    assert "test_stack_a is in use by: test_stack_b" in out
    assert "depends:        test_stack_a" in kmod.run("modinfo test_stack_b")
    out = run_ok(kmod, "modprobe -r test_stack_b")
    assert "test_stack_b: unloaded" in out and "test_stack_a: unloaded" in out
    assert lsmod(kmod) == {}

def test_refused_modules(kmod):
    unload_all(kmod)
    for name in ("test_gpl_user", "test_gpl_trick"):
        out = run_fails(kmod, f"modprobe {name}")
        assert (f"{name}: module is not GPL-compatible but uses GPL-only symbol stack_a_secret"
                in out), out
        assert "must never print" not in out
    out = run_fails(kmod, "modprobe test_badcrc")
    assert "test_badcrc: disagrees about version of symbol stack_a_add" in out
    # modprobe took back the test_stack_a it loaded; nothing tainted the kernel.
    assert lsmod(kmod) == {}
    assert "Kernel tainted" not in kmod.run("lsmod")

    out = run_fails(kmod, "insmod /extra/hello-badvermagic.ko")
    bad = modtest.BAD_VERSION
    assert re.search(rf"hello: version magic '{bad} [^']*' should be "
                     rf"'{re.escape(modtest.kernel_version())} ", out), out
    out = run_fails(kmod, f"insmod {MODDIR}/hello.ko count=1 count")
    assert "invalid value" in out or "needs a value" in out

    run_ok(kmod, "modprobe test_stack_a")
    out = run_fails(kmod, f"insmod {DUPEXPORT}")
    assert "test_dupexport: exports duplicate symbol stack_a_add (owned by test_stack_a)" in out
    assert set(lsmod(kmod)) == {"test_stack_a"}
    run_ok(kmod, "rmmod test_stack_a")
    assert "test_dupexport: loaded" in run_ok(kmod, f"insmod {DUPEXPORT}")
    run_ok(kmod, "rmmod test_dupexport")
    out = run_fails(kmod, f"insmod {MODDIR}/test_stack_b.ko")
    assert "unknown symbols:" in out and "stack_a_add" in out
    assert lsmod(kmod) == {}

def test_failing_init_is_rolled_back(kmod):
    unload_all(kmod)
    # Warm-up: whatever the module code allocates once for good (tables, buckets).
    run_ok(kmod, "modprobe test_stack_b ; modprobe -r test_stack_b")
    run_fails(kmod, f"insmod {MODDIR}/test_initfail_user.ko")
    before = mem(kmod)

    run_ok(kmod, "modprobe test_stack_a")
    out = run_fails(kmod, f"insmod {MODDIR}/test_initfail.ko")
    assert "test_initfail: set up (stack_a_add -> 8), now failing with -ENODEV" in out
    assert "test_initfail: init failed: ENODEV (-19)" in out
    assert re.search(r"test_initfail: IRQ 5 handler \"test_initfail\" was still registered", out)
    assert "test_initfail: 1 shell command(s) were still registered; removed" in out
    modules = lsmod(kmod)
    assert set(modules) == {"test_stack_a"} and modules["test_stack_a"][1:] == (0, ""), modules
    assert "command not found" in kmod.run("initfail")
    out = run_fails(kmod, f"insmod {MODDIR}/test_initfail_user.ko")
    assert "unknown symbols: initfail_symbol" in out
    run_ok(kmod, "rmmod test_stack_a")
    assert mem(kmod) == before, "memory leaked by a failing init"

def test_parameters(kmod):
    unload_all(kmod)
    out = run_ok(kmod, f'insmod {MODDIR}/test_params.ko bval ival=-5 uval=0x10 lval=-9000000000 '
                       f'ulval=18446744073709551615 sval="two words" arr=1,2,3')
    assert ("test_params: bval=1 ival=-5 uval=16 lval=-9000000000 ulval=18446744073709551615 "
            "sval=two words arr=[1,2,3] arr_count=3") in out, out
    run_ok(kmod, "rmmod test_params")

    for args, message in (("ival=abc", "invalid value 'abc' for parameter 'ival'"),
                          ("uval=-1", "invalid value '-1' for parameter 'uval'"),
                          ("ival=4294967296", "for parameter 'ival'"),
                          ("bval=maybe", "for parameter 'bval'"),
                          ("arr=1,2,3,4,5", "parameter 'arr' takes at most 4 values"),
                          ("arr=1,x", "for parameter 'arr'")):
        out = run_fails(kmod, f"insmod {MODDIR}/test_params.ko {args}")
        assert "test_params: " in out and message in out, f"{args}: {out}"
    assert "test_params" not in lsmod(kmod)

    out = run_ok(kmod, f"insmod {MODDIR}/test_params.ko no_such_param=1 bval=n")
    assert "test_params: unknown parameter 'no_such_param' ignored" in out
    run_ok(kmod, "rmmod test_params")

    # The kernel command line's test_params.ival/sval apply to modprobe and insmod alike;
    # insmod's own arguments win.
    out = run_ok(kmod, "modprobe test_params")
    assert (f"ival={modtest.CMDLINE_IVAL} " in out
            and f"sval={modtest.CMDLINE_SVAL} " in out), out
    run_ok(kmod, "rmmod test_params")
    out = run_ok(kmod, f"insmod {MODDIR}/test_params.ko ival=8")
    assert "ival=8 " in out and f"sval={modtest.CMDLINE_SVAL} " in out, out
    run_ok(kmod, "rmmod test_params")

def test_codegen_in_tree(kmod):
    unload_all(kmod)
    out = run_ok(kmod, f"insmod {MODDIR}/test_codegen.ko")
    assert re.search(r"test_codegen: all \d+ checks passed", out), out
    run_ok(kmod, "rmmod test_codegen")

def test_load_cycles_leave_memory_unchanged(kmod):
    unload_all(kmod)
    run_ok(kmod, "modprobe test_stack_b ; modprobe -r test_stack_b")
    before = mem(kmod)
    out = kmod.run(f"repeat -q 1000 insmod {MODDIR}/hello.ko ; rmmod hello", timeout=600)
    assert "repeat: 1000 iterations done" in out, out
    out = kmod.run("repeat -q 200 modprobe test_stack_b ; modprobe -r test_stack_b",
                   timeout=600)
    assert "repeat: 200 iterations done" in out, out
    out = kmod.run(f"repeat -q 200 insmod {MODDIR}/test_codegen.ko ; rmmod test_codegen",
                   timeout=600)
    assert "repeat: 200 iterations done" in out, out
    assert lsmod(kmod) == {}
    assert mem(kmod) == before, "load/unload cycles leaked memory"

def test_repeat_builtin(kmod):
    """The tests lean on `repeat` for exit statuses and load cycles: check it first-hand."""
    out = kmod.run('repeat 2 echo a  b; echo "x  y" ; echo "q\\"uote" z;')
    assert out.splitlines() == ["a b", "x  y", 'q"uote z', "a b", "x  y", 'q"uote z',
                                "repeat: 2 iterations done"], out
    out = kmod.run("repeat 3 echo hi ; no-such-command")
    assert out.count("hi\n") == 1 and "repeat: iteration 1 of 3 failed: no-such-command" in out
    assert "repeat: 0 iterations done" in kmod.run("repeat 0 no-such-command")
    assert "usage: repeat" in kmod.run("repeat")
    assert "usage: repeat" in kmod.run("repeat many echo x")
    out = kmod.run("repeat 2 repeat 2 echo nested")
    assert out.count("nested\n") == 4 and out.count("repeat: 2 iterations done") == 3, out
