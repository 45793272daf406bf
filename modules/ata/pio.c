/*
 * PIO data transfers driven by the device's interrupt: one interrupt per 512-byte sector (the
 * device raises it when the sector is ready to read, or when it has taken a written one), then
 * 256 16-bit words through the data register. Also used for IDENTIFY.
 */
#include <keel/errno.h>
#include <keel/io.h>
#include <keel/printk.h>
#include "ata.h"

/* After the interrupt for one sector: the device must be ready with data, or report why not. */
static int ata_pio_sector_ready(struct ata_device *dev, const struct ata_taskfile *tf,
				const char *what)
{
	struct ata_channel *ch = dev->channel;
	u8 status;

	if (ata_wait_not_busy(ch, ATA_TIMEOUT_MS))
		return ata_timeout(dev, what);
	status = ata_altstatus(ch);
	if (status & (ATA_ERR | ATA_DF))
		return ata_check_status(dev, status, what, tf->lba, tf->sectors);
	if (!(status & ATA_DRQ)) {
		pr_err("ata: %s: %s at LBA %llu: the device ended the transfer early "
		       "(status 0x%02x)\n", dev->name, what, (unsigned long long)tf->lba, status);
		return -EIO;
	}
	return 0;
}

int ata_pio_in(struct ata_device *dev, const struct ata_taskfile *tf, void *buf)
{
	struct ata_channel *ch = dev->channel;
	u32 sectors = tf->sectors;
	u8 *p = buf;
	int ret;

	ret = ata_issue(dev, tf);
	if (ret)
		return ret;
	for (u32 i = 0; i < sectors; i++, p += ATA_SECTOR_SIZE) {
		if (ata_wait_irq(ch, ATA_TIMEOUT_MS))
			return ata_timeout(dev, "waiting for PIO data");
		ret = ata_pio_sector_ready(dev, tf, "PIO read");
		if (ret)
			return ret;
		ata_insw(ch->cmd_base + ATA_REG_DATA, p, ATA_SECTOR_SIZE / 2);
	}
	ata_delay400(ch);
	return ata_check_status(dev, ata_altstatus(ch), "PIO read", tf->lba, sectors);
}

int ata_pio_out(struct ata_device *dev, const struct ata_taskfile *tf, const void *buf)
{
	struct ata_channel *ch = dev->channel;
	u32 sectors = tf->sectors;
	const u8 *p = buf;
	int ret;

	ret = ata_issue(dev, tf);
	if (ret)
		return ret;
	/* No interrupt before the first sector: the device just asks for it (DRQ). */
	ret = ata_wait_drq(ch, ATA_TIMEOUT_MS);
	if (ret == -ETIMEDOUT)
		return ata_timeout(dev, "waiting to send PIO data");
	if (ret)
		return ata_check_status(dev, ata_altstatus(ch), "PIO write", tf->lba, sectors);
	for (u32 i = 0; i < sectors; i++, p += ATA_SECTOR_SIZE) {
		if (i) {
			ret = ata_pio_sector_ready(dev, tf, "PIO write");
			if (ret)
				return ret;
		}
		ata_arm_irq(ch);
		ata_outsw(ch->cmd_base + ATA_REG_DATA, p, ATA_SECTOR_SIZE / 2);
		if (ata_wait_irq(ch, ATA_TIMEOUT_MS))
			return ata_timeout(dev, "waiting for the device to take PIO data");
	}
	if (ata_wait_not_busy(ch, ATA_TIMEOUT_MS))
		return ata_timeout(dev, "finishing a PIO write");
	return ata_check_status(dev, ata_altstatus(ch), "PIO write", tf->lba, sectors);
}
