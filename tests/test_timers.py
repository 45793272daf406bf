"""Timers, kthreads and workqueues in modules, on one booted machine (the default ISO):
test_timer.ko's timer ticks at the requested rate, its kthread counts while the shell answers,
its works run (one queued from the timer callback, in IRQ context), wqtest's workqueue
semantics hold, rmmod of a well-behaved module is silent, the loader reclaims what a leaky one
left (timer, delayed work, thread) with warnings naming it, and a thread that ignores
kthread_stop is reported (module memory kept) instead of hanging the shell.

Rates are measured in the guest: ticks against the guest's ktime between the first and last
tick, over at least 2 s; the bound is 10% because QEMU's emulated PIT and TSC drift apart on a
busy host. Nothing here depends on how long the host took.
"""

import re

import pytest

MODDIR = "/lib/modules"
TIMERTEST = re.compile(r"^timertest: (.*)$", re.M)  # three lines of key=value figures
FIELDS = ("hz", "ticks", "elapsed_us", "rate_mhz", "thread_loops", "counted", "irq_queued",
          "irq_work_runs", "irq_work_atomic", "dwork_runs")


def timertest(machine):
    out = machine.run("timertest")
    pairs = re.findall(r"(\w+)=(\d+)", "\n".join(TIMERTEST.findall(out)))
    stats = {key: int(value) for key, value in pairs}
    assert set(FIELDS) <= set(stats), f"no complete timertest figures:\n{out}"
    return stats


def unload(machine, name):
    if re.search(rf"^{name}\s", machine.run("lsmod"), re.M):
        machine.run(f"rmmod {name}")


def ps_names(machine):
    return [line.split()[-1] for line in machine.run("ps").splitlines()[1:] if line.strip()]


def load_and_measure(machine, params, min_elapsed_us=2_000_000):
    unload(machine, "test_timer")
    out = machine.run(f"insmod {MODDIR}/test_timer.ko {params}")
    assert "test_timer: loaded" in out, out
    stats = timertest(machine)
    for _ in range(20):  # sleeps in the guest until >= 2 s of ticks were measured
        if stats["elapsed_us"] >= min_elapsed_us:
            break
        machine.run("sleep 1", timeout=120)
        stats = timertest(machine)
    assert stats["elapsed_us"] >= min_elapsed_us, stats
    return stats


@pytest.mark.parametrize("hz", [50, 200])
def test_timer_rate(shell, hz):
    stats = load_and_measure(shell, f"hz={hz}")
    rate = stats["rate_mhz"] / 1000
    assert abs(rate - hz) <= hz * 0.10, f"timer ran at {rate:.2f} Hz, asked for {hz}: {stats}"
    out = shell.run("rmmod test_timer")
    assert "test_timer: unloaded" in out
    assert "warn" not in out.lower() and "still" not in out, f"noisy rmmod:\n{out}"


def test_works_run_and_shell_responsive_while_thread_counts(shell):
    unload(shell, "test_timer")
    out = shell.run(f"insmod {MODDIR}/test_timer.ko hz=100 count_ms=400")
    assert "test_timer: loaded" in out
    assert "test_timer" in ps_names(shell)
    for i in range(10):  # the thread is CPU-bound most of the time: the shell still answers
        assert shell.run(f"echo ping{i}").strip() == f"ping{i}"
        shell.run("sleep 0.1")
    stats = timertest(shell)
    assert stats["counted"] > 0 and stats["thread_loops"] > 0, stats
    assert stats["irq_queued"] > 0 and stats["irq_work_runs"] > 0, stats
    assert stats["irq_work_atomic"] == 0, "the IRQ-queued work ran in atomic context"
    assert stats["dwork_runs"] > 0, stats
    out = shell.run("rmmod test_timer", timeout=120)
    assert "test_timer: unloaded" in out and "still" not in out, out
    assert "test_timer" not in ps_names(shell)


def test_workqueue_semantics(shell):
    unload(shell, "test_timer")
    shell.run(f"insmod {MODDIR}/test_timer.ko")
    out = shell.run("wqtest", timeout=120)
    assert re.search(r"wqtest: \d+ checks passed, 0 failed", out), out
    assert "wqtest" not in " ".join(ps_names(shell)), "wqtest's workers were not stopped"
    assert "kworker/0" in ps_names(shell)
    out = shell.run("rmmod test_timer")
    assert "still" not in out, out


def test_leaky_module_reclaimed(shell):
    unload(shell, "test_timer")
    shell.run(f"insmod {MODDIR}/test_timer.ko hz=100 leak=1")
    shell.run("sleep 0.3")
    assert timertest(shell)["ticks"] > 0
    out = shell.run("rmmod test_timer", timeout=120)
    assert "exit leaves its timer" in out
    assert re.search(r"test_timer: kernel thread test_timer \(pid \d+\) still running at "
                     r"unload; stopping it", out), out
    assert re.search(r"test_timer: work \[test_timer\] dwork_fn\+\S+ \(delayed\) was still "
                     r"pending at unload", out), out
    assert re.search(r"test_timer: timer \[test_timer\] tick_fn\+\S+ was still pending at "
                     r"unload; deleted it", out), out
    assert "module memory kept" not in out
    assert "test_timer" not in ps_names(shell)
    assert not re.search(r"^test_timer\s", shell.run("lsmod"), re.M)
    shell.run("sleep 0.2")  # the timer no longer fires: a tick into freed memory would oops
    assert "timertest: command not found" in shell.run("timertest")
    assert shell.run("echo still-here").strip() == "still-here"
    # loading it again works: nothing of the old instance is left registered
    shell.run(f"insmod {MODDIR}/test_timer.ko")
    assert "test_timer: unloaded" in shell.run("rmmod test_timer")


def test_stuck_thread_reported_not_hung(shell):
    out = shell.run(f"insmod {MODDIR}/test_stuck_thread.ko")
    assert "its thread ignores kthread_stop" in out
    out = shell.run("rmmod test_stuck_thread", timeout=180)
    assert re.search(r"kthread_stop: test_stuck \(pid \d+\) did not exit within \d+ ms", out), out
    assert re.search(r"rmmod: test_stuck_thread: thread test_stuck \(pid \d+\) still running; "
                     r"module memory kept", out), out
    assert shell.run("echo responsive").strip() == "responsive"
    assert re.search(r"^test_stuck_thread\s.*\[Unloading\]", shell.run("lsmod"), re.M)
    assert "test_stuck" in ps_names(shell)  # still running its (kept) code
    assert "is Unloading" in shell.run("rmmod test_stuck_thread")
    assert "failed" in shell.run("repeat 1 insmod /lib/modules/test_stuck_thread.ko")
