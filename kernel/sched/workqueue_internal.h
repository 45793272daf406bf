/* Internal interfaces of kernel/sched/workqueue.c, for kernel_init and the module loader. */
#ifndef KEEL_SCHED_WORKQUEUE_INTERNAL_H
#define KEEL_SCHED_WORKQUEUE_INTERNAL_H

/* Creates system_wq and its worker "kworker/0". Task context (init), before any module loads. */
void workqueue_init(void);

/*
 * Module teardown: cancels, with a warning naming owner and the work function, every pending
 * work or delayed work whose function or structure lies in [start, end), and waits for such a
 * work that is running. Returns how many it cancelled or waited for (0: none were left).
 * Task context; sleeps while a work runs.
 */
unsigned int work_release_range(unsigned long start, unsigned long end, const char *owner);

#endif
