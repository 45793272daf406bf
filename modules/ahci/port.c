/*
 * One AHCI port: its DMA memory (command list, received FIS, command table), starting and
 * stopping its command engine (AHCI 1.3.1, 10.1.2 and 10.3), COMRESET (10.4.2), and telling
 * what is attached from PxSSTS and PxSIG. Every wait is bounded.
 */
#include <keel/delay.h>
#include <keel/errno.h>
#include <keel/io.h>
#include <keel/jiffies.h>
#include <keel/layout.h>
#include <keel/mm.h>
#include <keel/printk.h>
#include <keel/string.h>
#include "ahci.h"

#define AHCI_ENGINE_TIMEOUT_MS 500 /* the spec allows 500 ms for CR and FR to clear */
#define AHCI_LINK_TIMEOUT_MS 1000
#define AHCI_DETECT_MS 20 /* a device shows presence (DET != 0) well within this after reset */
#define AHCI_BUSY_TIMEOUT_MS 3000
#define PHYS_4G (1ULL << 32)

static u32 port_readl(struct ahci_port_priv *pp, int reg)
{
	return readl((u8 *)pp->mmio + reg);
}

static void port_writel(struct ahci_port_priv *pp, int reg, u32 val)
{
	writel(val, (u8 *)pp->mmio + reg);
}

/* Polls reg until (value & mask) == want; 0, or -ETIMEDOUT after timeout_ms. */
static int port_wait(struct ahci_port_priv *pp, int reg, u32 mask, u32 want,
		     unsigned int timeout_ms)
{
	unsigned long end = jiffies + msecs_to_jiffies(timeout_ms);

	while ((port_readl(pp, reg) & mask) != want) {
		if (time_after(jiffies, end))
			return (port_readl(pp, reg) & mask) == want ? 0 : -ETIMEDOUT;
		msleep(1);
	}
	return 0;
}

/* Memory the HBA reaches: below 4 GiB unless it has 64-bit addressing (CAP.S64A). */
/* Waits for the link: -ENODEV when nothing shows presence, or no phy comes up. */
static int ahci_port_wait_link(struct ahci_port_priv *pp)
{
	u32 ssts;

	if (port_wait(pp, PORT_SCR_STAT, 0xf, SSTS_DET_PRESENT, AHCI_DETECT_MS) == 0)
		return 0;
	ssts = port_readl(pp, PORT_SCR_STAT);
	if (!SSTS_DET(ssts))
		return -ENODEV;
	return port_wait(pp, PORT_SCR_STAT, 0xf, SSTS_DET_PRESENT, AHCI_LINK_TIMEOUT_MS) ?
		       -ENODEV : 0;
}

static bool ahci_dma_ok(struct ahci_port_priv *pp, const void *p, size_t size)
{
	return (pp->host->cap & HOST_CAP_S64A) || virt_to_phys(p) + size <= PHYS_4G;
}

/* One page: command list at 0 (1 KiB aligned), received FIS at 1 KiB (256-byte aligned) and the
 * command table at 2 KiB (128-byte aligned); plus the bounce buffer. */
int ahci_port_alloc(struct ahci_port_priv *pp)
{
	pp->dma_page = alloc_page();
	pp->bounce = alloc_pages(AHCI_BOUNCE_ORDER);
	if (!pp->dma_page || !pp->bounce || !ahci_dma_ok(pp, pp->dma_page, PAGE_SIZE) ||
	    !ahci_dma_ok(pp, pp->bounce, AHCI_BOUNCE_SIZE)) {
		ahci_port_free(pp);
		return -ENOMEM;
	}
	memset(pp->dma_page, 0, PAGE_SIZE);
	pp->cmd_slot = pp->dma_page;
	pp->rx_fis = (u8 *)pp->dma_page + AHCI_CMD_LIST_SZ;
	pp->cmd_tbl = (struct ahci_cmd_tbl *)((u8 *)pp->dma_page + 2 * AHCI_CMD_LIST_SZ);
	return 0;
}

void ahci_port_free(struct ahci_port_priv *pp)
{
	if (pp->dma_page)
		free_page(pp->dma_page);
	if (pp->bounce)
		free_pages(pp->bounce, AHCI_BOUNCE_ORDER);
	pp->dma_page = NULL;
	pp->bounce = NULL;
}

