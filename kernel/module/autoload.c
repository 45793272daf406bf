/*
 * Driver autoloading: when a device appears that no driver takes, its modalias is queued (the
 * device model's uevent hook runs inside a module's init, where loads cannot nest) and, once
 * the current load has finished, modprobe loads every module whose alias pattern matches.
 * Devices also appear in kernel threads (usbcore's hub thread): the queue is changed with
 * interrupts off, so no task switch cuts into it.
 */
#include <keel/device.h>
#include <keel/irqflags.h>
#include <keel/printk.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "module/module.h"

struct pending_alias {
	struct pending_alias *next;
	char alias[];
};

static struct pending_alias *pending_head, **pending_tail = &pending_head;

static int queue_modalias(struct device *dev, const char *modalias)
{
	size_t len = strlen(modalias);
	struct pending_alias *p = kmalloc(sizeof(*p) + len + 1, GFP_KERNEL);
	unsigned long flags;

	if (!p)
		return -ENOMEM;
	memcpy(p->alias, modalias, len + 1);
	p->next = NULL;
	local_irq_save(flags);
	*pending_tail = p;
	pending_tail = &p->next;
	local_irq_restore(flags);
	return 0;
}

static struct pending_alias *dequeue_modalias(void)
{
	struct pending_alias *p;
	unsigned long flags;

	local_irq_save(flags);
	p = pending_head;
	if (p) {
		pending_head = p->next;
		if (!pending_head)
			pending_tail = &pending_head;
	}
	local_irq_restore(flags);
	return p;
}

/* Loads drivers for every queued device; loads may queue more (a bus driver's children). */
void module_autoload_flush(void)
{
	struct pending_alias *p;

	while ((p = dequeue_modalias()) != NULL) {
		/* A device nobody has a driver for is normal: -ENOENT stays quiet. */
		modprobe(p->alias, NULL, true);
		kfree(p);
	}
}

void module_autoload_init(void)
{
	device_set_uevent_hook(queue_modalias);
}
