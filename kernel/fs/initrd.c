/*
 * Mounts the initrd as the VFS root: finds the multiboot2 boot module named "initrd" and adds
 * every member of its cpio archive to the tree. File data is used in place, through the
 * direct map. A corrupt archive keeps whatever members came before the damage.
 */
#define pr_fmt(fmt) "initrd: " fmt

#include <keel/errno.h>
#include <keel/layout.h>
#include <keel/printk.h>
#include <keel/string.h>
#include "fs/cpio.h"
#include "fs/vfs.h"
#include "fs/vfs_tree.h"
#include "init/bootinfo.h"

struct initrd_stats {
	unsigned int files, dirs, skipped;
	u64 bytes;
};

static const struct boot_module *find_initrd_module(void)
{
	for (unsigned int i = 0; i < boot_info.module_count; i++)
		if (strcmp(boot_info.modules[i].cmdline, "initrd") == 0)
			return &boot_info.modules[i];
	return boot_info.module_count ? &boot_info.modules[0] : NULL;
}

static int add_member(const struct cpio_entry *e, void *arg)
{
	struct initrd_stats *stats = arg;
	u32 type = e->mode & CPIO_S_IFMT;
	int ret;

	if (type != CPIO_S_IFDIR && type != CPIO_S_IFREG) {
		pr_warn("skipping %s: not a regular file or directory (mode %o)\n", e->name, e->mode);
		stats->skipped++;
		return 0;
	}
	ret = vfs_tree_add(e->name, e->mode, type == CPIO_S_IFREG ? e->data : NULL, e->size);
	if (ret == -ENOMEM)
		return ret;
	if (ret) {
		pr_warn("skipping %s: conflicts with an earlier member (%s)\n", e->name,
			errno_name(ret));
		stats->skipped++;
		return 0;
	}
	if (type == CPIO_S_IFDIR) {
		stats->dirs++;
	} else {
		stats->files++;
		stats->bytes += e->size;
	}
	return 0;
}

static void load_archive(const void *archive, size_t size)
{
	struct initrd_stats stats = { 0 };
	struct cpio_error err;
	int ret = cpio_for_each(archive, size, add_member, &stats, &err);

	if (ret == -EBADMSG)
		pr_err("corrupt archive at offset %zu: %s; keeping the %u files before it\n",
		       err.offset, err.what, stats.files);
	else if (ret)
		pr_err("stopped loading: %s; keeping the %u files before it\n", errno_name(ret),
		       stats.files);
	pr_info("%u files (%lu bytes), %u directories%s\n", stats.files,
		(unsigned long)stats.bytes, stats.dirs, stats.skipped ? ", some members skipped" : "");
}

void initrd_init(void)
{
	const struct boot_module *mod = find_initrd_module();

	if (!mod) {
		pr_warn("no boot module: starting with an empty root directory\n");
		return;
	}
	if (mod->end < mod->start || mod->end - mod->start > 0x100000000ULL) {
		pr_err("boot module has a bad range 0x%lx-0x%lx: starting with an empty root\n",
		       (unsigned long)mod->start, (unsigned long)mod->end);
		return;
	}
	pr_info("module \"%s\" at 0x%lx, %lu bytes\n", mod->cmdline, (unsigned long)mod->start,
		(unsigned long)(mod->end - mod->start));
	load_archive(phys_to_virt(mod->start), mod->end - mod->start);
}
