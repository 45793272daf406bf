/*
 * Test module and example: sleeping locks between kernel threads. `test_mutex <case>`:
 *   counter   three threads each add 1 to a shared counter `loops` times under a mutex, giving
 *             the CPU away inside the critical section so the others must wait on the mutex;
 *             the total must be exact (3 * loops)
 *   nolock    the same without the mutex: updates get lost (shown, not a failure)
 *   recursive locking a mutex the caller already holds is refused and reported
 *   nonowner  unlocking a mutex another task holds is reported and ignored
 *   sem       a semaphore passed between threads; down_timeout gives up with -ETIME
 */
#include <keel/completion.h>
#include <keel/console.h>
#include <keel/delay.h>
#include <keel/jiffies.h>
#include <keel/kthread.h>
#include <keel/module.h>
#include <keel/mutex.h>
#include <keel/semaphore.h>
#include <keel/shell.h>

#define NR_COUNTERS 3

static unsigned int loops = 100000;
module_param(loops, uint, 0644);
MODULE_PARM_DESC(loops, "Increments per thread in the counter cases (default: 100000)");

static DEFINE_MUTEX(counter_lock);
static unsigned long counter;
static bool use_mutex;
static struct completion counters_done;

/* counter = counter + 1 with a yield between the read and the write: without the mutex,
 * another thread's increments in between are overwritten. */
static void slow_increment(void)
{
	unsigned long seen = READ_ONCE(counter);

	yield();
	WRITE_ONCE(counter, seen + 1);
}

static int counter_fn(void *data)
{
	for (unsigned int i = 0; i < loops; i++) {
		if (use_mutex)
			mutex_lock(&counter_lock);
		slow_increment();
		if (use_mutex)
			mutex_unlock(&counter_lock);
	}
	complete(&counters_done);
	return 0;
}

static int run_counters(bool with_mutex)
{
	struct task_struct *threads[NR_COUNTERS];

	counter = 0;
	use_mutex = with_mutex;
	init_completion(&counters_done);
	for (int i = 0; i < NR_COUNTERS; i++) {
		threads[i] = kthread_create(counter_fn, NULL, "tmx_count%d", i);
		if (IS_ERR(threads[i]))
			return PTR_ERR(threads[i]); /* earlier ones never ran: the unload reaps them */
	}
	for (int i = 0; i < NR_COUNTERS; i++)
		wake_up_process(threads[i]);
	for (int i = 0; i < NR_COUNTERS; i++)
		wait_for_completion(&counters_done);
	for (int i = 0; i < NR_COUNTERS; i++)
		kthread_stop(threads[i]);
	console_printf("test_mutex: %s: counter %lu, expected %lu\n",
		       with_mutex ? "mutex" : "no lock", counter, (unsigned long)NR_COUNTERS * loops);
	return 0;
}

static int test_recursive(void)
{
	DEFINE_MUTEX(m);
	int ret;

	mutex_lock(&m);
	ret = mutex_lock_interruptible(&m); /* refused: reported, nothing taken */
	mutex_unlock(&m);
	console_printf("test_mutex: recursive mutex_lock_interruptible returned %d, locked after "
		       "unlock: %d\n", ret, mutex_is_locked(&m));
	return 0;
}

/* nonowner: a thread takes the mutex and holds it until told to let go. */
static DEFINE_MUTEX(held_lock);
static struct completion held, let_go;

static int holder_fn(void *data)
{
	mutex_lock(&held_lock);
	complete(&held);
	wait_for_completion(&let_go);
	mutex_unlock(&held_lock);
	return 0;
}

static int test_nonowner(void)
{
	struct task_struct *t;

	init_completion(&held);
	init_completion(&let_go);
	t = kthread_run(holder_fn, NULL, "tmx_holder");
	if (IS_ERR(t))
		return PTR_ERR(t);
	wait_for_completion(&held);
	mutex_unlock(&held_lock); /* not ours: reported and ignored */
	console_printf("test_mutex: after the foreign unlock the mutex is %s\n",
		       mutex_is_locked(&held_lock) ? "still held" : "free (wrong)");
	complete(&let_go);
	kthread_stop(t);
	console_printf("test_mutex: holder done, mutex %s\n",
		       mutex_is_locked(&held_lock) ? "still held (wrong)" : "free");
	return 0;
}

/* sem: the thread waits in down() until the shell's task calls up(). */
static struct semaphore sem;
static struct completion sem_passed;

static int sem_waiter_fn(void *data)
{
	down(&sem);
	complete(&sem_passed);
	return 0;
}

static int test_sem(void)
{
	struct task_struct *t;
	int ret;

	sema_init(&sem, 0);
	init_completion(&sem_passed);
	t = kthread_run(sem_waiter_fn, NULL, "tmx_sem");
	if (IS_ERR(t))
		return PTR_ERR(t);
	msleep(20); /* let it block in down() */
	console_printf("test_mutex: sem waiter passed before up: %d\n", completion_done(&sem_passed));
	up(&sem);
	ret = wait_for_completion_timeout(&sem_passed, msecs_to_jiffies(10000)) ? 0 : -ETIMEDOUT;
	console_printf("test_mutex: sem waiter passed after up: %d\n", ret == 0);
	kthread_stop(t);
	console_printf("test_mutex: down_timeout on an empty semaphore returned %d\n",
		       down_timeout(&sem, msecs_to_jiffies(50)));
	up(&sem);
	ret = down_trylock(&sem); /* two statements: the order of the calls matters */
	console_printf("test_mutex: down_trylock with one unit %d, with none %d\n", ret,
		       down_trylock(&sem));
	return 0;
}

static int test_mutex_cmd(int argc, char **argv)
{
	if (argc != 2)
		return -EINVAL;
	if (!strcmp(argv[1], "counter"))
		return run_counters(true);
	if (!strcmp(argv[1], "nolock"))
		return run_counters(false);
	if (!strcmp(argv[1], "recursive"))
		return test_recursive();
	if (!strcmp(argv[1], "nonowner"))
		return test_nonowner();
	if (!strcmp(argv[1], "sem"))
		return test_sem();
	return -EINVAL;
}

static const struct shell_command test_mutex_command = {
	.name = "test_mutex",
	.usage = "test_mutex counter|nolock|recursive|nonowner|sem",
	.help = "mutex and semaphore checks between kernel threads",
	.run = test_mutex_cmd,
	.flags = SHELL_CMD_DEBUG,
};

static int __init test_mutex_init(void)
{
	return shell_register_command(&test_mutex_command);
}

static void __exit test_mutex_exit(void)
{
	shell_unregister_command(&test_mutex_command);
}

module_init(test_mutex_init);
module_exit(test_mutex_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Test: mutex contention, misuse reports, semaphores");
