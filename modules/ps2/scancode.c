/*
 * Scan code set 1 decoder. Most plain codes equal their Linux key code (Linux numbered its
 * keys after this set); the E0-prefixed ones and the few exceptions come from tables.
 */
#include <keel/compiler.h>
#include "scancode.h"

#define SC_RELEASE 0x80
#define SC_PREFIX_E0 0xe0
#define SC_PREFIX_E1 0xe1

static const struct extended_key {
	u8 code;
	unsigned short key;
} extended_keys[] = {
	{ 0x1c, KEY_KPENTER },  { 0x1d, KEY_RIGHTCTRL }, { 0x20, KEY_MUTE },
	{ 0x2e, KEY_VOLUMEDOWN }, { 0x30, KEY_VOLUMEUP }, { 0x35, KEY_KPSLASH },
	{ 0x37, KEY_SYSRQ },    { 0x38, KEY_RIGHTALT },  { 0x46, KEY_PAUSE }, /* Ctrl+Break */
	{ 0x47, KEY_HOME },     { 0x48, KEY_UP },        { 0x49, KEY_PAGEUP },
	{ 0x4b, KEY_LEFT },     { 0x4d, KEY_RIGHT },     { 0x4f, KEY_END },
	{ 0x50, KEY_DOWN },     { 0x51, KEY_PAGEDOWN },  { 0x52, KEY_INSERT },
	{ 0x53, KEY_DELETE },   { 0x5b, KEY_LEFTMETA },  { 0x5c, KEY_RIGHTMETA },
	{ 0x5d, KEY_COMPOSE },  { 0x5e, KEY_POWER },     { 0x5f, KEY_SLEEP },
	{ 0x63, KEY_WAKEUP },
};

unsigned int scancode_to_key(u8 code, bool extended)
{
	if (extended) {
		for (size_t i = 0; i < ARRAY_SIZE(extended_keys); i++)
			if (extended_keys[i].code == code)
				return extended_keys[i].key;
		return 0; /* includes E0 2A / E0 36: the fake shifts around extended keys */
	}
	if (code >= KEY_ESC && code <= KEY_KPDOT)
		return code;
	switch (code) {
	case 0x54: return KEY_SYSRQ; /* Alt+Print Screen */
	case 0x56: return KEY_102ND;
	case 0x57: return KEY_F11;
	case 0x58: return KEY_F12;
	case 0x59: return KEY_KPEQUAL;
	}
	return 0;
}

/* Pause is the only E1 key: E1 1D 45 when pressed, E1 9D C5 when released. */
static bool feed_pause(struct scancode_decoder *d, u8 byte, struct key_event *ev)
{
	u8 first = d->e1_first;

	if (!first) {
		d->e1_first = byte;
		return false;
	}
	d->prefix = 0;
	d->e1_first = 0;
	ev->code = KEY_PAUSE;
	if (first == 0x1d && byte == 0x45)
		ev->value = 1;
	else if (first == 0x9d && byte == 0xc5)
		ev->value = 0;
	else
		return false;
	return true;
}

bool scancode_feed(struct scancode_decoder *d, u8 byte, struct key_event *ev)
{
	bool extended;

	if (d->prefix == SC_PREFIX_E1)
		return feed_pause(d, byte, ev);
	if (byte == SC_PREFIX_E0 || byte == SC_PREFIX_E1) {
		d->prefix = byte;
		d->e1_first = 0;
		return false;
	}
	extended = d->prefix == SC_PREFIX_E0;
	d->prefix = 0;
	/* 00 and FF are keyboard errors/overruns; FA and FE answer commands, not keys. */
	if (byte == 0x00 || byte == 0xff || byte == 0xfa || byte == 0xfe)
		return false;
	ev->code = scancode_to_key(byte & ~SC_RELEASE, extended);
	ev->value = (byte & SC_RELEASE) ? 0 : 1;
	return ev->code != 0;
}
