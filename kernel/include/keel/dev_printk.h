/*
 * Messages about a device, after Linux's <linux/dev_printk.h> (included by <keel/device.h>):
 * dev_err(dev, "timeout\n") prints "ata 0000:00:01.1: timeout", i.e. "<driver> <device>: ",
 * where <driver> is the bound driver's name, or the bus's when no driver is bound (during
 * probe the driver is already bound, as in Linux). A NULL dev prints "(NULL device *): ".
 * So every message about a device says which device and who is talking, in one format.
 *
 * Each is printk at the level its name says (dev_dbg at KERN_DEBUG, shown with loglevel=8,
 * like pr_debug). Context: wherever printk may be used (any, including IRQ handlers).
 * dev is evaluated once. Define dev_fmt(fmt) before the includes to prefix every message.
 * Include <keel/device.h> (which includes this file and defines dev_name), not this file.
 */
#ifndef KEEL_DEV_PRINTK_H
#define KEEL_DEV_PRINTK_H

#include <keel/compiler.h>
#include <keel/printk.h>

struct device;

/* The name of dev's driver, else of its bus, else "". Any context. Linux: same. */
const char *dev_driver_string(const struct device *dev);
/* Defined in <keel/device.h>. */
static inline const char *dev_name(const struct device *dev);

#ifndef dev_fmt
#define dev_fmt(fmt) fmt
#endif

/*
 * dev_printk(level, dev, fmt, ...): printk(level "<driver> <device>: " fmt, ...); level is a
 * KERN_* literal. Returns nothing. Linux: dev_printk().
 */
#define dev_printk(level, dev, fmt, ...)                                                   \
	__dev_printk_once(level, dev, __UNIQUE_ID(dev_), fmt, ##__VA_ARGS__)
#define __dev_printk_once(level, dev, d, fmt, ...)                                         \
	do {                                                                               \
		const struct device *d = (dev);                                            \
		if (d)                                                                     \
			printk(level "%s %s: " fmt, dev_driver_string(d), dev_name(d),     \
			       ##__VA_ARGS__);                                             \
		else                                                                       \
			printk(level "(NULL device *): " fmt, ##__VA_ARGS__);              \
	} while (0)

/* dev_<level>(dev, fmt, ...): dev_printk at that level. Linux: the same names. */
#define dev_emerg(dev, fmt, ...) dev_printk(KERN_EMERG, dev, dev_fmt(fmt), ##__VA_ARGS__)
#define dev_alert(dev, fmt, ...) dev_printk(KERN_ALERT, dev, dev_fmt(fmt), ##__VA_ARGS__)
#define dev_crit(dev, fmt, ...) dev_printk(KERN_CRIT, dev, dev_fmt(fmt), ##__VA_ARGS__)
#define dev_err(dev, fmt, ...) dev_printk(KERN_ERR, dev, dev_fmt(fmt), ##__VA_ARGS__)
#define dev_warn(dev, fmt, ...) dev_printk(KERN_WARNING, dev, dev_fmt(fmt), ##__VA_ARGS__)
#define dev_notice(dev, fmt, ...) dev_printk(KERN_NOTICE, dev, dev_fmt(fmt), ##__VA_ARGS__)
#define dev_info(dev, fmt, ...) dev_printk(KERN_INFO, dev, dev_fmt(fmt), ##__VA_ARGS__)
#define dev_dbg(dev, fmt, ...) dev_printk(KERN_DEBUG, dev, dev_fmt(fmt), ##__VA_ARGS__)

#endif
