/*
 * The US keyboard layout as a pure function: key events in, the bytes a VT100/xterm terminal
 * would send out. Kept free of kernel services so the host unit tests can drive it.
 */
#ifndef KEEL_INPUT_KEYMAP_H
#define KEEL_INPUT_KEYMAP_H

#include <keel/input-event-codes.h>
#include <keel/types.h>

/* The longest output of one key: ESC [ 2 4 ; 8 ~ (F12 with every modifier) plus slack. */
#define KEYMAP_MAX_BYTES 16

/* Modifier keys held (bits of keymap_state.mods). */
#define KEYMAP_MOD_LSHIFT 0x01
#define KEYMAP_MOD_RSHIFT 0x02
#define KEYMAP_MOD_LCTRL 0x04
#define KEYMAP_MOD_RCTRL 0x08
#define KEYMAP_MOD_LALT 0x10
#define KEYMAP_MOD_RALT 0x20

struct keymap_state {
	unsigned int mods;  /* KEYMAP_MOD_* held */
	unsigned int locks; /* (1 << LED_CAPSL) | (1 << LED_NUML) | (1 << LED_SCROLLL) engaged */
};

/*
 * Feeds one EV_KEY event (value 0 release, 1 press, 2 autorepeat) into the state and writes the
 * bytes it types to out (at least KEYMAP_MAX_BYTES long). Returns how many were written.
 * Lock keys toggle state->locks on press; the caller mirrors a change to the LEDs.
 */
size_t keymap_key_event(struct keymap_state *state, unsigned int code, int value, char *out);

/* The character a key gives on the US layout (0 when it has none), for showkey and tests. */
char keymap_us_char(unsigned int code, bool shifted);

#endif
