/*
 * Reference solution of the "bootinfo" exercise (docs/boot.md): the built-in command
 * `bootinfo` prints what the boot loader told the kernel, as multiboot2_parse copied it into
 * boot_info: the loader's name, the command line and the memory map, with the total of its
 * available regions. Hooked into the shell by bootinfo.patch (shell_register_builtins).
 */
#include <keel/cmdline.h>
#include <keel/compiler.h>
#include <keel/console.h>
#include "init/bootinfo.h"
#include "shell/shell_internal.h"

void shell_register_bootinfo_command(void);

/* The names the kernel's own boot log uses (log_memory_map in kernel/mm/page_alloc.c). */
static const char *bootinfo_type_name(u32 type)
{
	static const char *const names[] = { "?", "available", "reserved", "ACPI data",
					     "ACPI NVS", "bad" };

	return type < ARRAY_SIZE(names) ? names[type] : "other";
}

/* Prints the regions, the loader's order kept; returns the bytes of the available ones. */
static u64 bootinfo_print_map(void)
{
	u64 usable = 0;

	console_printf("memory map: %u region%s\n", boot_info.mmap_count,
		       boot_info.mmap_count == 1 ? "" : "s");
	for (unsigned int i = 0; i < boot_info.mmap_count; i++) {
		const struct boot_mmap_entry *e = &boot_info.mmap[i];

		console_printf("  [mem 0x%016llx-0x%016llx] %s\n", (unsigned long long)e->base,
			       (unsigned long long)(e->base + e->len - 1),
			       bootinfo_type_name(e->type));
		if (e->type == BOOT_MEM_AVAILABLE)
			usable += e->len;
	}
	return usable;
}

static int cmd_bootinfo(int argc, char **argv)
{
	u64 usable;

	console_printf("loader: %s\n", boot_info.loader_name);
	console_printf("command line: %s\n", cmdline_get_raw());
	usable = bootinfo_print_map();
	console_printf("usable: %llu KiB\n", (unsigned long long)(usable / 1024));
	return 0;
}

static const struct shell_command bootinfo_command = {
	.name = "bootinfo",
	.usage = "bootinfo",
	.help = "the boot loader's name, the command line and the memory map",
	.run = cmd_bootinfo,
};

void shell_register_bootinfo_command(void)
{
	shell_register_command(&bootinfo_command);
}
