/* User test program: every implemented system call that takes a pointer, given NULL, -1, a
 * kernel address and an unmapped page; each must fail cleanly (EFAULT, or what Linux returns)
 * and the kernel must not oops. Compared with the host. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#define ARCH_GET_FS 0x1003

static const char *names[] = { "NULL", "-1", "kernel", "unmapped" };

static void report(const char *call, int i, long r)
{
	printf("%-14s %-8s -> %ld %s\n", call, names[i], r, r < 0 ? strerror(errno) : "");
}

int main(void)
{
	void *unmapped = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void *bad[4] = { NULL, (void *)-1L, (void *)0xffffffff80000000UL, unmapped };

	munmap(unmapped, 4096);
	for (int i = 0; i < 4; i++) {
		report("write", i, syscall(SYS_write, 1, bad[i], 8));
		report("open", i, syscall(SYS_open, bad[i], 0, 0));
		report("writev", i, syscall(SYS_writev, 1, bad[i], 1));
		report("uname", i, syscall(SYS_uname, bad[i]));
		report("arch_prctl", i, syscall(SYS_arch_prctl, ARCH_GET_FS, bad[i]));
		report("rt_sigaction", i, syscall(SYS_rt_sigaction, SIGINT, NULL, bad[i], 8));
		report("rt_sigprocmask", i, syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, bad[i], 8));
		report("munmap", i, syscall(SYS_munmap, bad[i], 4096));
	}
	return 0;
}
