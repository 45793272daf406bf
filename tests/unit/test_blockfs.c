/*
 * Host test of the file-data path of disk filesystems (kernel/fs/generic_file.c, mpage.c, the
 * inode and superblock writeback of inode.c and super.c) through the real VFS and page cache
 * (blockfs_host.h), with flatfs (tests/fs/flatfs.c) on a fake disk whose bytes the test reads
 * back: reads and writes across page and block boundaries for every block size, holes, the
 * FS_NO_HOLES gap fill, truncation, ENOSPC, fsync/sync/umount writeback, unlinked files,
 * iget_locked waiting for an inode being filled, and nothing leaked after umount.
 */
/* UNIT_SOURCES: tests/unit/blockfs_host.h tests/fs/flatfs.c */
#include "blockfs_host.h"
#include <keel/minmax.h>
#include "../fs/flatfs.h"

#define DISK_BYTES (256 * 4096)
static u8 disk[DISK_BYTES];

/* mkfs: nr_blocks blocks of bs bytes, nr_files table entries, everything else 0xee so a
 * block read before it was written shows. */
static void mkflat(u32 bs, u32 nr_blocks, u32 nr_files)
{
	struct flatfs_super sb = { .block_size = bs, .nr_blocks = nr_blocks, .nr_files = nr_files };
	u32 start = flatfs_data_start(nr_files, bs);

	memset(disk, 0xee, sizeof(disk));
	memset(disk, 0, (size_t)start * bs);
	memcpy(sb.magic, FLATFS_MAGIC, 8);
	sb.free_blocks = nr_blocks - start;
	memcpy(disk, &sb, sizeof(sb));
	for (u32 b = 0; b < start; b++)
		disk[bs + b / 8] |= (u8)(1u << (b % 8));
}

static const struct flatfs_super *img_super(void) { return (const void *)disk; }

static const struct flatfs_entry *img_entry(u32 idx)
{
	return (const void *)(disk + 2 * img_super()->block_size + idx * FLATFS_ENTRY_SIZE);
}

static const u8 *img_block(u32 block) { return disk + (size_t)block * img_super()->block_size; }

static struct host_usage before_attach;

static void attach(u32 bs, u32 nr_blocks, u32 nr_files)
{
	mkflat(bs, nr_blocks, nr_files);
	before_attach = host_usage();
	host_disk_attach(disk, sizeof(disk), 512);
}

/* umount, drop the disk's cache: every heap block and page is back, no inode was busy. */
static void detach(void)
{
	unit_last_msg[0] = '\0';
	CHECK_INT(do_umount("/mnt"), 0);
	CHECK(!strstr(unit_last_msg, "busy inodes"));
	CHECK_INT(host_disk_detach(), 0);
	CHECK(host_usage_same(host_usage(), before_attach));
	if (!host_usage_same(host_usage(), before_attach))
		fprintf(stderr, "    %u-byte blocks: %ld heap blocks, %ld pages leaked\n",
			img_super()->block_size, host_usage().heap_blocks - before_attach.heap_blocks,
			host_usage().pages - before_attach.pages);
}

static ssize_t pwrite(const char *path, const void *buf, size_t len, loff_t pos)
{
	struct file *f = vfs_open(path, O_WRONLY | O_CREAT, 0644);
	ssize_t n;

	if (IS_ERR(f))
		return PTR_ERR(f);
	vfs_llseek(f, pos, SEEK_SET);
	n = vfs_write(f, buf, len);
	fput(f);
	return n;
}

/* Reads len bytes at pos in chunks of `chunk` bytes; the total read or -errno. */
static ssize_t pread_chunks(const char *path, u8 *buf, size_t len, loff_t pos, size_t chunk)
{
	struct file *f = vfs_open(path, O_RDONLY, 0);
	size_t done = 0;
	ssize_t n = 0;

	if (IS_ERR(f))
		return PTR_ERR(f);
	vfs_llseek(f, pos, SEEK_SET);
	while (done < len && (n = vfs_read(f, buf + done, min(chunk, len - done))) > 0)
		done += (size_t)n;
	fput(f);
	return n < 0 ? n : (ssize_t)done;
}

static void fill_pattern(u8 *buf, size_t len, unsigned int seed)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (u8)((i * 131 + seed) % 251 + 1);
}

