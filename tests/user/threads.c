/* POSIX threads on musl (docs/user.md, "Threads and futexes"): create and join with exit
 * values, a mutex under 8 threads, a condition variable, thread-local storage, thread ids,
 * futex(2) errors and timeouts, a signal to the process taken by the one thread that does
 * not block it, exit_group and a fatal signal ending every thread, the main thread leaving
 * first, execve from a thread, and a robust mutex whose owner died (marked by musl). The output is the
 * same on Linux and Keel. `threads cycles N` creates and joins N threads (leak checks);
 * `threads PATH` adds the execve test, PATH being this program's own path. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* <linux/futex.h>'s values (musl-gcc has no kernel headers). */
#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129
#define FUTEX_WAIT_BITSET_PRIVATE 137
#define FUTEX_CLOCK_REALTIME 256
#define NTHREADS 8
#define ROUNDS 20000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static long counter;
static int tids[NTHREADS];
static __thread int tls_value = 5;
static volatile int ready, handled_by;

static int gettid_(void) { return (int)syscall(SYS_gettid); }

static long futex(volatile int *addr, int op, int val, const struct timespec *ts, int val3)
{
	long r = syscall(SYS_futex, addr, op, val, ts, NULL, val3);

	return r < 0 ? -errno : r;
}

static void *worker(void *arg)
{
	long id = (long)arg;

	tls_value = (int)id;
	tids[id] = gettid_();
	for (int i = 0; i < ROUNDS; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
		if (i % 5000 == 0)
			sched_yield();
	}
	if (tls_value != id)
		return (void *)-1L;
	if (id == 3)
		pthread_exit((void *)(id * 100));
	return (void *)(id * 10);
}

static void test_counters(void)
{
	pthread_t th[NTHREADS];
	long sum = 0, distinct = 0;
	void *ret;

	for (long i = 0; i < NTHREADS; i++)
		pthread_create(&th[i], NULL, worker, (void *)i);
	for (int i = 0; i < NTHREADS; i++) {
		pthread_join(th[i], &ret);
		sum += (long)ret;
	}
	for (int i = 0; i < NTHREADS; i++) {
		int unique = tids[i] != getpid();

		for (int j = 0; j < i; j++)
			unique &= tids[i] != tids[j];
		distinct += unique;
	}
	printf("counter %ld (expected %d)\n", counter, NTHREADS * ROUNDS);
	printf("exit values sum %ld\n", sum);
	printf("distinct thread ids other than the pid: %ld\n", distinct);
	printf("main tls still %d, main gettid == getpid: %d\n", tls_value,
	       gettid_() == getpid());
}

static int queue[4], queued, consumed_sum;

