/* The tty layer's entry points for the rest of the base kernel (boot, module unloading). */
#ifndef KEEL_TTY_TTY_CORE_H
#define KEEL_TTY_TTY_CORE_H

/* Registers the stty and ttys shell commands (the console tty itself needs no setup). */
void tty_init(void);
/*
 * Module teardown: unregisters the ttys and line disciplines whose struct or code lies in
 * [start, end), which a module forgot to unregister. Returns how many were removed.
 */
unsigned int tty_release_range(unsigned long start, unsigned long end);

#endif
