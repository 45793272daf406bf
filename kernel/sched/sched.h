/* Internal interfaces between the pieces of kernel/sched/ and the code that starts it. */
#ifndef KEEL_SCHED_SCHED_H
#define KEEL_SCHED_SCHED_H

#include <keel/sched.h>

/* Makes the boot context the idle task (pid 0), sets up FPU switching. Interrupts off. */
void sched_init(void);
/* The boot context's last act: becomes the idle loop for good. */
void __noreturn cpu_startup_entry(void);
/* The timer tick: CPU time, round-robin time slices. Hard IRQ context. */
void scheduler_tick(void);
/* Called on the way out of an interrupt handler, interrupts off: switches when a reschedule
 * is due and the interrupted code may be preempted. */
void preempt_schedule_irq(void);
/* Marks the start and end of hard interrupt handling in the preempt count. */
static inline void irq_enter(void) { preempt_count_add(HARDIRQ_OFFSET); }
static inline void irq_exit(void) { preempt_count_sub(HARDIRQ_OFFSET); }

/* task.c */
struct task_struct *task_alloc(const char *name, void (*entry)(void *), void *arg);
void task_free_stack(struct task_struct *t);
/* Redoes a TASK_NEW task's first frame below a struct pt_regs at its stack's top: a process's
 * user registers live there (current_pt_regs()). */
void task_reserve_pt_regs(struct task_struct *t, void (*entry)(void *), void *arg);
void task_list_add(struct task_struct *t);
/* Calls fn for every task with interrupts off; for ps. */
void for_each_task(void (*fn)(struct task_struct *t, void *ctx), void *ctx);
extern struct task_struct init_task;
/* If addr lies in the guard page below some task's stack, that task; else NULL. */
struct task_struct *task_stack_guard_owner(unsigned long addr);

/* debug.c: t's state as ps and /proc/PID/stat show it: R running, S sleeping, D
 * uninterruptible, Z exited (a zombie), I the idle task, N never started. Any context. */
char task_state_char(const struct task_struct *t);

/* core.c: queues a runnable task (interrupts off). */
void activate_task(struct task_struct *t);

/* switch.S: saves prev's callee-saved registers and stack pointer, loads next's; returns
 * (in the resumed task) the task that was switched away from. */
struct task_struct *__switch_to_asm(struct task_struct *prev, struct task_struct *next);
void ret_from_kthread_asm(void);
/* Called first by every new task, with the task it was switched from. */
void schedule_tail(struct task_struct *prev);

/* fpu.c */
void fpu_init(void);
void fpu_switch(struct task_struct *prev, struct task_struct *next);
void fpu_release(struct task_struct *t);
/* fork: dst (new, never run) gets a copy of src's FPU/SSE state, if src has one. 0 or
 * -ENOMEM. Task context (src is current). */
int fpu_copy(struct task_struct *dst, struct task_struct *src);
/* Signal frames: t's FPU/SSE state as a 512-byte FXSAVE image into buf (false: t never used
 * the FPU, nothing written), and back from one (MXCSR's reserved bits cleared so FXRSTOR
 * cannot fault; 0 or -ENOMEM). t is current. Task context. */
bool fpu_get_state(struct task_struct *t, void *buf);
int fpu_set_state(struct task_struct *t, const void *buf);

/* kthread.c: do_exit's last word for a kernel thread (wakes kthread_stop). IRQs off. */
void kthread_exit_notify(struct task_struct *t);
/* kthread.c: stops/reaps every kernel thread whose function lies in [start, end); returns
 * how many could not be stopped (the range must then stay mapped). */
unsigned int kthread_release_range(unsigned long start, unsigned long end, const char *owner);

/* debug.c: the oops's task line and stack overflow check. */
void sched_debug_init(void);
/* hung_task.c: starts khungtaskd (task context). */
void hung_task_init(void);
/* The ps command. */
void sched_register_commands(void);

#endif