static void *consumer(void *arg)
{
	(void)arg;
	for (int n = 0; n < 40; n++) {
		pthread_mutex_lock(&lock);
		while (!queued)
			pthread_cond_wait(&cond, &lock);
		consumed_sum += queue[--queued];
		pthread_cond_broadcast(&cond);
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

static void test_condvar(void)
{
	pthread_t th;

	pthread_create(&th, NULL, consumer, NULL);
	for (int n = 1; n <= 40; n++) {
		pthread_mutex_lock(&lock);
		while (queued == 4)
			pthread_cond_wait(&cond, &lock);
		queue[queued++] = n;
		pthread_cond_signal(&cond);
		pthread_mutex_unlock(&lock);
	}
	pthread_join(th, NULL);
	printf("condvar: consumed sum %d\n", consumed_sum);
}

static void on_usr1(int sig)
{
	(void)sig;
	handled_by = gettid_();
}

static void *usr1_taker(void *arg)
{
	sigset_t none;

	(void)arg;
	sigemptyset(&none);
	ready = gettid_();
	while (!handled_by)
		sigsuspend(&none); /* SIGUSR1 unblocked only while waiting: no lost wake-up */
	return NULL;
}

static void test_process_signal(void)
{
	struct timespec ms = { 0, 50 * 1000000 };
	sigset_t set;
	pthread_t th;

	signal(SIGUSR1, on_usr1);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	pthread_create(&th, NULL, usr1_taker, NULL);
	while (!ready)
		sched_yield();
	nanosleep(&ms, NULL); /* the thread is in sigsuspend by now */
	kill(getpid(), SIGUSR1);
	pthread_join(th, NULL);
	printf("kill to the process handled by the unblocking thread: %d\n", handled_by == ready);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

static void *report_altstack(void *arg)
{
	stack_t ss;

	sigaltstack(NULL, &ss);
	*(int *)arg = ss.ss_flags;
	return NULL;
}

/* sigaltstack is per thread: a new thread starts without the creator's. */
static void test_altstack(void)
{
	static char stack[16384];
	stack_t ss = { .ss_sp = stack, .ss_size = sizeof(stack) }, now;
	int flags = -1;
	pthread_t th;

	sigaltstack(&ss, NULL);
	pthread_create(&th, NULL, report_altstack, &flags);
	pthread_join(th, NULL);
	sigaltstack(NULL, &now);
	printf("altstack: new thread SS_DISABLE %d, main still has it %d\n",
	       flags == SS_DISABLE, now.ss_flags == 0 && now.ss_sp == stack);
	ss.ss_flags = SS_DISABLE;
	sigaltstack(&ss, NULL);
}

static volatile int detached_done;

static void *detached(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	detached_done++;
	pthread_mutex_unlock(&lock);
	return NULL; /* musl unmaps its own stack, then exit */
}

static void *sleeper(void *arg)
{
	(void)arg;
	sleep(100); /* a cancellation point */
	return NULL;
}

/* Detached threads, and pthread_cancel of a thread asleep in nanosleep (musl's SIGCANCEL
 * handler moves the interrupted RIP through the signal frame). */
static void test_detach_cancel(void)
{
	pthread_attr_t attr;
	pthread_t th;
	void *ret;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	for (int i = 0; i < 10; i++)
		pthread_create(&th, &attr, detached, NULL);
	while (detached_done < 10)
		sched_yield();
	printf("detached threads done: %d\n", detached_done);
	pthread_create(&th, NULL, sleeper, NULL);
	sched_yield();
	pthread_cancel(th);
	pthread_join(th, &ret);
	printf("cancelled sleeper: %d\n", ret == PTHREAD_CANCELED);
}

static volatile int go, pending_seen;

static void *late_unblocker(void *arg)
{
	sigset_t none, pending;

	(void)arg;
	ready = gettid_();
	while (!go)
		sched_yield();
	sigpending(&pending);
	pending_seen = sigismember(&pending, SIGUSR1);
	sigemptyset(&none);
	sigsuspend(&none); /* returns once the handler ran here */
	return NULL;
}

/* A signal to the process that every thread blocks waits for the first to unblock it. */
static void test_shared_pending(void)
{
	sigset_t set;
	pthread_t th;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	ready = handled_by = 0;
	pthread_create(&th, NULL, late_unblocker, NULL);
	while (!ready)
		sched_yield();
	kill(getpid(), SIGUSR1);
	go = 1;
	pthread_join(th, NULL);
	printf("blocked by all: pending in the thread %d, taken by the one unblocking it %d\n",
	       pending_seen, handled_by == ready);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

static void on_usr2(int sig) { (void)sig; }

static void *poke_main(void *arg)
{
	struct timespec ms = { 0, 50 * 1000000 };

	nanosleep(&ms, NULL);
	syscall(SYS_tgkill, getpid(), (int)(long)arg, SIGUSR2);
	return NULL;
}

static void test_futex_calls(void)
{
	struct sigaction sa = { .sa_handler = on_usr2 };
	struct timespec rel = { 0, 20 * 1000000 }, abs;
	static volatile int word __attribute__((aligned(8)));
	pthread_t th;

	printf("FUTEX_WAIT value differs: %ld\n", futex(&word, FUTEX_WAIT_PRIVATE, 1, NULL, 0));
	printf("FUTEX_WAIT timeout: %ld\n", futex(&word, FUTEX_WAIT_PRIVATE, 0, &rel, 0));
	clock_gettime(CLOCK_REALTIME, &abs);
	abs.tv_nsec += 20 * 1000000;
	if (abs.tv_nsec >= 1000000000) {
		abs.tv_sec++;
		abs.tv_nsec -= 1000000000;
	}
	printf("FUTEX_WAIT_BITSET realtime deadline: %ld\n",
	       futex(&word, FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 0, &abs, -1));
	printf("FUTEX_WAIT_BITSET bitset 0: %ld\n",
	       futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 0, NULL, 0));
	printf("FUTEX_WAKE misaligned: %ld\n",
	       futex((volatile int *)((char *)&word + 1), FUTEX_WAKE_PRIVATE, 1, NULL, 0));
	printf("FUTEX_WAKE nobody waiting: %ld\n", futex(&word, FUTEX_WAKE_PRIVATE, 1, NULL, 0));
	rel.tv_sec = 5;
	sigaction(SIGUSR2, &sa, NULL); /* no SA_RESTART */
	pthread_create(&th, NULL, poke_main, (void *)(long)gettid_());
	printf("FUTEX_WAIT interrupted: %ld\n", futex(&word, FUTEX_WAIT_PRIVATE, 0, &rel, 0));
	pthread_join(th, NULL);
	/* Linux's copy_process rules: refused before anything is made. */
	printf("clone(CLONE_THREAD): %ld\n", syscall(SYS_clone, CLONE_THREAD, NULL) < 0
		       ? (long)-errno : 0L);
	printf("clone(CLONE_SIGHAND): %ld\n", syscall(SYS_clone, CLONE_SIGHAND, NULL) < 0
		       ? (long)-errno : 0L);
	printf("clone(CLONE_THREAD|CLONE_SIGHAND): %ld\n",
	       syscall(SYS_clone, CLONE_THREAD | CLONE_SIGHAND, NULL) < 0 ? (long)-errno : 0L);
	printf("set_robust_list bad length: %ld\n", syscall(SYS_set_robust_list, NULL, 1) < 0
		       ? (long)-errno : 0L);
}

static void *block_forever(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock); /* held by main: sleeps in FUTEX_WAIT */
	return NULL;
}

static void *exit_group_7(void *arg)
{
	struct timespec ms = { 0, 30 * 1000000 };

	(void)arg;
	nanosleep(&ms, NULL);
	exit(7);
}

static void *kill_sibling(void *arg)
{
	pthread_kill(*(pthread_t *)arg, SIGTERM);
	for (;;)
		pause();
	return NULL;
}

static void *outlive_main(void *arg)
{
	struct timespec ms = { 0, 50 * 1000000 };

	(void)arg;
	nanosleep(&ms, NULL);
	printf("thread outlived main: pid still %d\n", getpid() == (int)(long)arg);
	return NULL;
}

/* Runs this program again as `threads execed PID` from a thread that is not the leader. */
static void *exec_self(void *arg)
{
	char pid[16], *argv[] = { "threads", "execed", pid, NULL };
	struct timespec ms = { 0, 20 * 1000000 };

	snprintf(pid, sizeof(pid), "%d", getpid());
	nanosleep(&ms, NULL);
	execv((char *)arg, argv);
	return NULL;
}

static volatile int robust_owner;

static void *die_holding_robust(void *arg)
{
	pthread_mutex_lock(arg);
	robust_owner = gettid_();
	return NULL; /* still holding it: musl's pthread_exit marks it owner-died */
}

/* Runs fn in a child process and reports how that process ended. */
static void in_child(const char *what, void (*fn)(const char *), const char *arg)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		fn(arg);
		_exit(99);
	}
	if (waitpid(pid, &status, 0) != pid)
		printf("%s: waitpid failed\n", what);
	else if (WIFSIGNALED(status))
		printf("%s: killed by signal %d\n", what, WTERMSIG(status));
	else
		printf("%s: exited %d\n", what, WEXITSTATUS(status));
}

