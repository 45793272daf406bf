/*
 * Block I/O for ATA disks: requests split into commands (LBA28 when the range allows, LBA48
 * past 2^28 sectors or for long PIO runs), DMA through the bounce buffer by default with PIO
 * as the fallback, cache flushes, and error register decoding into one-line messages. Also
 * the block_device_operations the block layer calls.
 */
#include <keel/errno.h>
#include <keel/io.h>
#include <keel/minmax.h>
#include <keel/printk.h>
#include <keel/string.h>
#include "ata.h"

static const struct {
	u8 bit;
	const char *name;
} ata_error_bits[] = {
	{ 0x80, "BBK" },   /* bad block / interface CRC */
	{ 0x40, "UNC" },   /* uncorrectable data */
	{ 0x20, "MC" },    /* media changed */
	{ 0x10, "IDNF" },  /* sector not found */
	{ 0x08, "MCR" },   /* media change requested */
	{ 0x04, "ABRT" },  /* command aborted */
	{ 0x02, "TK0NF" }, /* track 0 not found */
	{ 0x01, "AMNF" },  /* address mark not found */
};

static void ata_decode_error(u8 error, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(ata_error_bits); i++)
		if ((error & ata_error_bits[i].bit) && len + 7 < size)
			len += snprintf(buf + len, size - len, "%s%s", len ? " " : "",
					ata_error_bits[i].name);
	if (!len)
		snprintf(buf, size, "none");
}

/* 0 when the status shows no error; otherwise one line naming the error bits and -EIO. */
int ata_check_status(struct ata_device *dev, u8 status, const char *what, u64 lba, u32 count)
{
	u8 error;
	char names[48];

	if (!(status & (ATA_ERR | ATA_DF)))
		return 0;
	error = inb(dev->channel->cmd_base + ATA_REG_ERROR);
	ata_decode_error(error, names, sizeof(names));
	pr_err("ata: %s: %s at LBA %llu (%u sectors) failed: status 0x%02x%s, error 0x%02x (%s)\n",
	       dev->name, what, (unsigned long long)lba, count, status,
	       (status & ATA_DF) ? " (device fault)" : "", error, names);
	return -EIO;
}

static void ata_fill_taskfile(struct ata_taskfile *tf, struct ata_device *dev, u64 lba,
			      u32 count, bool write, bool dma)
{
	static const u8 commands[2][2][2] = {
		/* [lba48][dma][write] */
		{ { ATA_CMD_READ_PIO, ATA_CMD_WRITE_PIO },
		  { ATA_CMD_READ_DMA, ATA_CMD_WRITE_DMA } },
		{ { ATA_CMD_READ_PIO_EXT, ATA_CMD_WRITE_PIO_EXT },
		  { ATA_CMD_READ_DMA_EXT, ATA_CMD_WRITE_DMA_EXT } },
	};

	memset(tf, 0, sizeof(*tf));
	tf->lba48 = dev->lba48 && (lba + count > ATA_LBA28_LIMIT - 1 || count > 256);
	tf->command = commands[tf->lba48][dma][write];
	tf->lba = lba;
	tf->count = count & (tf->lba48 ? 0xffff : 0xff);
	tf->sectors = count;
}

static int ata_pio_chunk(struct ata_device *dev, u64 lba, u32 count, void *buf, bool write)
{
	struct ata_taskfile tf;

	ata_fill_taskfile(&tf, dev, lba, count, write, false);
	return write ? ata_pio_out(dev, &tf, buf) : ata_pio_in(dev, &tf, buf);
}

static int ata_dma_chunk(struct ata_device *dev, u64 lba, u32 count, void *buf, bool write)
{
	struct ata_taskfile tf;

	ata_fill_taskfile(&tf, dev, lba, count, write, true);
	return ata_dma_rw(dev, &tf, buf, write);
}

/* DMA first; when it fails, the same chunk again with PIO, and PIO from then on if that works. */
static int ata_rw_chunk(struct ata_device *dev, u64 lba, u32 count, void *buf, bool write)
{
	int ret;

	if (!dev->use_dma || !dev->channel->dma_buf)
		return ata_pio_chunk(dev, lba, count, buf, write);
	ret = ata_dma_chunk(dev, lba, count, buf, write);
	if (!ret)
		return 0;
	ret = ata_pio_chunk(dev, lba, count, buf, write);
	if (!ret) {
		dev->use_dma = false;
		if (!dev->dma_fallback_logged)
			pr_warn("ata: %s: DMA failed where PIO works: using PIO from now on\n",
				dev->name);
		dev->dma_fallback_logged = true;
	}
	return ret;
}

static u32 ata_max_chunk(struct ata_device *dev)
{
	if (dev->use_dma && dev->channel->dma_buf)
		return ATA_DMA_MAX_SECTORS;
	return dev->lba48 ? 65536 : 256;
}

