/*
 * Chooses the screen console for this boot (VGA text under BIOS, the framebuffer under UEFI),
 * shows the kernel log so far on it, and registers it for everything printed afterwards.
 */
#include <keel/console.h>
#include <keel/printk.h>
#include "console/fbcon.h"
#include "console/log.h"
#include "console/vga.h"
#include "console/video.h"
#include "init/bootinfo.h"

static struct console *replay_target;

static void replay_sink(const char *s, size_t n)
{
	if (n)
		replay_target->write(replay_target, s, n);
}

static struct console *video_console_pick(void)
{
	if (!boot_info.has_fb) {
		if (boot_info.efi_booted) {
			pr_warn("video: UEFI boot without a framebuffer; console stays on serial\n");
			return NULL;
		}
		return vga_console_init();
	}
	switch (boot_info.fb.type) {
	case BOOT_FB_EGA_TEXT:
		return vga_console_init();
	case BOOT_FB_RGB:
		return fbcon_init();
	default:
		pr_warn("video: indexed-colour framebuffer is not supported; console stays on serial\n");
		return NULL;
	}
}

void video_console_init(void)
{
	struct console *con = video_console_pick();

	if (!con)
		return;
	/* Replay before registering, so no line reaches the screen twice. */
	replay_target = con;
	log_read_all(replay_sink);
	register_console(con);
}