static void child_exit_group(const char *arg)
{
	pthread_t th;

	(void)arg;
	pthread_mutex_lock(&lock);
	for (int i = 0; i < 3; i++)
		pthread_create(&th, NULL, block_forever, NULL);
	pthread_create(&th, NULL, exit_group_7, NULL);
	pthread_mutex_lock(&lock); /* errorless deadlock: main sleeps too until exit_group */
}

static void child_fatal_signal(const char *arg)
{
	pthread_t self = pthread_self(), th;

	(void)arg;
	signal(SIGTERM, SIG_DFL);
	pthread_create(&th, NULL, kill_sibling, &self);
	for (;;)
		pause();
}

/* Not in a fork child: musl's fork does not register the thread list lock for
 * CLONE_CHILD_CLEARTID, so a main thread leaving first would hold it for good. */
static _Noreturn void main_leaves_first(void)
{
	pthread_t th;

	pthread_create(&th, NULL, outlive_main, (void *)(long)getpid());
	pthread_exit(NULL);
}

static void child_exec_from_thread(const char *path)
{
	pthread_t th;

	pthread_mutex_lock(&lock);
	pthread_create(&th, NULL, block_forever, NULL);
	pthread_create(&th, NULL, exec_self, (void *)path);
	for (;;)
		pause();
}

