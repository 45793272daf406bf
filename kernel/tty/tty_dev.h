/* The tty core's side of the tty character devices (tty_dev.c). */
#ifndef KEEL_TTY_TTY_DEV_H
#define KEEL_TTY_TTY_DEV_H

#include <keel/tty.h>

/* /dev/ttyS<N> for a tty being registered / unregistered (other names get no node). */
void tty_devnode_add(struct tty_struct *tty);
void tty_devnode_remove(struct tty_struct *tty);
/* Boot, after devtmpfs: majors 4 (ttyS) and 5 (console), /dev/console, existing ttyS nodes. */
void tty_dev_init(void);

#endif
