/*
 * One IDE channel: register access, waiting for the device (busy bit, data request, its
 * interrupt) with timeouts, issuing a command's taskfile, soft reset, and the interrupt
 * handler. Every wait is bounded, so a device that stops answering costs a timeout and a
 * channel reset, never a hung kernel. Waits sleep (the interrupt completes a completion, slow
 * status polls sleep between reads) wherever the caller may sleep, and poll otherwise.
 */
#include <keel/irq.h>
#include <keel/irqflags.h>
#include <keel/module.h>
#include <keel/io.h>
#include <keel/delay.h>
#include <keel/jiffies.h>
#include <keel/ktime.h>
#include <keel/sched.h>
#include "ata.h"

#define RESET_TIMEOUT_MS 3000
#define ATA_POLL_FAST_NS 200000ULL /* 200 us of tight polling before sleeping between polls */
#define ATA_POLL_SLEEP_US 500

void ata_insw(u16 port, void *buf, size_t words)
{
	__asm__ __volatile__("rep insw" : "+D"(buf), "+c"(words) : "d"(port) : "memory");
}

void ata_outsw(u16 port, const void *buf, size_t words)
{
	__asm__ __volatile__("rep outsw" : "+S"(buf), "+c"(words) : "d"(port) : "memory");
}

u8 ata_altstatus(struct ata_channel *ch)
{
	return inb(ch->ctl_base);
}

/* The status is only valid 400 ns after selecting a device or writing a command. */
void ata_delay400(struct ata_channel *ch)
{
	for (int i = 0; i < 4; i++)
		ata_altstatus(ch);
}

static u64 deadline_after(unsigned int timeout_ms)
{
	return ktime_get_ns() + (u64)timeout_ms * 1000000;
}

/*
 * Whether the caller may sleep: a task with interrupts on and no spinlock held. Probe, block
 * I/O, flushes and the `ata` command all run in tasks; the polled paths below are for a caller
 * with interrupts off or preemption disabled, where nothing could wake a sleeper.
 */
static bool ata_may_sleep(void)
{
	return !irqs_disabled() && !in_atomic() && !(current->flags & PF_IDLE);
}

/* Sleeps ms milliseconds where allowed, else busy-waits (resets happen in either context). */
static void ata_msleep(unsigned int ms)
{
	if (ata_may_sleep())
		msleep(ms);
	else
		mdelay(ms);
}

/*
 * The pause between two polls of the status register. A status normally settles within
 * microseconds, so the first ATA_POLL_FAST_NS are polled tightly; a device that takes longer
 * (spinning up, resetting, a slow flush) is polled about once a tick, sleeping in between, so
 * it does not hold the CPU for up to the whole timeout.
 */
static void ata_poll_pause(u64 start, unsigned int fast_us)
{
	if (ktime_get_ns() - start < ATA_POLL_FAST_NS || !ata_may_sleep())
		udelay(fast_us);
	else
		usleep_range(ATA_POLL_SLEEP_US, 2 * ATA_POLL_SLEEP_US);
}

int ata_wait_not_busy(struct ata_channel *ch, unsigned int timeout_ms)
{
	u64 start = ktime_get_ns(), deadline = deadline_after(timeout_ms);

	while (ata_altstatus(ch) & ATA_BSY) {
		if (ktime_get_ns() > deadline)
			return -ETIMEDOUT;
		ata_poll_pause(start, 10);
	}
	return 0;
}

/* Busy clear and either DRQ (0) or an error status (-EIO). */
int ata_wait_drq(struct ata_channel *ch, unsigned int timeout_ms)
{
	u64 start = ktime_get_ns(), deadline = deadline_after(timeout_ms);
	u8 status;

	for (;;) {
		status = ata_altstatus(ch);
		if (!(status & ATA_BSY)) {
			if (status & (ATA_ERR | ATA_DF))
				return -EIO;
			if (status & ATA_DRQ)
				return 0;
		}
		if (ktime_get_ns() > deadline)
			return -ETIMEDOUT;
		ata_poll_pause(start, 5);
	}
}

