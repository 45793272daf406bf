/*
 * Line disciplines: the registry (headed by the built-in "minimal" one), attaching one to a tty,
 * and falling back to "minimal" when a discipline goes away. The line being edited lives in the
 * tty, so a switch keeps it; the new discipline's open() decides how to show it.
 */
#include <keel/errno.h>
#include <keel/export.h>
#include <keel/module.h>
#include <keel/printk.h>
#include <keel/string.h>
#include "tty/tty_core.h"
#include "tty/tty_internal.h"

static struct tty_ldisc_ops *ldisc_list = &tty_minimal_ldisc;

struct tty_ldisc_ops *tty_find_ldisc(const char *name)
{
	for (struct tty_ldisc_ops *ops = ldisc_list; ops; ops = ops->next)
		if (strcmp(ops->name, name) == 0)
			return ops;
	return NULL;
}
EXPORT_SYMBOL(tty_find_ldisc);

void tty_for_each_ldisc(void (*fn)(struct tty_ldisc_ops *ops, void *arg), void *arg)
{
	for (struct tty_ldisc_ops *ops = ldisc_list; ops; ops = ops->next)
		fn(ops, arg);
}
EXPORT_SYMBOL(tty_for_each_ldisc);

int tty_register_ldisc(struct tty_ldisc_ops *ops)
{
	struct tty_ldisc_ops **pp = &ldisc_list;

	if (!ops || !ops->name || !*ops->name || !ops->receive_char) {
		pr_err("tty: refusing a line discipline without a name or receive_char\n");
		return -EINVAL;
	}
	if (tty_find_ldisc(ops->name)) {
		pr_err("tty: line discipline %s is already registered\n", ops->name);
		return -EEXIST;
	}
	while (*pp)
		pp = &(*pp)->next;
	ops->next = NULL;
	*pp = ops;
	return 0;
}
EXPORT_SYMBOL(tty_register_ldisc);

/* Close runs for an attached discipline, whose module is still there even when it is going
 * away (its exit detaches it from every tty first): the reference cannot fail. */
static void tty_ldisc_close(struct tty_struct *tty)
{
	struct tty_ldisc_ops *ops = tty->ldisc;

	if (ops && ops->close) {
		__module_get(ops->owner);
		ops->close(tty);
		module_put(ops->owner);
	}
	tty->disc_data = NULL;
}

/* "minimal" keeps no state that could fail to be set up: opening it always works. */
static void tty_ldisc_open_minimal(struct tty_struct *tty)
{
	tty->ldisc = &tty_minimal_ldisc;
	tty_minimal_ldisc.open(tty);
}

void tty_ldisc_attach_default(struct tty_struct *tty)
{
	tty_ldisc_open_minimal(tty);
}

void tty_ldisc_detach(struct tty_struct *tty)
{
	tty_ldisc_close(tty);
	tty->ldisc = NULL;
}

/* ops->open, with its module pinned for the call; -ENODEV when the module is going away. */
static int tty_ldisc_call_open(struct tty_struct *tty, struct tty_ldisc_ops *ops)
{
	int err;

	if (!ops->open)
		return 0;
	if (!try_module_get(ops->owner))
		return -ENODEV;
	err = ops->open(tty);
	module_put(ops->owner);
	return err;
}

/* Switches tty from its discipline to ops; on failure the old one (or minimal) comes back. */
static int tty_ldisc_switch(struct tty_struct *tty, struct tty_ldisc_ops *ops)
{
	struct tty_ldisc_ops *old = tty->ldisc;
	int err;

	if (!try_module_get(ops->owner)) {
		pr_err("tty: line discipline %s is being unloaded\n", ops->name);
		return -ENODEV;
	}
	tty_ldisc_close(tty);
	tty->ldisc = ops;
	err = tty_ldisc_call_open(tty, ops);
	module_put(ops->owner);
	if (!err)
		return 0;
	tty->disc_data = NULL;
	tty->ldisc = old;
	if (tty_ldisc_call_open(tty, old) != 0) {
		tty->disc_data = NULL;
		tty_ldisc_open_minimal(tty);
	}
	return err;
}

/*
 * The attached discipline, pinned for one call (Linux's tty_ldisc_ref). A discipline whose
 * module is going away is detached here, as its exit is about to do, and minimal takes over:
 * the line being edited belongs to the tty, so nothing typed is lost.
 */
struct tty_ldisc_ops *tty_ldisc_ref(struct tty_struct *tty)
{
	struct tty_ldisc_ops *ops = tty->ldisc;

	if (try_module_get(ops->owner))
		return ops;
	tty_ldisc_close(tty);
	tty_ldisc_open_minimal(tty);
	return tty->ldisc; /* built in: nothing to pin */
}

void tty_ldisc_deref(struct tty_ldisc_ops *ops)
{
	module_put(ops->owner);
}

int tty_set_ldisc(struct tty_struct *tty, const char *name)
{
	struct tty_ldisc_ops *ops = tty_find_ldisc(name);

	if (!ops)
		return -ENOENT;
	if (ops == tty->ldisc)
		return 0;
	return tty_ldisc_switch(tty, ops);
}
EXPORT_SYMBOL(tty_set_ldisc);

void tty_unregister_ldisc(struct tty_ldisc_ops *ops)
{
	if (ops == &tty_minimal_ldisc) {
		pr_warn("tty: the minimal line discipline cannot be unregistered\n");
		return;
	}
	for (struct tty_struct *tty = tty_list; tty; tty = tty->next) {
		if (tty->ldisc == ops) {
			tty_ldisc_close(tty);
			tty_ldisc_open_minimal(tty);
		}
	}
	for (struct tty_ldisc_ops **pp = &ldisc_list; *pp; pp = &(*pp)->next) {
		if (*pp == ops) {
			*pp = ops->next;
			break;
		}
	}
	ops->next = NULL;
}
EXPORT_SYMBOL(tty_unregister_ldisc);

void tty_echo(struct tty_struct *tty, const char *s, size_t n)
{
	if (n)
		tty_write(tty, s, n);
}
EXPORT_SYMBOL(tty_echo);

static bool in_range(const void *p, unsigned long start, unsigned long end)
{
	return (unsigned long)p >= start && (unsigned long)p < end;
}

static bool tty_in_range(const struct tty_struct *tty, unsigned long start, unsigned long end)
{
	return in_range(tty, start, end) || in_range(tty->ops, start, end) ||
	       in_range(tty->ops->write, start, end);
}

static struct tty_ldisc_ops *ldisc_find_range(unsigned long start, unsigned long end)
{
	for (struct tty_ldisc_ops *ops = ldisc_list; ops; ops = ops->next)
		if (in_range(ops, start, end) || in_range(ops->receive_char, start, end))
			return ops;
	return NULL;
}

static struct tty_struct *tty_find_range(unsigned long start, unsigned long end)
{
	for (struct tty_struct *tty = tty_list; tty; tty = tty->next)
		if (tty != &console_tty_dev && tty_in_range(tty, start, end))
			return tty;
	return NULL;
}

unsigned int tty_release_range(unsigned long start, unsigned long end)
{
	unsigned int removed = 0;
	struct tty_ldisc_ops *ops;
	struct tty_struct *tty;

	while ((ops = ldisc_find_range(start, end)) != NULL) {
		tty_unregister_ldisc(ops);
		removed++;
	}
	while ((tty = tty_find_range(start, end)) != NULL) {
		tty_unregister(tty);
		removed++;
	}
	return removed;
}
