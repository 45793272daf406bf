/*
 * poll(2)'s interface for files (Linux's <linux/poll.h>): the POLL* event bits and
 * poll_wait, through which a file's ->poll registers the wait queues whose wake-ups mean
 * "ask me again". Implemented by kernel/fs/select.c.
 */
#ifndef KEEL_POLL_H
#define KEEL_POLL_H

#define POLLIN 0x001
#define POLLPRI 0x002
#define POLLOUT 0x004
#define POLLERR 0x008
#define POLLHUP 0x010
#define POLLNVAL 0x020
#define POLLRDNORM 0x040
#define POLLRDBAND 0x080
#define POLLWRNORM 0x100
#define POLLWRBAND 0x200
#define POLLRDHUP 0x2000

struct poll_table;
struct wait_queue_head;

/*
 * Queues the polling task on head, so that a wake_up on head ends poll's sleep and makes it
 * ask every file again. pt is NULL after the first pass: nothing to do then. A file's ->poll
 * calls it for each queue that announces its changes, then returns what is ready now; it
 * runs in task context, may be called with the task already marked sleeping (so it must not
 * sleep: read state without blocking locks). Linux's poll_wait.
 */
void poll_wait(struct poll_table *pt, struct wait_queue_head *head);

#endif
