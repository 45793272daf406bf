/*
 * The console keyboard handler: an input handler that turns every keyboard's key events into
 * bytes for the console (console_input_push), through the US keymap, and mirrors the lock keys
 * on the keyboards' LEDs; Shift+PgUp/PgDn scroll the screen consoles. One keymap state for
 * all keyboards, as on a Linux virtual console.
 */
#include <keel/console.h>
#include <keel/irqflags.h>
#include "input/input_core.h"
#include "input/keymap.h"

static struct keymap_state console_keymap;
static void (*byte_tap)(const char *bytes, size_t n);

void console_keyboard_set_tap(void (*tap)(const char *bytes, size_t n))
{
	unsigned long flags;

	local_irq_save(flags);
	byte_tap = tap;
	local_irq_restore(flags);
}

static void console_keyboard_event(struct input_dev *dev, unsigned int type, unsigned int code,
				   int value)
{
	char bytes[KEYMAP_MAX_BYTES];
	unsigned int locks = console_keymap.locks;
	size_t n;

	if (type != EV_KEY)
		return;
	/* Shift+PgUp/PgDn scroll the screen back and forth, as on Linux's console: never input. */
	if (value && (code == KEY_PAGEUP || code == KEY_PAGEDOWN) &&
	    (console_keymap.mods & (KEYMAP_MOD_LSHIFT | KEYMAP_MOD_RSHIFT))) {
		console_scrollback(code == KEY_PAGEUP ? -1 : 1);
		return;
	}
	n = keymap_key_event(&console_keymap, code, value, bytes);
	if (console_keymap.locks != locks)
		input_set_leds(console_keymap.locks);
	if (!n)
		return;
	if (byte_tap) {
		byte_tap(bytes, n);
		return;
	}
	for (size_t i = 0; i < n; i++)
		console_input_push(bytes[i]);
}

static struct input_handler console_keyboard = {
	.name = "console-keyboard",
	.event = console_keyboard_event,
};

int console_keyboard_init(void)
{
	return input_register_handler(&console_keyboard);
}
