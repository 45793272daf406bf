/*
 * Running one command on a port (AHCI 1.3.1, 5.5 and 5.6): the Register H2D FIS and the ATAPI
 * command go into the command table, the data buffer into its PRDT, the header into slot 0 of
 * the command list; PxCI bit 0 starts it. The task sleeps on the port's completion, which the
 * interrupt handler completes; every 10 ms it also looks at PxCI itself, so a controller whose
 * INTx never arrives still works (polled, one line says so). Failures and timeouts are named
 * in one line and the port is recovered before the next command.
 */
#include <keel/ata_id.h>
#include <keel/barrier.h>
#include <keel/errno.h>
#include <keel/io.h>
#include <keel/jiffies.h>
#include <keel/layout.h>
#include <keel/printk.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "ahci.h"

#define AHCI_POLL_MS 10
#define AHCI_H2D_DWORDS 5 /* a Register H2D FIS is 20 bytes */
#define PHYS_4G (1ULL << 32)

static u32 port_readl(struct ahci_port_priv *pp, int reg)
{
	return readl((u8 *)pp->mmio + reg);
}

static void port_writel(struct ahci_port_priv *pp, int reg, u32 val)
{
	writel(val, (u8 *)pp->mmio + reg);
}

/*
 * Whether the HBA can reach [buf, buf + bytes) in place: the direct map and the kernel image
 * are physically contiguous; module memory and stacks are not (they go through the bounce
 * buffer). Without 64-bit addressing the end must be below 4 GiB.
 */
static bool ahci_buf_direct(struct ahci_port_priv *pp, const void *buf, u32 bytes)
{
	unsigned long v = (unsigned long)buf;
	bool mapped = (v >= DIRECT_MAP_BASE && v < DIRECT_MAP_BASE + (1UL << 46)) ||
		      (v >= KERNEL_VMA && v + bytes <= MODULES_VADDR);

	if (!mapped || (v & 1))
		return false;
	return (pp->host->cap & HOST_CAP_S64A) || virt_to_phys(buf) + bytes <= PHYS_4G;
}

/* One PRD per physically contiguous piece of at most 4 MiB; the count, or -EINVAL. */
static int ahci_fill_sg(struct ahci_port_priv *pp, u64 addr, u32 bytes)
{
	int n = 0;

	while (bytes) {
		u32 len = bytes < AHCI_PRD_MAX_BYTES ? bytes : AHCI_PRD_MAX_BYTES;
		struct ahci_sg *sg = &pp->cmd_tbl->sg[n];

		if (n == AHCI_MAX_SG)
			return -EINVAL;
		sg->addr = (u32)addr;
		sg->addr_hi = (u32)(addr >> 32);
		sg->reserved = 0;
		sg->flags_size = len - 1; /* byte count - 1: bit 0 set, counts are even */
		addr += len;
		bytes -= len;
		n++;
	}
	return n;
}

static void ahci_fill_fis(u8 *fis, const struct ata_taskfile *tf)
{
	memset(fis, 0, 64);
	fis[0] = FIS_TYPE_REG_H2D;
	fis[1] = FIS_H2D_CMD;
	fis[2] = tf->command;
	fis[3] = tf->feature & 0xff;
	fis[4] = tf->lba;
	fis[5] = tf->lba >> 8;
	fis[6] = tf->lba >> 16;
	fis[7] = tf->device;
	fis[8] = tf->lba >> 24;
	fis[9] = tf->lba >> 32;
	fis[10] = tf->lba >> 40;
	fis[11] = tf->feature >> 8;
	fis[12] = tf->count & 0xff;
	fis[13] = tf->count >> 8;
}

