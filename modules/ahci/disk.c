/*
 * SATA disks behind an AHCI port: IDENTIFY DEVICE (model and LBA48 capacity, parsed by
 * <keel/ata_id.h> as ata.ko does), READ/WRITE DMA EXT in pieces of at most one command's
 * reach, FLUSH CACHE EXT, and the block device operations the block layer calls.
 */
#include <keel/ata_id.h>
#include <keel/errno.h>
#include <keel/printk.h>
#include <keel/slab.h>
#include "ahci.h"

#define AHCI_LBA48_LIMIT (1ULL << 48)
#define AHCI_MAX_SECTORS_PER_CMD 65536u /* an LBA48 count of 0 means 65536 */

static void ahci_parse_identify(struct ahci_port_priv *pp, const u16 *id)
{
	ata_id_string(id, ATA_ID_PROD, 20, pp->bdev.model);
	pp->lba48 = ata_id_has_lba48(id);
	pp->bdev.nr_sectors = ata_id_n_sectors(id);
	if (pp->bdev.nr_sectors >= AHCI_LBA48_LIMIT)
		pp->bdev.nr_sectors = AHCI_LBA48_LIMIT - 1;
}

/* IDENTIFY DEVICE; a disk without LBA48 is refused (every SATA disk has it). */
int ahci_disk_identify(struct ahci_port_priv *pp)
{
	u16 *id = ahci_read_id(pp, ATA_CMD_IDENTIFY, "IDENTIFY DEVICE");

	if (IS_ERR(id))
		return PTR_ERR(id);
	ahci_parse_identify(pp, id);
	kfree(id);
	if (!pp->lba48) {
		pr_err("ahci: %s: no LBA48 addressing, not supported\n", pp->name);
		return -EOPNOTSUPP;
	}
	return 0;
}

/* One READ/WRITE DMA EXT of count sectors (1..65536); the caller holds the lock. */
static int ahci_disk_cmd(struct ahci_port_priv *pp, u64 lba, u32 count, void *buf, bool write)
{
	struct ahci_qc qc = {
		.tf = { .command = write ? ATA_CMD_WRITE_DMA_EXT : ATA_CMD_READ_DMA_EXT,
			.lba = lba, .count = (u16)count, .device = ATA_DEV_LBA },
		.buf = buf, .bytes = count * AHCI_SECTOR_SIZE, .write = write,
		.what = write ? "WRITE DMA EXT" : "READ DMA EXT", .lba = lba,
	};

	return ahci_exec(pp, &qc);
}

static int ahci_disk_rw(struct ahci_port_priv *pp, u64 lba, u32 count, void *buf, bool write)
{
	u8 *p = buf;
	int ret = 0;

	if (!blk_range_within(lba, count, pp->bdev.nr_sectors))
		return -EINVAL;
	mutex_lock(&pp->lock);
	while (count && !ret) {
		u32 n = count < AHCI_MAX_SECTORS_PER_CMD ? count : AHCI_MAX_SECTORS_PER_CMD;
		u32 max = ahci_max_bytes(pp, p, n * AHCI_SECTOR_SIZE) / AHCI_SECTOR_SIZE;

		if (n > max)
			n = max;
		ret = ahci_disk_cmd(pp, lba, n, p, write);
		lba += n;
		count -= n;
		p += (size_t)n * AHCI_SECTOR_SIZE;
	}
	mutex_unlock(&pp->lock);
	return ret;
}

int ahci_disk_flush(struct ahci_port_priv *pp)
{
	struct ahci_qc qc = { .tf = { .command = ATA_CMD_FLUSH_EXT, .device = ATA_DEV_LBA },
			      .timeout_ms = AHCI_FLUSH_TIMEOUT_MS, .what = "FLUSH CACHE EXT" };
	int ret;

	mutex_lock(&pp->lock);
	ret = ahci_exec(pp, &qc);
	mutex_unlock(&pp->lock);
	return ret;
}

static int ahci_bdev_read(struct block_device *bdev, u64 sector, u32 count, void *buf)
{
	return ahci_disk_rw(bdev->private_data, sector, count, buf, false);
}

static int ahci_bdev_write(struct block_device *bdev, u64 sector, u32 count, const void *buf)
{
	/* The buffer is only read: the common path takes it as void *. */
	return ahci_disk_rw(bdev->private_data, sector, count, (void *)buf, true);
}

static int ahci_bdev_flush(struct block_device *bdev)
{
	return ahci_disk_flush(bdev->private_data);
}

const struct block_device_operations ahci_disk_ops = {
	.read = ahci_bdev_read,
	.write = ahci_bdev_write,
	.flush = ahci_bdev_flush,
};