static bool all_zero(const u8 *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

#define BIG (3 * 4096 + 777)

/* Writes in chunks of 1000 bytes (crossing blocks and pages), reads in chunks of 333. */
static void write_big(const char *path, u8 *data)
{
	struct file *f = vfs_open(path, O_WRONLY | O_CREAT, 0644);

	CHECK(!IS_ERR(f));
	for (size_t off = 0; off < BIG; off += 1000)
		CHECK_INT(vfs_write(f, data + off, min((size_t)1000, BIG - off)),
			  min((size_t)1000, BIG - off));
	CHECK_INT(vfs_fsync(f), 0);
	fput(f);
}

/* The file's bytes on the disk image, through its table entry's block list. */
static bool image_holds(u32 idx, const u8 *data, size_t len)
{
	const struct flatfs_entry *e = img_entry(idx);
	u32 bs = img_super()->block_size;

	if (e->size != len)
		return false;
	for (size_t off = 0; off < len; off += bs)
		if (!e->blocks[off / bs] || memcmp(img_block(e->blocks[off / bs]), data + off,
						   min((size_t)bs, len - off)))
			return false;
	return true;
}

static void test_read_write(u32 bs)
{
	static u8 data[BIG], back[BIG];

	attach(bs, 32768 / bs + 16, 8);
	fill_pattern(data, BIG, bs);
	CHECK_INT(do_mount("fake0", "/mnt", "flatfs", 0, NULL), 0);
	write_big("/mnt/big", data);
	CHECK(image_holds(0, data, BIG)); /* fsync put data and metadata on the disk */
	CHECK_INT(pread_chunks("/mnt/big", back, BIG, 0, 333), BIG);
	CHECK(!memcmp(back, data, BIG));
	CHECK_INT(pread_chunks("/mnt/big", back, 100, BIG - 50, 100), 50); /* stops at i_size */
	CHECK(!memcmp(back, data + BIG - 50, 50));
	CHECK_INT(do_umount("/mnt"), 0);
	CHECK_INT(do_mount("fake0", "/mnt", NULL, 0, NULL), 0); /* probed, read from the disk */
	memset(back, 0, BIG);
	CHECK_INT(pread_chunks("/mnt/big", back, BIG, 0, BIG), BIG); /* one readahead */
	CHECK(!memcmp(back, data, BIG));
	detach();
}

/* Blocks never written stay holes on disk and read as zeros (FS_NO_HOLES: allocated). */
static void test_holes(u32 bs, const char *type)
{
	static u8 buf[3 * 4096];
	bool no_holes = type[6] != '\0';
	loff_t at = 2 * (loff_t)bs + 5;

	attach(bs, 64, 4);
	CHECK_INT(do_mount("fake0", "/mnt", type, 0, NULL), 0);
	CHECK_INT(pwrite("/mnt/h", "tail", 4, at), 4);
	CHECK_INT(ksys_sync(), 0);
	CHECK(img_entry(0)->size == (u64)at + 4);
	CHECK(!img_entry(0)->blocks[0] == !no_holes && !img_entry(0)->blocks[1] == !no_holes);
	CHECK(img_entry(0)->blocks[2] != 0);
	if (no_holes)
		CHECK(all_zero(img_block(img_entry(0)->blocks[1]), bs));
	CHECK(!memcmp(img_block(img_entry(0)->blocks[2]) + 5, "tail", 4));
	shrink_page_cache(1000); /* read again from the disk */
	memset(buf, 0xff, sizeof(buf));
	CHECK_INT(pread_chunks("/mnt/h", buf, (size_t)at + 4, 0, sizeof(buf)), at + 4);
	CHECK(all_zero(buf, (size_t)at) && !memcmp(buf + at, "tail", 4));
	detach();
}

/* Blocks 0 and 2 of a page on consecutive device blocks, block 1 a hole between them: each
 * lands in its own place, on the disk and when read back. */
static void test_hole_between_neighbours(void)
{
	u8 buf[3072];
	const struct flatfs_entry *e;

	attach(1024, 64, 4);
	e = img_entry(0);
	CHECK_INT(do_mount("fake0", "/mnt", "flatfs", 0, NULL), 0);
	CHECK_INT(pwrite("/mnt/n", "A", 1, 0), 1);
	CHECK_INT(pwrite("/mnt/n", "C", 1, 2048), 1);
	CHECK_INT(ksys_sync(), 0);
	CHECK(e->blocks[0] && !e->blocks[1] && e->blocks[2] == e->blocks[0] + 1);
	CHECK(img_block(e->blocks[0])[0] == 'A' && img_block(e->blocks[2])[0] == 'C');
	shrink_page_cache(1000);
	CHECK_INT(pread_chunks("/mnt/n", buf, sizeof(buf), 0, sizeof(buf)), 2049);
	CHECK(buf[0] == 'A' && all_zero(buf + 1, 2047) && buf[2048] == 'C');
	detach();
}

/* Shrink to the middle of a block, then extend: the bytes between read as zeros, whether the
 * pages are still cached or were evicted, and the freed blocks are free on disk. */
static void test_truncate(u32 bs)
{
	static u8 data[3 * 4096], buf[3 * 4096];
	loff_t mid = bs + bs / 2 + 3;

	attach(bs, 64, 4);
	memset(data, 0xab, sizeof(data));
	CHECK_INT(do_mount("fake0", "/mnt", "flatfs", 0, NULL), 0);
	CHECK_INT(pwrite("/mnt/t", data, 3 * (size_t)bs, 0), 3 * bs);
	CHECK_INT(vfs_truncate("/mnt/t", mid), 0);
	CHECK_INT(ksys_sync(), 0);
	CHECK(img_entry(0)->size == (u64)mid && img_entry(0)->blocks[2] == 0);
	CHECK(img_super()->free_blocks == 64 - flatfs_data_start(4, bs) - 2);
	CHECK(all_zero(img_block(img_entry(0)->blocks[1]) + bs / 2 + 3, bs / 2 - 3));
	CHECK_INT(vfs_truncate("/mnt/t", 3 * (loff_t)bs), 0);
	CHECK_INT(pread_chunks("/mnt/t", buf, 3 * (size_t)bs, 0, 4096), 3 * bs);
	CHECK(!memcmp(buf, data, (size_t)mid) && all_zero(buf + mid, 3 * (size_t)bs - (size_t)mid));
	CHECK_INT(vfs_truncate("/mnt/t", mid - 10), 0);
	CHECK_INT(ksys_sync(), 0);
	shrink_page_cache(1000);
	CHECK_INT(vfs_truncate("/mnt/t", 3 * (loff_t)bs), 0);
	memset(buf, 0x11, sizeof(buf));
	CHECK_INT(pread_chunks("/mnt/t", buf, 3 * (size_t)bs, 0, sizeof(buf)), 3 * bs);
	CHECK(!memcmp(buf, data, (size_t)mid - 10));
	CHECK(all_zero(buf + mid - 10, 3 * (size_t)bs - (size_t)mid + 10));
	detach();
}

/* Filling a hole inside the file when its page is not cached: the new block's stale bytes
 * (0xee: mkflat) never show, flatfs does not zero the blocks it allocates. */
static void test_no_stale_data(void)
{
	u8 buf[3073];

	attach(1024, 64, 4);
	CHECK_INT(do_mount("fake0", "/mnt", "flatfs", 0, NULL), 0);
	CHECK_INT(pwrite("/mnt/s", "A", 1, 0), 1);
	CHECK_INT(pwrite("/mnt/s", "C", 1, 3072), 1);
	CHECK_INT(ksys_sync(), 0);
	shrink_page_cache(1000);
	CHECK_INT(pwrite("/mnt/s", "B", 1, 1034), 1);
	CHECK_INT(ksys_sync(), 0);
	shrink_page_cache(1000);
	CHECK_INT(pread_chunks("/mnt/s", buf, sizeof(buf), 0, sizeof(buf)), 3073);
	CHECK(buf[0] == 'A' && all_zero(buf + 1, 1033) && buf[1034] == 'B');
	CHECK(all_zero(buf + 1035, 3072 - 1035) && buf[3072] == 'C');
	detach();
}

/* Extending with truncate leaves holes, except on FS_NO_HOLES types: every block up to the
 * new size is then allocated and zeroed, as a write past the end would have done. */
static void test_truncate_extend(const char *type)
{
	u8 buf[4096];
	bool no_holes = type[6] != '\0';
	const struct flatfs_entry *e;

	attach(1024, 64, 4);
	e = img_entry(0);
	CHECK_INT(do_mount("fake0", "/mnt", type, 0, NULL), 0);
	CHECK_INT(pwrite("/mnt/x", "x", 1, 0), 1);
	CHECK_INT(vfs_truncate("/mnt/x", 3 * 1024 + 5), 0);
	CHECK_INT(ksys_sync(), 0);
	CHECK(e->size == 3 * 1024 + 5 && e->blocks[0]);
	for (int i = 1; i < 4; i++)
		CHECK(!e->blocks[i] == !no_holes);
	CHECK_INT(pread_chunks("/mnt/x", buf, sizeof(buf), 0, sizeof(buf)), 3 * 1024 + 5);
	CHECK(buf[0] == 'x' && all_zero(buf + 1, 3 * 1024 + 4));
	detach();
}

/* A full disk fails the write before the data is cached: a short count at a page boundary,
 * -ENOSPC when nothing fits; what was written reaches the disk. */
static void test_enospc(void)
{
	static u8 data[3 * 4096];
	u32 start = flatfs_data_start(4, 512);

	attach(512, start + 10, 4); /* ten free 512-byte blocks: one page and a bit */
	fill_pattern(data, sizeof(data), 7);
	CHECK_INT(do_mount("fake0", "/mnt", "flatfs", 0, NULL), 0);
	CHECK_INT(pwrite("/mnt/f", data, 3 * 4096, 0), 4096);
	CHECK_INT(pwrite("/mnt/g", data, 1024, 0), 1024);
	CHECK_INT(pwrite("/mnt/h", data, 100, 0), -ENOSPC);
	CHECK_INT(ksys_sync(), 0);
	CHECK(image_holds(0, data, 4096) && image_holds(1, data, 1024));
	CHECK_INT(img_super()->free_blocks, 0);
	CHECK_INT(vfs_unlink("/mnt/f"), 0);
	CHECK_INT(pwrite("/mnt/h", data, 100, 0), 100);
	detach();
}

/* With the page allocator nearly dry, writes make room by writing dirty pages back: a file
 * larger than the pages left is written whole and reads back equal. */
static void test_memory_pressure(void)
{
	static u8 data[40 * 1024], back[40 * 1024];

	attach(1024, 64, 4);
	fill_pattern(data, sizeof(data), 9);
	CHECK_INT(do_mount("fake0", "/mnt", "flatfs", 0, NULL), 0);
	page_limit = pages_out + 4;
	CHECK_INT(pwrite("/mnt/m", data, sizeof(data), 0), sizeof(data));
	CHECK_INT(pread_chunks("/mnt/m", back, sizeof(back), 0, sizeof(back)), sizeof(back));
	page_limit = -1;
	CHECK(!memcmp(back, data, sizeof(data)));
	detach();
}

/* A device write error reaches fsync (the data stays dirty), and a later fsync writes it. */
static void test_write_error(void)
{
	struct file *f;
	u8 data[3000];

	attach(1024, 64, 4);
	fill_pattern(data, sizeof(data), 5);
	CHECK_INT(do_mount("fake0", "/mnt", "flatfs", 0, NULL), 0);
	f = vfs_open("/mnt/e", O_WRONLY | O_CREAT, 0644);
	CHECK_INT(vfs_write(f, data, sizeof(data)), sizeof(data));
	fail_write_from = 2 * flatfs_data_start(4, 1024); /* the data blocks, not the table */
	CHECK_INT(vfs_fsync(f), -EIO);
	CHECK_INT(f->f_inode->i_mapping->nrdirty, 1);
	fail_write_from = ~0ULL;
	CHECK_INT(vfs_fsync(f), 0);
	CHECK(image_holds(0, data, sizeof(data)));
	fput(f);
	detach();
}

/* A read-only mount refuses changes and writes nothing, not even at umount. */
static void test_read_only(void)
{
	int before;

	attach(2048, 64, 4);
	CHECK_INT(do_mount("fake0", "/mnt", "flatfs", 0, NULL), 0);
	CHECK_INT(pwrite("/mnt/r", "ro", 2, 0), 2);
	CHECK_INT(do_mount("fake0", "/tmp", "flatfs", 0, NULL), -EBUSY); /* one sb per device */
	CHECK_INT(do_umount("/mnt"), 0);
	before = writes;
	CHECK_INT(do_mount("fake0", "/mnt", "flatfs", MS_RDONLY, NULL), 0);
	CHECK_INT(pwrite("/mnt/r", "rw", 2, 0), -EROFS);
	CHECK_INT(pwrite("/mnt/new", "rw", 2, 0), -EROFS);
	CHECK_STR(read_file("/mnt/r"), "ro");
	CHECK_INT(ksys_sync(), 0);
	detach();
	CHECK_INT(writes, before);
}

/* Data sits in the cache until sync, umount or fsync writes it; umount writes everything. */
static void test_writeback(void)
{
	u8 buf[5000];
	u32 gen;

	attach(1024, 64, 4);
	fill_pattern(buf, sizeof(buf), 3);
	CHECK_INT(do_mount("fake0", "/mnt", "flatfs", 0, NULL), 0);
	gen = img_super()->generation;
	CHECK_INT(pwrite("/mnt/w", buf, sizeof(buf), 0), sizeof(buf));
	CHECK(img_entry(0)->state == FLATFS_FREE); /* nothing on the disk yet */
	CHECK_INT(ksys_sync(), 0);
	CHECK(image_holds(0, buf, sizeof(buf)));
	CHECK(img_super()->generation == gen + 1);
	CHECK_INT(img_super()->free_blocks, 64 - flatfs_data_start(4, 1024) - 5);
	CHECK_INT(pwrite("/mnt/w2", buf, 3000, 0), 3000);
	detach();
	CHECK(image_holds(1, buf, 3000));
	CHECK(img_super()->generation == gen + 2);
}

/* The last close of an unlinked file drops its dirty pages unwritten and frees its blocks. */
static void test_unlinked_eviction(void)
{
	static u8 data[8192];
	struct file *f;
	int before;

	attach(4096, 64, 4);
	CHECK_INT(do_mount("fake0", "/mnt", "flatfs", 0, NULL), 0);
	f = vfs_open("/mnt/u", O_RDWR | O_CREAT, 0644);
	CHECK(!IS_ERR(f));
	CHECK_INT(vfs_write(f, data, sizeof(data)), sizeof(data));
	CHECK_INT(f->f_inode->i_mapping->nrdirty, 2);
	CHECK_INT(vfs_unlink("/mnt/u"), 0);
	CHECK_INT(vfs_llseek(f, 0, SEEK_SET), 0);
	CHECK_INT(vfs_read(f, data, 10), 10); /* still readable while open */
	before = writes;
	fput(f);
	CHECK_INT(writes, before);  /* neither data nor metadata went to the device */
	CHECK_INT(ksys_sync(), 0);
	CHECK(img_entry(0)->state == FLATFS_FREE);
	CHECK_INT(img_super()->free_blocks, 64 - flatfs_data_start(4, 4096));
	detach();
}

static struct inode *filling;

static void publish_filling(void) { unlock_new_inode(filling); }
static void fail_filling(void) { iget_failed(filling); }

/* A second iget_locked of an inode being filled waits; it gets the inode once published, a
 * fresh one to fill when the filler gave up. */
static void test_iget_locked_waits(void)
{
	struct file *dir;
	struct super_block *sb;
	struct inode *got;

	attach(1024, 64, 4);
	CHECK_INT(do_mount("fake0", "/mnt", "flatfs", 0, NULL), 0);
	dir = vfs_open("/mnt", O_RDONLY | O_DIRECTORY, 0);
	sb = dir->f_inode->i_sb;
	filling = iget_locked(sb, 1000);
	CHECK(filling && (filling->i_state & I_NEW));
	fake_schedule_hook = publish_filling;
	got = iget_locked(sb, 1000);
	CHECK(got == filling && !(got->i_state & I_NEW) && got->i_count == 2);
	iput(got);
	iput(filling);
	filling = iget_locked(sb, 1001);
	fake_schedule_hook = fail_filling;
	got = iget_locked(sb, 1001);
	CHECK(got && got != filling && (got->i_state & I_NEW) && got->i_count == 1);
	iget_failed(got);
	CHECK(fake_schedule_hook == NULL);
	fput(dir);
	detach();
}

/* Damaged superblocks are refused with -EUCLEAN, foreign ones with -EINVAL, quietly. */
static void test_bad_images(void)
{
	mkflat(1024, 64, 4);
	((struct flatfs_super *)disk)->nr_blocks = 1 << 30;
	host_disk_attach(disk, sizeof(disk), 512);
	CHECK_INT(do_mount("fake0", "/mnt", "flatfs", 0, NULL), -EUCLEAN);
	disk[0] = 'X';
	CHECK_INT(do_mount("fake0", "/mnt", NULL, 0, NULL), -EINVAL);
	CHECK_INT(do_mount("fake1", "/mnt", "flatfs", 0, NULL), -ENODEV);
	CHECK_INT(host_disk_detach(), 0);
}

int main(void)
{
	struct host_usage start;

	host_fs_boot();
	start = host_usage();
	CHECK_INT(host_module_load(), 0);
	for (u32 bs = 512; bs <= 4096; bs *= 2) {
		test_read_write(bs);
		test_holes(bs, "flatfs");
		test_holes(bs, "flatfs_nh");
		test_truncate(bs);
	}
	test_hole_between_neighbours();
	test_no_stale_data();
	test_truncate_extend("flatfs");
	test_truncate_extend("flatfs_nh");
	test_enospc();
	test_writeback();
	test_write_error();
	test_memory_pressure();
	test_read_only();
	test_unlinked_eviction();
	test_iget_locked_waits();
	test_bad_images();
	host_module_unload();
	CHECK(host_usage_same(host_usage(), start));
	CHECK_INT(lock_errors, 0);
	CHECK_INT(spin_held, 0);
	return unit_summary();
}