/* Builds the command in slot 0: FIS, CDB, PRDT (for the physical address addr), header. */
static int ahci_build(struct ahci_port_priv *pp, const struct ahci_qc *qc, u64 addr)
{
	struct ahci_cmd_hdr *hdr = &pp->cmd_slot[0];
	u64 tbl = virt_to_phys(pp->cmd_tbl);
	int n = 0;

	ahci_fill_fis(pp->cmd_tbl->cfis, &qc->tf);
	memset(pp->cmd_tbl->acmd, 0, sizeof(pp->cmd_tbl->acmd));
	if (qc->cdb)
		memcpy(pp->cmd_tbl->acmd, qc->cdb, 12);
	if (qc->bytes)
		n = ahci_fill_sg(pp, addr, qc->bytes);
	if (n < 0)
		return n;
	hdr->opts = AHCI_H2D_DWORDS | (qc->cdb ? AHCI_CMD_ATAPI : 0) |
		    (qc->write ? AHCI_CMD_WRITE : 0) | (u32)n << 16;
	hdr->status = 0;
	hdr->tbl_addr = (u32)tbl;
	hdr->tbl_addr_hi = (u32)(tbl >> 32);
	return 0;
}

/*
 * Non-queued error recovery (AHCI 1.3.1, 6.2.2.1): stop the engine, clear PxSERR and PxIS and
 * start again; a device still busy, or a command that timed out, gets a COMRESET instead.
 */
static void ahci_recover(struct ahci_port_priv *pp, bool comreset)
{
	u32 tfd = port_readl(pp, PORT_TFDATA);

	if (!comreset && !(tfd & (ATA_BSY | ATA_DRQ)) && !ahci_port_stop(pp) &&
	    !ahci_port_start(pp))
		return;
	if (ahci_port_reset(pp))
		pr_err("ahci: %s: port %d reset failed; the device is not answering\n", pp->name,
		       pp->index);
}

enum ahci_wait_result { AHCI_DONE, AHCI_FAILED, AHCI_TIMEOUT };

static void ahci_note_polling(struct ahci_port_priv *pp)
{
	if (pp->host->polling_logged || !pp->host->irq_requested)
		return;
	pp->host->polling_logged = true;
	pr_warn("ahci: %s: no interrupt from IRQ %u, completing commands by polling\n", pp->name,
		pp->host->irq);
}

/* Sleeps until slot 0 completes, fails (TFES or a host bus error) or timeout_ms pass. */
static enum ahci_wait_result ahci_wait(struct ahci_port_priv *pp, unsigned int timeout_ms)
{
	unsigned long end = jiffies + msecs_to_jiffies(timeout_ms);
	bool woken = true;

	for (;;) {
		u32 is = port_readl(pp, PORT_IRQ_STAT) | pp->irq_stat;

		if (is & PORT_IRQ_FATAL)
			return AHCI_FAILED;
		if (!(port_readl(pp, PORT_CMD_ISSUE) & 1)) {
			if (!woken)
				ahci_note_polling(pp);
			return AHCI_DONE;
		}
		if (time_after(jiffies, end))
			return AHCI_TIMEOUT;
		woken = wait_for_completion_timeout(&pp->done, msecs_to_jiffies(AHCI_POLL_MS));
	}
}

static int ahci_fail(struct ahci_port_priv *pp, struct ahci_qc *qc, enum ahci_wait_result r)
{
	u32 tfd = port_readl(pp, PORT_TFDATA);

	qc->status = tfd & 0xff;
	qc->error = (tfd >> 8) & 0xff;
	if (r == AHCI_TIMEOUT)
		pr_err("ahci: %s: %s lba %llu timed out (%u ms): status 0x%02x\n", pp->name,
		       qc->what, (unsigned long long)qc->lba, qc->timeout_ms, qc->status);
	else if (!qc->quiet)
		pr_err("ahci: %s: %s lba %llu failed: status 0x%02x error 0x%02x\n", pp->name,
		       qc->what, (unsigned long long)qc->lba, qc->status, qc->error);
	ahci_recover(pp, r == AHCI_TIMEOUT);
	return -EIO;
}

/* Issues the command with the data at physical address addr and waits for it. */
static int ahci_issue(struct ahci_port_priv *pp, struct ahci_qc *qc, u64 addr)
{
	enum ahci_wait_result r;
	int ret;

	if (!pp->started)
		return -EIO;
	ret = ahci_build(pp, qc, addr);
	if (ret)
		return ret;
	reinit_completion(&pp->done);
	port_writel(pp, PORT_IRQ_STAT, ~0u); /* polled, nobody else clears it */
	pp->irq_stat = 0;
	pp->cmd_count++;
	wmb(); /* the table and header are in memory before the HBA fetches them */
	port_writel(pp, PORT_CMD_ISSUE, 1);
	r = ahci_wait(pp, qc->timeout_ms);
	if (r != AHCI_DONE)
		return ahci_fail(pp, qc, r);
	qc->status = port_readl(pp, PORT_TFDATA) & 0xff;
	qc->done_bytes = pp->cmd_slot[0].status;
	return 0;
}

