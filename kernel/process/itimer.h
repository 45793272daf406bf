/* Interval timers (itimer.c, Linux's kernel/time/itimer.c): the hooks signal delivery, exec
 * and exit call for a process's ITIMER_REAL. See docs/process.md, "Interval timers". */
#ifndef KEEL_PROCESS_ITIMER_H
#define KEEL_PROCESS_ITIMER_H

#include <keel/sched.h>

/* current took sig off its pending set (to handle it or in rt_sigtimedwait): a SIGALRM
 * arms a periodic ITIMER_REAL for its next interval, on the grid of its first deadline.
 * Any context of current. Linux's dequeue_signal part for SIGALRM. */
void itimer_signal_dequeued(int sig);

/* execve in a thread that was not the leader: to, the new leader, takes over from's timer.
 * Interrupts off (tasklist_lock held). */
void itimer_move(struct task_struct *from, struct task_struct *to);

/* The process of leader is over (its last thread exits): its timer is cancelled, its
 * callback not running when this returns, and freed. Task context. Linux's exit_itimers. */
void exit_itimers(struct task_struct *leader);

#endif
