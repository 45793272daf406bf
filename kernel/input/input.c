/*
 * The input layer core: input devices (keyboards) report events, which go to every handler
 * (the console keyboard, showkey). It keeps which keys are held, so a release without a press
 * is dropped, a second press becomes an autorepeat, and unplugging a device releases its keys.
 * Lists are changed and walked with interrupts off: drivers report from IRQ handlers.
 */
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/export.h>
#include <keel/irqflags.h>
#include <keel/printk.h>
#include <keel/shell.h>
#include <keel/string.h>
#include "input/input_core.h"

#define BITS_PER_WORD (8 * sizeof(unsigned long))

static struct input_dev *devices;
static struct input_handler *handlers;
static unsigned int global_leds; /* what handlers last asked for; new devices get it too */

static bool key_is_down(const struct input_dev *dev, unsigned int code)
{
	return dev->key_down[code / BITS_PER_WORD] & (1UL << (code % BITS_PER_WORD));
}

static void set_key_down(struct input_dev *dev, unsigned int code, bool down)
{
	unsigned long bit = 1UL << (code % BITS_PER_WORD);

	if (down)
		dev->key_down[code / BITS_PER_WORD] |= bit;
	else
		dev->key_down[code / BITS_PER_WORD] &= ~bit;
}

/* Handlers and device event hooks in modules need no module reference: they are called with
 * interrupts off, as input_unregister_*() unlink them, so none runs once those return. */
static void deliver(struct input_dev *dev, unsigned int type, unsigned int code, int value)
{
	for (struct input_handler *h = handlers; h; h = h->next)
		h->event(dev, type, code, value);
}

/* Makes value consistent with the held keys; false when the event changes nothing. */
static bool filter_key(struct input_dev *dev, unsigned int code, int *value)
{
	bool down = key_is_down(dev, code);

	if (code > KEY_MAX)
		return false;
	if (*value == 0) {
		set_key_down(dev, code, false);
		return down;
	}
	if (down) {
		*value = 2;
		return true;
	}
	if (*value != 1)
		return false; /* an autorepeat of a key we never saw pressed */
	set_key_down(dev, code, true);
	return true;
}

void input_event(struct input_dev *dev, unsigned int type, unsigned int code, int value)
{
	unsigned long flags;

	local_irq_save(flags);
	if (type != EV_KEY || filter_key(dev, code, &value))
		deliver(dev, type, code, value);
	local_irq_restore(flags);
}
EXPORT_SYMBOL(input_event);

/* Switches the device's LEDs one by one to leds, through its event hook. */
static void apply_leds(struct input_dev *dev, unsigned int leds)
{
	if (!dev->event)
		return;
	for (unsigned int led = 0; led <= LED_MAX; led++) {
		unsigned int bit = 1u << led;

		if ((dev->leds ^ leds) & bit)
			dev->event(dev, EV_LED, led, (leds & bit) ? 1 : 0);
	}
	dev->leds = leds;
}

void input_set_leds(unsigned int leds)
{
	unsigned long flags;

	local_irq_save(flags);
	global_leds = leds;
	for (struct input_dev *dev = devices; dev; dev = dev->next)
		apply_leds(dev, leds);
	local_irq_restore(flags);
}
EXPORT_SYMBOL(input_set_leds);

static bool device_registered(const struct input_dev *dev)
{
	for (struct input_dev *d = devices; d; d = d->next)
		if (d == dev)
			return true;
	return false;
}

int input_register_device(struct input_dev *dev)
{
	struct input_dev **tail;
	unsigned long flags;

	if (!dev || !dev->name)
		return -EINVAL;
	local_irq_save(flags);
	if (device_registered(dev)) {
		local_irq_restore(flags);
		return -EEXIST;
	}
	memset(dev->key_down, 0, sizeof(dev->key_down));
	dev->next = NULL;
	for (tail = &devices; *tail; tail = &(*tail)->next)
		;
	*tail = dev;
	/* The device may not know its LEDs' state: force every one to the current value. */
	dev->leds = ~global_leds;
	apply_leds(dev, global_leds);
	local_irq_restore(flags);
	pr_info("input: %s as %s\n", dev->name, dev->phys ? dev->phys : "(no phys)");
	return 0;
}
EXPORT_SYMBOL(input_register_device);

/* Reports the release of every key still held, so no handler keeps a stuck modifier. */
static void release_held_keys(struct input_dev *dev)
{
	bool released = false;

	for (unsigned int code = 0; code <= KEY_MAX; code++) {
		if (key_is_down(dev, code)) {
			set_key_down(dev, code, false);
			deliver(dev, EV_KEY, code, 0);
			released = true;
		}
	}
	if (released)
		deliver(dev, EV_SYN, SYN_REPORT, 0);
}

void input_unregister_device(struct input_dev *dev)
{
	unsigned long flags;

	local_irq_save(flags);
	for (struct input_dev **pp = &devices; *pp; pp = &(*pp)->next) {
		if (*pp == dev) {
			*pp = dev->next;
			release_held_keys(dev);
			dev->next = NULL;
			break;
		}
	}
	local_irq_restore(flags);
}
EXPORT_SYMBOL(input_unregister_device);

int input_register_handler(struct input_handler *handler)
{
	struct input_handler **tail;
	unsigned long flags;

	if (!handler || !handler->event)
		return -EINVAL;
	local_irq_save(flags);
	for (tail = &handlers; *tail; tail = &(*tail)->next) {
		if (*tail == handler) {
			local_irq_restore(flags);
			return -EEXIST;
		}
	}
	handler->next = NULL;
	*tail = handler;
	local_irq_restore(flags);
	return 0;
}
EXPORT_SYMBOL(input_register_handler);

void input_unregister_handler(struct input_handler *handler)
{
	unsigned long flags;

	local_irq_save(flags);
	for (struct input_handler **pp = &handlers; *pp; pp = &(*pp)->next) {
		if (*pp == handler) {
			*pp = handler->next;
			handler->next = NULL;
			break;
		}
	}
	local_irq_restore(flags);
}
EXPORT_SYMBOL(input_unregister_handler);

static bool in_range(const void *p, unsigned long start, unsigned long end)
{
	return (unsigned long)p >= start && (unsigned long)p < end;
}

unsigned int input_release_range(unsigned long start, unsigned long end)
{
	unsigned int removed = 0;
	struct input_dev *dev;
	struct input_handler *h;

	do {
		for (dev = devices; dev; dev = dev->next)
			if (in_range(dev, start, end) || in_range(dev->event, start, end))
				break;
		if (dev) {
			input_unregister_device(dev);
			removed++;
		}
	} while (dev);
	do {
		for (h = handlers; h; h = h->next)
			if (in_range(h, start, end) || in_range(h->event, start, end))
				break;
		if (h) {
			input_unregister_handler(h);
			removed++;
		}
	} while (h);
	return removed;
}

void input_for_each_device(void (*fn)(struct input_dev *dev, unsigned int index, void *arg),
			   void *arg)
{
	unsigned long flags;
	unsigned int index = 0;

	local_irq_save(flags);
	for (struct input_dev *dev = devices; dev; dev = dev->next)
		fn(dev, index++, arg);
	local_irq_restore(flags);
}

void input_init(void)
{
	int err = console_keyboard_init();

	if (!err)
		err = showkey_init();
	if (err)
		pr_err("input: initialisation failed: %s\n", errno_name(err));
}
