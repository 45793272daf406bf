/* The shell's mount commands: mount, umount, df and sync. */
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "fs/fs_cmd.h"
#include "fs/internal.h"

#define MOUNTS_BUF 4096

static int cmd_mount(int argc, char **argv);
static int cmd_umount(int argc, char **argv);
static int cmd_df(int argc, char **argv);
static int cmd_sync(int argc, char **argv);

static const struct shell_command mount_commands[] = {
	{ .name = "mount", .usage = "mount [-t TYPE] [-o OPTIONS] [DEVICE DIR]",
	  .help = "mount a filesystem (no arguments: list mounts as /proc/mounts)", .run = cmd_mount },
	{ .name = "umount", .usage = "umount DIR",
	  .help = "unmount the filesystem mounted at dir", .run = cmd_umount },
	{ .name = "df", .usage = "df",
	  .help = "show each mounted filesystem's size and use", .run = cmd_df },
	{ .name = "sync", .usage = "sync",
	  .help = "write every dirty buffer and inode to its device", .run = cmd_sync },
};

static int show_mounts(void)
{
	char *buf = kmalloc(MOUNTS_BUF, GFP_KERNEL);
	int n;

	if (!buf)
		return -ENOMEM;
	n = mounts_show(buf, MOUNTS_BUF);
	console_puts(buf);
	if (n >= MOUNTS_BUF)
		console_puts("mount: (list cut)\n");
	kfree(buf);
	return 0;
}

struct mount_args {
	const char *type, *dev, *dir;
	unsigned long flags;
};

/* 0, or the usage error; -o understands ro and rw. */
static int parse_mount(int argc, char **argv, struct mount_args *a)
{
	int i = 1;

	for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		if (strcmp(argv[i], "-t") == 0)
			a->type = argv[i + 1];
		else if (strcmp(argv[i], "-o") == 0 && strcmp(argv[i + 1], "ro") == 0)
			a->flags |= MS_RDONLY;
		else if (strcmp(argv[i], "-o") == 0 && strcmp(argv[i + 1], "rw") == 0)
			a->flags &= ~(unsigned long)MS_RDONLY;
		else
			return -EINVAL;
	}
	if (argc - i != 2)
		return -EINVAL;
	a->dev = argv[i];
	a->dir = argv[i + 1];
	return 0;
}

static int cmd_mount(int argc, char **argv)
{
	struct mount_args a = { 0 };
	int ret;

	if (argc == 1)
		return show_mounts();
	if (parse_mount(argc, argv, &a))
		return shell_usage(&mount_commands[0]);
	ret = do_mount(a.dev, a.dir, a.type, a.flags, NULL);
	if (ret == -ENODEV && a.type)
		console_printf("mount: unknown filesystem type '%s'\n", a.type);
	else if (ret == -EINVAL && !a.type)
		console_printf("mount: %s: no filesystem type recognised it (try -t)\n", a.dev);
	else if (ret)
		return fs_cmd_error("mount", a.dir, ret);
	return ret ? SHELL_FAILED : 0;
}

static int cmd_umount(int argc, char **argv)
{
	int ret;

	if (argc != 2)
		return shell_usage(&mount_commands[1]);
	ret = do_umount(argv[1]);
	if (ret == -EINVAL)
		console_printf("umount: %s: not mounted\n", argv[1]);
	else if (ret == -EBUSY)
		console_printf("umount: %s: target is busy (open files, a working directory or "
			       "mounts inside)\n", argv[1]);
	else if (ret)
		return fs_cmd_error("umount", argv[1], ret);
	return ret ? SHELL_FAILED : 0;
}

static int df_one(struct vfsmount *mnt, void *arg)
{
	struct kstatfs st = { 0 };
	char path[256];
	struct super_block *sb = mnt->mnt_sb;
	u64 bsize, used, avail;

	if (mnt_path(mnt, path, sizeof(path)) < 0)
		strlcpy(path, "(too long)", sizeof(path));
	if (sb->s_op && sb->s_op->statfs)
		sb->s_op->statfs(sb->s_root, &st);
	bsize = (u64)st.f_bsize; /* may be under 1 KiB (FAT's 512-byte clusters) */
	used = (st.f_blocks - st.f_bfree) * bsize / 1024;
	avail = st.f_bavail * bsize / 1024;
	console_printf("%-15s %10llu %10llu %10llu %s\n", mnt->mnt_devname,
		       (unsigned long long)(st.f_blocks * bsize / 1024), (unsigned long long)used,
		       (unsigned long long)avail, path);
	return 0;
}

static int cmd_df(int argc, char **argv)
{
	if (argc != 1)
		return shell_usage(&mount_commands[2]);
	console_printf("%-15s %10s %10s %10s %s\n", "Filesystem", "1K-blocks", "Used",
		       "Available", "Mounted on");
	return iterate_mounts(df_one, NULL);
}

static int cmd_sync(int argc, char **argv)
{
	if (argc != 1)
		return shell_usage(&mount_commands[3]);
	return ksys_sync() ? SHELL_FAILED : 0; /* each failure was reported in one line */
}

void fs_register_mount_commands(void)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(mount_commands); i++)
		shell_register_command(&mount_commands[i]);
}
