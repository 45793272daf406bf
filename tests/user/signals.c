/* Signal handlers: SIGUSR1 sent by kill to itself, blocked then delivered once on unblock,
 * SIGCHLD's handler at a child's exit (si_code, si_pid, si_status), a default SIGTERM killing a child (status signal 15),
 * SIGKILL refused by sigaction (EINVAL), raise(SIGSEGV) and a real NULL dereference caught and
 * left with siglongjmp, SA_RESETHAND, and pause() ended by a handler. Output is compared with
 * the host's. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t usr1_count, chld_count, segv_count, alarm_count;
static sigjmp_buf env;

static void on_usr1(int sig) { usr1_count += sig == SIGUSR1; }
static volatile int chld_code, chld_pid, chld_status;

static void on_chld(int sig, siginfo_t *info, void *uc)
{
	(void)uc;
	chld_count += sig == SIGCHLD;
	chld_code = info->si_code;
	chld_pid = info->si_pid;
	chld_status = info->si_status;
}
static void on_alarm(int sig) { alarm_count += sig == SIGUSR2; }

static void on_segv(int sig, siginfo_t *info, void *uc)
{
	(void)uc;
	segv_count++;
	if (info->si_addr == NULL && sig == SIGSEGV)
		siglongjmp(env, 1);
	siglongjmp(env, 2);
}

static void install(int sig, void (*fn)(int), int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sa.sa_flags = flags;
	sigaction(sig, &sa, NULL);
}

static void test_kill_self_and_mask(void)
{
	sigset_t set, old;

	install(SIGUSR1, on_usr1, 0);
	kill(getpid(), SIGUSR1);
	printf("usr1 after kill: %d\n", (int)usr1_count);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, &old);
	kill(getpid(), SIGUSR1);
	kill(getpid(), SIGUSR1);
	sigpending(&set);
	printf("while blocked: %d pending: %d\n", (int)usr1_count, sigismember(&set, SIGUSR1));
	sigprocmask(SIG_SETMASK, &old, NULL);
	printf("after unblock: %d\n", (int)usr1_count);
}

static void test_children(void)
{
	int status, r;
	pid_t pid;

	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_chld;
	sa.sa_flags = SA_RESTART | SA_SIGINFO;
	sigaction(SIGCHLD, &sa, NULL);
	pid = fork();
	if (pid == 0)
		_exit(3);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	printf("sigchld handled: %d status %d\n", (int)chld_count, WEXITSTATUS(status));
	printf("sigchld info: exited %d, pid %d, status %d\n", chld_code == CLD_EXITED,
	       chld_pid == pid, chld_status);
	pid = fork();
	if (pid == 0)
		for (;;)
			;
	kill(pid, SIGTERM);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	printf("SIGTERM: signaled %d sig %d\n", WIFSIGNALED(status), WTERMSIG(status));
	printf("sigchld info: killed %d, status %d\n", chld_code == CLD_KILLED, chld_status);
	r = sigaction(SIGKILL, &(struct sigaction){ .sa_handler = on_usr1 }, NULL);
	printf("sigaction(SIGKILL): %d %s\n", r, strerror(errno));
	r = sigaction(SIGSTOP, &(struct sigaction){ .sa_handler = on_usr1 }, NULL);
	printf("sigaction(SIGSTOP): %d %s\n", r, strerror(errno));
}

static void test_segv(void)
{
	struct sigaction sa;
	volatile int *null = (volatile int *)(unsigned long)segv_count; /* 0, unknown to gcc */
	int where;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	where = sigsetjmp(env, 1);
	if (where == 0)
		raise(SIGSEGV);
	printf("raise(SIGSEGV): back at %d count %d\n", where, (int)segv_count);
	where = sigsetjmp(env, 1);
	if (where == 0)
		*null = 1;
	printf("NULL write: back at %d count %d\n", where, (int)segv_count);
}

static void test_resethand_and_pause(void)
{
	pid_t parent = getpid(), pid;
	int status;

	install(SIGUSR2, on_alarm, SA_RESETHAND);
	raise(SIGUSR2);
	printf("resethand: %d handler now default: %d\n", (int)alarm_count,
	       sigaction(SIGUSR2, NULL, &(struct sigaction){ 0 }) == 0);
	install(SIGUSR1, on_usr1, 0);
	pid = fork();
	if (pid == 0) {
		kill(parent, SIGUSR1);
		_exit(0);
	}
	while (usr1_count < 2)
		pause();
	printf("pause ended by the handler: %d\n", (int)usr1_count >= 2);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	test_kill_self_and_mask();
	test_children();
	test_segv();
	test_resethand_and_pause();
	return 0;
}
