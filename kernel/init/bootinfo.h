/* What the boot loader told us, copied out of the multiboot2 information structure. */
#ifndef KEEL_INIT_BOOTINFO_H
#define KEEL_INIT_BOOTINFO_H

#include <keel/types.h>

#define BOOT_MMAP_MAX 128
#define BOOT_MODULES_MAX 8

enum boot_mem_type { BOOT_MEM_AVAILABLE = 1, BOOT_MEM_RESERVED = 2, BOOT_MEM_ACPI = 3,
		     BOOT_MEM_NVS = 4, BOOT_MEM_BAD = 5 };

struct boot_mmap_entry {
	u64 base, len;
	u32 type;
};

struct boot_module {
	phys_addr_t start, end;
	char cmdline[64];
};

enum boot_fb_type { BOOT_FB_INDEXED = 0, BOOT_FB_RGB = 1, BOOT_FB_EGA_TEXT = 2 };

struct boot_framebuffer {
	phys_addr_t addr;
	u32 pitch, width, height;
	u8 bpp, type;
	u8 red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
};

struct boot_info {
	const char *cmdline; /* in the multiboot2 information (kept), whole; see cmdline.h */
	char loader_name[64];
	struct boot_mmap_entry mmap[BOOT_MMAP_MAX];
	unsigned int mmap_count;
	struct boot_module modules[BOOT_MODULES_MAX];
	unsigned int module_count;
	bool has_fb;
	struct boot_framebuffer fb;
	u8 rsdp[36]; /* ACPI RSDP copy: v1 is 20 bytes, v2 36 */
	unsigned int rsdp_len;
	bool efi_booted;
	phys_addr_t mbi_start, mbi_end;
	u64 mem_lower_kb, mem_upper_kb;
};

extern struct boot_info boot_info;
extern u32 boot_nx_supported;

int multiboot2_parse(phys_addr_t mbi_phys);

#endif