static void child_robust(const char *arg)
{
	pthread_mutexattr_t attr;
	pthread_mutex_t m;
	pthread_t th;
	int r;

	(void)arg;
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&m, &attr);
	pthread_create(&th, NULL, die_holding_robust, &m);
	while (!robust_owner)
		sched_yield();
	while (syscall(SYS_tgkill, getpid(), robust_owner, 0) == 0)
		sched_yield(); /* until the owner is gone */
	r = pthread_mutex_lock(&m);
	printf("robust mutex after its owner died: %s\n", r == EOWNERDEAD ? "EOWNERDEAD" : "?");
	fflush(stdout);
	_exit(0);
}

static void *nothing(void *arg) { return arg; }

/* A robust list made by hand (Linux's struct robust_list_head) with one lock, held by a
 * thread that leaves by a raw exit: the kernel marks the lock owner-died and wakes us. */
static struct {
	void *next;
	long futex_offset;
	void *pending;
} robust_head;
static struct {
	void *next;
	volatile int word;
} robust_lock;

static void *raw_exit_holding(void *arg)
{
	struct timespec ms = { 0, 50 * 1000000 };

	(void)arg;
	robust_lock.next = &robust_head;
	robust_lock.word = gettid_() | (int)0x80000000; /* FUTEX_WAITERS: main waits */
	robust_head.next = &robust_lock;
	robust_head.futex_offset = (long)((char *)&robust_lock.word - (char *)&robust_lock);
	syscall(SYS_set_robust_list, &robust_head, sizeof(robust_head));
	robust_owner = 1;
	nanosleep(&ms, NULL);
	syscall(SYS_exit, 0);
	return NULL;
}

static void child_robust_list(const char *arg)
{
	pthread_t th;
	long r;

	(void)arg;
	pthread_create(&th, NULL, raw_exit_holding, NULL);
	while (!robust_owner)
		sched_yield();
	r = futex(&robust_lock.word, 0 /* FUTEX_WAIT, shared as the kernel's wake */,
		  robust_lock.word, NULL, 0);
	printf("robust list at a raw exit: wait %ld, word %#x\n", r, (unsigned)robust_lock.word);
	fflush(stdout);
	_exit(0);
}

static int cycles(int n)
{
	pthread_t th;
	void *ret;
	int ok = 0;

	for (int i = 0; i < n; i++) {
		if (pthread_create(&th, NULL, nothing, &ok) == 0 && pthread_join(th, &ret) == 0 &&
		    ret == &ok)
			ok++;
	}
	printf("%d of %d threads created and joined\n", ok, n);
	return ok == n ? 0 : 1;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && !strcmp(argv[1], "cycles"))
		return cycles(atoi(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "execed")) { /* the exec'ing thread took the pid */
		printf("after execve: same pid %d, gettid == getpid %d\n",
		       getpid() == atoi(argv[2]), gettid_() == getpid());
		return 0;
	}
	test_counters();
	test_condvar();
	test_process_signal();
	test_shared_pending();
	test_altstack();
	test_detach_cancel();
	test_futex_calls();
	in_child("exit_group with threads in futex waits", child_exit_group, NULL);
	in_child("SIGTERM to one thread", child_fatal_signal, NULL);
	if (argc > 1)
		in_child("execve from a thread", child_exec_from_thread, argv[1]);
	in_child("robust", child_robust, NULL);
	in_child("robust list", child_robust_list, NULL);
	main_leaves_first(); /* last: the process ends with its other thread */
}
