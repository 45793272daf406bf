/* The framebuffer console (UEFI boots): text drawn with the built-in PSF font. */
#ifndef KEEL_CONSOLE_FBCON_H
#define KEEL_CONSOLE_FBCON_H

#include <keel/console.h>

/* Foreground and background of every character cell, as 8-bit-per-channel RGB. */
#define FBCON_FG_RGB 0xaaaaaa
#define FBCON_BG_RGB 0x000000

/* Takes over boot_info's RGB framebuffer; NULL (after saying why) if it cannot. */
struct console *fbcon_init(void);

#endif
