/* The signal frame: a SIGILL handler (SA_SIGINFO) reads the ucontext: uc_mcontext's RIP is the
 * faulting ud2 and si_addr names it; it moves RIP past the instruction, so returning resumes
 * after it with the registers and the FPU state as they were. A handler that changes a
 * register in the frame sees it after sigreturn. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>

extern char ud2_here[];
static volatile int rip_ok, addr_ok, mask_ok;

static void on_ill(int sig, siginfo_t *info, void *ctx)
{
	ucontext_t *uc = ctx;
	double x = 1.5; /* the handler's own FPU use must not leak out */

	rip_ok = uc->uc_mcontext.gregs[REG_RIP] == (long)ud2_here;
	addr_ok = info->si_addr == (void *)ud2_here && info->si_signo == sig;
	mask_ok = sigismember(&uc->uc_sigmask, SIGUSR1);
	uc->uc_mcontext.gregs[REG_RIP] += 2; /* past ud2 */
	uc->uc_mcontext.gregs[REG_RBX] = 4242;
	__asm__ __volatile__("" ::"x"(x * x));
}

int main(void)
{
	struct sigaction sa;
	sigset_t set;
	double d = 2.25;
	long rbx;

	setvbuf(stdout, NULL, _IONBF, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_ill;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGILL, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	__asm__ __volatile__("xor %%ebx, %%ebx\n\t"
			     ".globl ud2_here\nud2_here: ud2\n\t"
			     "mov %%rbx, %0"
			     : "=r"(rbx)
			     : "x"(d)
			     : "rbx", "memory");
	printf("rip at the ud2: %d, si_addr: %d, mask saved: %d\n", rip_ok, addr_ok, mask_ok);
	printf("rbx set by the handler: %ld\n", rbx);
	printf("fpu value kept: %g\n", d * 2);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	return 0;
}
