/*
 * Unpacks the initrd (a cpio "newc" archive) into the root ramfs, as Linux does with its
 * initramfs: directories, regular files and symbolic links with their modes and mtimes.
 * The archive is checked whole first, so a corrupt or hostile one (a name that climbs out
 * with "..", a component over NAME_MAX, a symlink target with a NUL, data past the end...)
 * is refused with one line naming the offset and the reason, and nothing is unpacked.
 * Members of other types (device nodes, fifos) are skipped with a warning.
 */
#define pr_fmt(fmt) "initramfs: " fmt

#include <keel/errno.h>
#include <keel/fs.h>
#include <keel/printk.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "fs/cpio.h"
#include "fs/internal.h"

#define INITRAMFS_MAX_MEMBERS 1000000

struct unpack_stats {
	unsigned int files, dirs, links, skipped, members;
	u64 bytes;
};

/* Skips leading "/" and "./": member names are relative to the root. */
static const char *strip_prefix(const char *name)
{
	for (;;) {
		if (*name == '/')
			name++;
		else if (name[0] == '.' && name[1] == '/')
			name += 2;
		else
			return name;
	}
}

/* NULL when the name is acceptable, or why not. */
static const char *check_name(const char *name)
{
	const char *p = strip_prefix(name);

	if (strlen(p) >= PATH_MAX - 1)
		return "member name longer than PATH_MAX";
	while (*p) {
		size_t len = strcspn(p, "/");

		if (len > NAME_MAX)
			return "member name has a component longer than NAME_MAX";
		if (len == 2 && p[0] == '.' && p[1] == '.')
			return "member name climbs out of the archive (..)";
		p += len;
		p += strspn(p, "/");
	}
	return NULL;
}

static const char *check_member(const struct cpio_entry *e)
{
	const char *why = check_name(e->name);

	if (why)
		return why;
	if (S_ISLNK(e->mode)) {
		if (e->size == 0 || e->size >= PATH_MAX)
			return "symlink target is empty or longer than PATH_MAX";
		if (memchr(e->data, '\0', (size_t)e->size))
			return "symlink target contains a NUL byte";
	}
	return NULL;
}

struct check_state {
	const char *why;
	const char *name;
	unsigned int members;
};

static int check_one(const struct cpio_entry *e, void *arg)
{
	struct check_state *s = arg;

	if (++s->members > INITRAMFS_MAX_MEMBERS) {
		s->why = "more members than the unpacker accepts";
		return -E2BIG;
	}
	s->why = check_member(e);
	s->name = e->name;
	return s->why ? -EINVAL : 0;
}

/* "/" + the stripped name, in a PATH_MAX buffer. */
static void member_path(const char *name, char *buf)
{
	buf[0] = '/';
	strlcpy(buf + 1, strip_prefix(name), PATH_MAX - 1);
}

/* Creates the directories leading to path (each ends at a '/'), mode 0755. */
static void make_parents(char *path)
{
	for (char *p = strchr(path + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		vfs_mkdir(path, 0755);
		*p = '/';
	}
}

static int unpack_dir(const char *path, const struct cpio_entry *e)
{
	int ret = vfs_mkdir(path, e->mode & S_IALLUGO);

	if (ret == -EEXIST) {
		struct kstat st;

		ret = vfs_lstat(path, &st);
		if (!ret && !S_ISDIR(st.mode))
			return -EEXIST; /* an earlier file or link of that name */
		if (!ret)
			ret = vfs_chmod(path, e->mode & S_IALLUGO);
	}
	return ret;
}

static int write_all(struct file *f, const void *data, u64 size)
{
	u64 done = 0;

	while (done < size) {
		ssize_t n = vfs_write(f, (const u8 *)data + done, (size_t)(size - done));

		if (n <= 0)
			return n < 0 ? (int)n : -EIO;
		done += (u64)n;
	}
	return 0;
}

static int unpack_file(const char *path, const struct cpio_entry *e)
{
	struct timespec64 times[2] = { { .tv_sec = e->mtime }, { .tv_sec = e->mtime } };
	struct file *f;
	int ret;

	vfs_unlink(path); /* a later member of the same name replaces the earlier one */
	f = vfs_open(path, O_WRONLY | O_CREAT | O_EXCL, e->mode & S_IALLUGO);
	if (IS_ERR(f))
		return (int)PTR_ERR(f);
	ret = write_all(f, e->data, e->size);
	fput(f);
	if (!ret)
		ret = vfs_chmod(path, e->mode & S_IALLUGO);
	if (!ret)
		ret = vfs_utimes(path, times);
	return ret;
}

static int unpack_symlink(const char *path, const struct cpio_entry *e)
{
	char *target = kmalloc((size_t)e->size + 1, GFP_KERNEL);
	int ret;

	if (!target)
		return -ENOMEM;
	memcpy(target, e->data, (size_t)e->size);
	target[e->size] = '\0';
	vfs_unlink(path);
	ret = vfs_symlink(target, path);
	kfree(target);
	return ret;
}

static int unpack_member(const struct cpio_entry *e, struct unpack_stats *st, char *path)
{
	member_path(e->name, path);
	if (strcmp(path, "/") == 0)
		return S_ISDIR(e->mode) ? vfs_chmod("/", e->mode & S_IALLUGO) : -EINVAL;
	make_parents(path);
	if (S_ISDIR(e->mode)) {
		st->dirs++;
		return unpack_dir(path, e);
	}
	if (S_ISREG(e->mode)) {
		st->files++;
		st->bytes += e->size;
		return unpack_file(path, e);
	}
	if (S_ISLNK(e->mode)) {
		st->links++;
		return unpack_symlink(path, e);
	}
	pr_warn("skipping %s: not a file, directory or symlink (mode %o)\n", e->name, e->mode);
	st->skipped++;
	return 0;
}

struct unpack_state {
	struct unpack_stats stats;
	char *path;
};

static int unpack_one(const struct cpio_entry *e, void *arg)
{
	struct unpack_state *s = arg;
	int ret = unpack_member(e, &s->stats, s->path);

	if (ret == -ENOMEM)
		return ret;
	if (ret) {
		pr_warn("skipping %s: %s\n", e->name, errno_name(ret));
		s->stats.skipped++;
	}
	return 0;
}

static int check_archive(const void *archive, size_t size)
{
	struct check_state s = { 0 };
	struct cpio_error err = { 0 };
	int ret = cpio_for_each(archive, size, check_one, &s, &err);

	if (ret == -EBADMSG)
		pr_err("corrupt archive at offset %zu: %s; nothing unpacked\n", err.offset, err.what);
	else if (ret)
		pr_err("refusing the archive: %s (%.64s); nothing unpacked\n", s.why,
		       s.name ? s.name : "");
	return ret;
}

int unpack_initramfs(const void *archive, size_t size)
{
	struct unpack_state s = { 0 };
	int ret = check_archive(archive, size);

	if (ret)
		return ret;
	s.path = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!s.path)
		return -ENOMEM;
	ret = cpio_for_each(archive, size, unpack_one, &s, NULL);
	kfree(s.path);
	if (ret)
		pr_err("stopped unpacking: %s\n", errno_name(ret));
	pr_info("%u files (%lu bytes), %u directories, %u symlinks%s\n", s.stats.files,
		(unsigned long)s.stats.bytes, s.stats.dirs, s.stats.links,
		s.stats.skipped ? ", some members skipped" : "");
	return ret;
}
