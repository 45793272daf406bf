/*
 * Kernel threads (Linux's <linux/kthread.h>): a function running as its own task with its own
 * stack, scheduled like any other. The usual shape:
 *
 *   static int worker(void *data)
 *   {
 *           while (!kthread_should_stop()) {
 *                   do_something(data);
 *                   msleep(100);
 *           }
 *           return 0;
 *   }
 *   task = kthread_run(worker, data, "mydrv/%d", unit);   ...   kthread_stop(task);
 */
#ifndef KEEL_KTHREAD_H
#define KEEL_KTHREAD_H

#include <keel/compiler.h>
#include <keel/errno.h>
#include <keel/sched.h>

/*
 * Creates a thread that will run threadfn(data), named by the printf-style namefmt (cut to
 * TASK_COMM_LEN - 1 characters). It does not run until wake_up_process(). Returns the task or
 * ERR_PTR(-ENOMEM). May sleep. Follows Linux's kthread_create.
 */
struct task_struct *kthread_create(int (*threadfn)(void *data), void *data,
				   const char *namefmt, ...) __printf(3, 4);
/* kthread_create, then wake_up_process. */
#define kthread_run(threadfn, data, namefmt, ...)                                          \
	({                                                                                 \
		struct task_struct *__k = kthread_create(threadfn, data, namefmt,          \
							 ##__VA_ARGS__);                   \
		if (!IS_ERR(__k))                                                          \
			wake_up_process(__k);                                              \
		__k;                                                                       \
	})

/* True once someone called kthread_stop() on the current thread. */
bool kthread_should_stop(void);
/*
 * Asks the thread to stop (kthread_should_stop() becomes true), wakes it and waits for it to
 * exit; returns threadfn's return value, or -EINTR when it was stopped before it ever ran.
 * A thread that has not exited after KTHREAD_STOP_TIMEOUT_MS is reported and -ETIMEDOUT
 * returned (it keeps running). Frees the task. Task context; sleeps. Follows kthread_stop.
 */
int kthread_stop(struct task_struct *k);
#define KTHREAD_STOP_TIMEOUT_MS 5000
/* Ends the current kernel thread with ret as its result; never returns. */
void __noreturn kthread_exit(long ret);
/* The data pointer the thread was created with. */
void *kthread_data(struct task_struct *k);

#endif
