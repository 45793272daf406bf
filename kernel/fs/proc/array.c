/*
 * The text files of /proc/PID/ (Linux's fs/proc/array.c and task_mmu.c): stat, status, statm,
 * cmdline, environ, comm and maps, in Linux's formats so that busybox's ps, top and pidof
 * parse them. Fields Keel does not keep (faults, nice, start time...) are 0.
 *
 * Each show function runs with preemption off (base.c), so the task, its address space and
 * its VMAs cannot change or go away under it; it only copies into the seq_file buffer.
 */
#include <keel/minmax.h>
#include <keel/mm_user.h>
#include <keel/process.h>
#include <keel/string.h>
#include "fs/proc/internal.h"
#include "process/signal_types.h"
#include "sched/sched.h"

#define USER_HZ 100 /* clock ticks of stat's times (AT_CLKTCK) */
#define PAGE_KB (PAGE_SIZE / 1024)

/* The process's parent, as getppid(2) sees it from any of its threads. */
static pid_t task_ppid(const struct task_struct *t)
{
	const struct task_struct *parent = t->group_leader->parent;

	return parent ? parent->tgid : 0;
}

struct thread_count {
	pid_t tgid;
	int n;
};

static void count_thread(struct task_struct *t, void *ctx)
{
	struct thread_count *c = ctx;

	if (t->tgid == c->tgid && !t->exit_state)
		c->n++;
}

/* The live threads of t's process (status's Threads, stat's num_threads). */
static int task_nr_threads(const struct task_struct *t)
{
	struct thread_count c = { .tgid = t->tgid };

	for_each_task(count_thread, &c);
	return c.n ? c.n : 1; /* a zombie still counts as its one thread */
}

static unsigned long task_vsize(struct mm_struct *mm)
{
	struct vm_area_struct *vma;
	unsigned long bytes = 0;

	if (mm)
		list_for_each_entry(vma, &mm->mmap, vm_list)
			bytes += vma->vm_end - vma->vm_start;
	return bytes;
}

static unsigned long long task_ticks(const struct task_struct *t)
{
	return t->sum_exec_runtime / (1000000000ULL / USER_HZ);
}

/* The signals p handles (want SIG_DFL false) or ignores explicitly (SigCgt, SigIgn). */
static unsigned long sig_set_of(struct task_struct *p, unsigned long want)
{
	struct sighand_struct *sh = p->sighand;
	unsigned long set = 0;

	for (int sig = 1; sh && sig <= _NSIG; sig++) {
		unsigned long h = sh->action[sig - 1].handler;

		if (want == SIG_IGN ? h == SIG_IGN : (h != SIG_IGN && h != SIG_DFL))
			set |= sigmask(sig);
	}
	return set;
}

/* "pid (comm) S ppid pgrp session tty tpgid flags ...": Linux's 52 fields in its order. */
int proc_pid_stat(struct seq_file *m, struct task_struct *t)
{
	struct mm_struct *mm = t->mm;
	unsigned long long ticks = task_ticks(t);

	seq_printf(m, "%d (%s) %c %d %d %d 0 -1 %u 0 0 0 0 %llu 0 0 0 20 0 %d 0 0 %lu %lu ",
		   t->pid, t->comm, task_state_char(t), task_ppid(t), t->pgrp, t->session,
		   t->flags, ticks, task_nr_threads(t), task_vsize(mm), mm ? mm->nr_pages : 0);
	seq_printf(m, "18446744073709551615 0 0 %lu 0 0 %lu %lu %lu %lu 0 0 0 %d 0 0 0 0 0 0 0 0 ",
		   mm ? mm->start_stack : 0, t->sigpending, t->blocked, sig_set_of(t, SIG_IGN),
		   sig_set_of(t, SIG_DFL), t->exit_signal);
	seq_printf(m, "%lu %lu %lu %lu %lu %d\n", mm ? mm->start_brk : 0,
		   mm ? mm->arg_start : 0, mm ? mm->arg_end : 0, mm ? mm->env_start : 0,
		   mm ? mm->env_end : 0, t->exit_state ? t->exit_code : 0);
	return 0;
}

/* "size resident shared text lib data dt" in pages. */
int proc_pid_statm(struct seq_file *m, struct task_struct *t)
{
	struct mm_struct *mm = t->mm;

	seq_printf(m, "%lu %lu 0 0 0 0 0\n", task_vsize(mm) / PAGE_SIZE, mm ? mm->nr_pages : 0);
	return 0;
}

static const char *state_name(char state)
{
	switch (state) {
	case 'R': return "R (running)";
	case 'D': return "D (disk sleep)";
	case 'Z': return "Z (zombie)";
	case 'I': return "I (idle)";
	default: return "S (sleeping)";
	}
}

