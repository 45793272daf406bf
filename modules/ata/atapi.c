/*
 * ATAPI (CD/DVD drives): SCSI commands sent through the ATA PACKET command, data moved by PIO
 * in blocks whose size the device announces in the LBA mid/high registers. Implements READ
 * CAPACITY(10) for the size, READ(10) of 2048-byte sectors, TEST UNIT READY and REQUEST SENSE.
 */
#include <keel/errno.h>
#include <keel/io.h>
#include <keel/minmax.h>
#include <keel/printk.h>
#include <keel/string.h>
#include "ata.h"

#define SCSI_TEST_UNIT_READY 0x00
#define SCSI_REQUEST_SENSE 0x03
#define SCSI_READ_CAPACITY 0x25
#define SCSI_READ_10 0x28
#define SENSE_UNIT_ATTENTION 6
#define ATAPI_BYTE_LIMIT 0xf800 /* most bytes per DRQ block we ask for (even, < 64 KiB) */
#define ATAPI_MAX_SECTORS 32    /* per READ(10): 64 KiB */

static const char *const sense_key_names[16] = {
	"NO SENSE", "RECOVERED ERROR", "NOT READY", "MEDIUM ERROR", "HARDWARE ERROR",
	"ILLEGAL REQUEST", "UNIT ATTENTION", "DATA PROTECT", "BLANK CHECK", "VENDOR SPECIFIC",
	"COPY ABORTED", "ABORTED COMMAND", "0xC", "VOLUME OVERFLOW", "MISCOMPARE", "0xF",
};

static int atapi_send_packet(struct ata_device *dev, const u8 *cdb)
{
	struct ata_channel *ch = dev->channel;
	struct ata_taskfile tf = { .command = ATA_CMD_PACKET };
	u16 packet[6];
	int ret;

	/* The taskfile's LBA mid/high carry the byte count limit. */
	tf.lba = (u64)ATAPI_BYTE_LIMIT << 8;
	ret = ata_issue(dev, &tf);
	if (ret)
		return ret;
	ret = ata_wait_drq(ch, ATA_TIMEOUT_MS);
	if (ret == -ETIMEDOUT)
		return ata_timeout(dev, "waiting to send a packet");
	if (ret)
		return -EIO;
	memcpy(packet, cdb, sizeof(packet));
	ata_arm_irq(ch);
	ata_outsw(ch->cmd_base + ATA_REG_DATA, packet, 6);
	return 0;
}

/* Reads one DRQ block into buf (what does not fit is read and dropped); bytes taken. */
static u32 atapi_read_block(struct ata_channel *ch, u8 *buf, u32 room)
{
	u32 bytes = inb(ch->cmd_base + ATA_REG_LBAM) | (inb(ch->cmd_base + ATA_REG_LBAH) << 8);
	u32 take = min(bytes, room) & ~1u;
	u16 discard;

	ata_insw(ch->cmd_base + ATA_REG_DATA, buf, take / 2);
	for (u32 i = take; i < bytes; i += 2)
		ata_insw(ch->cmd_base + ATA_REG_DATA, &discard, 1);
	return take;
}

/*
 * Sends a 12-byte command and reads up to buflen bytes of its answer. Returns the bytes read,
 * -EIO with the sense key in dev->atapi_sense_key when the device reports an error.
 */
int atapi_packet(struct ata_device *dev, const u8 *cdb, void *buf, u32 buflen)
{
	struct ata_channel *ch = dev->channel;
	u32 done = 0;
	u8 status;
	int ret;

	ret = atapi_send_packet(dev, cdb);
	if (ret)
		return ret;
	for (;;) {
		if (ata_wait_irq(ch, ATA_TIMEOUT_MS) || ata_wait_not_busy(ch, ATA_TIMEOUT_MS))
			return ata_timeout(dev, "waiting for a packet command");
		status = ata_altstatus(ch);
		if (status & (ATA_ERR | ATA_DF)) {
			dev->atapi_sense_key = inb(ch->cmd_base + ATA_REG_ERROR) >> 4;
			return -EIO;
		}
		if (!(status & ATA_DRQ))
			return done;
		done += atapi_read_block(ch, (u8 *)buf + done, buflen - done);
	}
}

