/* Internal interfaces of kernel/process/ for thread groups (thread.c) and futexes (futex.c):
 * the state the threads of one process share, and the hooks fork, exit, exec and the signal
 * code call. See docs/user.md, "Threads and futexes". */
#ifndef KEEL_PROCESS_THREAD_H
#define KEEL_PROCESS_THREAD_H

#include <keel/list.h>
#include <keel/sched.h>

/* What the threads of a process share beyond mm, files, fs and sighand (Linux's
 * signal_struct, reduced). Made when a process first creates a thread; freed by the last
 * thread to exit. Changed with interrupts off (signals are sent from IRQs). */
struct signal_struct {
	struct list_head thread_head; /* the live threads, on task->thread_group */
	int live;                     /* threads that have not exited */
	bool group_exit;              /* exit_group or a fatal signal: every thread dies */
	int group_exit_code;          /* the process's wait status then */
	struct task_struct *group_exec_task; /* an execve killing the other threads */
	/* Process-directed signals every thread blocked when they came: the first thread to
	 * unblock one takes it (Linux's shared_pending). */
	unsigned long shared_pending;
};

/* clone(CLONE_THREAD): p joins the current thread group, sharing mm, files, fs and sighand.
 * 0, -ENOMEM or -EAGAIN (PID_MAX_PROCESSES tasks). Task context. Linux's copy_process
 * parts for CLONE_THREAD. */
int copy_thread_group(struct task_struct *p);
/* Undoes copy_thread_group for a thread that never ran. */
void abort_thread_group(struct task_struct *p);

/*
 * Takes the exiting current thread t out of its group. Returns the group leader when t was
 * the last live thread (the process is over: the caller frees the shared state and tells the
 * parent, *status the process's wait status), or NULL when other threads live on (t's
 * pointers to the shared files, fs and sighand are dropped; its mm is still the caller's to
 * put). Task context.
 */
struct task_struct *thread_group_leave(struct task_struct *t, int *status);
/* A thread that is not the leader lets itself go at exit: nobody waits for it. */
void thread_release(struct task_struct *t);

/* exit_group or a fatal signal in current: every other thread gets SIGKILL. Returns the
 * wait status the process ends with (the first group exit's). Linux's do_group_exit. */
int zap_thread_group(int status);

/* execve in a thread group: the other threads are killed and waited for; a non-leader takes
 * over the leader's pid, parent and children. Task context; sleeps. Linux's de_thread. */
void de_thread(void);

/* The thread of process p that takes a process-directed signal sig: one that does not
 * block it, else the leader or any live thread. Interrupts off. Linux's complete_signal. */
struct task_struct *signal_target(struct task_struct *p, int sig);

/* A process-directed sig to p that every live thread of its group blocks: kept in the
 * group's shared_pending (true) rather than on one thread. Interrupts off. */
bool queue_shared_signal(struct task_struct *p, int sig);
/* After current's blocked mask changed: the shared signals it no longer blocks become its
 * own pending ones. Any context of current. Linux's recalc_sigpending + shared queue. */
void take_shared_signals(void);
/* The group's shared pending set of t (0 without a group). */
unsigned long shared_signals(struct task_struct *t);

/* Copies pgrp, session and parent from t's leader to every thread of its group (setpgid,
 * setsid, reparenting to init). tasklist_lock held or interrupts off. */
void thread_group_sync_ids(struct task_struct *leader);

/* Exit of current with a user address space: CLONE_CHILD_CLEARTID's 0 and futex wake-up,
 * then the robust futex list (owner-died). Linux's mm_release + exit_robust_list. */
void exit_thread_user_state(struct task_struct *t);

/* futex.c: wakes up to nr waiters on uaddr in mm (any bitset). Returns the number woken. */
int futex_wake_addr(struct mm_struct *mm, unsigned long uaddr, int nr);

long sys_gettid(void);
long sys_set_robust_list(unsigned long head, unsigned long len);
long sys_get_robust_list(unsigned long pid, unsigned long head_ptr, unsigned long len_ptr);
long sys_futex(unsigned long uaddr, unsigned long op, unsigned long val, unsigned long utime,
	       unsigned long uaddr2, unsigned long val3);

#endif
