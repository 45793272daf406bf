/* Host unit test of the console keyboard's US keymap: characters, Shift/Caps, Ctrl, Alt, keypad,
 * xterm sequences and lock keys. */
/* UNIT_SOURCES: kernel/input/keymap.c */
#include <stdio.h>
#include <string.h>
#include "input/keymap.h"
#include "unit.h"

static struct keymap_state state;
static char out[KEYMAP_MAX_BYTES + 1];

/* Press and release code; returns what the press typed, as a string. */
static const char *tap(unsigned int code)
{
	char release[KEYMAP_MAX_BYTES];
	size_t n = keymap_key_event(&state, code, 1, out);

	out[n] = '\0';
	CHECK_UINT(keymap_key_event(&state, code, 0, release), 0);
	return out;
}

/* tap() with modifier keys held around it. */
static const char *with(unsigned int mod1, unsigned int mod2, unsigned int code)
{
	char scratch[KEYMAP_MAX_BYTES];

	keymap_key_event(&state, mod1, 1, scratch);
	if (mod2)
		keymap_key_event(&state, mod2, 1, scratch);
	tap(code);
	if (mod2)
		keymap_key_event(&state, mod2, 0, scratch);
	keymap_key_event(&state, mod1, 0, scratch);
	return out;
}

static void test_printable(void)
{
	static const unsigned int keys[] = {
		KEY_GRAVE, KEY_1, KEY_2, KEY_3, KEY_4, KEY_5, KEY_6, KEY_7, KEY_8, KEY_9, KEY_0,
		KEY_MINUS, KEY_EQUAL, KEY_Q, KEY_W, KEY_E, KEY_R, KEY_T, KEY_Y, KEY_U, KEY_I,
		KEY_O, KEY_P, KEY_LEFTBRACE, KEY_RIGHTBRACE, KEY_BACKSLASH, KEY_A, KEY_S, KEY_D,
		KEY_F, KEY_G, KEY_H, KEY_J, KEY_K, KEY_L, KEY_SEMICOLON, KEY_APOSTROPHE, KEY_Z,
		KEY_X, KEY_C, KEY_V, KEY_B, KEY_N, KEY_M, KEY_COMMA, KEY_DOT, KEY_SLASH, KEY_SPACE,
	};
	const char *plain = "`1234567890-=qwertyuiop[]\\asdfghjkl;'zxcvbnm,./ ";
	const char *shifted = "~!@#$%^&*()_+QWERTYUIOP{}|ASDFGHJKL:\"ZXCVBNM<>? ";
	char typed[64] = "", shifted_typed[64] = "";

	memset(&state, 0, sizeof(state));
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		strlcat(typed, tap(keys[i]), sizeof(typed));
		strlcat(shifted_typed, with(i % 2 ? KEY_LEFTSHIFT : KEY_RIGHTSHIFT, 0, keys[i]),
			sizeof(shifted_typed));
	}
	CHECK_STR(typed, plain);
	CHECK_STR(shifted_typed, shifted);
	CHECK_STR(tap(KEY_102ND), "<");
}

static void test_caps_lock(void)
{
	memset(&state, 0, sizeof(state));
	tap(KEY_CAPSLOCK);
	CHECK_UINT(state.locks, 1u << LED_CAPSL);
	CHECK_STR(tap(KEY_A), "A");
	CHECK_STR(tap(KEY_1), "1"); /* letters only */
	CHECK_STR(tap(KEY_SEMICOLON), ";");
	CHECK_STR(with(KEY_LEFTSHIFT, 0, KEY_A), "a");
	CHECK_STR(with(KEY_LEFTSHIFT, 0, KEY_1), "!");
	/* Autorepeat of the lock key does not toggle it again. */
	keymap_key_event(&state, KEY_CAPSLOCK, 1, out);
	keymap_key_event(&state, KEY_CAPSLOCK, 2, out);
	keymap_key_event(&state, KEY_CAPSLOCK, 0, out);
	CHECK_UINT(state.locks, 0);
	CHECK_STR(tap(KEY_A), "a");
}

static void test_control_and_alt(void)
{
	memset(&state, 0, sizeof(state));
	CHECK_STR(with(KEY_LEFTCTRL, 0, KEY_C), "\x03");
	CHECK_STR(with(KEY_RIGHTCTRL, 0, KEY_A), "\x01");
	CHECK_STR(with(KEY_LEFTCTRL, 0, KEY_Z), "\x1a");
	CHECK_STR(with(KEY_LEFTCTRL, KEY_LEFTSHIFT, KEY_D), "\x04");
	CHECK_STR(with(KEY_LEFTCTRL, 0, KEY_LEFTBRACE), "\x1b");
	CHECK_STR(with(KEY_LEFTCTRL, 0, KEY_BACKSLASH), "\x1c");
	CHECK_UINT(keymap_key_event(&state, KEY_LEFTCTRL, 1, out), 0);
	CHECK_UINT(keymap_key_event(&state, KEY_SPACE, 1, out), 1);
	CHECK_UINT(out[0], 0); /* Ctrl+Space: NUL */
	keymap_key_event(&state, KEY_SPACE, 0, out);
	keymap_key_event(&state, KEY_LEFTCTRL, 0, out);
	CHECK_STR(with(KEY_LEFTALT, 0, KEY_X), "\x1bx");
	CHECK_STR(with(KEY_RIGHTALT, KEY_LEFTSHIFT, KEY_X), "\x1bX");
	CHECK_STR(with(KEY_LEFTALT, KEY_LEFTCTRL, KEY_C), "\x1b\x03");
	CHECK_STR(with(KEY_LEFTALT, 0, KEY_ENTER), "\x1b\r");
}

