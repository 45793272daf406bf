/*
 * The blk command: reads and writes sector ranges of block devices and prints their CRC32 (the
 * zlib one), so tests can compare with the host's bytes. Ranges go through a bounded buffer in
 * chunks, so any range size works.
 *
 * `blk write DEV START COUNT SEED` writes the test pattern of blk_pattern_fill() (pattern.c),
 * which the host can reproduce; the stream runs on across sectors and chunks.
 */
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/minmax.h>
#include <keel/sched.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "block/bcache.h"
#include "block/block.h"
#include "shell/shell_internal.h"

#define BLK_CHUNK_BYTES (64 * 1024)

/* One request of the command: a device and a range, checked and ready to run in chunks. */
struct blk_range {
	struct block_device *bdev;
	u64 start;
	u64 count;
	void *buf;
	u32 chunk_sectors;
	bool cached; /* cread/cwrite: through the page cache */
};

static const struct shell_command blk_command;

static int blk_usage(void)
{
	return shell_usage(&blk_command);
}

static int blk_parse_u64(const char *what, const char *text, u64 *out)
{
	unsigned long long v;

	if (kstrtoull(text, 0, &v)) {
		console_printf("blk: bad %s \"%s\"\n", what, text);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

static struct block_device *blk_open(const char *name)
{
	struct block_device *bdev = blkdev_get_by_name(name);

	if (!bdev)
		console_printf("blk: no block device \"%s\"\n", name);
	return bdev;
}

/* Opens argv[0] and checks the range argv[1] (start) argv[2] (count); 0 or SHELL_FAILED. */
static int blk_range_open(struct blk_range *r, char **argv)
{
	if (blk_parse_u64("start sector", argv[1], &r->start) ||
	    blk_parse_u64("sector count", argv[2], &r->count))
		return SHELL_FAILED;
	if (r->count == 0) {
		console_printf("blk: %s: empty range (count 0)\n", argv[0]);
		return SHELL_FAILED;
	}
	r->bdev = blk_open(argv[0]);
	if (!r->bdev)
		return SHELL_FAILED;
	if ((r->bdev->whole ? r->bdev->whole : r->bdev)->no_medium) {
		console_printf("blk: %s: %s\n", r->bdev->name, shell_strerror(-ENOMEDIUM));
		goto out_put;
	}
	if (r->start >= r->bdev->nr_sectors || r->count > r->bdev->nr_sectors - r->start) {
		u64 last = r->start + r->count - 1;

		console_printf("blk: %s: sectors %llu-%llu past the end of the device (%llu sectors)\n",
			       r->bdev->name, (unsigned long long)r->start,
			       (unsigned long long)(last < r->start ? ~0ULL : last),
			       (unsigned long long)r->bdev->nr_sectors);
		goto out_put;
	}
	r->chunk_sectors = max(1u, BLK_CHUNK_BYTES / r->bdev->sector_size);
	r->buf = kmalloc_array(r->chunk_sectors, r->bdev->sector_size, GFP_KERNEL);
	if (!r->buf) {
		console_printf("blk: %s: out of memory for the transfer buffer\n", r->bdev->name);
		goto out_put;
	}
	return 0;

out_put:
	blkdev_put(r->bdev);
	return SHELL_FAILED;
}

static void blk_range_close(struct blk_range *r)
{
	kfree(r->buf);
	blkdev_put(r->bdev);
}

static void blk_report_io_error(const struct blk_range *r, const char *op, u64 at, int err)
{
	if (err == -EROFS) {
		console_printf("blk: %s: read-only device\n", r->bdev->name);
		return;
	}
	console_printf("blk: %s: %s failed at sector %llu (%llu of %llu sectors done): %s\n",
		       r->bdev->name, op, (unsigned long long)at,
		       (unsigned long long)(at - r->start), (unsigned long long)r->count,
		       shell_strerror(err));
}

static void blk_report_done(const struct blk_range *r, const char *op, u32 crc)
{
	console_printf("%s: %s sectors %llu-%llu (%llu bytes) crc32 0x%08x\n", r->bdev->name, op,
		       (unsigned long long)r->start, (unsigned long long)(r->start + r->count - 1),
		       (unsigned long long)(r->count * r->bdev->sector_size), crc);
}

static int cmd_blk_read(char **argv, bool cached)
{
	struct blk_range r = { .cached = cached };
	u32 crc = 0;
	int err = 0;

	if (blk_range_open(&r, argv))
		return SHELL_FAILED;
	for (u64 done = 0; done < r.count && !err;) {
		u32 n = (u32)min_t(u64, r.chunk_sectors, r.count - done);

		if (signal_pending(current)) {
			err = -EINTR; /* Ctrl-C */
			break;
		}
		err = r.cached ? blkdev_cache_read(r.bdev, r.start + done, n, r.buf)
			       : blkdev_read(r.bdev, r.start + done, n, r.buf);
		if (err)
			blk_report_io_error(&r, "read", r.start + done, err);
		else
			crc = crc32(crc, r.buf, (size_t)n * r.bdev->sector_size);
		done += n;
	}
	if (!err)
		blk_report_done(&r, "read", crc);
	blk_range_close(&r);
	return err ? SHELL_FAILED : 0;
}

static int cmd_blk_write(char **argv, bool cached)
{
	struct blk_range r = { .cached = cached };
	u64 seed, state;
	u32 crc = 0;
	int err = 0;

	if (blk_parse_u64("seed", argv[3], &seed) || blk_range_open(&r, argv))
		return SHELL_FAILED;
	state = blk_pattern_seed(seed);
	for (u64 done = 0; done < r.count && !err;) {
		u32 n = (u32)min_t(u64, r.chunk_sectors, r.count - done);
		size_t len = (size_t)n * r.bdev->sector_size;

		if (signal_pending(current)) {
			err = -EINTR; /* Ctrl-C */
			break;
		}
		blk_pattern_fill(&state, r.buf, len);
		err = r.cached ? blkdev_cache_write(r.bdev, r.start + done, n, r.buf)
			       : blkdev_write(r.bdev, r.start + done, n, r.buf);
		if (err)
			blk_report_io_error(&r, "write", r.start + done, err);
		else
			crc = crc32(crc, r.buf, len);
		done += n;
	}
	if (!err)
		blk_report_done(&r, "wrote", crc);
	blk_range_close(&r);
	return err ? SHELL_FAILED : 0;
}

/* Hex and ASCII of one sector, 16 bytes per line. */
static int cmd_blk_dump(char **argv)
{
	struct blk_range r;
	char *argv3[3] = { argv[0], argv[1], "1" };
	const u8 *p;
	int err;

	if (blk_range_open(&r, argv3))
		return SHELL_FAILED;
	err = blkdev_read(r.bdev, r.start, 1, r.buf);
	if (err)
		blk_report_io_error(&r, "read", r.start, err);
	p = r.buf;
	for (u32 off = 0; !err && off < r.bdev->sector_size; off += 16) {
		char ascii[17];

		for (int i = 0; i < 16; i++)
			ascii[i] = p[off + i] >= 0x20 && p[off + i] < 0x7f ? (char)p[off + i] : '.';
		ascii[16] = '\0';
		console_printf("%04x: %02x %02x %02x %02x %02x %02x %02x %02x  %02x %02x %02x %02x "
			       "%02x %02x %02x %02x  %s\n", off, p[off], p[off + 1], p[off + 2],
			       p[off + 3], p[off + 4], p[off + 5], p[off + 6], p[off + 7], p[off + 8],
			       p[off + 9], p[off + 10], p[off + 11], p[off + 12], p[off + 13],
			       p[off + 14], p[off + 15], ascii);
	}
	blk_range_close(&r);
	return err ? SHELL_FAILED : 0;
}

static int cmd_blk_flush(char **argv)
{
	struct block_device *bdev = blk_open(argv[0]);
	int err;

	if (!bdev)
		return SHELL_FAILED;
	err = blkdev_flush(bdev);
	if (err)
		console_printf("blk: %s: flush failed: %s\n", bdev->name, shell_strerror(err));
	else
		console_printf("%s: flushed\n", bdev->name);
	blkdev_put(bdev);
	return err ? SHELL_FAILED : 0;
}

static int cmd_blk_rescan(char **argv)
{
	struct block_device *bdev = blkdev_lookup(argv[0]);
	int err;

	if (!bdev) {
		console_printf("blk: no block device \"%s\"\n", argv[0]);
		return SHELL_FAILED;
	}
	/* A removable disk's medium first: a changed one rescans its partitions itself. */
	err = bdev->whole ? 0 : blkdev_revalidate(bdev);
	if (err < 0)
		console_printf("blk: %s: cannot check the medium: %s\n", bdev->name,
			       shell_strerror(err));
	else if (err > 0)
		err = 0;
	else
		err = blkdev_rescan_partitions(bdev);
	if (err == -EBUSY)
		console_printf("blk: %s: a partition is in use\n", bdev->name);
	else if (err == -EINVAL && bdev->whole)
		console_printf("blk: %s: is a partition, not a disk\n", bdev->name);
	return err ? SHELL_FAILED : 0;
}

static void blk_stat_print(struct block_device *b, void *arg)
{
	console_printf("%-10s %12llu %12llu %8lu %8lu %5d\n", b->name,
		       (unsigned long long)b->sectors_read, (unsigned long long)b->sectors_written,
		       b->read_errors, b->write_errors, b->open_count);
}

static int cmd_blk_stat(void)
{
	console_printf("%-10s %12s %12s %8s %8s %5s\n", "NAME", "READ", "WRITTEN", "RERRORS",
		       "WERRORS", "OPEN");
	blkdev_for_each(blk_stat_print, NULL);
	return 0;
}

static int cmd_blk(int argc, char **argv)
{
	const char *op = argc > 1 ? argv[1] : "";

	if ((strcmp(op, "read") == 0 || strcmp(op, "cread") == 0) && argc == 5)
		return cmd_blk_read(argv + 2, op[0] == 'c');
	if ((strcmp(op, "write") == 0 || strcmp(op, "cwrite") == 0) && argc == 6)
		return cmd_blk_write(argv + 2, op[0] == 'c');
	if (strcmp(op, "cache") == 0 && argc == 2)
		return blk_cache_stat_command();
	if (strcmp(op, "dump") == 0 && argc == 4)
		return cmd_blk_dump(argv + 2);
	if (strcmp(op, "flush") == 0 && argc == 3)
		return cmd_blk_flush(argv + 2);
	if (strcmp(op, "rescan") == 0 && argc == 3)
		return cmd_blk_rescan(argv + 2);
	if (strcmp(op, "stat") == 0 && argc == 2)
		return cmd_blk_stat();
	if (strcmp(op, "bench") == 0 && argc == 5)
		return blk_bench_command(argv + 2);
	return blk_usage();
}

static const struct shell_command blk_command = {
	.name = "blk",
	.usage = "blk read DEV START COUNT\nblk write DEV START COUNT SEED\n"
		 "blk cread DEV START COUNT\nblk cwrite DEV START COUNT SEED\nblk dump DEV SECTOR\n"
		 "blk flush DEV\nblk rescan DEV\nblk stat\nblk cache\nblk bench DEV read|write MIB",
	.help = "sector I/O: read (prints a crc32), write a pattern from SEED, cread/cwrite the "
		"same through the page cache, dump one sector, flush, rescan partitions, "
		"per-device statistics, page cache figures, sequential throughput (bench writes "
		"destroy the data)",
	.run = cmd_blk,
};

void blk_register_commands(void)
{
	shell_register_command(&blk_command);
	shell_register_command(&lsblk_command);
}