static void atapi_report(struct ata_device *dev, const char *what, u64 lba)
{
	u8 cdb[12] = { SCSI_REQUEST_SENSE, 0, 0, 0, 18 };
	u8 sense[18] = { 0 };
	u8 key = dev->atapi_sense_key;

	if (atapi_packet(dev, cdb, sense, sizeof(sense)) >= 14 && (sense[0] & 0x70) == 0x70)
		key = sense[2] & 0x0f;
	pr_err("ata: %s: %s at sector %llu failed: sense key %u (%s), asc 0x%02x ascq 0x%02x\n",
	       dev->name, what, (unsigned long long)lba, key, sense_key_names[key], sense[12],
	       sense[13]);
}

/* A packet command with a retry after UNIT ATTENTION (medium changed, reset happened). */
static int atapi_command(struct ata_device *dev, const u8 *cdb, void *buf, u32 buflen,
			 const char *what, u64 lba)
{
	int ret = atapi_packet(dev, cdb, buf, buflen);

	if (ret == -EIO && dev->atapi_sense_key == SENSE_UNIT_ATTENTION)
		ret = atapi_packet(dev, cdb, buf, buflen);
	if (ret == -EIO)
		atapi_report(dev, what, lba);
	return ret;
}

static u32 be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

/* Sets the block device's capacity from READ CAPACITY(10); 0 sectors without a medium. */
static int __atapi_read_capacity(struct ata_device *dev)
{
	u8 tur[12] = { SCSI_TEST_UNIT_READY };
	u8 cdb[12] = { SCSI_READ_CAPACITY };
	u8 answer[8];
	int ret;

	/* The first commands after reset report UNIT ATTENTION: let them. */
	for (int i = 0; i < 3 && atapi_packet(dev, tur, NULL, 0) < 0; i++)
		;
	dev->bdev.nr_sectors = 0;
	ret = atapi_command(dev, cdb, answer, sizeof(answer), "READ CAPACITY", 0);
	if (ret < 0)
		return ret;
	if (ret < 8 || be32(answer + 4) != ATAPI_SECTOR_SIZE) {
		pr_err("ata: %s: READ CAPACITY: unexpected answer (%d bytes, block size %u)\n",
		       dev->name, ret, ret >= 8 ? be32(answer + 4) : 0);
		return -EIO;
	}
	dev->bdev.nr_sectors = (u64)be32(answer) + 1;
	return 0;
}

int atapi_read_capacity(struct ata_device *dev)
{
	int ret;

	mutex_lock(&dev->channel->lock);
	ret = __atapi_read_capacity(dev);
	mutex_unlock(&dev->channel->lock);
	return ret;
}

static int atapi_read_chunk(struct ata_device *dev, u32 lba, u32 count, void *buf)
{
	u8 cdb[12] = { SCSI_READ_10, 0, lba >> 24, lba >> 16, lba >> 8, lba, 0, count >> 8, count };
	u32 bytes = count * ATAPI_SECTOR_SIZE;
	int ret;

	ret = atapi_command(dev, cdb, buf, bytes, "READ(10)", lba);
	if (ret < 0)
		return ret;
	if ((u32)ret != bytes) {
		pr_err("ata: %s: READ(10) at sector %u: %d of %u bytes came\n", dev->name, lba,
		       ret, bytes);
		return -EIO;
	}
	return 0;
}

static int __atapi_read(struct ata_device *dev, u64 lba, u32 count, void *buf)
{
	u8 *p = buf;
	int ret;

	while (count) {
		u32 n = min_t(u32, count, ATAPI_MAX_SECTORS);

		ret = atapi_read_chunk(dev, (u32)lba, n, p);
		if (ret)
			return ret;
		lba += n;
		count -= n;
		p += (size_t)n * ATAPI_SECTOR_SIZE;
	}
	return 0;
}

int atapi_read(struct ata_device *dev, u64 lba, u32 count, void *buf)
{
	int ret;

	if (!blk_range_within(lba, count, ata_lba_limit(dev)))
		return -EINVAL;
	mutex_lock(&dev->channel->lock);
	ret = __atapi_read(dev, lba, count, buf);
	mutex_unlock(&dev->channel->lock);
	return ret;
}
