/* User test program: a `syscall` instruction in the last two bytes below 0x7ffffffff000, so the
 * return address is the first address past user space. The kernel must not return with SYSRET
 * there (Intel CPUs would fault in ring 0 with the user's stack) but with IRET, after which the
 * fetch at 0x7ffffffff000 faults in user mode: SIGSEGV, as on Linux. */
#include <stdio.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#define LAST_PAGE 0x7fffffffe000UL
#define STACK_SIZE 65536

/* Runs on a private stack: the mapping below replaces whatever was at the top of the
 * address space, the initial stack included. */
static void __attribute__((noreturn, used)) on_new_stack(void)
{
	unsigned char *page = (unsigned char *)LAST_PAGE;
	long p = syscall(SYS_mmap, page, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);

	if (p != (long)page)
		_exit(3);
	page[4094] = 0x0f; /* syscall */
	page[4095] = 0x05;
	__asm__ volatile("mov $39, %%eax\n\tjmp *%0" ::"r"(page + 4094) : "rax", "memory");
	__builtin_unreachable();
}

int main(void)
{
	char *stack = mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			   -1, 0);

	if (stack == MAP_FAILED)
		return 2;
	printf("syscall at the end of user space\n");
	fflush(stdout);
	__asm__ volatile("mov %0, %%rsp\n\tcall on_new_stack" ::"r"(stack + STACK_SIZE) : "memory");
	return 1;
}