static void status_memory(struct seq_file *m, struct mm_struct *mm)
{
	unsigned long vm_kb = task_vsize(mm) / 1024, rss_kb = mm->nr_pages * PAGE_KB;

	seq_printf(m, "VmPeak:\t%8lu kB\nVmSize:\t%8lu kB\nVmLck:\t%8u kB\n", vm_kb, vm_kb, 0);
	seq_printf(m, "VmHWM:\t%8lu kB\nVmRSS:\t%8lu kB\n", rss_kb, rss_kb);
	seq_printf(m, "VmData:\t%8lu kB\nVmStk:\t%8lu kB\n",
		   (mm->brk - mm->start_brk) / 1024, STACK_SIZE_MAX / 1024);
	seq_printf(m, "VmPTE:\t%8lu kB\n", mm->nr_ptes * PAGE_KB);
}

int proc_pid_status(struct seq_file *m, struct task_struct *t)
{
	seq_printf(m, "Name:\t%s\nUmask:\t0022\nState:\t%s\n", t->comm,
		   state_name(task_state_char(t)));
	seq_printf(m, "Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n", t->tgid,
		   t->pid, task_ppid(t));
	seq_puts(m, "Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n");
	seq_printf(m, "FDSize:\t%d\nGroups:\t\n", t->files ? 256 : 0);
	seq_printf(m, "NStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n", t->tgid, t->pid,
		   t->pgrp, t->session);
	if (t->mm)
		status_memory(m, t->mm);
	seq_printf(m, "Threads:\t%d\nSigQ:\t0/0\nSigPnd:\t%016lx\nShdPnd:\t%016lx\n",
		   task_nr_threads(t), t->sigpending, t->sigpending);
	seq_printf(m, "SigBlk:\t%016lx\nSigIgn:\t%016lx\nSigCgt:\t%016lx\n", t->blocked,
		   sig_set_of(t, SIG_IGN), sig_set_of(t, SIG_DFL));
	seq_puts(m, "CapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\n");
	seq_puts(m, "CapEff:\t000001ffffffffff\nCapBnd:\t000001ffffffffff\n");
	seq_printf(m, "voluntary_ctxt_switches:\t%lu\nnonvoluntary_ctxt_switches:\t%lu\n",
		   t->nvcsw, t->nivcsw);
	return 0;
}

int proc_pid_comm(struct seq_file *m, struct task_struct *t)
{
	seq_printf(m, "%s\n", t->comm);
	return 0;
}

/* Copies [start, end) of t's memory into m (what is present of it). */
static int seq_copy_vm(struct seq_file *m, struct task_struct *t, unsigned long start,
		       unsigned long end)
{
	size_t len = end > start ? end - start : 0;

	if (!t->mm || !len)
		return 0;
	if (len > m->size - m->count) {
		m->overflow = true; /* redone with a larger buffer */
		return 0;
	}
	m->count += (size_t)access_remote_vm(t->mm, start, m->buf + m->count, (int)len);
	return 0;
}

int proc_pid_cmdline(struct seq_file *m, struct task_struct *t)
{
	return t->mm ? seq_copy_vm(m, t, t->mm->arg_start, t->mm->arg_end) : 0;
}

int proc_pid_environ(struct seq_file *m, struct task_struct *t)
{
	return t->mm ? seq_copy_vm(m, t, t->mm->env_start, t->mm->env_end) : 0;
}

/* What Linux prints after the inode column: the heap and the stack by name. */
static const char *vma_name(struct mm_struct *mm, struct vm_area_struct *vma)
{
	if (mm->brk > mm->start_brk && vma->vm_start <= mm->start_brk &&
	    vma->vm_end >= mm->brk)
		return "[heap]";
	if (vma->vm_start <= mm->start_stack && vma->vm_end >= mm->start_stack)
		return "[stack]";
	return NULL;
}

/* "start-end rwxp offset dev inode    name", Linux's show_map_vma (anonymous memory). */
int proc_pid_maps(struct seq_file *m, struct task_struct *t)
{
	struct vm_area_struct *vma;

	if (!t->mm)
		return 0;
	list_for_each_entry(vma, &t->mm->mmap, vm_list) {
		const char *name = vma_name(t->mm, vma);
		unsigned long f = vma->vm_flags;
		size_t before = m->count;

		seq_printf(m, "%08lx-%08lx %c%c%cp 00000000 00:00 0", vma->vm_start, vma->vm_end,
			   f & VM_READ ? 'r' : '-', f & VM_WRITE ? 'w' : '-',
			   f & VM_EXEC ? 'x' : '-');
		if (name)
			seq_printf(m, "%*s%s", (int)max_t(long, 1, 73 - (long)(m->count - before)),
				   "", name);
		seq_putc(m, '\n');
	}
	return 0;
}
