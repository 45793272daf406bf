/*
 * Tasks: allocation of task_struct and its guarded kernel stack, pids, the list of all tasks
 * (for ps), references, and freeing a dead task's stack once nothing runs on it any more.
 */
#include <keel/errno.h>
#include <keel/irqflags.h>
#include <keel/export.h>
#include <keel/layout.h>
#include <keel/printk.h>
#include <keel/ptrace.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "cpu/cpu.h"
#include "mm/mm.h"
#include "sched/sched.h"

/* The boot context, which becomes the idle task: pid 0, on the boot stack. */
struct task_struct init_task = {
	.__state = TASK_RUNNING,
	.flags = PF_KTHREAD | PF_IDLE,
	.pid = 0,
	.comm = "idle",
	.run_list = LIST_HEAD_INIT(init_task.run_list),
	.tasks = LIST_HEAD_INIT(init_task.tasks),
	.children = LIST_HEAD_INIT(init_task.children),
	.usage = 1,
	.group_leader = &init_task,
	.thread_group = LIST_HEAD_INIT(init_task.thread_group),
};

static LIST_HEAD(task_list);
static pid_t last_pid;

/* The first frame a new task's first switch pops (switch.S's order, lowest address first). */
struct fork_frame {
	unsigned long r15, r14, r13, r12, rbx, rbp;
	unsigned long ret_addr;
};

/* The first frame goes just below reserve bytes at the stack's top (a process keeps its
 * struct pt_regs there, as Linux's copy_thread does). */
static void task_prepare_stack(struct task_struct *t, void (*entry)(void *), void *arg,
			       size_t reserve)
{
	struct fork_frame *frame;

	frame = (struct fork_frame *)((char *)t->stack + t->stack_size - reserve) - 1;
	memset(frame, 0, sizeof(*frame));
	frame->rbx = (unsigned long)entry;
	frame->r12 = (unsigned long)arg;
	frame->ret_addr = (unsigned long)ret_from_kthread_asm;
	t->thread.sp = (unsigned long)frame;
}

/* A new task (state TASK_NEW, not queued) that will run entry(arg); NULL when out of memory. */
struct task_struct *task_alloc(const char *name, void (*entry)(void *), void *arg)
{
	struct task_struct *t = kzalloc(sizeof(*t), GFP_KERNEL);
	unsigned long flags;

	if (!t)
		return NULL;
	t->stack_size = KERNEL_STACK_SIZE;
	t->stack = kstack_alloc(t->stack_size);
	if (!t->stack) {
		kfree(t);
		return NULL;
	}
	t->__state = TASK_NEW;
	t->flags = PF_KTHREAD;
	t->saved_preempt_count = PREEMPT_OFFSET; /* as if it had called schedule() */
	t->usage = 2; /* the scheduler's, and the creator's */
	INIT_LIST_HEAD(&t->run_list);
	INIT_LIST_HEAD(&t->children);
	INIT_LIST_HEAD(&t->sibling);
	strlcpy(t->comm, name, sizeof(t->comm));
	rlimit_init_defaults(t->rlim); /* fork then copies the parent's */
	task_prepare_stack(t, entry, arg, 0);
	local_irq_save(flags);
	t->pid = ++last_pid;
	local_irq_restore(flags);
	t->tgid = t->pid; /* a group of one until clone(CLONE_THREAD) says otherwise */
	t->group_leader = t;
	INIT_LIST_HEAD(&t->thread_group);
	return t;
}

void task_reserve_pt_regs(struct task_struct *t, void (*entry)(void *), void *arg)
{
	task_prepare_stack(t, entry, arg, sizeof(struct pt_regs));
}

void task_list_add(struct task_struct *t)
{
	unsigned long flags;

	local_irq_save(flags);
	list_add_tail(&t->tasks, &task_list);
	local_irq_restore(flags);
}

void task_free_stack(struct task_struct *t)
{
	if (t == &init_task || !t->stack)
		return;
	kstack_free(t->stack, t->stack_size);
	t->stack = NULL;
}

void get_task_struct(struct task_struct *t)
{
	unsigned long flags;

	local_irq_save(flags);
	t->usage++;
	local_irq_restore(flags);
}

void put_task_struct(struct task_struct *t)
{
	unsigned long flags;
	bool last;

	if (t == &init_task)
		return;
	local_irq_save(flags);
	last = --t->usage == 0;
	if (last)
		list_del(&t->tasks);
	local_irq_restore(flags);
	if (!last)
		return;
	fpu_release(t);
	task_free_stack(t);
	kfree(t);
}

void for_each_task(void (*fn)(struct task_struct *t, void *ctx), void *ctx)
{
	struct task_struct *t;
	unsigned long flags;

	local_irq_save(flags);
	fn(&init_task, ctx);
	list_for_each_entry(t, &task_list, tasks)
		fn(t, ctx);
	local_irq_restore(flags);
}

struct task_struct *find_task_by_pid(pid_t pid)
{
	struct task_struct *t, *found = pid == 0 ? &init_task : NULL;
	unsigned long flags;

	local_irq_save(flags);
	list_for_each_entry(t, &task_list, tasks)
		if (t->pid == pid)
			found = t;
	local_irq_restore(flags);
	return found;
}

struct task_struct *task_stack_guard_owner(unsigned long addr)
{
	struct task_struct *t;

	/* Called from the oops path: no lock, the list is only read. */
	list_for_each_entry(t, &task_list, tasks) {
		unsigned long lo = (unsigned long)t->stack;

		if (lo && addr >= lo - PAGE_SIZE && addr < lo)
			return t;
	}
	return NULL;
}

void do_exit(long code)
{
	struct task_struct *t = current;

	if (t->flags & PF_IDLE)
		panic("the idle task tried to exit");
	local_irq_disable();
	if (preempt_count() != 0) {
		pr_err("BUG: %s (pid %d) exited with preempt count 0x%x (a lock still held?)\n",
		       t->comm, t->pid, preempt_count());
		__preempt_count = 0;
	}
	t->exit_code = (int)code;
	t->flags |= PF_EXITING;
	t->__state = TASK_DEAD;
	kthread_exit_notify(t);
	schedule();
	panic("a dead task was scheduled again");
}
EXPORT_SYMBOL(do_exit);
