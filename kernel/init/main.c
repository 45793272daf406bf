/* kmain: brings the subsystems up in dependency order, then hands the console to the shell. */
#include <keel/cmdline.h>
#include <keel/console.h>
#include <keel/irqflags.h>
#include <keel/netdevice.h>
#include <keel/pagemap.h>
#include <keel/printk.h>
#include <keel/process.h>
#include <keel/string.h>
#include "acpi/acpi.h"
#include "block/block.h"
#include "console/early_serial.h"
#include "console/log.h"
#include "console/video.h"
#include "cpu/cpu.h"
#include <keel/fs.h>
#include "init/bootinfo.h"
#include "init/version.h"
#include "input/input_core.h"
#include "irq/irq.h"
#include "mm/mm.h"
#include "process/process_init.h"
#include "module/module.h"
#include "sched/sched.h"
#include "sched/workqueue_internal.h"
#include "shell/shell_run.h"
#include "time/time.h"
#include "tty/tty_core.h"

static void apply_log_options(void)
{
	char buf[16];
	int level;

	if (cmdline_has("quiet"))
		log_set_console_level(4);
	if (cmdline_get("loglevel", buf, sizeof(buf)) != 0)
		return;
	if (kstrtoint(buf, 10, &level) == 0 && level >= 0 && level <= 8)
		log_set_console_level(level);
	else
		pr_err("boot: loglevel=%s is not a level from 0 to 8; ignored\n", buf);
}

/* printk keeps one line to 1 KiB, so a longer command line is printed in pieces. */
#define CMDLINE_PIECE 512
static void print_cmdline(void)
{
	const char *s = cmdline_get_raw();
	size_t len = strlen(s);

	pr_info("boot: loader \"%s\", command line \"%.*s", boot_info.loader_name,
		CMDLINE_PIECE, s);
	for (size_t i = CMDLINE_PIECE; i < len; i += CMDLINE_PIECE)
		pr_cont("%.*s", CMDLINE_PIECE, s + i);
	pr_cont("\"\n");
}

/* init=PATH: pid 1 becomes that program (busybox init) instead of running the keel> shell;
 * a program that cannot run is fatal, as on Linux. */
static void run_init_program(void)
{
	static char path[256];
	char *argv[] = { path, NULL };
	char *envp[] = { "HOME=/", "PATH=/sbin:/bin:/usr/sbin:/usr/bin", "TERM=linux", NULL };
	int err;

	if (cmdline_get("init", path, sizeof(path)) != 0 || !path[0])
		return;
	pr_info("init: running %s as pid 1\n", path);
	err = process_exec_init(path, argv, envp);
	panic("Requested init %s failed (error %d).", path, err);
}

/* PID 1: everything that may sleep (drivers probing, /etc/modules, the shell) runs here, in a
 * task of its own, while the boot context becomes the idle task. */
static void kernel_init(void *unused)
{
	acpi_init();
	input_init();
	vfs_caches_init(); /* the root ramfs, with the initrd unpacked into it */
	tty_init();
	page_cache_init(); /* the writeback thread, before any block device */
	block_init();
	sched_register_commands();
	process_init(); /* the `run` command */
	hung_task_init();
	workqueue_init(); /* modules may queue work from their init */
	net_init(); /* lo and the netdev core, before NIC drivers load */
	module_subsystem_init();
	run_init_program();
	shell_run();
	do_exit(0);
}

static void start_init_task(void)
{
	struct task_struct *init = task_alloc("init", kernel_init, NULL);

	if (!init)
		panic("cannot create the init task");
	task_reserve_pt_regs(init, kernel_init, NULL); /* init= makes it a process */
	task_list_add(init);
	wake_up_process(init);
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
	print_cmdline();
	cpu_init();
	mm_init();
	video_console_init();
	sched_init();
	irq_init();
	timer_init();
	early_serial_irq_init();
	start_init_task();
	cpu_startup_entry();
}
