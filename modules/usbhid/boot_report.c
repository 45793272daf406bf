/*
 * Boot keyboard reports (HID 1.11 B.1) to key events: the usage-to-keycode table of the
 * keyboard page (HID Usage Tables 1.12, chapter 10) in Linux's key codes, and the difference
 * between two reports. Pure: tests/unit/test_usbhid_report.c runs it on the host.
 */
#include <keel/input-event-codes.h>
#include <keel/string.h>
#include "boot_report.h"

#define USAGE_FIRST 0x04
#define USAGE_LEFTCTRL 0xe0

static const u8 usage_keys[] = {
	/* 0x04 */ KEY_A, KEY_B, KEY_C, KEY_D, KEY_E, KEY_F, KEY_G, KEY_H, KEY_I, KEY_J, KEY_K,
	KEY_L, KEY_M, KEY_N, KEY_O, KEY_P, KEY_Q, KEY_R, KEY_S, KEY_T, KEY_U, KEY_V, KEY_W,
	KEY_X, KEY_Y, KEY_Z,
	/* 0x1e */ KEY_1, KEY_2, KEY_3, KEY_4, KEY_5, KEY_6, KEY_7, KEY_8, KEY_9, KEY_0,
	/* 0x28 */ KEY_ENTER, KEY_ESC, KEY_BACKSPACE, KEY_TAB, KEY_SPACE, KEY_MINUS, KEY_EQUAL,
	KEY_LEFTBRACE, KEY_RIGHTBRACE, KEY_BACKSLASH, KEY_BACKSLASH /* non-US # */,
	KEY_SEMICOLON, KEY_APOSTROPHE, KEY_GRAVE, KEY_COMMA, KEY_DOT, KEY_SLASH, KEY_CAPSLOCK,
	/* 0x3a */ KEY_F1, KEY_F2, KEY_F3, KEY_F4, KEY_F5, KEY_F6, KEY_F7, KEY_F8, KEY_F9, KEY_F10,
	KEY_F11, KEY_F12,
	/* 0x46 */ KEY_SYSRQ, KEY_SCROLLLOCK, KEY_PAUSE, KEY_INSERT, KEY_HOME, KEY_PAGEUP,
	KEY_DELETE, KEY_END, KEY_PAGEDOWN, KEY_RIGHT, KEY_LEFT, KEY_DOWN, KEY_UP,
	/* 0x53 */ KEY_NUMLOCK, KEY_KPSLASH, KEY_KPASTERISK, KEY_KPMINUS, KEY_KPPLUS, KEY_KPENTER,
	KEY_KP1, KEY_KP2, KEY_KP3, KEY_KP4, KEY_KP5, KEY_KP6, KEY_KP7, KEY_KP8, KEY_KP9, KEY_KP0,
	KEY_KPDOT,
	/* 0x64 */ KEY_102ND, KEY_COMPOSE, KEY_POWER, KEY_KPEQUAL,
};

static const u8 modifier_keys[8] = {
	KEY_LEFTCTRL, KEY_LEFTSHIFT, KEY_LEFTALT, KEY_LEFTMETA,
	KEY_RIGHTCTRL, KEY_RIGHTSHIFT, KEY_RIGHTALT, KEY_RIGHTMETA,
};

unsigned int hid_usage_to_key(u8 usage)
{
	if (usage >= USAGE_LEFTCTRL && usage < USAGE_LEFTCTRL + 8)
		return modifier_keys[usage - USAGE_LEFTCTRL];
	if (usage < USAGE_FIRST || usage >= USAGE_FIRST + sizeof(usage_keys))
		return 0;
	return usage_keys[usage - USAGE_FIRST];
}

static bool has_usage(const u8 *report, u8 usage)
{
	for (int i = 2; i < HID_BOOT_KBD_REPORT; i++)
		if (report[i] == usage)
			return true;
	return false;
}

static void emit(struct hid_key_event *out, unsigned int *n, unsigned int max,
		 unsigned int code, int value)
{
	if (code && *n < max)
		out[(*n)++] = (struct hid_key_event){ code, value };
}

/* Key usages of a that b lacks, as events of value. */
static void key_changes(const u8 *a, const u8 *b, int value, struct hid_key_event *out,
			unsigned int *n, unsigned int max)
{
	for (int i = 2; i < HID_BOOT_KBD_REPORT; i++)
		if (a[i] >= USAGE_FIRST && !has_usage(b, a[i]))
			emit(out, n, max, hid_usage_to_key(a[i]), value);
}

unsigned int hid_boot_kbd_diff(const u8 *old, const u8 *new, struct hid_key_event *out,
			       unsigned int max)
{
	unsigned int n = 0;

	if (new[2] == 1) /* ErrorRollOver: too many keys, the report says nothing */
		return 0;
	for (int bit = 0; bit < 8; bit++)
		if ((old[0] & (1u << bit)) && !(new[0] & (1u << bit)))
			emit(out, &n, max, modifier_keys[bit], 0);
	key_changes(old, new, 0, out, &n, max);
	for (int bit = 0; bit < 8; bit++)
		if (!(old[0] & (1u << bit)) && (new[0] & (1u << bit)))
			emit(out, &n, max, modifier_keys[bit], 1);
	key_changes(new, old, 1, out, &n, max);
	return n;
}
