/*
 * Line disciplines: the registry (headed by the built-in "minimal" one), attaching one to a tty,
 * and falling back to "minimal" when a discipline goes away. The line being edited lives in the
 * tty, so a switch keeps it; the new discipline's open() decides how to show it.
 */
#include <keel/errno.h>
#include <keel/export.h>
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

static void tty_ldisc_close(struct tty_struct *tty)
{
	if (tty->ldisc && tty->ldisc->close)
		tty->ldisc->close(tty);
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

/* Switches tty from its discipline to ops; on failure the old one (or minimal) comes back. */
static int tty_ldisc_switch(struct tty_struct *tty, struct tty_ldisc_ops *ops)
{
	struct tty_ldisc_ops *old = tty->ldisc;
	int err;

	tty_ldisc_close(tty);
	tty->ldisc = ops;
	err = ops->open ? ops->open(tty) : 0;
	if (!err)
		return 0;
	tty->disc_data = NULL;
	tty->ldisc = old;
	if (!old->open || old->open(tty) != 0) {
		tty->disc_data = NULL;
		tty_ldisc_open_minimal(tty);
	}
	return err;
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
