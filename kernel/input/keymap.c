/*
 * The console's US keymap: turns key events into the bytes an xterm would send, so the tty's
 * line discipline and programs see what they would see over a serial terminal. Pure code
 * (no kernel services): tests/unit/test_keymap.c runs it on the host.
 */
#include <keel/compiler.h>
#include <keel/string.h>
#include "input/keymap.h"

#define ESC 0x1b
#define DEL 0x7f

/* Runs of consecutive key codes and the characters they give, unshifted and shifted. */
static const struct keymap_row {
	unsigned char first;
	const char *plain;
	const char *shifted;
} us_rows[] = {
	{ KEY_1, "1234567890-=", "!@#$%^&*()_+" },
	{ KEY_Q, "qwertyuiop[]", "QWERTYUIOP{}" },
	{ KEY_A, "asdfghjkl;'`", "ASDFGHJKL:\"~" },
	{ KEY_BACKSLASH, "\\zxcvbnm,./", "|ZXCVBNM<>?" },
	{ KEY_SPACE, " ", " " },
	{ KEY_102ND, "<", ">" },
};

/* Keys sent as CSI <number> ~ (and the cursor keys as CSI <letter>), as xterm does. */
static const struct csi_key {
	unsigned short code;
	unsigned char number; /* 0: the final letter alone */
	char final;
} csi_keys[] = {
	{ KEY_UP, 0, 'A' },       { KEY_DOWN, 0, 'B' },      { KEY_RIGHT, 0, 'C' },
	{ KEY_LEFT, 0, 'D' },     { KEY_HOME, 0, 'H' },      { KEY_END, 0, 'F' },
	{ KEY_INSERT, 2, '~' },   { KEY_DELETE, 3, '~' },    { KEY_PAGEUP, 5, '~' },
	{ KEY_PAGEDOWN, 6, '~' }, { KEY_F5, 15, '~' },       { KEY_F6, 17, '~' },
	{ KEY_F7, 18, '~' },      { KEY_F8, 19, '~' },       { KEY_F9, 20, '~' },
	{ KEY_F10, 21, '~' },     { KEY_F11, 23, '~' },      { KEY_F12, 24, '~' },
};

/* The keypad without Num Lock: the navigation key printed under each digit. */
static const struct keypad_nav {
	unsigned short keypad, nav;
} keypad_nav[] = {
	{ KEY_KP7, KEY_HOME }, { KEY_KP8, KEY_UP },      { KEY_KP9, KEY_PAGEUP },
	{ KEY_KP4, KEY_LEFT }, { KEY_KP6, KEY_RIGHT },   { KEY_KP1, KEY_END },
	{ KEY_KP2, KEY_DOWN }, { KEY_KP3, KEY_PAGEDOWN }, { KEY_KP0, KEY_INSERT },
	{ KEY_KPDOT, KEY_DELETE },
};

char keymap_us_char(unsigned int code, bool shifted)
{
	for (size_t i = 0; i < ARRAY_SIZE(us_rows); i++) {
		const struct keymap_row *row = &us_rows[i];

		if (code >= row->first && code < row->first + strlen(row->plain))
			return (shifted ? row->shifted : row->plain)[code - row->first];
	}
	return 0;
}

static unsigned int modifier_bit(unsigned int code)
{
	switch (code) {
	case KEY_LEFTSHIFT: return KEYMAP_MOD_LSHIFT;
	case KEY_RIGHTSHIFT: return KEYMAP_MOD_RSHIFT;
	case KEY_LEFTCTRL: return KEYMAP_MOD_LCTRL;
	case KEY_RIGHTCTRL: return KEYMAP_MOD_RCTRL;
	case KEY_LEFTALT: return KEYMAP_MOD_LALT;
	case KEY_RIGHTALT: return KEYMAP_MOD_RALT;
	}
	return 0;
}

static int lock_led(unsigned int code)
{
	switch (code) {
	case KEY_CAPSLOCK: return LED_CAPSL;
	case KEY_NUMLOCK: return LED_NUML;
	case KEY_SCROLLLOCK: return LED_SCROLLL;
	}
	return -1;
}

static bool shift_held(const struct keymap_state *s)
{
	return s->mods & (KEYMAP_MOD_LSHIFT | KEYMAP_MOD_RSHIFT);
}

static bool ctrl_held(const struct keymap_state *s)
{
	return s->mods & (KEYMAP_MOD_LCTRL | KEYMAP_MOD_RCTRL);
}

static bool alt_held(const struct keymap_state *s)
{
	return s->mods & (KEYMAP_MOD_LALT | KEYMAP_MOD_RALT);
}

/* xterm's modifier parameter: 1 + Shift(1) + Alt(2) + Ctrl(4); 1 means none. */
static unsigned int xterm_modifier(const struct keymap_state *s)
{
	return 1 + (shift_held(s) ? 1 : 0) + (alt_held(s) ? 2 : 0) + (ctrl_held(s) ? 4 : 0);
}

/* What Ctrl does to a character, as a terminal does: letters and @[\]^_ to 0x00-0x1f. */
static char control_char(char c)
{
	if (c >= 'a' && c <= 'z')
		return (char)(c - 'a' + 1);
	if (c >= '@' && c <= '_')
		return (char)(c & 0x1f);
	switch (c) {
	case ' ': case '2': return 0;
	case '6': return 0x1e;
	case '-': case '/': return 0x1f;
	case '?': return DEL;
	}
	return c;
}

