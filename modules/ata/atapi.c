/*
 * ATAPI (CD/DVD drives): SCSI commands sent through the ATA PACKET command, data moved by PIO
 * in blocks whose size the device announces in the LBA mid/high registers. Implements READ
 * CAPACITY(10) for the size, READ(10) of 2048-byte sectors, TEST UNIT READY and REQUEST SENSE,
 * and follows medium changes (UNIT ATTENTION, "medium not present") as Linux's sr does.
 */
#include <keel/delay.h>
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
#define SENSE_NOT_READY 2
#define SENSE_UNIT_ATTENTION 6
#define ASC_BECOMING_READY 0x04     /* with NOT READY: logical unit is becoming ready */
#define ASC_MEDIUM_CHANGED 0x28     /* with UNIT ATTENTION: not ready to ready change */
#define ASC_MEDIUM_NOT_PRESENT 0x3a /* with NOT READY */
#define ATAPI_TUR_TRIES 8
#define ATAPI_BECOMING_READY_MS 50
#define ATAPI_BYTE_LIMIT 0xf800 /* most bytes per DRQ block we ask for (even, < 64 KiB) */
#define ATAPI_MAX_SECTORS 32    /* per READ(10): 64 KiB */

static const char *const sense_key_names[16] = {
	"NO SENSE", "RECOVERED ERROR", "NOT READY", "MEDIUM ERROR", "HARDWARE ERROR",
	"ILLEGAL REQUEST", "UNIT ATTENTION", "DATA PROTECT", "BLANK CHECK", "VENDOR SPECIFIC",
	"COPY ABORTED", "ABORTED COMMAND", "0xC", "VOLUME OVERFLOW", "MISCOMPARE", "0xF",
};