static void test_special_keys(void)
{
	memset(&state, 0, sizeof(state));
	CHECK_STR(tap(KEY_ENTER), "\r");
	CHECK_STR(tap(KEY_KPENTER), "\r");
	CHECK_STR(tap(KEY_BACKSPACE), "\x7f");
	CHECK_STR(tap(KEY_TAB), "\t");
	CHECK_STR(with(KEY_LEFTSHIFT, 0, KEY_TAB), "\x1b[Z");
	CHECK_STR(tap(KEY_ESC), "\x1b");
	CHECK_STR(tap(KEY_UP), "\x1b[A");
	CHECK_STR(tap(KEY_DOWN), "\x1b[B");
	CHECK_STR(tap(KEY_RIGHT), "\x1b[C");
	CHECK_STR(tap(KEY_LEFT), "\x1b[D");
	CHECK_STR(tap(KEY_HOME), "\x1b[H");
	CHECK_STR(tap(KEY_END), "\x1b[F");
	CHECK_STR(tap(KEY_INSERT), "\x1b[2~");
	CHECK_STR(tap(KEY_DELETE), "\x1b[3~");
	CHECK_STR(tap(KEY_PAGEUP), "\x1b[5~");
	CHECK_STR(tap(KEY_PAGEDOWN), "\x1b[6~");
	CHECK_STR(with(KEY_LEFTCTRL, 0, KEY_RIGHT), "\x1b[1;5C");
	CHECK_STR(with(KEY_LEFTSHIFT, 0, KEY_DELETE), "\x1b[3;2~");
	CHECK_STR(tap(KEY_LEFTSHIFT), "");
	CHECK_STR(tap(KEY_PAUSE), "");
	CHECK_STR(tap(KEY_LEFTMETA), "");
}

static void test_function_keys(void)
{
	static const char *const expected[] = {
		"\x1bOP", "\x1bOQ", "\x1bOR", "\x1bOS", "\x1b[15~", "\x1b[17~", "\x1b[18~",
		"\x1b[19~", "\x1b[20~", "\x1b[21~", "\x1b[23~", "\x1b[24~",
	};

	memset(&state, 0, sizeof(state));
	for (unsigned int i = 0; i < 10; i++)
		CHECK_STR(tap(KEY_F1 + i), expected[i]);
	CHECK_STR(tap(KEY_F11), expected[10]);
	CHECK_STR(tap(KEY_F12), expected[11]);
	CHECK_STR(with(KEY_LEFTSHIFT, 0, KEY_F1), "\x1b[1;2P");
	CHECK_STR(with(KEY_LEFTCTRL, 0, KEY_F5), "\x1b[15;5~");
}

static void test_keypad(void)
{
	static const unsigned int digits[] = { KEY_KP0, KEY_KP1, KEY_KP2, KEY_KP3, KEY_KP4,
					       KEY_KP5, KEY_KP6, KEY_KP7, KEY_KP8, KEY_KP9 };
	char typed[16] = "";

	memset(&state, 0, sizeof(state));
	CHECK_STR(tap(KEY_KP8), "\x1b[A");
	CHECK_STR(tap(KEY_KP2), "\x1b[B");
	CHECK_STR(tap(KEY_KP6), "\x1b[C");
	CHECK_STR(tap(KEY_KP4), "\x1b[D");
	CHECK_STR(tap(KEY_KP7), "\x1b[H");
	CHECK_STR(tap(KEY_KP1), "\x1b[F");
	CHECK_STR(tap(KEY_KP9), "\x1b[5~");
	CHECK_STR(tap(KEY_KP3), "\x1b[6~");
	CHECK_STR(tap(KEY_KP0), "\x1b[2~");
	CHECK_STR(tap(KEY_KPDOT), "\x1b[3~");
	CHECK_STR(tap(KEY_KP5), "\x1b[E");
	CHECK_STR(tap(KEY_KPSLASH), "/");
	CHECK_STR(tap(KEY_KPASTERISK), "*");
	CHECK_STR(tap(KEY_KPMINUS), "-");
	CHECK_STR(tap(KEY_KPPLUS), "+");
	tap(KEY_NUMLOCK);
	CHECK_UINT(state.locks, 1u << LED_NUML);
	for (unsigned int i = 0; i < 10; i++)
		strlcat(typed, tap(digits[i]), sizeof(typed));
	strlcat(typed, tap(KEY_KPDOT), sizeof(typed));
	CHECK_STR(typed, "0123456789.");
	tap(KEY_SCROLLLOCK);
	CHECK_UINT(state.locks, (1u << LED_NUML) | (1u << LED_SCROLLL));
}

static void test_repeat_and_release(void)
{
	memset(&state, 0, sizeof(state));
	keymap_key_event(&state, KEY_A, 1, out);
	CHECK_UINT(keymap_key_event(&state, KEY_A, 2, out), 1);
	CHECK_UINT(out[0], 'a');
	CHECK_UINT(keymap_key_event(&state, KEY_A, 0, out), 0);
	/* Holding both shifts and releasing one keeps shift. */
	keymap_key_event(&state, KEY_LEFTSHIFT, 1, out);
	keymap_key_event(&state, KEY_RIGHTSHIFT, 1, out);
	keymap_key_event(&state, KEY_LEFTSHIFT, 0, out);
	CHECK_STR(tap(KEY_B), "B");
	keymap_key_event(&state, KEY_RIGHTSHIFT, 0, out);
	CHECK_STR(tap(KEY_B), "b");
	CHECK_UINT(keymap_us_char(KEY_RESERVED, false), 0);
	CHECK_UINT(keymap_us_char(KEY_MAX, true), 0);
}

int main(void)
{
	test_printable();
	test_caps_lock();
	test_control_and_alt();
	test_special_keys();
	test_function_keys();
	test_keypad();
	test_repeat_and_release();
	return unit_summary();
}
