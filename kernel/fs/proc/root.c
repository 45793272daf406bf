/*
 * The kernel's own /proc files, in Linux's formats so that tools written for Linux (busybox's
 * free, uptime, mount, lsmod) parse them: meminfo, uptime, cmdline, version, filesystems,
 * mounts, interrupts. Subsystems with their own data add theirs from here too (modules,
 * partitions, devices).
 */
#include <keel/cmdline.h>
#include <keel/errno.h>
#include <keel/ktime.h>
#include <keel/minmax.h>
#include <keel/pagemap.h>
#include <keel/sched.h>
#include "fs/internal.h"
#include "fs/proc/internal.h"
#include "init/version.h"
#include "irq/irq.h"
#include "mm/mm.h"

#define PAGE_KB (FS_PAGE_SIZE / 1024)

static void meminfo_line(struct seq_file *m, const char *name, unsigned long kb)
{
	seq_printf(m, "%-15s %8lu kB\n", name, kb);
}

static void count_bdev_pages(struct block_device *bdev, void *arg)
{
	unsigned long *pages = arg;

	if (bdev->bd_mapping)
		*pages += bdev->bd_mapping->nrpages;
}

/* Buffers are the block devices' cached pages, Cached the files' (Linux splits them so). */
static int meminfo_proc_show(struct seq_file *m, void *v)
{
	struct page_cache_stats pc;
	struct meminfo mi;
	unsigned long buffers = 0;

	mm_get_meminfo(&mi);
	page_cache_get_stats(&pc);
	blkdev_for_each(count_bdev_pages, &buffers);
	buffers = min(buffers, pc.nrpages);
	meminfo_line(m, "MemTotal:", (unsigned long)mi.total_kb);
	meminfo_line(m, "MemFree:", (unsigned long)mi.free_kb);
	meminfo_line(m, "MemAvailable:", (unsigned long)mi.free_kb + pc.nrlru * PAGE_KB);
	meminfo_line(m, "Buffers:", buffers * PAGE_KB);
	meminfo_line(m, "Cached:", (pc.nrpages - buffers) * PAGE_KB);
	meminfo_line(m, "SwapCached:", 0);
	meminfo_line(m, "SwapTotal:", 0);
	meminfo_line(m, "SwapFree:", 0);
	meminfo_line(m, "Dirty:", pc.nrdirty * PAGE_KB);
	meminfo_line(m, "Writeback:", pc.nrwriteback * PAGE_KB);
	meminfo_line(m, "Slab:", (unsigned long)(mi.heap_used_bytes / 1024));
	return 0;
}

/* "12.34 10.00": seconds up and seconds idle, with hundredths, as Linux prints them. */
static int uptime_proc_show(struct seq_file *m, void *v)
{
	u64 up = ktime_get_ns() / 10000000, idle = sched_idle_time_ns() / 10000000;

	seq_printf(m, "%llu.%02llu %llu.%02llu\n", (unsigned long long)(up / 100),
		   (unsigned long long)(up % 100), (unsigned long long)(idle / 100),
		   (unsigned long long)(idle % 100));
	return 0;
}

static int cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_puts(m, cmdline_get_raw());
	seq_putc(m, '\n');
	return 0;
}

static int version_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "Keel version %s (%s) #1\n", KEEL_VERSION, KEEL_BUILD_INFO);
	return 0;
}

static void filesystems_one(struct file_system_type *type, void *arg)
{
	seq_printf(arg, "%s\t%s\n", (type->fs_flags & FS_REQUIRES_DEV) ? "" : "nodev",
		   type->name);
}

static int filesystems_proc_show(struct seq_file *m, void *v)
{
	for_each_filesystem(filesystems_one, m);
	return 0;
}

/* mounts_show writes the table itself; room short means "run again with more". */
static int mounts_proc_show(struct seq_file *m, void *v)
{
	size_t room = m->size - m->count;
	int n = mounts_show(m->buf + m->count, room);

	if (n < 0)
		return n;
	if ((size_t)n >= room)
		m->overflow = true;
	else
		m->count += (size_t)n;
	return 0;
}

/* Linux's layout for one CPU: "  0:       1234   IO-APIC   2-edge      timer". */
static int interrupts_proc_show(struct seq_file *m, void *v)
{
	struct irq_info info;

	seq_printf(m, "%11sCPU%-8d\n", "", 0);
	for (unsigned int irq = 0; irq < NR_IRQS; irq++)
		if (irq_snapshot(irq, &info))
			seq_printf(m, "%3u: %10llu %9s %-11s %s\n", irq,
				   (unsigned long long)info.count, info.chip, info.hw, info.names);
	seq_printf(m, "ERR: %10llu\n", (unsigned long long)irq_spurious());
	return 0;
}

static int devices_proc_show(struct seq_file *m, void *v)
{
	seq_puts(m, "Character devices:\n");
	chrdev_show(m);
	seq_puts(m, "\nBlock devices:\n");
	blkdev_show(m);
	return 0;
}

void proc_create_kernel_files(void)
{
	proc_create_single("devices", 0, NULL, devices_proc_show);
	proc_create_single("meminfo", 0, NULL, meminfo_proc_show);
	proc_create_single("uptime", 0, NULL, uptime_proc_show);
	proc_create_single("cmdline", 0, NULL, cmdline_proc_show);
	proc_create_single("version", 0, NULL, version_proc_show);
	proc_create_single("filesystems", 0, NULL, filesystems_proc_show);
	proc_create_single("mounts", 0, NULL, mounts_proc_show);
	proc_create_single("interrupts", 0, NULL, interrupts_proc_show);
	proc_modules_init();
	proc_partitions_init();
}