/*
 * Runs qc on the port; the caller holds pp->lock. Buffers the HBA cannot reach in place are
 * copied through the bounce buffer (at most AHCI_BOUNCE_SIZE bytes then, see
 * ahci_max_bytes). 0, -EIO (failed or timed out, reported), -EINVAL (too large).
 */
int ahci_exec(struct ahci_port_priv *pp, struct ahci_qc *qc)
{
	bool direct = !qc->bytes || ahci_buf_direct(pp, qc->buf, qc->bytes);
	int ret;

	if (!qc->timeout_ms)
		qc->timeout_ms = AHCI_CMD_TIMEOUT_MS;
	if (direct)
		return ahci_issue(pp, qc, qc->bytes ? virt_to_phys(qc->buf) : 0);
	if (qc->bytes > AHCI_BOUNCE_SIZE)
		return -EINVAL;
	if (qc->write)
		memcpy(pp->bounce, qc->buf, qc->bytes);
	ret = ahci_issue(pp, qc, virt_to_phys(pp->bounce));
	if (!ret && !qc->write)
		memcpy(qc->buf, pp->bounce, qc->bytes);
	return ret;
}

/*
 * Reads the port's 512-byte identify page with command (ATA_CMD_IDENTIFY or
 * ATA_CMD_IDENTIFY_PACKET; what names it in errors) into a new kmalloc'ed buffer, which the
 * caller frees. The buffer, or ERR_PTR(-ENOMEM) or ahci_exec's error. Takes pp->lock. Sleeps.
 */
u16 *ahci_read_id(struct ahci_port_priv *pp, u8 command, const char *what)
{
	u16 *id = kmalloc(ATA_ID_WORDS * 2, GFP_KERNEL);
	struct ahci_qc qc = { .tf = { .command = command }, .bytes = ATA_ID_WORDS * 2,
			      .what = what };
	int ret;

	if (!id)
		return ERR_PTR(-ENOMEM);
	qc.buf = id;
	mutex_lock(&pp->lock);
	ret = ahci_exec(pp, &qc);
	mutex_unlock(&pp->lock);
	if (ret) {
		kfree(id);
		return ERR_PTR(ret);
	}
	return id;
}

/* The most one command may move for buf: a reachable buffer up to AHCI_MAX_BYTES, others
 * the bounce buffer's size. */
u32 ahci_max_bytes(struct ahci_port_priv *pp, const void *buf, u32 bytes)
{
	if (ahci_buf_direct(pp, buf, bytes < AHCI_MAX_BYTES ? bytes : AHCI_MAX_BYTES))
		return AHCI_MAX_BYTES;
	return AHCI_BOUNCE_SIZE;
}

/*
 * The HBA's INTx handler, maybe sharing its line: IS says which ports interrupt (none: not
 * ours). Each port's PxIS is cleared before IS, as the line is level-triggered; the bits are
 * kept for the waiting task, which is woken.
 */
irqreturn_t ahci_interrupt(int irq, void *dev_id)
{
	struct ahci_host *host = dev_id;
	u32 is = readl((u8 *)host->mmio + HOST_IRQ_STAT) & host->pi;

	(void)irq;
	if (!is)
		return IRQ_NONE;
	for (int i = 0; i < AHCI_MAX_PORTS; i++) {
		struct ahci_port_priv *pp = host->ports[i];
		void *port = ahci_port_base(host, i);
		u32 stat;

		if (!(is & (1u << i)))
			continue;
		stat = readl((u8 *)port + PORT_IRQ_STAT);
		writel(stat, (u8 *)port + PORT_IRQ_STAT);
		if (!pp)
			continue;
		pp->irq_stat |= stat;
		pp->irq_count++;
		complete(&pp->done);
	}
	writel(is, (u8 *)host->mmio + HOST_IRQ_STAT);
	return IRQ_HANDLED;
}
