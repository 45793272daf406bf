/* The VGA text-mode console (BIOS boots). */
#ifndef KEEL_CONSOLE_VGA_H
#define KEEL_CONSOLE_VGA_H

#include <keel/console.h>

/* Takes over the text screen described by boot_info (or 80x25 at 0xb8000); NULL if unusable. */
struct console *vga_console_init(void);

#endif
