/*
 * Test module and example: FPU/SSE registers survive task switches. `test_fpu [rounds]`
 * starts two threads that each fill xmm0-xmm15 with their own pattern, then give the CPU away
 * (yield or msleep) `rounds` times, checking after each that the registers still hold their
 * pattern; a third thread only yields and never touches the FPU, so the lazy FPU switching
 * must never have given it a save area. The kernel is built without SSE, so the only xmm
 * accesses are the inline assembly here.
 */
#include <keel/completion.h>
#include <keel/console.h>
#include <keel/delay.h>
#include <keel/kthread.h>
#include <keel/module.h>
#include <keel/shell.h>

#define NR_XMM 16
#define NR_THREADS 3 /* two SSE users and one that never touches the FPU */

struct xmm_regs {
	u8 bytes[NR_XMM][16];
};

struct fpu_worker {
	struct task_struct *task;
	u8 seed; /* 0: never touches the FPU */
	unsigned int rounds, mismatches;
};

static struct completion workers_done;

/* All sixteen registers to or from memory (unaligned moves: no alignment to get wrong). */
static void xmm_load(const struct xmm_regs *r)
{
	__asm__ __volatile__(
		"movdqu 0*16(%0), %%xmm0\n\t"   "movdqu 1*16(%0), %%xmm1\n\t"
		"movdqu 2*16(%0), %%xmm2\n\t"   "movdqu 3*16(%0), %%xmm3\n\t"
		"movdqu 4*16(%0), %%xmm4\n\t"   "movdqu 5*16(%0), %%xmm5\n\t"
		"movdqu 6*16(%0), %%xmm6\n\t"   "movdqu 7*16(%0), %%xmm7\n\t"
		"movdqu 8*16(%0), %%xmm8\n\t"   "movdqu 9*16(%0), %%xmm9\n\t"
		"movdqu 10*16(%0), %%xmm10\n\t" "movdqu 11*16(%0), %%xmm11\n\t"
		"movdqu 12*16(%0), %%xmm12\n\t" "movdqu 13*16(%0), %%xmm13\n\t"
		"movdqu 14*16(%0), %%xmm14\n\t" "movdqu 15*16(%0), %%xmm15\n\t"
		: : "r"(r), "m"(*r));
}

static void xmm_store(struct xmm_regs *r)
{
	__asm__ __volatile__(
		"movdqu %%xmm0, 0*16(%1)\n\t"   "movdqu %%xmm1, 1*16(%1)\n\t"
		"movdqu %%xmm2, 2*16(%1)\n\t"   "movdqu %%xmm3, 3*16(%1)\n\t"
		"movdqu %%xmm4, 4*16(%1)\n\t"   "movdqu %%xmm5, 5*16(%1)\n\t"
		"movdqu %%xmm6, 6*16(%1)\n\t"   "movdqu %%xmm7, 7*16(%1)\n\t"
		"movdqu %%xmm8, 8*16(%1)\n\t"   "movdqu %%xmm9, 9*16(%1)\n\t"
		"movdqu %%xmm10, 10*16(%1)\n\t" "movdqu %%xmm11, 11*16(%1)\n\t"
		"movdqu %%xmm12, 12*16(%1)\n\t" "movdqu %%xmm13, 13*16(%1)\n\t"
		"movdqu %%xmm14, 14*16(%1)\n\t" "movdqu %%xmm15, 15*16(%1)\n\t"
		: "=m"(*r) : "r"(r));
}

static void fill_pattern(struct xmm_regs *r, u8 seed)
{
	for (int reg = 0; reg < NR_XMM; reg++)
		for (int i = 0; i < 16; i++)
			r->bytes[reg][i] = (u8)(seed ^ (reg * 16 + i));
}

/* Even rounds yield (straight to the other threads), odd ones sleep (through the idle task). */
static void give_cpu_away(unsigned int round)
{
	if (round & 1)
		msleep(1);
	else
		yield();
}

static int fpu_worker_fn(void *data)
{
	struct fpu_worker *w = data;
	struct xmm_regs want, got;

	fill_pattern(&want, w->seed);
	if (w->seed)
		xmm_load(&want);
	for (unsigned int round = 0; round < w->rounds; round++) {
		give_cpu_away(round);
		if (!w->seed)
			continue;
		xmm_store(&got);
		if (memcmp(&got, &want, sizeof(got))) {
			w->mismatches++;
			xmm_load(&want); /* start again from a good state */
		}
	}
	complete(&workers_done);
	return 0;
}

static void report(struct fpu_worker *w)
{
	struct task_struct *t = w->task;

	console_printf("test_fpu: %s: %u rounds, %u mismatches, FPU area %s\n", t->comm,
		       w->rounds, w->mismatches,
		       (t->flags & PF_USED_FPU) || t->fpu ? "allocated" : "never allocated");
}

static int test_fpu_cmd(int argc, char **argv)
{
	static const u8 seeds[NR_THREADS] = { 0x5a, 0xc3, 0 };
	struct fpu_worker workers[NR_THREADS] = { };
	unsigned int rounds = 400;

	if (argc > 2 || (argc == 2 && kstrtouint(argv[1], 0, &rounds)))
		return -EINVAL;
	init_completion(&workers_done);
	for (int i = 0; i < NR_THREADS; i++) {
		workers[i].seed = seeds[i];
		workers[i].rounds = rounds;
		workers[i].task = kthread_create(fpu_worker_fn, &workers[i], seeds[i] ? "tfpu_sse%d"
						 : "tfpu_plain%d", i);
		if (IS_ERR(workers[i].task))
			return PTR_ERR(workers[i].task); /* created ones never ran: unload reaps */
	}
	for (int i = 0; i < NR_THREADS; i++)
		wake_up_process(workers[i].task);
	for (int i = 0; i < NR_THREADS; i++)
		wait_for_completion(&workers_done);
	for (int i = 0; i < NR_THREADS; i++) {
		report(&workers[i]); /* the exited task_struct lives until kthread_stop */
		kthread_stop(workers[i].task);
	}
	return 0;
}

static const struct shell_command test_fpu_command = {
	.name = "test_fpu",
	.usage = "test_fpu [rounds]",
	.help = "check that SSE registers survive task switches",
	.run = test_fpu_cmd,
	.flags = SHELL_CMD_DEBUG,
};

static int __init test_fpu_init(void)
{
	return shell_register_command(&test_fpu_command);
}

static void __exit test_fpu_exit(void)
{
	shell_unregister_command(&test_fpu_command);
}

module_init(test_fpu_init);
module_exit(test_fpu_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Test: lazy FPU/SSE switching keeps each thread's registers");
