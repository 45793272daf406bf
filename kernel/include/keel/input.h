/*
 * The input layer (implemented in kernel/input/), after Linux's <linux/input.h>: drivers
 * (ps2.ko's keyboard, later USB) report key events with Linux's key codes; handlers (the console
 * keyboard handler that turns keys into characters for the console tty) receive them.
 */
#ifndef KEEL_INPUT_H
#define KEEL_INPUT_H

#include <keel/input-event-codes.h>
#include <keel/types.h>

struct module;

struct input_dev {
	const char *name;        /* "AT Translated Set 2 keyboard" */
	const char *phys;        /* "isa0060/serio0" */
	struct module *owner;
	/* Optional: the input layer asks the device to do something (EV_LED: LED_* on/off). */
	int (*event)(struct input_dev *dev, unsigned int type, unsigned int code, int value);
	unsigned long key_down[(KEY_MAX + 64) / 64]; /* keys currently held, kept by the core */
	unsigned int leds;                            /* LED_* bits currently lit */
	void *private;
	struct input_dev *next;
};

struct input_handler {
	const char *name;
	/* Every event of every device: EV_KEY (value 0 release, 1 press, 2 autorepeat), EV_SYN. */
	void (*event)(struct input_dev *dev, unsigned int type, unsigned int code, int value);
	struct module *owner;
	struct input_handler *next;
};

int input_register_device(struct input_dev *dev);   /* 0 or -errno */
void input_unregister_device(struct input_dev *dev); /* releases keys still held */
int input_register_handler(struct input_handler *handler);
void input_unregister_handler(struct input_handler *handler);

/* Drivers: any context (the keyboard reports from its IRQ handler). */
void input_event(struct input_dev *dev, unsigned int type, unsigned int code, int value);
static inline void input_report_key(struct input_dev *dev, unsigned int code, int value)
{
	input_event(dev, EV_KEY, code, value);
}
static inline void input_sync(struct input_dev *dev) { input_event(dev, EV_SYN, SYN_REPORT, 0); }

/* Handlers: set the LEDs of every device that has them (LED_* bit mask). */
void input_set_leds(unsigned int leds);

#endif
