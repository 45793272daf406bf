/* User test program: the exception named by argv[1] in ring 3 -- "ud" (invalid opcode, SIGILL),
 * "de" (divide error, SIGFPE), "gp" (a privileged instruction, SIGSEGV), "kernel" (a read of
 * a kernel address, SIGSEGV), "exec" (a jump into the non-executable stack, SIGSEGV). */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	volatile int zero = 0, one = 1; /* both unknown: 1/x has a branchy shortcut */
	unsigned char code[4] = { 0xc3 }; /* ret, on the stack */

	if (argc < 2)
		return 2;
	if (!strcmp(argv[1], "ud"))
		__asm__ volatile("ud2");
	if (!strcmp(argv[1], "de"))
		printf("%d\n", one / zero);
	if (!strcmp(argv[1], "gp"))
		__asm__ volatile("cli");
	if (!strcmp(argv[1], "kernel"))
		printf("%d\n", *(volatile int *)0xffffffff80000000UL);
	if (!strcmp(argv[1], "exec"))
		((void (*)(void))code)();
	return 1;
}
