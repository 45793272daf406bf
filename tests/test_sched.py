"""Kernel threads, locks and the FPU under the scheduler (issue 10), through the test modules
test_kthread, test_mutex, test_locking and test_fpu on one shared boot. Each test loads its
module and unloads it again, so the checks stay independent. Nothing here asserts on how long
something took, except the CPU share of a sleep, measured in the guest (ps's TSC times)."""

import re

import keel
from modtest import run_ok

MODDIR = "/lib/modules"
PS_LINE = re.compile(r"^\s*(\d+)\s+([RSDZIN])\s+\d+\s+(\d+)\.(\d{3})\s+(\d+)\s+(\d+)\s+(\S+)\s*$",
                     re.M)
# echo must answer even while a thread spins: generous, but far below a hang
PROMPT_ANSWER_TIMEOUT = 30


def ps(machine, text=None):
    """{pid: (state, cpu ms, name)} from ps output (run now unless text is given)."""
    text = machine.run("ps") if text is None else text
    return {int(m.group(1)): (m.group(2), int(m.group(3)) * 1000 + int(m.group(4)), m.group(7))
            for m in PS_LINE.finditer(text)}


def by_name(tasks, name):
    found = [(pid, state, ms) for pid, (state, ms, comm) in tasks.items() if comm == name]
    assert len(found) == 1, f"expected one task {name!r} in ps: {tasks}"
    return found[0]


def kthread_counters(machine):
    out = machine.run("test_kthread")
    match = re.search(r"test_kthread: sleeper=(\d+) spinner=(\d+)", out)
    assert match, out
    return int(match.group(1)), int(match.group(2))


def test_two_kthreads_count_while_shell_answers(shell):
    run_ok(shell, f"insmod {MODDIR}/test_kthread.ko")
    try:
        first = kthread_counters(shell)
        shell.run("sleep 0.1")
        for i in range(5):
            assert shell.run(f"echo answer-{i}", timeout=PROMPT_ANSWER_TIMEOUT).strip() \
                == f"answer-{i}"
        second = kthread_counters(shell)
        assert second[0] > first[0], f"the sleeping thread did not count: {first} {second}"
        assert second[1] > first[1], f"the spinning thread did not count: {first} {second}"

        tasks = ps(shell)
        _, sleeper_state, _ = by_name(tasks, "tkt_sleeper")
        _, spinner_state, spinner_ms = by_name(tasks, "tkt_spinner")
        assert sleeper_state in "RD", tasks  # msleep sleeps uninterruptibly
        assert spinner_state == "R", tasks
        assert spinner_ms > 0, f"a spinning thread has used no CPU time: {tasks}"
    finally:
        out = shell.run("rmmod test_kthread")
    assert "sleeper returned 11" in out and "spinner returned 22" in out, out
    names = {comm for _, _, comm in ps(shell).values()}
    assert not names & {"tkt_sleeper", "tkt_spinner"}, f"threads left after rmmod: {names}"


def test_kthread_stop_of_deaf_thread_times_out(shell):
    run_ok(shell, f"insmod {MODDIR}/test_kthread.ko")
    try:
        out = shell.run("test_kthread stuck", timeout=keel.CMD_TIMEOUT + 30)
    finally:
        shell.run("rmmod test_kthread")
    assert re.search(r"kthread_stop: tkt_stuck \(pid \d+\) did not exit within 5000 ms", out), out
    assert "first kthread_stop(tkt_stuck) returned -110" in out, out  # -ETIMEDOUT
    assert "second kthread_stop(tkt_stuck) returned 33" in out, out  # its own result
    assert "tkt_stuck" not in shell.run("ps")


def test_mutex_keeps_counter_exact(shell):
    run_ok(shell, f"insmod {MODDIR}/test_mutex.ko")
    try:
        out = shell.run("test_mutex counter", timeout=300)
        assert "test_mutex: mutex: counter 300000, expected 300000" in out, out
        # Without the lock updates are lost; shown for the reader, never asserted.
        out = shell.run("test_mutex nolock", timeout=300)
        assert "test_mutex: no lock: counter" in out, out
        assert not {"tmx_count0", "tmx_count1", "tmx_count2"} & {
            comm for _, _, comm in ps(shell).values()}
    finally:
        shell.run("rmmod test_mutex")


