/*
 * Finding the devices on a channel: floating bus check, soft reset, the signature each device
 * leaves in its registers (ATA 00/00, ATAPI 14/EB, SATA 3C/C3 and 69/96), then IDENTIFY
 * (PACKET) DEVICE for model, serial, firmware, LBA28/LBA48 capacity and DMA support.
 */
#include <keel/ata_id.h>
#include <keel/errno.h>
#include <keel/io.h>
#include <keel/printk.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "ata.h"

/* IDENTIFY words ata.ko reads beyond <keel/ata_id.h>'s. */
#define ID_CONFIG 0
#define ID_SERIAL ATA_ID_SERNO
#define ID_FIRMWARE ATA_ID_FW_REV
#define ID_MODEL ATA_ID_PROD
#define ID_CAPABILITY ATA_ID_CAPABILITY
#define  ID_CAP_DMA ATA_ID_CAP_DMA
#define  ID_CAP_LBA ATA_ID_CAP_LBA

static void ata_parse_identify(struct ata_device *dev, const u16 *id)
{
	ata_id_string(id, ID_MODEL, 20, dev->bdev.model);
	ata_id_string(id, ID_SERIAL, 10, dev->serial);
	ata_id_string(id, ID_FIRMWARE, 4, dev->firmware);
	dev->dma_capable = id[ID_CAPABILITY] & ID_CAP_DMA;
	if (dev->type != ATA_DEV_ATA)
		return;
	dev->lba48 = ata_id_has_lba48(id);
	dev->bdev.nr_sectors = ata_id_n_sectors(id);
	/* 64 (or 32) bits of capacity, but commands reach 2^48 (2^28): no size may pass that. */
	if (dev->bdev.nr_sectors >= ata_lba_limit(dev)) {
		pr_warn("ata: %s: capacity %llu sectors is past the %s limit; using %llu\n",
			dev->name, (unsigned long long)dev->bdev.nr_sectors,
			dev->lba48 ? "LBA48" : "LBA28", (unsigned long long)ata_lba_limit(dev) - 1);
		dev->bdev.nr_sectors = ata_lba_limit(dev) - 1;
	}
}

/* Runs IDENTIFY (PACKET) DEVICE and fills in the device; quiet during detection. The caller
 * holds the channel's lock. */
int ata_identify(struct ata_device *dev, bool quiet)
{
	struct ata_taskfile tf = { .command = dev->type == ATA_DEV_ATAPI ? ATA_CMD_IDENTIFY_PACKET
									 : ATA_CMD_IDENTIFY,
				   .sectors = 1 };
	u16 *id = kmalloc(ATA_SECTOR_SIZE, GFP_KERNEL);
	int ret;

	if (!id)
		return -ENOMEM;
	ret = ata_pio_in(dev, &tf, id);
	if (!ret && dev->type == ATA_DEV_ATA && !(id[ID_CAPABILITY] & ID_CAP_LBA)) {
		pr_err("ata: %s: no LBA addressing (CHS-only disks are not supported)\n",
		       dev->name);
		ret = -EOPNOTSUPP;
	}
	if (!ret)
		ata_parse_identify(dev, id);
	else if (!quiet)
		pr_err("ata: %s: IDENTIFY failed (%d)\n", dev->name, ret);
	kfree(id);
	return ret;
}

/*
 * Selects unit and reads its signature. Only the device register is written: any other
 * taskfile write reaches both devices of the channel and would overwrite the other's
 * signature, so both are read before the first command.
 */
static void ata_read_signature(struct ata_channel *ch, int unit, struct ata_signature *sig)
{
	u16 base = ch->cmd_base;

	outb(base + ATA_REG_DEVICE, ATA_DEV_OBS | (unit << 4));
	ata_delay400(ch);
	ch->selected = unit;
	sig->status = ata_altstatus(ch);
	/* Device 1 may finish its reset after device 0: wait for it (a floating bus reads 0xff). */
	if (sig->status != 0xff && (sig->status & ATA_BSY) &&
	    !ata_wait_not_busy(ch, ATA_TIMEOUT_MS))
		sig->status = ata_altstatus(ch);
	sig->error = inb(base + ATA_REG_ERROR);
	sig->lbam = inb(base + ATA_REG_LBAM);
	sig->lbah = inb(base + ATA_REG_LBAH);
}

/* A floating bus (nothing decodes the ports) reads 0xff, and forgets what is written. */
bool ata_channel_floats(struct ata_channel *ch)
{
	u16 base = ch->cmd_base;

	if (ata_altstatus(ch) != 0xff)
		return false;
	outb(base + ATA_REG_NSECT, 0x55);
	outb(base + ATA_REG_LBAL, 0xaa);
	return inb(base + ATA_REG_NSECT) != 0x55 || inb(base + ATA_REG_LBAL) != 0xaa;
}

/*
 * Resets the channel, reads both signatures, then identifies what they name (ATA/ATAPI's device
 * detection, as Linux's libata probes: reset, classify every device, only then IDENTIFY). Its
 * interrupt handler must be installed.
 */
void ata_channel_detect(struct ata_channel *ch)
{
	struct ata_signature sig[2];

	mutex_lock(&ch->lock);
	ata_soft_reset(ch);
	for (int unit = 0; unit < 2; unit++)
		ata_read_signature(ch, unit, &sig[unit]);
	for (int unit = 0; unit < 2; unit++) {
		struct ata_device *dev = &ch->devices[unit];

		pr_debug("ata: %s: signature status 0x%02x error 0x%02x lba mid/high 0x%02x/0x%02x\n",
			 dev->name, sig[unit].status, sig[unit].error, sig[unit].lbam,
			 sig[unit].lbah);
		dev->type = ata_classify(&sig[unit], unit);
		if (dev->type != ATA_DEV_NONE && ata_identify(dev, true))
			dev->type = ATA_DEV_NONE;
	}
	mutex_unlock(&ch->lock);
}
