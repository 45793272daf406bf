/* Host test of the cpio newc reader and the VFS tree: paths, errors, and corrupt archives. */
/* UNIT_SOURCES: libk/string.c kernel/fs/cpio.c kernel/fs/vfs_tree.c kernel/fs/vfs.c */
#include <stdio.h>
#include <stdlib.h>
#include <keel/errno.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "fs/cpio.h"
#include "fs/vfs.h"
#include "fs/vfs_tree.h"
#include "unit.h"


/* The kernel heap, on the host's. */
void *kmalloc(size_t size, gfp_t gfp) { return malloc(size ? size : 1); }
void *kzalloc(size_t size, gfp_t gfp) { return calloc(1, size ? size : 1); }
void kfree(const void *p) { free((void *)p); }

struct archive {
	unsigned char buf[8192];
	size_t len;
};

static void pad4(struct archive *a)
{
	while (a->len % 4)
		a->buf[a->len++] = 0;
}

static void add_member(struct archive *a, const char *name, unsigned int mode, const char *data)
{
	size_t name_size = strlen(name) + 1, data_len = data ? strlen(data) : 0;
	char hdr[111];

	snprintf(hdr, sizeof(hdr),
		 "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X", 1, mode, 0, 0, 1,
		 0, data_len, 0, 0, 0, 0, name_size, 0);
	memcpy(a->buf + a->len, hdr, 110);
	a->len += 110;
	memcpy(a->buf + a->len, name, name_size);
	a->len += name_size;
	pad4(a);
	if (data_len)
		memcpy(a->buf + a->len, data, data_len);
	a->len += data_len;
	pad4(a);
}

static void build_sample(struct archive *a)
{
	a->len = 0;
	add_member(a, ".", 040755, NULL);
	add_member(a, "./etc", 040700, NULL);
	add_member(a, "./etc/motd", 0100644, "hello\n");
	add_member(a, "a/b/c.txt", 0100600, "deep");
	add_member(a, "etc/rc", 0100644, "old");
	add_member(a, "etc/rc", 0100644, "echo new");
	add_member(a, "etc/link", 0120777, "motd");
	add_member(a, "TRAILER!!!", 0, NULL);
}

static int load_member(const struct cpio_entry *e, void *arg)
{
	unsigned int type = e->mode & CPIO_S_IFMT;

	(void)arg;
	if (type == CPIO_S_IFDIR || type == CPIO_S_IFREG)
		vfs_tree_add(e->name, e->mode, type == CPIO_S_IFREG ? e->data : NULL, e->size);
	return 0;
}

static int collect(const char *name, const struct vfs_stat *st, void *arg)
{
	char *out = arg;

	strlcat(out, name, 256);
	strlcat(out, st->is_dir ? "/ " : " ", 256);
	return 0;
}

static char *read_all(const char *path)
{
	void *data;
	size_t size;

	return vfs_read_file(path, &data, &size) == 0 ? data : NULL;
}

static void test_tree(void)
{
	static struct archive a;
	struct cpio_error err;
	struct vfs_stat st;
	char names[256] = "";
	char *s;

	build_sample(&a);
	CHECK(cpio_for_each(a.buf, a.len, load_member, NULL, &err) == 0);
	CHECK(vfs_readdir("/", collect, names) == 0);
	CHECK(strcmp(names, "a/ etc/ ") == 0);
	names[0] = '\0';
	CHECK(vfs_readdir("/etc/", collect, names) == 0);
	CHECK(strcmp(names, "motd rc ") == 0);
	CHECK(vfs_stat("/etc", &st) == 0 && st.is_dir && (st.mode & 0777) == 0700);
	CHECK(vfs_stat("/a", &st) == 0 && st.is_dir);
	CHECK(vfs_stat("//a///b/./c.txt", &st) == 0 && !st.is_dir && st.size == 4);
	CHECK(vfs_stat("/a/b/../../etc/motd", &st) == 0 && st.size == 6);
	CHECK(vfs_stat("/../../etc/motd", &st) == 0);
	CHECK(vfs_stat("etc/motd", &st) == 0);
	CHECK(vfs_stat("/etc/motd/", &st) == -ENOTDIR);
	CHECK(vfs_stat("/etc/motd/x", &st) == -ENOTDIR);
	CHECK(vfs_stat("/etc/nope", &st) == -ENOENT);
	CHECK(vfs_stat("/etc/link", &st) == -ENOENT);
	CHECK(vfs_stat("", &st) == -ENOENT);
	CHECK(vfs_readdir("/etc/motd", collect, names) == -ENOTDIR);
	CHECK(vfs_readdir("/nope", collect, names) == -ENOENT);
	s = read_all("/etc/rc");
	CHECK(s && strcmp(s, "echo new") == 0);
	free(s);
	s = read_all("/a/b/c.txt");
	CHECK(s && strcmp(s, "deep") == 0);
	free(s);
	CHECK(read_all("/etc") == NULL);
}

