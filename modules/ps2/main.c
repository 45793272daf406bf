/*
 * ps2.ko: the i8042 PS/2 controller and the AT keyboard on its first port, reporting keys to
 * the input layer. Scan codes: the keyboard runs set 2 and the controller translates to set 1,
 * which scancode.c decodes. Loading on a machine without an i8042 fails with -ENODEV and
 * leaves nothing registered.
 */
#include <keel/module.h>
#include "ps2.h"

static struct i8042_info controller;

static int __init ps2_init(void)
{
	int err = i8042_setup(&controller);

	if (err)
		return err;
	err = atkbd_init(&controller);
	if (err)
		return err;
	pr_info("ps2: i8042 with %s, keyboard on port 1 (scan code set 2, translated to set 1)\n",
		controller.dual_channel ? "2 ports" : "1 port");
	return 0;
}

static void __exit ps2_exit(void)
{
	atkbd_exit(&controller);
}

module_init(ps2_init);
module_exit(ps2_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("i8042 PS/2 controller and AT keyboard");
