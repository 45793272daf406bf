/* Host unit test of usbhid's boot keyboard report diff and usage table. */
/* UNIT_SOURCES: modules/usbhid/boot_report.c */
#include <keel/input-event-codes.h>
#include "../../modules/usbhid/boot_report.h"
#include "unit.h"

static struct hid_key_event ev[32];

static unsigned int diff(const u8 *old, const u8 *new)
{
	return hid_boot_kbd_diff(old, new, ev, 32);
}

int main(void)
{
	static const u8 none[8], a[8] = { 0, 0, 0x04 }, shift_a[8] = { 0x02, 0, 0x04 },
		ab[8] = { 0, 0, 0x04, 0x05 }, b[8] = { 0, 0, 0, 0x05 },
		rollover[8] = { 0, 0, 1, 1, 1, 1, 1, 1 };

	CHECK_UINT(hid_usage_to_key(0x04), KEY_A);
	CHECK_UINT(hid_usage_to_key(0x27), KEY_0);
	CHECK_UINT(hid_usage_to_key(0x2c), KEY_SPACE);
	CHECK_UINT(hid_usage_to_key(0x35), KEY_GRAVE);
	CHECK_UINT(hid_usage_to_key(0x39), KEY_CAPSLOCK);
	CHECK_UINT(hid_usage_to_key(0x52), KEY_UP);
	CHECK_UINT(hid_usage_to_key(0x58), KEY_KPENTER);
	CHECK_UINT(hid_usage_to_key(0x64), KEY_102ND);
	CHECK_UINT(hid_usage_to_key(0xe1), KEY_LEFTSHIFT);
	CHECK_UINT(hid_usage_to_key(0xe7), KEY_RIGHTMETA);
	CHECK_UINT(hid_usage_to_key(0x00), 0);
	CHECK_UINT(hid_usage_to_key(0x90), 0);

	CHECK_UINT(diff(none, a), 1);
	CHECK_UINT(ev[0].code, KEY_A);
	CHECK_INT(ev[0].value, 1);
	CHECK_UINT(diff(a, none), 1);
	CHECK_INT(ev[0].value, 0);
	CHECK_UINT(diff(none, shift_a), 2); /* the modifier first */
	CHECK_UINT(ev[0].code, KEY_LEFTSHIFT);
	CHECK_UINT(ev[1].code, KEY_A);
	CHECK_UINT(diff(shift_a, none), 2); /* releases: modifier, then key */
	CHECK_UINT(ev[0].code, KEY_LEFTSHIFT);
	CHECK_INT(ev[1].value, 0);
	CHECK_UINT(diff(a, ab), 1);
	CHECK_UINT(ev[0].code, KEY_B);
	CHECK_UINT(diff(ab, b), 1); /* a key moving in the array is no event */
	CHECK_UINT(ev[0].code, KEY_A);
	CHECK_INT(ev[0].value, 0);
	CHECK_UINT(diff(a, rollover), 0);
	CHECK_UINT(diff(a, a), 0);
	CHECK_UINT(hid_boot_kbd_diff(none, ab, ev, 1), 1); /* never more than max */
	return unit_summary();
}
