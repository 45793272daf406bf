/*
 * Bus master IDE DMA (the controller's BAR4 registers): a PRD table describes the memory in
 * pieces that never cross a 64 KiB boundary, the device moves the data by itself and
 * interrupts once at the end. Buffers in the direct map below 4 GiB (kmalloc, alloc_pages) are
 * used in place; anything else (module data, odd addresses) goes through the channel's bounce
 * buffer, so any kernel buffer works.
 */
#include <keel/errno.h>
#include <keel/io.h>
#include <keel/layout.h>
#include <keel/mm.h>
#include <keel/printk.h>
#include <keel/string.h>
#include "ata.h"

#define PRD_BOUNDARY 0x10000u
#define PHYS_LIMIT (1ULL << 32)

static bool below_4g(const void *p, size_t size)
{
	return virt_to_phys(p) + size <= PHYS_LIMIT;
}

int ata_dma_alloc(struct ata_channel *ch)
{
	ch->prd = alloc_page();
	ch->dma_buf = alloc_pages(ATA_DMA_BUF_ORDER);
	if (!ch->prd || !ch->dma_buf || !below_4g(ch->prd, 4096) ||
	    !below_4g(ch->dma_buf, ATA_DMA_BUF_SIZE)) {
		pr_warn("ata: channel %s: no DMA memory below 4 GiB, using PIO\n",
			ch->index ? "secondary" : "primary");
		ata_dma_free(ch);
		return -ENOMEM;
	}
	return 0;
}

void ata_dma_free(struct ata_channel *ch)
{
	if (ch->prd)
		free_page(ch->prd);
	if (ch->dma_buf)
		free_pages(ch->dma_buf, ATA_DMA_BUF_ORDER);
	ch->prd = NULL;
	ch->dma_buf = NULL;
}

/*
 * The physical address of buf when the device can reach it as it is: in the direct map (which
 * is physically contiguous), ending below 4 GiB, at an even address. 0 when it cannot.
 */
static u64 ata_dma_direct_address(const void *buf, u32 bytes)
{
	unsigned long v = (unsigned long)buf;

	if (v < DIRECT_MAP_BASE || v - DIRECT_MAP_BASE + bytes > PHYS_LIMIT || (v & 1))
		return 0;
	return v - DIRECT_MAP_BASE;
}

/* Fills the PRD table for `bytes` at physical address addr; no entry crosses 64 KiB. */
static void ata_dma_build_prd(struct ata_channel *ch, u64 addr, u32 bytes)
{
	u32 *entry = ch->prd;

	while (bytes) {
		u32 room = PRD_BOUNDARY - (addr & (PRD_BOUNDARY - 1));
		u32 len = bytes < room ? bytes : room;

		entry[0] = (u32)addr;
		entry[1] = len & 0xffff; /* 0 means 64 KiB */
		bytes -= len;
		addr += len;
		if (!bytes)
			entry[1] |= PRD_EOT;
		entry += 2;
	}
}

static void ata_dma_start(struct ata_channel *ch, bool write)
{
	u16 bm = ch->bmdma_base;
	u8 dir = write ? 0 : BM_CMD_READ;

	outb(bm + BM_COMMAND, dir); /* stopped, direction set */
	outl(bm + BM_PRD_ADDR, (u32)virt_to_phys(ch->prd));
	outb(bm + BM_STATUS,
	     (inb(bm + BM_STATUS) & BM_STATUS_KEEP) | BM_STATUS_ERROR | BM_STATUS_IRQ);
}

/* Stops the engine; returns the bus master status and clears its error/interrupt bits. */
static u8 ata_dma_stop(struct ata_channel *ch, bool write)
{
	u16 bm = ch->bmdma_base;
	u8 status;

	outb(bm + BM_COMMAND, write ? 0 : BM_CMD_READ);
	status = inb(bm + BM_STATUS);
	outb(bm + BM_STATUS, (status & BM_STATUS_KEEP) | BM_STATUS_ERROR | BM_STATUS_IRQ);
	return status | ch->irq_bm_status;
}

/* One READ/WRITE DMA (EXT) of tf->sectors sectors between the device and physical addr. */
static int ata_dma_transfer(struct ata_device *dev, const struct ata_taskfile *tf, u64 addr,
			    bool write)
{
	struct ata_channel *ch = dev->channel;
	u32 sectors = tf->sectors;
	const char *what = write ? "DMA write" : "DMA read";
	u8 bm_status;
	int ret;

	ata_dma_build_prd(ch, addr, sectors * ATA_SECTOR_SIZE);
	ata_dma_start(ch, write);
	ch->irq_bm_status = 0;
	ret = ata_issue(dev, tf);
	if (ret)
		return ret;
	outb(ch->bmdma_base + BM_COMMAND, (write ? 0 : BM_CMD_READ) | BM_CMD_START);
	ret = ata_wait_irq(ch, ATA_TIMEOUT_MS);
	bm_status = ata_dma_stop(ch, write);
	if (ret)
		return ata_timeout(dev, write ? "waiting for a DMA write"
					      : "waiting for a DMA read");
	ret = ata_check_status(dev, ata_altstatus(ch), what, tf->lba, sectors);
	if (ret)
		return ret;
	if (bm_status & BM_STATUS_ERROR) {
		pr_err("ata: %s: %s at LBA %llu: bus master error (status 0x%02x)\n", dev->name,
		       what, (unsigned long long)tf->lba, bm_status);
		return -EIO;
	}
	return 0;
}

int ata_dma_rw(struct ata_device *dev, const struct ata_taskfile *tf, void *buf, bool write)
{
	struct ata_channel *ch = dev->channel;
	u32 bytes;
	u64 addr;
	int ret;

	/* Before any size is computed or copied: the bounce buffer and PRD table hold no more. */
	if (!tf->sectors || tf->sectors > ATA_DMA_MAX_SECTORS)
		return -EINVAL;
	bytes = tf->sectors * ATA_SECTOR_SIZE;
	addr = ata_dma_direct_address(buf, bytes);
	if (addr)
		return ata_dma_transfer(dev, tf, addr, write);
	if (write)
		memcpy(ch->dma_buf, buf, bytes);
	ret = ata_dma_transfer(dev, tf, virt_to_phys(ch->dma_buf), write);
	if (!ret && !write)
		memcpy(buf, ch->dma_buf, bytes);
	return ret;
}