def test_mutex_misuse_is_reported(shell):
    run_ok(shell, f"insmod {MODDIR}/test_mutex.ko")
    try:
        out = shell.run("test_mutex recursive")
        assert re.search(r"BUG: recursive locking refused: init/1, mutex m held by init/1 "
                         r"since \[test_mutex\]", out), out
        assert "Call Trace:" in out and "[test_mutex] test_mutex_cmd" in out, out
        assert "recursive mutex_lock_interruptible returned -35, locked after unlock: 0" in out

        out = shell.run("test_mutex nonowner")
        assert re.search(r"BUG: mutex_unlock by a task that does not own it: init/1, "
                         r"mutex held_lock held by tmx_holder/\d+", out), out
        assert "after the foreign unlock the mutex is still held" in out, out
        assert "holder done, mutex free" in out, out
    finally:
        shell.run("rmmod test_mutex")


def test_semaphore_between_threads(shell):
    run_ok(shell, f"insmod {MODDIR}/test_mutex.ko")
    try:
        out = shell.run("test_mutex sem")
    finally:
        shell.run("rmmod test_mutex")
    assert "sem waiter passed before up: 0" in out, out
    assert "sem waiter passed after up: 1" in out, out
    assert "down_timeout on an empty semaphore returned -62" in out, out  # -ETIME
    assert "down_trylock with one unit 0, with none 1" in out, out


LOCKING_CASES = {  # case: (the report's first line, the function the trace must name)
    "spin_msleep": ("BUG: sleeping function called from invalid context", "spin_msleep"),
    "spin_mutex": ("BUG: sleeping function called from invalid context", "spin_mutex"),
    "irqs_off": ("BUG: sleeping function called from invalid context", "irqs_off"),
    "recursion": ("BUG: spinlock recursion on CPU#0, init/1", "recursion"),
}


def test_lock_misuse_reported_and_system_lives_on(shell):
    run_ok(shell, f"insmod {MODDIR}/test_locking.ko")
    try:
        for case, (report, function) in LOCKING_CASES.items():
            out = shell.run(f"test_locking {case}")
            assert report in out, f"{case}:\n{out}"
            trace = out.split("Call Trace:", 1)[-1]
            assert f"[test_locking] test_locking_{function}+0x" in trace, f"{case}:\n{out}"
            assert f"test_locking: {case} done, preempt count 0, irqs on" in out, out
            assert shell.run(f"echo after-{case}").strip() == f"after-{case}"
        assert "irqs_disabled(): 1" in shell.text  # the irqs_off case says why
    finally:
        shell.run("rmmod test_locking")


def test_sse_registers_survive_switches(shell):
    run_ok(shell, f"insmod {MODDIR}/test_fpu.ko")
    try:
        out = shell.run("test_fpu 400", timeout=300)
    finally:
        shell.run("rmmod test_fpu")
    for name in ("tfpu_sse0", "tfpu_sse1"):
        assert f"test_fpu: {name}: 400 rounds, 0 mismatches, FPU area allocated" in out, out
    assert "test_fpu: tfpu_plain2: 400 rounds, 0 mismatches, FPU area never allocated" in out


def test_sleep_leaves_cpu_to_idle(shell):
    """`sleep 2` costs under 5% of the CPU: between two ps readings around it, the idle
    task got at least 95% of all the CPU time handed out (the sum over every task, which is
    the elapsed time by the guest's TSC)."""
    out = shell.run("repeat 1 ps ; sleep 2 ; ps", timeout=120)
    tables = out.split("  PID S")
    assert len(tables) == 3, out
    before, after = ps(shell, tables[1]), ps(shell, tables[2])
    common = before.keys() & after.keys()
    assert 0 in common and 1 in common, out
    elapsed = sum(after[pid][1] - before[pid][1] for pid in common)
    idle = after[0][1] - before[0][1]
    assert elapsed >= 1900, f"ps says only {elapsed} ms passed over sleep 2:\n{out}"
    assert idle >= 0.95 * elapsed, f"idle got {idle} of {elapsed} ms:\n{out}"
