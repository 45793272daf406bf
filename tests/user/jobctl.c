/* Job control without a terminal, compared with the host: a child stopped by SIGSTOP,
 * SIGTSTP (its own group, not orphaned) and a group-wide SIGSTOP is seen by wait4 with
 * WUNTRACED (status 0x7f | sig << 8) exactly once, SIGCONT by WCONTINUED (0xffff); SIGCHLD
 * carries CLD_STOPPED, none with SA_NOCLDSTOP (signals do not queue, so only counts that
 * cannot depend on timing are printed); SIGCONT cancels a pending stop
 * signal and runs its handler; SIGKILL ends a stopped child; SIGTSTP in an orphaned process
 * group (a new session) does not stop; a nanosleep stopped and continued goes on. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t chld_codes[8], nchld, conts;

static void on_chld(int sig, siginfo_t *info, void *uc)
{
	(void)sig;
	(void)uc;
	if (nchld < 8)
		chld_codes[nchld++] = info->si_code;
}

static void on_cont(int sig)
{
	(void)sig;
	conts++;
}

static void catch_chld(int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_chld;
	sa.sa_flags = SA_SIGINFO | SA_RESTART | flags;
	sigaction(SIGCHLD, &sa, NULL);
	nchld = 0;
}

static void show(const char *what, pid_t got, pid_t want, int status)
{
	if (got <= 0) {
		printf("%s: returned %d\n", what, (int)got);
		return;
	}
	printf("%s: right pid %d, raw %#x", what, got == want, status);
	if (WIFSTOPPED(status))
		printf(" stopped %d", WSTOPSIG(status));
	else if (WIFCONTINUED(status))
		printf(" continued");
	else if (WIFEXITED(status))
		printf(" exited %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		printf(" killed %d", WTERMSIG(status));
	printf("\n");
}

/* waitpid(pid, options), then what it reported; want is the pid it should return. */
static void wait_show(const char *what, pid_t pid, int options, pid_t want)
{
	int status = 0;
	pid_t got = waitpid(pid, &status, options);

	show(what, got, want, status);
}

static void show_chld(const char *what)
{
	usleep(100000); /* SIGCHLD is sent before the wake-up; give it the time to run */
	printf("%s: %d SIGCHLD:", what, (int)nchld);
	for (int i = 0; i < nchld; i++)
		printf(" %d", chld_codes[i]);
	printf("\n");
	nchld = 0;
}

/* A child that stops itself with sig and, once continued, exits with code when the parent
 * lets it (release_child): the WCONTINUED report must not race with its exit. */
static int release_fd = -1;

static pid_t self_stopper(int sig, int code, int own_group)
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe(p))
		_exit(100);
	pid = fork();
	if (pid == 0) {
		close(p[1]);
		if (own_group)
			setpgid(0, 0);
		raise(sig);
		_exit(read(p[0], &c, 1) == 0 ? code : 101);
	}
	close(p[0]);
	release_fd = p[1];
	if (own_group)
		setpgid(pid, pid);
	return pid;
}

static void release_child(void)
{
	close(release_fd);
}

static void stop_continue_exit(void)
{
	pid_t pid;

	catch_chld(0); /* before the fork: the stop may come first */
	pid = self_stopper(SIGSTOP, 3, 0);
	wait_show("SIGSTOP", pid, WUNTRACED, pid);
	show_chld("after the stop");
	wait_show("reported once (WNOHANG)", pid, WUNTRACED | WNOHANG, 0);
	kill(pid, SIGCONT);
	wait_show("SIGCONT", pid, WCONTINUED, pid);
	release_child();
	wait_show("exit", pid, WUNTRACED | WCONTINUED, pid);
}

static void tstp_own_group(void)
{
	pid_t pid;

	catch_chld(SA_NOCLDSTOP);
	pid = self_stopper(SIGTSTP, 4, 1);
	wait_show("SIGTSTP", pid, WUNTRACED, pid);
	show_chld("SA_NOCLDSTOP, after the stop");
	kill(-pid, SIGCONT);
	release_child();
	wait_show("exit after SIGCONT", pid, 0, pid);
	show_chld("SA_NOCLDSTOP, after the exit");
	signal(SIGCHLD, SIG_DFL);
}

static void group_stop_and_kill(void)
{
	pid_t a = fork(), b;

	if (a == 0) {
		setpgid(0, 0);
		for (;;)
			pause();
	}
	setpgid(a, a);
	b = fork();
	if (b == 0) {
		setpgid(0, a);
		for (;;)
			pause();
	}
	setpgid(b, a);
	kill(-a, SIGSTOP);
	wait_show("group stop a", a, WUNTRACED, a);
	wait_show("group stop b", b, WUNTRACED, b);
	kill(a, SIGKILL);
	wait_show("SIGKILL while stopped", a, 0, a);
	kill(b, SIGTERM); /* stays pending while b is stopped */
	wait_show("SIGTERM while stopped (WNOHANG)", b, WNOHANG, 0);
	kill(b, SIGCONT);
	wait_show("then SIGCONT", b, 0, b);
}

/* SIGCONT forgets a blocked, pending SIGTSTP, and its handler runs. */
static void cont_cancels_stop(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		sigset_t block, pending;

		signal(SIGCONT, on_cont);
		sigemptyset(&block);
		sigaddset(&block, SIGTSTP);
		sigprocmask(SIG_BLOCK, &block, NULL);
		raise(SIGTSTP);
		sigpending(&pending);
		printf("child: SIGTSTP pending %d\n", sigismember(&pending, SIGTSTP));
		raise(SIGCONT);
		sigpending(&pending);
		printf("child: after SIGCONT pending %d, handler ran %d\n",
		       sigismember(&pending, SIGTSTP), (int)conts);
		sigprocmask(SIG_UNBLOCK, &block, NULL);
		printf("child: still running\n");
		_exit(5);
	}
	wait_show("pending stop cancelled", pid, WUNTRACED, pid);
}

/* A sleep that a stop and SIGCONT interrupt goes on to its end (restart_syscall), with no
 * EINTR. */
static void stopped_sleep_restarts(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct timespec ts = { 0, 400000000 };

		_exit(nanosleep(&ts, NULL) == 0 ? 8 : 9);
	}
	usleep(100000);
	kill(pid, SIGSTOP);
	wait_show("sleeper stopped", pid, WUNTRACED, pid);
	kill(pid, SIGCONT);
	wait_show("nanosleep went on after SIGCONT", pid, 0, pid);
}

/* A session leader's group has no parent in its session: orphaned, SIGTSTP does nothing. */
static void orphaned_group(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		setsid();
		raise(SIGTSTP);
		raise(SIGTTIN);
		_exit(7);
	}
	wait_show("SIGTSTP, SIGTTIN in an orphaned group", pid, WUNTRACED, pid);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	stop_continue_exit();
	tstp_own_group();
	group_stop_and_kill();
	cont_cancels_stop();
	orphaned_group();
	stopped_sleep_restarts();
	return 0;
}
