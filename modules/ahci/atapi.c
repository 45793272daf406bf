/*
 * ATAPI CD/DVD drives behind an AHCI port (read-only, 2048-byte sectors): IDENTIFY PACKET
 * DEVICE for the model, then SCSI commands in PACKET (0xA0) commands with DMA: TEST UNIT READY
 * and REQUEST SENSE to tell an empty drive (sense 2/3A) and a changed medium (6/28), READ
 * CAPACITY(10) and READ(10). The block device stays while the drive is empty; its I/O then
 * fails with -ENOMEDIUM (the block layer checks no_medium).
 */
#include <keel/ata_id.h>
#include <keel/delay.h>
#include <keel/errno.h>
#include <keel/printk.h>
#include <keel/slab.h>
#include "ahci.h"

#define SCSI_TEST_UNIT_READY 0x00
#define SCSI_REQUEST_SENSE 0x03
#define SCSI_READ_CAPACITY_10 0x25
#define SCSI_READ_10 0x28
#define SENSE_NOT_READY 0x2
#define SENSE_UNIT_ATTENTION 0x6
#define ASC_MEDIUM_NOT_PRESENT 0x3a
#define SENSE_LEN 18
#define ATAPI_DMA 0x01 /* feature bit: the data phase is DMA */
#define ATAPI_MAX_SECTORS 32 /* 64 KiB per READ(10): well within a PRDT or the bounce buffer */
#define ATAPI_TUR_TRIES 6
#define ASC_BECOMING_READY 0x04
#define ATAPI_BECOMING_READY_MS 100

/* One PACKET command; the caller holds the lock. buf receives up to bytes (DMA, read). */
static int atapi_exec(struct ahci_port_priv *pp, const u8 *cdb, void *buf, u32 bytes,
		      const char *what, u64 lba, bool quiet)
{
	struct ahci_qc qc = {
		.tf = { .command = ATA_CMD_PACKET, .feature = bytes ? ATAPI_DMA : 0,
			.lba = (u64)(bytes < 0xfffe ? bytes : 0xfffe) << 8 },
		.cdb = cdb, .buf = buf, .bytes = bytes, .what = what, .lba = lba, .quiet = quiet,
	};
	int ret = ahci_exec(pp, &qc);

	pp->sense_key = ret ? qc.error >> 4 : 0;
	return ret;
}

/* REQUEST SENSE after a failed command: fills sense_key and asc. */
static void atapi_request_sense(struct ahci_port_priv *pp)
{
	u8 cdb[12] = { SCSI_REQUEST_SENSE, 0, 0, 0, SENSE_LEN };
	u8 *sense = kzalloc(SENSE_LEN, GFP_KERNEL);
	u8 key = pp->sense_key;

	pp->asc = 0;
	if (!sense)
		return;
	if (!atapi_exec(pp, cdb, sense, SENSE_LEN, "REQUEST SENSE", 0, true)) {
		pp->sense_key = sense[2] & 0xf;
		pp->asc = sense[12];
	} else {
		pp->sense_key = key;
	}
	kfree(sense);
}

/*
 * TEST UNIT READY until the answer settles: 0 ready, -ENOMEDIUM, -EIO. Unit attentions (a new
 * medium, a reset) are consumed and noted; "medium not present" counts only when said twice in
 * a row, as QEMU says it once right after a change, before the unit attention (ata.ko's rule).
 */
static int atapi_test_unit_ready(struct ahci_port_priv *pp)
{
	u8 cdb[12] = { SCSI_TEST_UNIT_READY };
	bool absent = false;

	for (int i = 0; i < ATAPI_TUR_TRIES; i++) {
		if (!atapi_exec(pp, cdb, NULL, 0, "TEST UNIT READY", 0, true))
			return 0;
		atapi_request_sense(pp);
		if (pp->sense_key == SENSE_NOT_READY && pp->asc == ASC_MEDIUM_NOT_PRESENT) {
			if (absent)
				return -ENOMEDIUM;
			absent = true;
			continue;
		}
		absent = false;
		if (pp->sense_key == SENSE_UNIT_ATTENTION)
			pp->cd_changed = true;
		else if (pp->sense_key == SENSE_NOT_READY && pp->asc == ASC_BECOMING_READY)
			msleep(ATAPI_BECOMING_READY_MS);
		else
			break;
	}
	pr_err("ahci: %s: TEST UNIT READY failed: sense key 0x%x asc 0x%02x\n", pp->name,
	       pp->sense_key, pp->asc);
	return -EIO;
}

