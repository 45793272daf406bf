/*
 * Decoding the PC keyboard's scan code set 1 (what the i8042 hands over when it translates the
 * keyboard's set 2): make/break codes, E0-prefixed extended keys and the E1 Pause sequence,
 * into Linux key codes. Pure code, so tests/unit/test_ps2_scancode.c runs it on the host.
 */
#ifndef PS2_SCANCODE_H
#define PS2_SCANCODE_H

#include <keel/input-event-codes.h>
#include <keel/types.h>

struct scancode_decoder {
	u8 prefix;     /* 0, 0xe0 or 0xe1: the prefix seen before the current byte */
	u8 e1_first;   /* inside E1: the first byte after it, 0 until seen */
};

struct key_event {
	unsigned int code; /* KEY_* */
	int value;         /* 1 press, 0 release */
};

/* Feeds one byte from the keyboard; returns true when it completes a key event (in *ev). */
bool scancode_feed(struct scancode_decoder *d, u8 byte, struct key_event *ev);

/* The key of a set 1 make code (without its release bit), plain or after E0; 0 if none. */
unsigned int scancode_to_key(u8 code, bool extended);

#endif
