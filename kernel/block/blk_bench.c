/*
 * `blk bench DEV read|write MIB`: sequential throughput of any block device's driver, so
 * `make bench` (tests/bench/bench_disks.py) compares ATA, AHCI and NVMe the same way: 128 KiB
 * requests from sector 0 through blkdev_read/blkdev_write (not the page cache), from one
 * physically contiguous buffer that every driver can use in place; writes end with the
 * device's cache flush. Writing destroys the device's contents.
 */
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/ktime.h>
#include <keel/minmax.h>
#include <keel/mm.h>
#include <keel/sched.h>
#include <keel/string.h>
#include "block/block.h"
#include "shell/shell_internal.h"

#define BENCH_ORDER 5 /* 128 KiB per request */
#define BENCH_BYTES (PAGE_SIZE << BENCH_ORDER)

/* In tenths of MiB and microseconds: bytes * 10 * 10^9 would wrap a u64 past 1.8 GB. */
static void blk_bench_report(const char *name, bool write, u64 bytes, u64 ns)
{
	u64 us = ns / 1000, tenths = us ? (bytes * 10 >> 20) * 1000000 / us : 0;

	console_printf("%s: %s %llu MiB in %llu ms: %llu.%llu MiB/s\n", name,
		       write ? "wrote" : "read", (unsigned long long)(bytes >> 20),
		       (unsigned long long)(ns / 1000000), (unsigned long long)(tenths / 10),
		       (unsigned long long)(tenths % 10));
}

static int blk_bench_run(struct block_device *bdev, bool write, u64 sectors, u8 *buf)
{
	u32 per_req = BENCH_BYTES / bdev->sector_size;
	u64 start = ktime_get_ns();
	int err = 0;

	for (u64 s = 0; s < sectors && !err; s += per_req) {
		if (signal_pending(current))
			return -EINTR; /* Ctrl-C */
		err = write ? blkdev_write(bdev, s, per_req, buf) : blkdev_read(bdev, s, per_req, buf);
	}
	if (!err && write)
		err = blkdev_flush(bdev);
	if (!err)
		blk_bench_report(bdev->name, write, sectors * bdev->sector_size,
				 ktime_get_ns() - start);
	return err;
}

int blk_bench_command(char **argv)
{
	bool write = strcmp(argv[1], "write") == 0;
	struct block_device *bdev;
	unsigned int mib;
	u64 sectors;
	u8 *buf;
	int err;

	if ((!write && strcmp(argv[1], "read")) || kstrtouint(argv[2], 0, &mib) || !mib) {
		console_printf("blk: bench: expected read|write and a size in MiB\n");
		return SHELL_FAILED;
	}
	bdev = blkdev_get_by_name(argv[0]);
	if (!bdev) {
		console_printf("blk: no block device \"%s\"\n", argv[0]);
		return SHELL_FAILED;
	}
	sectors = min((u64)mib << 20, bdev->nr_sectors * bdev->sector_size) / BENCH_BYTES *
		  (BENCH_BYTES / bdev->sector_size);
	buf = bdev->sector_size <= BENCH_BYTES && sectors ? alloc_pages(BENCH_ORDER) : NULL;
	err = buf ? 0 : -EINVAL;
	for (u32 i = 0; buf && i < BENCH_BYTES; i++)
		buf[i] = (u8)(i * 131 + 7);
	if (buf)
		err = blk_bench_run(bdev, write, sectors, buf);
	if (err)
		console_printf("blk: %s: bench failed: %s\n", bdev->name, shell_strerror(err));
	if (buf)
		free_pages(buf, BENCH_ORDER);
	blkdev_put(bdev);
	return err ? SHELL_FAILED : 0;
}