static int atapi_read_capacity(struct ahci_port_priv *pp, u64 *sectors)
{
	u8 cdb[12] = { SCSI_READ_CAPACITY_10 };
	u8 *cap = kzalloc(8, GFP_KERNEL);
	int ret;

	if (!cap)
		return -ENOMEM;
	ret = atapi_exec(pp, cdb, cap, 8, "READ CAPACITY", 0, false);
	if (!ret)
		*sectors = ((u64)cap[0] << 24 | cap[1] << 16 | cap[2] << 8 | cap[3]) + 1;
	kfree(cap);
	return ret;
}

/* Sets what is in the drive; 1 when that changed. */
static int atapi_set_medium(struct ahci_port_priv *pp, bool present, u64 sectors)
{
	bool changed = pp->bdev.no_medium == present || pp->bdev.nr_sectors != sectors;

	pp->bdev.no_medium = !present;
	pp->bdev.nr_sectors = sectors;
	pp->cd_changed = false;
	return changed;
}

/* What is in the drive now: 1 changed, 0 not, -errno (block_device_operations.revalidate). */
int ahci_atapi_revalidate(struct ahci_port_priv *pp)
{
	u64 sectors = 0;
	int ret;

	mutex_lock(&pp->lock);
	ret = atapi_test_unit_ready(pp);
	if (!ret && (pp->cd_changed || pp->bdev.no_medium || !pp->bdev.nr_sectors))
		ret = atapi_read_capacity(pp, &sectors);
	else if (!ret)
		sectors = pp->bdev.nr_sectors;
	if (ret == -ENOMEDIUM)
		ret = atapi_set_medium(pp, false, 0);
	else if (!ret)
		ret = atapi_set_medium(pp, true, sectors);
	mutex_unlock(&pp->lock);
	return ret;
}

int ahci_atapi_identify(struct ahci_port_priv *pp)
{
	u16 *id = ahci_read_id(pp, ATA_CMD_IDENTIFY_PACKET, "IDENTIFY PACKET DEVICE");

	if (IS_ERR(id))
		return PTR_ERR(id);
	ata_id_string(id, ATA_ID_PROD, 20, pp->bdev.model);
	kfree(id);
	return 0;
}

static int atapi_read_chunk(struct ahci_port_priv *pp, u32 lba, u32 count, void *buf)
{
	u8 cdb[12] = { SCSI_READ_10, 0, lba >> 24, lba >> 16, lba >> 8, lba, 0, count >> 8, count };
	int ret = atapi_exec(pp, cdb, buf, count * AHCI_CD_SECTOR_SIZE, "READ(10)", lba, false);

	if (ret && pp->sense_key == SENSE_NOT_READY)
		return -ENOMEDIUM;
	return ret;
}

static int ahci_atapi_read(struct block_device *bdev, u64 sector, u32 count, void *buf)
{
	struct ahci_port_priv *pp = bdev->private_data;
	u8 *p = buf;
	int ret = 0;

	if (!blk_range_within(sector, count, bdev->nr_sectors))
		return -EINVAL;
	mutex_lock(&pp->lock);
	while (count && !ret) {
		u32 n = count < ATAPI_MAX_SECTORS ? count : ATAPI_MAX_SECTORS;

		ret = atapi_read_chunk(pp, (u32)sector, n, p);
		sector += n;
		count -= n;
		p += (size_t)n * AHCI_CD_SECTOR_SIZE;
	}
	mutex_unlock(&pp->lock);
	return ret;
}

static int ahci_atapi_write(struct block_device *bdev, u64 sector, u32 count, const void *buf)
{
	(void)sector;
	(void)count;
	(void)buf;
	pr_err("ahci: %s: is a read-only ATAPI device\n", bdev->name);
	return -EROFS;
}

static int ahci_atapi_bdev_revalidate(struct block_device *bdev)
{
	return ahci_atapi_revalidate(bdev->private_data);
}

const struct block_device_operations ahci_atapi_ops = {
	.read = ahci_atapi_read,
	.write = ahci_atapi_write,
	.revalidate = ahci_atapi_bdev_revalidate,
};
