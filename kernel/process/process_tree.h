/* Internal interfaces of kernel/process/ for the process tree: the lock over parent/children
 * links, the count of processes, the queue wait4 sleeps on, and the signal hooks. */
#ifndef KEEL_PROCESS_TREE_H
#define KEEL_PROCESS_TREE_H

#include <keel/process.h>
#include <keel/spinlock.h>
#include <keel/wait.h>

/* Guards every task's parent, children, sibling, exit_state, pgrp and session; taken with
 * interrupts off (Linux's tasklist_lock). */
extern spinlock_t tasklist_lock;
/* Processes that exist, zombies included (fork's -EAGAIN at PID_MAX_PROCESSES). */
extern unsigned int nr_processes;
/* Woken at every process exit; do_wait sleeps on it (Linux's wait_chldexit). */
extern wait_queue_head_t child_exit_wq;

/* pgrp.c: the process with this pid, zombies included, or NULL (kernel threads and reaped
 * processes are not found). */
struct task_struct *find_process(pid_t pid);

/* fork.c: makes p (a new task) a child of the current task in its process group and
 * session, and counts it. 0 or -EAGAIN (too many processes). */
int attach_child(struct task_struct *p);

/* signal.c: fork copies the current process's signal actions to p (0 or -ENOMEM), exec
 * resets the handled ones to SIG_DFL, exit frees them. */
int copy_sighand(struct task_struct *p);
void flush_signal_handlers(struct task_struct *t);
void exit_sighand(struct task_struct *t);
/* signal.c: the current process's sighand, made on first use (all SIG_DFL); NULL when out of
 * memory. Task context. */
struct sighand_struct *sighand_get(void);
/* signal.c: sends sig to t recording who sent it (code SI_USER, SI_TKILL or CLD_*, the
 * sender's pid and for SIGCHLD the status) for the handler's siginfo. Any context. */
int send_sig_info(int sig, struct task_struct *t, int code, pid_t pid, int status);

#endif