/* Clears ST then FRE and waits for CR and FR to follow (10.1.2). */
int ahci_port_stop(struct ahci_port_priv *pp)
{
	u32 cmd = port_readl(pp, PORT_CMD);

	pp->started = false;
	if (cmd & (PORT_CMD_START | PORT_CMD_LIST_ON)) {
		port_writel(pp, PORT_CMD, cmd & ~PORT_CMD_START);
		if (port_wait(pp, PORT_CMD, PORT_CMD_LIST_ON, 0, AHCI_ENGINE_TIMEOUT_MS))
			return -ETIMEDOUT;
	}
	cmd = port_readl(pp, PORT_CMD);
	if (cmd & (PORT_CMD_FIS_RX | PORT_CMD_FIS_ON)) {
		port_writel(pp, PORT_CMD, cmd & ~PORT_CMD_FIS_RX);
		if (port_wait(pp, PORT_CMD, PORT_CMD_FIS_ON, 0, AHCI_ENGINE_TIMEOUT_MS))
			return -ETIMEDOUT;
	}
	return 0;
}

static void ahci_port_set_addresses(struct ahci_port_priv *pp)
{
	u64 clb = virt_to_phys(pp->cmd_slot), fb = virt_to_phys(pp->rx_fis);

	port_writel(pp, PORT_LST_ADDR, (u32)clb);
	port_writel(pp, PORT_LST_ADDR_HI, (u32)(clb >> 32));
	port_writel(pp, PORT_FIS_ADDR, (u32)fb);
	port_writel(pp, PORT_FIS_ADDR_HI, (u32)(fb >> 32));
}

/*
 * Points the port at its memory, clears old errors, turns on FIS reception, waits for the
 * device to leave BSY/DRQ (it has sent its signature by then) and starts the engine.
 * -ENODEV without a device on the link, -ETIMEDOUT when it stays busy.
 */
int ahci_port_start(struct ahci_port_priv *pp)
{
	u32 cmd;

	ahci_port_set_addresses(pp);
	port_writel(pp, PORT_SCR_ERR, ~0u);
	port_writel(pp, PORT_IRQ_STAT, ~0u);
	cmd = port_readl(pp, PORT_CMD) | PORT_CMD_SPIN_UP | PORT_CMD_POWER_ON | PORT_CMD_FIS_RX;
	port_writel(pp, PORT_CMD, cmd);
	if (ahci_port_wait_link(pp))
		return -ENODEV;
	if (port_wait(pp, PORT_TFDATA, ATA_BSY | ATA_DRQ, 0, AHCI_BUSY_TIMEOUT_MS))
		return -ETIMEDOUT;
	port_writel(pp, PORT_SCR_ERR, ~0u);
	port_writel(pp, PORT_IRQ_STAT, ~0u);
	port_writel(pp, PORT_IRQ_MASK, PORT_IRQ_DEFAULT);
	port_writel(pp, PORT_CMD, port_readl(pp, PORT_CMD) | PORT_CMD_START);
	pp->spd = SSTS_SPD(port_readl(pp, PORT_SCR_STAT));
	pp->started = true;
	return 0;
}

/*
 * COMRESET (10.4.2): with the engine stopped, PxSCTL.DET = 1 for at least 1 ms, then 0; the
 * link comes back with PxSSTS.DET = 3 and the device sends a fresh signature. Then the engine
 * is started again. 0 or -errno; the caller names the port in its message.
 */
int ahci_port_reset(struct ahci_port_priv *pp)
{
	u32 sctl;
	int ret;

	port_writel(pp, PORT_IRQ_MASK, 0);
	ret = ahci_port_stop(pp);
	if (ret)
		return ret;
	sctl = port_readl(pp, PORT_SCR_CTL) & ~0xfu;
	port_writel(pp, PORT_SCR_CTL, sctl | 1);
	msleep(2);
	port_writel(pp, PORT_SCR_CTL, sctl);
	if (ahci_port_wait_link(pp))
		return -ENODEV;
	return ahci_port_start(pp);
}

/* The device class the port's signature names (PxSIG, from the device's first D2H FIS). */
enum ahci_dev_class ahci_port_classify(struct ahci_port_priv *pp)
{
	u32 sig = port_readl(pp, PORT_SIG);

	if (sig == AHCI_SIG_ATA)
		return AHCI_DEV_ATA;
	if (sig == AHCI_SIG_ATAPI)
		return AHCI_DEV_ATAPI;
	pr_info("ahci: port %d: unknown signature 0x%08x, skipped\n", pp->index, sig);
	return AHCI_DEV_NONE;
}

const char *ahci_class_name(enum ahci_dev_class class)
{
	switch (class) {
	case AHCI_DEV_ATA: return "disk";
	case AHCI_DEV_ATAPI: return "cdrom";
	default: return "none";
	}
}
