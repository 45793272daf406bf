/* Walks the multiboot2 information tags and copies what Keel needs into boot_info. */
#include <keel/cmdline.h>
#include <keel/layout.h>
#include <keel/minmax.h>
#include <keel/printk.h>
#include <keel/string.h>
#include <keel/errno.h>
#include "init/bootinfo.h"

#define MB2_TAG_END 0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_LOADER_NAME 2
#define MB2_TAG_MODULE 3
#define MB2_TAG_BASIC_MEMINFO 4
#define MB2_TAG_MMAP 6
#define MB2_TAG_FRAMEBUFFER 8
#define MB2_TAG_EFI64 12
#define MB2_TAG_ACPI_OLD 14
#define MB2_TAG_ACPI_NEW 15

struct mb2_tag {
	u32 type, size;
} __packed;

struct mb2_tag_module {
	u32 type, size, mod_start, mod_end;
	char cmdline[];
} __packed;

struct mb2_tag_mmap {
	u32 type, size, entry_size, entry_version;
} __packed;

struct mb2_mmap_entry {
	u64 base, len;
	u32 type, reserved;
} __packed;

struct mb2_tag_framebuffer {
	u32 type, size;
	u64 addr;
	u32 pitch, width, height;
	u8 bpp, fb_type;
	u16 reserved;
	u8 red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
} __packed;

struct boot_info boot_info;

static void parse_mmap(const struct mb2_tag_mmap *t)
{
	const u8 *p = (const u8 *)(t + 1), *end = (const u8 *)t + t->size;

	for (; p + sizeof(struct mb2_mmap_entry) <= end && boot_info.mmap_count < BOOT_MMAP_MAX;
	     p += t->entry_size) {
		const struct mb2_mmap_entry *e = (const void *)p;
		struct boot_mmap_entry *out = &boot_info.mmap[boot_info.mmap_count++];

		out->base = e->base;
		out->len = e->len;
		out->type = e->type;
		if (t->entry_size == 0)
			break;
	}
}

/* Copies a loader-given string into a fixed field, saying so when it does not fit. */
static void copy_boot_string(char *dst, size_t size, const char *src, const char *what)
{
	size_t len = strlcpy(dst, src, size);

	if (len >= size)
		pr_err("boot: the %s is %zu bytes, longer than the %zu kept; it is cut to '%s'\n",
		       what, len, size - 1, dst);
}

static void parse_module(const struct mb2_tag_module *t)
{
	struct boot_module *m;

	if (boot_info.module_count >= BOOT_MODULES_MAX)
		return;
	m = &boot_info.modules[boot_info.module_count++];
	m->start = t->mod_start;
	m->end = t->mod_end;
	copy_boot_string(m->cmdline, sizeof(m->cmdline), t->cmdline, "boot module's string");
}

static void parse_framebuffer(const struct mb2_tag_framebuffer *t)
{
	struct boot_framebuffer *fb = &boot_info.fb;

	boot_info.has_fb = true;
	fb->addr = t->addr;
	fb->pitch = t->pitch;
	fb->width = t->width;
	fb->height = t->height;
	fb->bpp = t->bpp;
	fb->type = t->fb_type;
	if (t->fb_type == BOOT_FB_RGB) {
		fb->red_pos = t->red_pos;
		fb->red_size = t->red_size;
		fb->green_pos = t->green_pos;
		fb->green_size = t->green_size;
		fb->blue_pos = t->blue_pos;
		fb->blue_size = t->blue_size;
	}
}

/* The string is used where it lies, at any length; one without its NUL is refused. */
static void parse_cmdline(const char *payload, size_t room)
{
	if (strnlen(payload, room) == room) {
		pr_err("boot: the command line tag has no terminating NUL; command line ignored\n");
		return;
	}
	cmdline_setup(payload);
}

static void parse_tag(const struct mb2_tag *tag)
{
	const char *payload = (const char *)(tag + 1);
	unsigned int len;

	switch (tag->type) {
	case MB2_TAG_CMDLINE:
		parse_cmdline(payload, tag->size - sizeof(*tag));
		break;
	case MB2_TAG_LOADER_NAME:
		copy_boot_string(boot_info.loader_name, sizeof(boot_info.loader_name), payload,
				 "boot loader's name");
		break;
	case MB2_TAG_MODULE:
		parse_module((const void *)tag);
		break;
	case MB2_TAG_BASIC_MEMINFO:
		boot_info.mem_lower_kb = ((const u32 *)payload)[0];
		boot_info.mem_upper_kb = ((const u32 *)payload)[1];
		break;
	case MB2_TAG_MMAP:
		parse_mmap((const void *)tag);
		break;
	case MB2_TAG_FRAMEBUFFER:
		parse_framebuffer((const void *)tag);
		break;
	case MB2_TAG_EFI64:
		boot_info.efi_booted = true;
		break;
	case MB2_TAG_ACPI_OLD:
	case MB2_TAG_ACPI_NEW:
		len = min_t(size_t, tag->size - 8, sizeof(boot_info.rsdp));
		/* Prefer the ACPI 2.0 RSDP when the loader gives both. */
		if (tag->type == MB2_TAG_ACPI_NEW || boot_info.rsdp_len == 0) {
			memcpy(boot_info.rsdp, payload, len);
			boot_info.rsdp_len = len;
		}
		break;
	}
}

int multiboot2_parse(phys_addr_t mbi_phys)
{
	const u8 *mbi = phys_to_virt(mbi_phys);
	u32 total = *(const u32 *)mbi;
	const u8 *p = mbi + 8, *end = mbi + total;

	boot_info.mbi_start = mbi_phys;
	boot_info.mbi_end = mbi_phys + total;
	while (p + sizeof(struct mb2_tag) <= end) {
		const struct mb2_tag *tag = (const void *)p;

		if (tag->type == MB2_TAG_END)
			return 0;
		/* A tag past the end of the information, or one whose u32 size wraps when
		 * rounded up (0xfffffff9 + 7 is 0), is refused before it is read or skipped. */
		if (tag->size < sizeof(struct mb2_tag) || tag->size > (size_t)(end - p))
			return -EINVAL;
		parse_tag(tag);
		p += ALIGN_UP((size_t)tag->size, 8);
	}
	return -EINVAL;
}
