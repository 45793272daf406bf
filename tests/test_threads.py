"""Threads and futexes (issue 14, docs/user.md "Threads and futexes"): tests/user/threads.c
(musl's pthreads: create/join with exit values, a mutex under 8 threads, a condition
variable, thread-local storage, gettid, futex errors and timeouts, a process-directed signal
taken by the thread that does not block it, exit_group and a fatal signal ending every
thread, execve from a thread, robust mutexes and the kernel's robust list walk, the main thread
leaving first) compared with
the host; 200 thread create/join cycles leave `mem` at its baseline; ps lists threads."""

import test_user
from test_user import USER_BUILD, assert_no_leak, assert_no_oops, host_run, meminfo
from test_user import program_output

guest = test_user.guest
_user_holder = test_user._user_holder

THREADS_HOST = str(USER_BUILD / "threads")


def test_threads_same_output_as_host(guest):
    expected, code = host_run("threads", (THREADS_HOST,))
    assert code == 0
    out = guest.run("run /bin/threads /bin/threads", timeout=180)
    assert_no_oops(out)
    assert program_output(out) == expected


def test_no_leak_after_200_thread_cycles(guest):
    guest.run("run /bin/threads cycles 3")  # first-use allocations out of the way
    before = meminfo(guest)
    out = guest.run("run /bin/threads cycles 200", timeout=300)
    assert "200 of 200 threads created and joined" in out
    assert_no_oops(out)
    assert_no_leak(before, meminfo(guest))


def test_no_thread_left_in_ps(guest):
    out = guest.run("run /bin/threads cycles 1")
    assert "1 of 1 threads created and joined" in out
    # Every thread is gone with its process (one that just exited may still be on its way).
    assert any("threads" not in guest.run("ps") for _ in range(5))