/* A failed command's sense data: key, additional sense code and its qualifier. */
struct atapi_sense {
	u8 key, asc, ascq;
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

/* REQUEST SENSE after a failed command; only the key (from the error register) if it fails. */
static void atapi_request_sense(struct ata_device *dev, struct atapi_sense *s)
{
	u8 cdb[12] = { SCSI_REQUEST_SENSE, 0, 0, 0, 18 };
	u8 sense[18] = { 0 };

	s->key = dev->atapi_sense_key;
	s->asc = s->ascq = 0;
	if (atapi_packet(dev, cdb, sense, sizeof(sense)) >= 14 && (sense[0] & 0x70) == 0x70) {
		s->key = sense[2] & 0x0f;
		s->asc = sense[12];
		s->ascq = sense[13];
	}
}

static void atapi_report(struct ata_device *dev, const char *what, u64 lba,
			 const struct atapi_sense *s)
{
	pr_err("ata: %s: %s at sector %llu failed: sense key %u (%s), asc 0x%02x ascq 0x%02x\n",
	       dev->name, what, (unsigned long long)lba, s->key, sense_key_names[s->key], s->asc,
	       s->ascq);
}

static bool atapi_sense_is(const struct atapi_sense *s, u8 key, u8 asc)
{
	return s->key == key && s->asc == asc;
}

/*
 * TEST UNIT READY until the drive's answer settles: 0 ready, -ENOMEDIUM for an empty drive,
 * -EIO or -ETIMEDOUT. UNIT ATTENTION (reset, medium changed) is consumed, a medium change
 * noted in dev->media_changed. "Medium not present" counts only when said twice in a row:
 * QEMU reports it once right after a change, before the UNIT ATTENTION.
 */
static int atapi_test_unit_ready(struct ata_device *dev)
{
	u8 cdb[12] = { SCSI_TEST_UNIT_READY };
	struct atapi_sense s = { 0 };
	bool absent = false;
	int ret;

	for (int i = 0; i < ATAPI_TUR_TRIES; i++) {
		ret = atapi_packet(dev, cdb, NULL, 0);
		if (ret != -EIO)
			return ret < 0 ? ret : 0;
		atapi_request_sense(dev, &s);
		if (atapi_sense_is(&s, SENSE_NOT_READY, ASC_MEDIUM_NOT_PRESENT)) {
			if (absent)
				return -ENOMEDIUM;
			absent = true;
			continue;
		}
		absent = false;
		if (atapi_sense_is(&s, SENSE_UNIT_ATTENTION, ASC_MEDIUM_CHANGED))
			dev->media_changed = true;
		else if (atapi_sense_is(&s, SENSE_NOT_READY, ASC_BECOMING_READY))
			msleep(ATAPI_BECOMING_READY_MS);
		else if (s.key != SENSE_UNIT_ATTENTION)
			break;
	}
	atapi_report(dev, "TEST UNIT READY", 0, &s);
	return -EIO;
}

/*
 * What a failed command's sense means to its caller. As Linux's sr: a medium change fails the
 * command and marks the device for revalidation (the size may differ); an empty drive fails
 * with -ENOMEDIUM. "Not present" may be QEMU's first answer after a change: TEST UNIT READY
 * tells the two apart.
 */
static int atapi_failed(struct ata_device *dev, const struct atapi_sense *s, const char *what,
			u64 lba)
{
	bool changed = atapi_sense_is(s, SENSE_UNIT_ATTENTION, ASC_MEDIUM_CHANGED);
	int ret;

	if (atapi_sense_is(s, SENSE_NOT_READY, ASC_MEDIUM_NOT_PRESENT)) {
		ret = atapi_test_unit_ready(dev);
		if (ret == -ENOMEDIUM) {
			pr_err("ata: %s: %s at sector %llu: no medium\n", dev->name, what,
			       (unsigned long long)lba);
			return ret;
		}
		changed = !ret;
	}
	if (changed) {
		dev->media_changed = true;
		pr_err("ata: %s: %s at sector %llu: the medium changed (its size is read again "
		       "on the next open)\n", dev->name, what, (unsigned long long)lba);
		return -EIO;
	}
	atapi_report(dev, what, lba, s);
	return -EIO;
}

/* A packet command, retried once after a UNIT ATTENTION other than a medium change (reset). */
static int atapi_command(struct ata_device *dev, const u8 *cdb, void *buf, u32 buflen,
			 const char *what, u64 lba)
{
	struct atapi_sense s;
	int ret;

	for (int tries = 0; tries < 2; tries++) {
		ret = atapi_packet(dev, cdb, buf, buflen);
		if (ret != -EIO)
			return ret;
		atapi_request_sense(dev, &s);
		if (s.key != SENSE_UNIT_ATTENTION || s.asc == ASC_MEDIUM_CHANGED)
			break;
	}
	return atapi_failed(dev, &s, what, lba);
}

static u32 be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

/* The medium's size from READ CAPACITY(10), in 2048-byte sectors. */
static int atapi_read_capacity(struct ata_device *dev, u64 *sectors)
{
	u8 cdb[12] = { SCSI_READ_CAPACITY };
	u8 answer[8];
	int ret;

	ret = atapi_command(dev, cdb, answer, sizeof(answer), "READ CAPACITY", 0);
	if (ret < 0)
		return ret;
	if (ret < 8 || be32(answer + 4) != ATAPI_SECTOR_SIZE) {
		pr_err("ata: %s: READ CAPACITY: unexpected answer (%d bytes, block size %u)\n",
		       dev->name, ret, ret >= 8 ? be32(answer + 4) : 0);
		return -EIO;
	}
	*sectors = (u64)be32(answer) + 1;
	return 0;
}

/* Records what is in the drive; 1 when it differs from what the block device said. */
static int atapi_set_medium(struct ata_device *dev, bool present, u64 sectors)
{
	struct block_device *b = &dev->bdev;
	bool changed = dev->media_changed || present == b->no_medium || sectors != b->nr_sectors;

	dev->media_changed = false;
	b->no_medium = !present;
	b->nr_sectors = sectors;
	return changed;
}

/*
 * Finds out what is in the drive now: TEST UNIT READY (which notes a medium change), then
 * READ CAPACITY for a new medium, as Linux's sr revalidates. Sets nr_sectors and no_medium;
 * 1 when the medium changed, 0 when not, -errno when the drive could not tell.
 */
static int __atapi_revalidate(struct ata_device *dev)
{
	u64 sectors = 0;
	int ret;

	ret = atapi_test_unit_ready(dev);
	if (!ret && (dev->media_changed || dev->bdev.no_medium))
		ret = atapi_read_capacity(dev, &sectors);
	if (ret == -ENOMEDIUM)
		return atapi_set_medium(dev, false, 0);
	if (ret)
		return ret;
	if (!dev->media_changed && !dev->bdev.no_medium)
		return 0;
	return atapi_set_medium(dev, true, sectors);
}

int atapi_revalidate(struct ata_device *dev)
{
	int ret;

	mutex_lock(&dev->channel->lock);
	ret = __atapi_revalidate(dev);
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
