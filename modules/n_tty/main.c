/*
 * n_tty: the full line-editing discipline for the shell (cursor movement, Home/End, Delete,
 * Ctrl-U/W/K, history on up/down). Loading it attaches it to the console tty; unloading
 * detaches it, and the console falls back to the built-in "minimal" discipline with the line
 * being typed intact.
 */
#include <keel/module.h>
#include <keel/tty.h>
#include "n_tty.h"

static int n_tty_open(struct tty_struct *tty)
{
	struct n_tty *nt = kzalloc(sizeof(*nt), GFP_KERNEL);

	if (!nt)
		return -ENOMEM;
	tty->disc_data = nt;
	return 0;
}

static void n_tty_close(struct tty_struct *tty)
{
	struct n_tty *nt = tty->disc_data;

	if (!nt)
		return;
	n_tty_history_free(nt);
	kfree(nt);
	tty->disc_data = NULL;
}

struct tty_ldisc_ops n_tty_ldisc = {
	.name = "n_tty",
	.owner = THIS_MODULE,
	.open = n_tty_open,
	.close = n_tty_close,
	.receive_char = n_tty_receive_char,
};

static int __init n_tty_init(void)
{
	int err = tty_register_ldisc(&n_tty_ldisc);

	if (err)
		return err;
	err = tty_set_ldisc(console_tty(), n_tty_ldisc.name);
	if (err) {
		pr_err("n_tty: cannot attach to the console tty (%d)\n", err);
		tty_unregister_ldisc(&n_tty_ldisc);
		return err;
	}
	pr_info("n_tty: line editing attached to the console\n");
	return 0;
}

static void __exit n_tty_exit(void)
{
	tty_unregister_ldisc(&n_tty_ldisc);
	pr_info("n_tty: detached; ttys fall back to the minimal line discipline\n");
}

module_init(n_tty_init);
module_exit(n_tty_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("Keel developers");
MODULE_DESCRIPTION("Line editing discipline: cursor keys, Home/End, Delete, Ctrl-U/W/K, history");
MODULE_VERSION("1.0");