static int __ata_rw(struct ata_device *dev, u64 lba, u32 count, void *buf, bool write)
{
	u8 *p = buf;
	int ret;

	while (count) {
		u32 n = min(count, ata_max_chunk(dev));

		ret = ata_rw_chunk(dev, lba, n, p, write);
		if (ret)
			return ret;
		lba += n;
		count -= n;
		p += (size_t)n * ATA_SECTOR_SIZE;
	}
	return 0;
}

/* The first sector the device's commands cannot address: 2^48 (LBA48), 2^28, 2^32 (ATAPI). */
u64 ata_lba_limit(const struct ata_device *dev)
{
	if (dev->type == ATA_DEV_ATAPI)
		return ATAPI_LBA_LIMIT;
	return dev->lba48 ? ATA_LBA48_LIMIT : ATA_LBA28_LIMIT;
}

/*
 * One request, all its commands in a row: other tasks' commands wait on the channel. The range
 * must fit the addressing mode, or the taskfile would drop the high LBA bits and hit another
 * sector (2^48 + n wraps to n); the device's size is checked by the callers that must (block
 * I/O, `ata write`), not here, so `ata read` can show the device's own error past its end.
 */
int ata_rw(struct ata_device *dev, u64 lba, u32 count, void *buf, bool write)
{
	int ret;

	if (dev->type != ATA_DEV_ATA)
		return -ENODEV;
	if (!blk_range_within(lba, count, ata_lba_limit(dev)))
		return -EINVAL;
	mutex_lock(&dev->channel->lock);
	ret = __ata_rw(dev, lba, count, buf, write);
	mutex_unlock(&dev->channel->lock);
	return ret;
}

/* A command without data (FLUSH CACHE): issue, wait for its interrupt, check the status. */
int ata_nodata_command(struct ata_device *dev, u8 command, unsigned int timeout_ms)
{
	struct ata_taskfile tf = { .command = command };
	int ret;

	ret = ata_issue(dev, &tf);
	if (ret)
		return ret;
	if (ata_wait_irq(dev->channel, timeout_ms))
		return ata_timeout(dev, "waiting for a command to finish");
	if (ata_wait_not_busy(dev->channel, timeout_ms))
		return ata_timeout(dev, "waiting for a command to finish");
	return ata_check_status(dev, ata_altstatus(dev->channel), "cache flush", 0, 0);
}

int ata_flush(struct ata_device *dev)
{
	int ret;

	if (dev->type != ATA_DEV_ATA)
		return 0;
	mutex_lock(&dev->channel->lock);
	ret = ata_nodata_command(dev, dev->lba48 ? ATA_CMD_FLUSH_EXT : ATA_CMD_FLUSH,
				 ATA_FLUSH_TIMEOUT_MS);
	mutex_unlock(&dev->channel->lock);
	return ret;
}

static struct ata_device *bdev_to_ata(struct block_device *bdev)
{
	return bdev->private_data;
}

/* The block layer checked the range already; checked again so a bad caller cannot go past. */
static bool ata_bdev_range_ok(struct block_device *bdev, u64 sector, u32 count)
{
	return blk_range_within(sector, count, bdev->nr_sectors);
}

static int ata_bdev_read(struct block_device *bdev, u64 sector, u32 count, void *buf)
{
	if (!ata_bdev_range_ok(bdev, sector, count))
		return -EINVAL;
	return ata_rw(bdev_to_ata(bdev), sector, count, buf, false);
}

static int ata_bdev_write(struct block_device *bdev, u64 sector, u32 count, const void *buf)
{
	if (!ata_bdev_range_ok(bdev, sector, count))
		return -EINVAL;
	/* The buffer is only read: ata_rw's common path takes it as void *. */
	return ata_rw(bdev_to_ata(bdev), sector, count, (void *)buf, true);
}

static int ata_bdev_flush(struct block_device *bdev)
{
	return ata_flush(bdev_to_ata(bdev));
}

const struct block_device_operations ata_disk_ops = {
	.read = ata_bdev_read,
	.write = ata_bdev_write,
	.flush = ata_bdev_flush,
};

static int atapi_bdev_read(struct block_device *bdev, u64 sector, u32 count, void *buf)
{
	if (!ata_bdev_range_ok(bdev, sector, count))
		return -EINVAL;
	return atapi_read(bdev_to_ata(bdev), sector, count, buf);
}

static int atapi_bdev_write(struct block_device *bdev, u64 sector, u32 count, const void *buf)
{
	(void)sector;
	(void)count;
	(void)buf;
	pr_err("ata: %s: is a read-only ATAPI device\n", bdev->name);
	return -EROFS;
}

static int atapi_bdev_revalidate(struct block_device *bdev)
{
	return atapi_revalidate(bdev_to_ata(bdev));
}

const struct block_device_operations atapi_ops = {
	.read = atapi_bdev_read,
	.write = atapi_bdev_write,
	.revalidate = atapi_bdev_revalidate,
};
