/* Host unit test of ps2.ko's scan code set 1 decoder: make/break, E0 keys, fake shifts, Pause. */
/* UNIT_SOURCES: modules/ps2/scancode.c */
#include <stdio.h>
#include "../../modules/ps2/scancode.h"
#include "unit.h"

static struct scancode_decoder dec;
static struct key_event events[16];
static unsigned int nevents;

static void feed(const unsigned char *bytes, size_t n)
{
	nevents = 0;
	for (size_t i = 0; i < n; i++) {
		struct key_event ev;

		if (scancode_feed(&dec, bytes[i], &ev) && nevents < 16)
			events[nevents++] = ev;
	}
}

#define FEED(...)                                                                 \
	do {                                                                      \
		static const unsigned char b_[] = { __VA_ARGS__ };                \
		feed(b_, sizeof(b_));                                             \
	} while (0)

static void check_event(unsigned int i, unsigned int code, int value)
{
	CHECK(i < nevents);
	if (i < nevents) {
		CHECK_UINT(events[i].code, code);
		CHECK_INT(events[i].value, value);
	}
}

static void test_plain_keys(void)
{
	FEED(0x1e, 0x9e, 0x2a, 0x10, 0x90, 0xaa);
	CHECK_UINT(nevents, 6);
	check_event(0, KEY_A, 1);
	check_event(1, KEY_A, 0);
	check_event(2, KEY_LEFTSHIFT, 1);
	check_event(3, KEY_Q, 1);
	check_event(5, KEY_LEFTSHIFT, 0);
	FEED(0x01, 0x39, 0x3a, 0x45, 0x46, 0x47, 0x53, 0x56, 0x57, 0x58);
	CHECK_UINT(nevents, 10);
	check_event(0, KEY_ESC, 1);
	check_event(1, KEY_SPACE, 1);
	check_event(2, KEY_CAPSLOCK, 1);
	check_event(3, KEY_NUMLOCK, 1);
	check_event(4, KEY_SCROLLLOCK, 1);
	check_event(5, KEY_KP7, 1);
	check_event(6, KEY_KPDOT, 1);
	check_event(7, KEY_102ND, 1);
	check_event(8, KEY_F11, 1);
	check_event(9, KEY_F12, 1);
}

static void test_extended_keys(void)
{
	FEED(0xe0, 0x48, 0xe0, 0xc8, 0xe0, 0x1c, 0xe0, 0x1d, 0xe0, 0x38, 0xe0, 0x35, 0xe0, 0x5b);
	CHECK_UINT(nevents, 7);
	check_event(0, KEY_UP, 1);
	check_event(1, KEY_UP, 0);
	check_event(2, KEY_KPENTER, 1);
	check_event(3, KEY_RIGHTCTRL, 1);
	check_event(4, KEY_RIGHTALT, 1);
	check_event(5, KEY_KPSLASH, 1);
	check_event(6, KEY_LEFTMETA, 1);
	FEED(0xe0, 0x47, 0xe0, 0x4f, 0xe0, 0x49, 0xe0, 0x51, 0xe0, 0x52, 0xe0, 0x53, 0xe0, 0x4b,
	     0xe0, 0x4d, 0xe0, 0x50);
	CHECK_UINT(nevents, 9);
	check_event(0, KEY_HOME, 1);
	check_event(1, KEY_END, 1);
	check_event(2, KEY_PAGEUP, 1);
	check_event(3, KEY_PAGEDOWN, 1);
	check_event(4, KEY_INSERT, 1);
	check_event(5, KEY_DELETE, 1);
	check_event(6, KEY_LEFT, 1);
	check_event(7, KEY_RIGHT, 1);
	check_event(8, KEY_DOWN, 1);
}

static void test_fake_shifts_and_print_screen(void)
{
	/* Print Screen: E0 2A E0 37, released E0 B7 E0 AA; the fake shifts are no keys. */
	FEED(0xe0, 0x2a, 0xe0, 0x37, 0xe0, 0xb7, 0xe0, 0xaa);
	CHECK_UINT(nevents, 2);
	check_event(0, KEY_SYSRQ, 1);
	check_event(1, KEY_SYSRQ, 0);
	/* Keypad-/ with shift held: E0 AA E0 35 ... E0 B5 E0 2A. */
	FEED(0x2a, 0xe0, 0xaa, 0xe0, 0x35, 0xe0, 0xb5, 0xe0, 0x2a, 0xaa);
	CHECK_UINT(nevents, 4);
	check_event(1, KEY_KPSLASH, 1);
	check_event(2, KEY_KPSLASH, 0);
	check_event(3, KEY_LEFTSHIFT, 0);
}

static void test_pause(void)
{
	FEED(0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5, 0x1e);
	CHECK_UINT(nevents, 3);
	check_event(0, KEY_PAUSE, 1);
	check_event(1, KEY_PAUSE, 0);
	check_event(2, KEY_A, 1);
	/* A garbled E1 sequence is dropped and decoding goes on. */
	FEED(0xe1, 0x12, 0x34, 0x1f);
	CHECK_UINT(nevents, 1);
	check_event(0, KEY_S, 1);
}

static void test_noise(void)
{
	/* Overrun, ACK, resend and unknown codes produce nothing. */
	FEED(0x00, 0xff, 0xfa, 0xfe, 0x55, 0x7f, 0xe0, 0x01, 0x1e);
	CHECK_UINT(nevents, 1);
	check_event(0, KEY_A, 1);
	CHECK_UINT(scancode_to_key(0x54, false), KEY_SYSRQ);
	CHECK_UINT(scancode_to_key(0x48, true), KEY_UP);
	CHECK_UINT(scancode_to_key(0x2a, true), 0);
}

int main(void)
{
	test_plain_keys();
	test_extended_keys();
	test_fake_shifts_and_print_screen();
	test_pause();
	test_noise();
	return unit_summary();
}
