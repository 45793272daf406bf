/* kmain: brings the subsystems up in dependency order, then hands the console to the shell. */
#include <keel/cmdline.h>
#include <keel/console.h>
#include <keel/irqflags.h>
#include <keel/printk.h>
#include <keel/string.h>
#include "acpi/acpi.h"
#include "block/block.h"
#include "console/early_serial.h"
#include "console/log.h"
#include "console/video.h"
#include "cpu/cpu.h"
#include "fs/vfs.h"
#include "init/bootinfo.h"
#include "init/version.h"
#include "irq/irq.h"
#include "mm/mm.h"
#include "module/module.h"
#include "shell/shell_run.h"

static void apply_log_options(void)
{
	char buf[16];
	int level;

	if (cmdline_has("quiet"))
		log_set_console_level(4);
	if (cmdline_get("loglevel", buf, sizeof(buf)) == 0 && kstrtoint(buf, 10, &level) == 0 &&
	    level >= 0 && level <= 8)
		log_set_console_level(level);
}

void kmain(u32 mbi_phys)
{
	timer_record_boot_tsc();
	early_serial_init();
	register_console(&early_serial_console);
	if (multiboot2_parse(mbi_phys) < 0)
		pr_warn("boot: malformed multiboot2 information; continuing with what was read\n");
	apply_log_options();
	pr_info("Keel %s (%s) booting\n", KEEL_VERSION, KEEL_BUILD_INFO);
	pr_info("boot: loader \"%s\", command line \"%s\"\n", boot_info.loader_name,
		boot_info.cmdline);
	cpu_init();
	mm_init();
	video_console_init();
	irq_init();
	timer_init();
	early_serial_irq_init();
	local_irq_enable();
	acpi_init();
	initrd_init();
	block_init();
	module_subsystem_init();
	shell_run();
}
