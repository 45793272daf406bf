/* Pieces shared inside kernel/input/ and with kmain and the module loader. */
#ifndef KEEL_INPUT_INPUT_CORE_H
#define KEEL_INPUT_INPUT_CORE_H

#include <keel/input.h>

/* At boot, after the timer: the console keyboard handler and the `input`/`showkey` commands. */
void input_init(void);

/* Unregisters devices and handlers whose struct or code lies in [start, end) (module teardown). */
unsigned int input_release_range(unsigned long start, unsigned long end);

/* Calls fn for every registered device, in registration order, interrupts off. */
void input_for_each_device(void (*fn)(struct input_dev *dev, unsigned int index, void *arg),
			   void *arg);

/* The console keyboard handler (keyboard.c). */
int console_keyboard_init(void);
/*
 * Diverts the bytes the console keyboard produces from the console input to tap (NULL: back
 * to the console). showkey uses it to show them, or to keep keys out of the shell.
 */
void console_keyboard_set_tap(void (*tap)(const char *bytes, size_t n));

int showkey_init(void);

#endif