/* Forgets interrupts counted so far: the next ata_wait_irq waits for a new one. */
void ata_arm_irq(struct ata_channel *ch)
{
	reinit_completion(&ch->irq_done);
}

/*
 * ata_wait_irq where sleeping is not allowed. With interrupts off the handler cannot run, so
 * the status register is polled (reading it acknowledges the interrupt, as the handler would);
 * otherwise the handler still completes irq_done and we poll that.
 */
static int ata_poll_irq(struct ata_channel *ch, unsigned int timeout_ms)
{
	u64 deadline = deadline_after(timeout_ms);
	int ret;

	if (irqs_disabled()) {
		ret = ata_wait_not_busy(ch, timeout_ms);
		ch->irq_status = inb(ch->cmd_base + ATA_REG_STATUS);
		return ret;
	}
	while (!try_wait_for_completion(&ch->irq_done)) {
		if (ktime_get_ns() > deadline)
			return -ETIMEDOUT;
		udelay(10);
	}
	return 0;
}

/*
 * Waits for the channel's interrupt; the handler has read (acknowledged) the status into
 * ch->irq_status. A task sleeps on the channel's completion, so the CPU runs other tasks or
 * idles meanwhile; 0 or -ETIMEDOUT.
 */
int ata_wait_irq(struct ata_channel *ch, unsigned int timeout_ms)
{
	if (!ata_may_sleep())
		return ata_poll_irq(ch, timeout_ms);
	if (!wait_for_completion_timeout(&ch->irq_done, msecs_to_jiffies(timeout_ms)))
		return -ETIMEDOUT;
	return 0;
}

int ata_select(struct ata_channel *ch, int unit)
{
	int ret = ata_wait_not_busy(ch, ATA_TIMEOUT_MS);

	if (ret)
		return ret;
	if (ch->selected != unit) {
		outb(ch->cmd_base + ATA_REG_DEVICE, ATA_DEV_OBS | ATA_DEV_LBA | (unit << 4));
		ata_delay400(ch);
		ch->selected = unit;
	}
	return ata_wait_not_busy(ch, ATA_TIMEOUT_MS);
}

static void ata_write_lba48(struct ata_channel *ch, const struct ata_taskfile *tf)
{
	u16 base = ch->cmd_base;

	/* High order bytes first: each register is a two-deep FIFO. */
	outb(base + ATA_REG_NSECT, (tf->count >> 8) & 0xff);
	outb(base + ATA_REG_LBAL, (tf->lba >> 24) & 0xff);
	outb(base + ATA_REG_LBAM, (tf->lba >> 32) & 0xff);
	outb(base + ATA_REG_LBAH, (tf->lba >> 40) & 0xff);
	outb(base + ATA_REG_NSECT, tf->count & 0xff);
	outb(base + ATA_REG_LBAL, tf->lba & 0xff);
	outb(base + ATA_REG_LBAM, (tf->lba >> 8) & 0xff);
	outb(base + ATA_REG_LBAH, (tf->lba >> 16) & 0xff);
	outb(base + ATA_REG_DEVICE, ATA_DEV_OBS | ATA_DEV_LBA | (ch->selected << 4));
}

static void ata_write_lba28(struct ata_channel *ch, const struct ata_taskfile *tf)
{
	u16 base = ch->cmd_base;

	outb(base + ATA_REG_NSECT, tf->count & 0xff);
	outb(base + ATA_REG_LBAL, tf->lba & 0xff);
	outb(base + ATA_REG_LBAM, (tf->lba >> 8) & 0xff);
	outb(base + ATA_REG_LBAH, (tf->lba >> 16) & 0xff);
	outb(base + ATA_REG_DEVICE,
	     ATA_DEV_OBS | ATA_DEV_LBA | (ch->selected << 4) | ((tf->lba >> 24) & 0x0f));
}

