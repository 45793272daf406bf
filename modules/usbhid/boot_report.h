/* HID boot protocol reports (HID 1.11 appendix B) turned into Linux key events: pure code. */
#ifndef USBHID_BOOT_REPORT_H
#define USBHID_BOOT_REPORT_H

#include <keel/types.h>

#define HID_BOOT_KBD_REPORT 8 /* modifiers, reserved, six key usages */

struct hid_key_event {
	unsigned int code; /* KEY_* */
	int value;         /* 1 press, 0 release */
};

/* The Linux key code of a keyboard page usage (0x04 'a' ... 0xe7 right GUI), 0 for none. */
unsigned int hid_usage_to_key(u8 usage);
/*
 * The key events that lead from report old to report new: releases first, then presses,
 * modifiers before keys. A report with ErrorRollOver (usage 1) gives none. Returns how many
 * were written to out (at most max; 8 modifiers + 12 keys is the most there can be).
 */
unsigned int hid_boot_kbd_diff(const u8 *old, const u8 *new, struct hid_key_event *out,
			       unsigned int max);

#endif
