/*
 * SCSI over the bulk-only transport (SPC-4, SBC-3): TEST UNIT READY with REQUEST SENSE until
 * the device is ready, INQUIRY, READ CAPACITY(10) and (16), READ(10)/WRITE(10), and the block
 * device operations. A capacity of 0 or beyond what READ(10) addresses, or a block size the
 * block layer cannot take, is one line and the device is skipped.
 */
#include <keel/delay.h>
#include <keel/errno.h>
#include <keel/printk.h>
#include <keel/string.h>
#include "storage.h"

#define TEST_UNIT_READY 0x00
#define REQUEST_SENSE 0x03
#define INQUIRY 0x12
#define READ_CAPACITY_10 0x25
#define READ_10 0x28
#define WRITE_10 0x2a
#define SERVICE_ACTION_IN_16 0x9e
#define SAI_READ_CAPACITY_16 0x10
#define READY_TRIES 10
#define READ10_LIMIT (1ULL << 32) /* READ(10)'s 32-bit LBA */

#define us_err(us, fmt, ...)                                                               \
	pr_err("usb-storage %s: " fmt "\n", dev_name(&(us)->intf->dev), ##__VA_ARGS__)

static u32 get_be32(const u8 *p)
{
	return (u32)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static u64 get_be64(const u8 *p)
{
	return (u64)get_be32(p) << 32 | get_be32(p + 4);
}

static void put_be32(u8 *p, u32 v)
{
	p[0] = (u8)(v >> 24);
	p[1] = (u8)(v >> 16);
	p[2] = (u8)(v >> 8);
	p[3] = (u8)v;
}

static int request_sense(struct us_data *us)
{
	u8 cdb[6] = { REQUEST_SENSE, 0, 0, 0, 18, 0 }, sense[18] = { 0 };
	int ret = us_transport(us, cdb, sizeof(cdb), sense, sizeof(sense), true);

	if (ret < 0)
		return ret;
	us->sense_key = sense[2] & 0xf;
	us->asc = sense[12];
	us->ascq = sense[13];
	return 0;
}

/* A command; a CHECK CONDITION reads the sense and gives -EIO. */
static int command(struct us_data *us, const u8 *cdb, unsigned int cdb_len, void *data,
		   unsigned int len, bool in)
{
	int ret = us_transport(us, cdb, cdb_len, data, len, in);

	if (ret == -EIO && !request_sense(us))
		return -EIO;
	return ret;
}

static int wait_ready(struct us_data *us)
{
	u8 cdb[6] = { TEST_UNIT_READY };
	int ret = -EIO;

	for (int i = 0; i < READY_TRIES && ret; i++) {
		ret = command(us, cdb, sizeof(cdb), NULL, 0, false);
		if (ret == -EIO && us->sense_key == 2 && us->asc == 0x3a)
			return -ENOMEDIUM;
		if (ret == -EIO)
			msleep(100); /* 6/28 medium changed, 6/29 reset: asked again */
		else if (ret < 0)
			return ret;
	}
	if (ret)
		us_err(us, "not ready (sense %x/%02x/%02x)", us->sense_key, us->asc, us->ascq);
	return ret < 0 ? ret : 0;
}

/* An INQUIRY text field's length without its trailing spaces. */
static int field_len(const u8 *field, int len)
{
	while (len > 0 && (field[len - 1] == ' ' || field[len - 1] == '\0'))
		len--;
	return len;
}

static int inquiry(struct us_data *us)
{
	u8 cdb[6] = { INQUIRY, 0, 0, 0, 36, 0 }, data[36] = { 0 };
	int ret = command(us, cdb, sizeof(cdb), data, sizeof(data), true);

	if (ret < 0)
		return ret;
	if (ret < 32 || (data[0] & 0x1f) != 0) {
		us_err(us, "not a direct-access block device (type %u), skipped", data[0] & 0x1f);
		return -ENODEV;
	}
	us->bdev.removable = data[1] & 0x80;
	snprintf(us->bdev.model, sizeof(us->bdev.model), "%.*s %.*s", field_len(data + 8, 8),
		 data + 8, field_len(data + 16, 16), data + 16);
	return 0;
}

/* READ CAPACITY(10), and (16) when the last LBA does not fit 32 bits. */
static int read_capacity(struct us_data *us, u64 *last, u32 *block)
{
	u8 cdb10[10] = { READ_CAPACITY_10 }, cdb16[16] = { SERVICE_ACTION_IN_16,
							   SAI_READ_CAPACITY_16 };
	u8 data[32] = { 0 };
	int ret = command(us, cdb10, sizeof(cdb10), data, 8, true);

	if (ret < 0)
		return ret;
	*last = get_be32(data);
	*block = get_be32(data + 4);
	if (*last != 0xffffffffu)
		return ret < 8 ? -EIO : 0;
	cdb16[13] = sizeof(data);
	ret = command(us, cdb16, sizeof(cdb16), data, sizeof(data), true);
	if (ret < 0)
		return ret;
	*last = get_be64(data);
	*block = get_be32(data + 8);
	return ret < 12 ? -EIO : 0;
}

static int check_capacity(struct us_data *us, u64 last, u32 block)
{
	if (block < 512 || block > 4096 || (block & (block - 1))) {
		us_err(us, "block size %u not supported, skipped", block);
		return -EINVAL;
	}
	if (last == ~0ULL || last + 1 > READ10_LIMIT) {
		us_err(us, "capacity of %llu blocks is beyond READ(10), skipped",
		       (unsigned long long)last + (last != ~0ULL));
		return -EINVAL;
	}
	us->bdev.sector_size = block;
	us->bdev.nr_sectors = last + 1;
	return 0;
}

int us_scsi_setup(struct us_data *us)
{
	u64 last;
	u32 block;
	int ret;

	mutex_lock(&us->lock);
	ret = inquiry(us);
	if (!ret)
		ret = wait_ready(us);
	if (!ret)
		ret = read_capacity(us, &last, &block);
	mutex_unlock(&us->lock);
	if (ret == -ENOMEDIUM) {
		us_err(us, "no medium, skipped");
		return ret;
	}
	if (ret) {
		us_err(us, "does not answer SCSI commands (%s), skipped", errno_name(-ret));
		return ret;
	}
	if (last == 0 && block == 0) {
		us_err(us, "capacity of 0 blocks, skipped");
		return -EINVAL;
	}
	return check_capacity(us, last, block);
}

static int us_rw(struct block_device *bdev, u64 sector, u32 count, void *buf, bool write)
{
	struct us_data *us = bdev->private_data;
	u32 per_cmd = US_BOUNCE_SIZE / bdev->sector_size;
	u8 *p = buf;
	int ret = 0;

	mutex_lock(&us->lock);
	while (count && ret >= 0) {
		u32 n = count < per_cmd ? count : per_cmd, bytes = n * bdev->sector_size;
		u8 cdb[10] = { write ? WRITE_10 : READ_10 };

		put_be32(cdb + 2, (u32)sector);
		cdb[7] = (u8)(n >> 8);
		cdb[8] = (u8)n;
		ret = command(us, cdb, sizeof(cdb), p, bytes, !write);
		if (ret >= 0 && (u32)ret != bytes)
			ret = -EIO;
		if (ret < 0)
			us_err(us, "%s(10) of %u blocks at %llu failed: %s", write ? "WRITE" : "READ",
			       n, (unsigned long long)sector, errno_name(-ret));
		sector += n;
		count -= n;
		p += bytes;
	}
	mutex_unlock(&us->lock);
	return ret < 0 ? ret : 0;
}

static int us_read(struct block_device *bdev, u64 sector, u32 count, void *buf)
{
	return us_rw(bdev, sector, count, buf, false);
}

static int us_write(struct block_device *bdev, u64 sector, u32 count, const void *buf)
{
	return us_rw(bdev, sector, count, (void *)buf, true);
}

const struct block_device_operations us_bdev_ops = {
	.read = us_read,
	.write = us_write,
};