static void test_file_reads(void)
{
	struct file *f;
	char buf[4];

	CHECK(vfs_open("/etc", &f) == -EISDIR);
	CHECK(vfs_open("/nope", &f) == -ENOENT);
	CHECK(vfs_open("/etc/motd", &f) == 0);
	CHECK(vfs_read(f, buf, 4) == 4 && memcmp(buf, "hell", 4) == 0);
	CHECK(vfs_read(f, buf, 4) == 2 && memcmp(buf, "o\n", 2) == 0);
	CHECK(vfs_read(f, buf, 4) == 0);
	vfs_close(f);
}

static void test_conflicts(void)
{
	CHECK(vfs_tree_add("etc/motd/x", 0100644, "x", 1) == -ENOTDIR);
	CHECK(vfs_tree_add("etc", 0100644, "x", 1) == -EISDIR);
	CHECK(vfs_tree_add("../escape", 0100644, "x", 1) == -EINVAL);
	CHECK(vfs_tree_add(".", 0100644, "x", 1) == -EINVAL);
}

static int count_member(const struct cpio_entry *e, void *arg)
{
	(void)e;
	++*(int *)arg;
	return 0;
}

/* Runs the reader over an exact-size heap copy, so ASan sees any read past the end. */
static int parse_copy(const unsigned char *data, size_t len, int *members)
{
	unsigned char *copy = malloc(len ? len : 1);
	struct cpio_error err;
	int ret;

	memcpy(copy, data, len);
	*members = 0;
	ret = cpio_for_each(copy, len, count_member, members, &err);
	free(copy);
	return ret;
}

static void test_truncations(void)
{
	static struct archive a;
	int members, bad = 0;

	build_sample(&a);
	for (size_t len = 0; len < a.len; len++) {
		int ret = parse_copy(a.buf, len, &members);

		/* Cut inside the trailer's padding the archive is still whole. */
		if (ret != -EBADMSG && !(ret == 0 && len >= a.len - 3))
			bad++;
	}
	CHECK(bad == 0);
	CHECK(parse_copy(a.buf, a.len, &members) == 0 && members == 7);
}

static void test_random_damage(void)
{
	static struct archive a;
	unsigned char damaged[sizeof(a.buf)];
	int members;

	build_sample(&a);
	srand(1234);
	for (int i = 0; i < 20000; i++) {
		memcpy(damaged, a.buf, a.len);
		for (int n = 1 + rand() % 4; n; n--)
			damaged[rand() % a.len] = (unsigned char)(rand() % 3 ? "0123456789ABCDEF\xff"[rand() % 17] : rand());
		parse_copy(damaged, a.len, &members);
		parse_copy(damaged, (size_t)rand() % (a.len + 1), &members);
	}
	CHECK(1); /* survived without an ASan report */
}

int main(void)
{
	test_tree();
	test_file_reads();
	test_conflicts();
	test_truncations();
	test_random_damage();
	return unit_summary();
}
