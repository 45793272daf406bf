/* Forged rt_sigreturn frames must not give a process the kernel: a RIP in the kernel half, a
 * non-canonical RIP, IOPL 3 in RFLAGS (then `cli` faults) each end in SIGSEGV, as on Linux.
 * With the argument "cs", a frame naming the kernel's code and data segments: Keel runs the
 * code in ring 3 anyway (it exits 7); Linux's IRET refuses it (SIGSEGV); not compared. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

static char stack[16384] __attribute__((aligned(16)));
static ucontext_t frame __attribute__((aligned(16)));

static void exit_seven(void) { _exit(7); }

static void try_cli(void)
{
	__asm__ __volatile__("cli");
	_exit(0);
}

/* Calls rt_sigreturn with frame as the ucontext (the kernel reads it at RSP). */
static void __attribute__((noreturn)) forged_sigreturn(void)
{
	__asm__ __volatile__("mov %0, %%rsp\n\tmov $15, %%eax\n\tsyscall" ::"r"(&frame)
			     : "memory");
	__builtin_unreachable();
}

static void run_forged(const char *what, unsigned long rip, unsigned long eflags,
		       unsigned long csgsfs)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		memset(&frame, 0, sizeof(frame));
		frame.uc_mcontext.gregs[REG_RIP] = rip;
		frame.uc_mcontext.gregs[REG_RSP] = (unsigned long)(stack + sizeof(stack) - 8);
		frame.uc_mcontext.gregs[REG_EFL] = eflags;
		frame.uc_mcontext.gregs[REG_CSGSFS] = csgsfs;
		forged_sigreturn();
	}
	waitpid(pid, &status, 0);
	if (WIFSIGNALED(status))
		printf("%s: killed by signal %d\n", what, WTERMSIG(status));
	else
		printf("%s: exited %d\n", what, WEXITSTATUS(status));
}

int main(int argc, char **argv)
{
	const unsigned long user_cs = 0x33, user_ss = 0x2b;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 1 && !strcmp(argv[1], "cs")) {
		run_forged("cs forged", (unsigned long)exit_seven, 0x202, 0x10UL << 48 | 0x08);
		return 0;
	}
	run_forged("kernel rip", 0xffffffff80001000UL, 0x202, user_ss << 48 | user_cs);
	run_forged("non-canonical rip", 0x0000800000000000UL, 0x202, user_ss << 48 | user_cs);
	run_forged("iopl 3", (unsigned long)try_cli, 0x3202, user_ss << 48 | user_cs);
	run_forged("valid", (unsigned long)exit_seven, 0x202, user_ss << 48 | user_cs);
	return 0;
}
