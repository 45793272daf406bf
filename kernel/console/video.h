/* The screen consoles: VGA text under BIOS, a framebuffer with a PSF font under UEFI. */
#ifndef KEEL_CONSOLE_VIDEO_H
#define KEEL_CONSOLE_VIDEO_H

void video_console_init(void); /* picks VGA text or the framebuffer from boot_info and registers it */

#endif