static size_t csi_sequence(const struct keymap_state *s, const struct csi_key *k, char *out)
{
	unsigned int mod = xterm_modifier(s);

	if (k->number && mod > 1)
		return (size_t)snprintf(out, KEYMAP_MAX_BYTES, "\x1b[%u;%u~", k->number, mod);
	if (k->number)
		return (size_t)snprintf(out, KEYMAP_MAX_BYTES, "\x1b[%u~", k->number);
	if (mod > 1)
		return (size_t)snprintf(out, KEYMAP_MAX_BYTES, "\x1b[1;%u%c", mod, k->final);
	return (size_t)snprintf(out, KEYMAP_MAX_BYTES, "\x1b[%c", k->final);
}

/* F1-F4 are SS3 P..S unmodified, CSI 1;<mod> P..S with modifiers. */
static size_t function_key_sequence(const struct keymap_state *s, unsigned int code, char *out)
{
	char final = (char)('P' + (code - KEY_F1));
	unsigned int mod = xterm_modifier(s);

	if (mod > 1)
		return (size_t)snprintf(out, KEYMAP_MAX_BYTES, "\x1b[1;%u%c", mod, final);
	return (size_t)snprintf(out, KEYMAP_MAX_BYTES, "\x1bO%c", final);
}

static size_t special_key_sequence(const struct keymap_state *s, unsigned int code, char *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(csi_keys); i++)
		if (csi_keys[i].code == code)
			return csi_sequence(s, &csi_keys[i], out);
	if (code >= KEY_F1 && code <= KEY_F4)
		return function_key_sequence(s, code, out);
	return 0;
}

/* A key with a single character of its own (before Ctrl and Alt apply); 0 when none. */
static int plain_key_char(unsigned int code)
{
	switch (code) {
	case KEY_ENTER: case KEY_KPENTER: return '\r';
	case KEY_BACKSPACE: return DEL;
	case KEY_TAB: return '\t';
	case KEY_ESC: return ESC;
	case KEY_KPSLASH: return '/';
	case KEY_KPASTERISK: return '*';
	case KEY_KPMINUS: return '-';
	case KEY_KPPLUS: return '+';
	}
	return -1;
}

static int layout_char(const struct keymap_state *s, unsigned int code)
{
	bool shifted = shift_held(s);
	char c = keymap_us_char(code, false);

	if (!c)
		return -1;
	/* Caps Lock only affects letters, and Shift undoes it. */
	if (c >= 'a' && c <= 'z' && (s->locks & (1u << LED_CAPSL)))
		shifted = !shifted;
	return (unsigned char)keymap_us_char(code, shifted);
}

/* Keypad digits: characters with Num Lock on, navigation keys without. */
static size_t keypad_key(const struct keymap_state *s, unsigned int code, char *out)
{
	static const char digits[] = "789-456+1230.";

	if (code < KEY_KP7 || code > KEY_KPDOT || code == KEY_KPMINUS || code == KEY_KPPLUS)
		return 0;
	if (s->locks & (1u << LED_NUML)) {
		out[0] = digits[code - KEY_KP7];
		return 1;
	}
	if (code == KEY_KP5) /* xterm's "begin" key */
		return (size_t)snprintf(out, KEYMAP_MAX_BYTES, "\x1b[E");
	for (size_t i = 0; i < ARRAY_SIZE(keypad_nav); i++)
		if (keypad_nav[i].keypad == code)
			return special_key_sequence(s, keypad_nav[i].nav, out);
	return 0;
}

/* One character key, with Ctrl (control character) and Alt (ESC prefix) applied. */
static size_t character_key(const struct keymap_state *s, unsigned int code, char *out)
{
	int c = plain_key_char(code);
	size_t n = 0;

	if (code == KEY_TAB && shift_held(s))
		return (size_t)snprintf(out, KEYMAP_MAX_BYTES, "\x1b[Z");
	if (c < 0)
		c = layout_char(s, code);
	if (c < 0)
		return 0;
	if (ctrl_held(s) && c >= ' ')
		c = (unsigned char)control_char((char)c);
	if (alt_held(s))
		out[n++] = ESC;
	out[n++] = (char)c;
	return n;
}

/* Updates modifiers and locks; true when the event was a modifier or lock key. */
static bool track_modifiers(struct keymap_state *s, unsigned int code, int value)
{
	unsigned int bit = modifier_bit(code);
	int led = lock_led(code);

	if (bit) {
		if (value)
			s->mods |= bit;
		else
			s->mods &= ~bit;
		return true;
	}
	if (led >= 0) {
		if (value == 1)
			s->locks ^= 1u << led;
		return true;
	}
	return false;
}

size_t keymap_key_event(struct keymap_state *state, unsigned int code, int value, char *out)
{
	size_t n;

	if (track_modifiers(state, code, value) || value == 0)
		return 0;
	n = keypad_key(state, code, out);
	if (!n)
		n = special_key_sequence(state, code, out);
	if (!n)
		n = character_key(state, code, out);
	return n;
}