/* Selects the device, loads the taskfile and writes the command; the interrupt flag is clear. */
int ata_issue(struct ata_device *dev, const struct ata_taskfile *tf)
{
	struct ata_channel *ch = dev->channel;
	int ret = ata_select(ch, dev->unit);

	if (ret)
		return ata_timeout(dev, "selecting the device");
	outb(ch->cmd_base + ATA_REG_FEATURE, tf->feature);
	if (tf->lba48)
		ata_write_lba48(ch, tf);
	else
		ata_write_lba28(ch, tf);
	ata_arm_irq(ch);
	outb(ch->cmd_base + ATA_REG_COMMAND, tf->command);
	ata_delay400(ch);
	return 0;
}

/* Pulses SRST: both devices of the channel abort what they do and return their signatures. */
void ata_soft_reset(struct ata_channel *ch)
{
	outb(ch->ctl_base, ATA_CTL_SRST | ATA_CTL_NIEN);
	udelay(10);
	outb(ch->ctl_base, 0);
	ata_msleep(2);
	ch->selected = -1;
	if (ata_altstatus(ch) != 0xff && ata_wait_not_busy(ch, RESET_TIMEOUT_MS))
		pr_warn("ata: channel %s: still busy %u ms after reset\n",
			ch->index ? "secondary" : "primary", RESET_TIMEOUT_MS);
	if (ch->bmdma_base)
		outb(ch->bmdma_base + BM_COMMAND, 0);
	ata_arm_irq(ch);
}

/* A command got no answer: say so, reset the channel so the next command starts clean. */
int ata_timeout(struct ata_device *dev, const char *what)
{
	struct ata_channel *ch = dev->channel;

	pr_err("ata: %s: timeout after %u ms %s (status 0x%02x), resetting the channel\n",
	       dev->name, ATA_TIMEOUT_MS, what, ata_altstatus(ch));
	ata_soft_reset(ch);
	return -ETIMEDOUT;
}

static irqreturn_t ata_interrupt(int irq, void *dev_id)
{
	struct ata_channel *ch = dev_id;
	u8 bm = 0;

	(void)irq;
	if (ch->bmdma_base) {
		bm = inb(ch->bmdma_base + BM_STATUS);
		/* On a shared PCI line the bus master's interrupt bit says whether it was us. */
		if (ch->native && !(bm & BM_STATUS_IRQ))
			return IRQ_NONE;
		outb(ch->bmdma_base + BM_STATUS, (bm & BM_STATUS_KEEP) | BM_STATUS_IRQ);
	}
	ch->irq_bm_status = bm;
	ch->irq_status = inb(ch->cmd_base + ATA_REG_STATUS);
	ch->irq_count++;
	complete(&ch->irq_done);
	return IRQ_HANDLED;
}

/* The channel's lock and interrupt completion; before anything else uses the channel. */
void ata_channel_init(struct ata_channel *ch)
{
	mutex_init(&ch->lock);
	init_completion(&ch->irq_done);
}

/* Interrupts on (nIEN clear), the handler installed, DMA memory when there is a bus master. */
int ata_channel_start(struct ata_channel *ch)
{
	int ret;

	ret = request_irq(ch->irq, ata_interrupt, ch->native ? IRQF_SHARED : 0,
			  ch->index ? "ata secondary" : "ata primary", ch);
	if (ret) {
		pr_err("ata: channel %s: IRQ %u unavailable (%d)\n",
		       ch->index ? "secondary" : "primary", ch->irq, ret);
		return ret;
	}
	ch->irq_requested = true;
	if (ch->bmdma_base && ata_dma_alloc(ch))
		ch->bmdma_base = 0;
	outb(ch->ctl_base, 0);
	ch->selected = -1;
	return 0;
}

void ata_channel_stop(struct ata_channel *ch)
{
	if (ch->irq_requested) {
		outb(ch->ctl_base, ATA_CTL_NIEN);
		free_irq(ch->irq, ch);
		ch->irq_requested = false;
	}
	ata_dma_free(ch);
}
