/*
 * Bringing the VFS up at boot: registers ramfs, mounts it as the root, unpacks the initrd
 * boot module into it, creates the mount points /mnt, /tmp, /proc and /dev, and mounts
 * devtmpfs on /dev and proc on /proc with the built-in devices and files. Also
 * sync(2) for the whole system.
 */
#define pr_fmt(fmt) "VFS: " fmt

#include <keel/cdev.h>
#include <keel/errno.h>
#include <keel/fs.h>
#include <keel/writeback.h>
#include <keel/layout.h>
#include <keel/printk.h>
#include <keel/proc_fs.h>
#include <keel/string.h>
#include "fs/internal.h"
#include "init/bootinfo.h"
#include "mm/mm.h"


static const struct boot_module *find_initrd_module(void)
{
	for (unsigned int i = 0; i < boot_info.module_count; i++)
		if (strcmp(boot_info.modules[i].cmdline, "initrd") == 0)
			return &boot_info.modules[i];
	return boot_info.module_count ? &boot_info.modules[0] : NULL;
}

static void populate_rootfs(void)
{
	const struct boot_module *mod = find_initrd_module();

	if (!mod) {
		pr_warn("no initrd boot module: the root directory starts empty\n");
		return;
	}
	if (mod->end < mod->start || mod->end - mod->start > 0x100000000ULL) {
		pr_err("initrd boot module has a bad range 0x%lx-0x%lx: root starts empty\n",
		       (unsigned long)mod->start, (unsigned long)mod->end);
		return;
	}
	pr_info("initrd \"%s\" at 0x%lx, %lu bytes\n", mod->cmdline, (unsigned long)mod->start,
		(unsigned long)(mod->end - mod->start));
	unpack_initramfs(phys_to_virt(mod->start), mod->end - mod->start);
	free_initrd_mem(mod->start, mod->end); /* ramfs has copies of every file */
}

void vfs_caches_init(void)
{
	static const char *const dirs[] = { "/mnt", "/tmp", "/proc", "/dev" };
	int ret = init_ramfs_fs();

	if (!ret)
		ret = mount_root("ramfs");
	if (ret) {
		pr_err("cannot mount the root ramfs: %s; no files\n", errno_name(ret));
		return;
	}
	populate_rootfs();
	for (unsigned int i = 0; i < ARRAY_SIZE(dirs); i++) {
		ret = vfs_mkdir(dirs[i], 0755);
		if (ret && ret != -EEXIST)
			pr_warn("cannot create %s: %s\n", dirs[i], errno_name(ret));
	}
	devtmpfs_init();  /* /dev, before anything registers a device */
	proc_root_init(); /* /proc */
	chr_dev_init();   /* /dev/null, /dev/console... */
}

int ksys_sync(void)
{
	int err = super_for_each(sync_filesystem), ret = sync_all_mappings();

	return err ? err : ret;
}
