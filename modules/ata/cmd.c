/*
 * The `ata` shell command: lists controllers, channels and devices, switches a disk between
 * DMA and PIO, re-runs IDENTIFY, reads raw sectors (without the block layer's range check, to
 * see the device's own errors, and into a buffer DMA cannot reach, to exercise the bounce
 * buffer) and measures sequential throughput for `make bench`.
 */
#include <keel/blkdev.h>
#include <keel/console.h>
#include <keel/minmax.h>
#include <keel/mm.h>
#include <keel/module.h>
#include <keel/pci.h>
#include <keel/shell.h>
#include <keel/delay.h>
#include <keel/jiffies.h>
#include <keel/ktime.h>
#include "ata.h"

#define CMD_BUF_ORDER 5 /* 128 KiB: the raw read limit and the bench's request size */
#define CMD_BUF_SIZE (4096u << CMD_BUF_ORDER)

static const char *const type_names[] = { "none", "ATA", "ATAPI" };

/* Four lines, each within 80 columns: kind and model, serial and firmware, size, modes. */
static void ata_list_device(struct ata_device *dev)
{
	struct block_device *b = &dev->bdev;

	if (dev->type == ATA_DEV_NONE) {
		console_printf("  %s: none\n", dev->name);
		return;
	}
	console_printf("  %s: %s \"%s\"\n", dev->name, type_names[dev->type], b->model);
	console_printf("       serial \"%s\" firmware \"%s\"\n", dev->serial, dev->firmware);
	console_printf("       %llu sectors of %u bytes (%llu MiB), %s\n",
		       (unsigned long long)b->nr_sectors, b->sector_size,
		       (unsigned long long)(b->nr_sectors * b->sector_size >> 20),
		       dev->type == ATA_DEV_ATAPI ? "packet" : dev->lba48 ? "LBA48" : "LBA28");
	console_printf("       DMA %s, mode %s%s%s\n", dev->dma_capable ? "supported" : "unsupported",
		       dev->type == ATA_DEV_ATA && dev->use_dma ? "dma" : "pio",
		       b->read_only ? ", read-only" : "", b->no_medium ? ", no medium" : "");
}

/* " primary: compat io 0x1f0/0x3f6 irq 14 bmdma 0xc000, 17 interrupts", then its devices. */
static void ata_list_channel(struct ata_channel *ch)
{
	console_printf(" %s: ", ch->index ? "secondary" : "primary");
	if (ch->floating) {
		console_printf("floating (no device answers)\n");
		return;
	}
	console_printf("%s io 0x%x/0x%x irq %u", ch->native ? "native" : "compat", ch->cmd_base,
		       ch->ctl_base, ch->irq);
	if (ch->bmdma_base)
		console_printf(" bmdma 0x%x", ch->bmdma_base);
	console_printf(", %lu interrupts%s\n", ch->irq_count,
		       ch->irq_requested ? "" : ", no devices");
	if (!ch->irq_requested)
		return;
	for (int u = 0; u < 2; u++)
		ata_list_device(&ch->devices[u]);
}

static int ata_cmd_list(void)
{
	struct ata_host *host = ata_first_host();

	if (!host)
		console_printf("no IDE controllers\n");
	for (; host; host = host->next) {
		if (host->pdev)
			console_printf("%s: PCI IDE %04x:%04x\n", pci_name(host->pdev),
				       host->pdev->vendor, host->pdev->device);
		else
			console_printf("legacy: ISA ports\n");
		for (int c = 0; c < 2; c++)
			ata_list_channel(&host->channels[c]);
	}
	return 0;
}

/* The device named on the command line, on a channel in use; NULL after saying why not. */
static struct ata_device *ata_cmd_device(const char *name)
{
	struct ata_device *dev = ata_find_device(name);

	if (!dev || !dev->channel->irq_requested) {
		console_printf("ata: %s: no such device\n", name);
		return NULL;
	}
	return dev;
}

static int ata_cmd_mode(struct ata_device *dev, const char *mode)
{
	bool dma = !strcmp(mode, "dma");

	if (dev->type != ATA_DEV_ATA || (!dma && strcmp(mode, "pio"))) {
		console_printf("ata: mode: %s\n", dev->type != ATA_DEV_ATA
					   ? "only ATA disks have a mode" : "expected pio or dma");
		return 1;
	}
	if (dma && (!dev->dma_capable || !dev->channel->dma_buf)) {
		console_printf("ata: %s: no DMA (device or controller)\n", dev->name);
		return 1;
	}
	mutex_lock(&dev->channel->lock); /* not in the middle of someone's request */
	dev->use_dma = dma;
	mutex_unlock(&dev->channel->lock);
	console_printf("%s: %s\n", dev->name, mode);
	return 0;
}

/* IDENTIFY again; on a unit where nothing was found it shows how a silent device times out. */
static int ata_cmd_identify(struct ata_device *dev)
{
	enum ata_dev_type type = dev->type;
	int ret;

	mutex_lock(&dev->channel->lock);
	if (type == ATA_DEV_NONE)
		dev->type = ATA_DEV_ATA;
	ret = ata_identify(dev, false);
	dev->type = type;
	mutex_unlock(&dev->channel->lock);
	if (ret)
		return ret;
	console_printf("%s: model \"%s\"\n", dev->name, dev->bdev.model);
	console_printf("%*s  serial \"%s\" firmware \"%s\"\n", (int)strlen(dev->name), "",
		       dev->serial, dev->firmware);
	return 0;
}

static int ata_device_read(struct ata_device *dev, u64 lba, u32 count, void *buf)
{
	if (dev->type == ATA_DEV_ATAPI)
		return atapi_read(dev, lba, count, buf);
	return ata_rw(dev, lba, count, buf, false);
}

/*
 * Parses LBA and COUNT: count sectors must fit the command's buffer and lie below the device's
 * addressing limit (past its end too when `past_end_ok`, so `ata read` shows the device's own
 * error there). Both checks are made before count * sector size or lba + count is computed,
 * so no product or sum can wrap past them. Returns the bytes to move, or 0 after saying why.
 */
static size_t ata_cmd_range(struct ata_device *dev, const char *op, char **argv, u64 *lba,
			    u32 *count, bool past_end_ok)
{
	unsigned long long l;
	unsigned int n;
	u64 limit = past_end_ok ? ata_lba_limit(dev) : dev->bdev.nr_sectors;

	if (kstrtoull(argv[0], 0, &l) || kstrtouint(argv[1], 0, &n) || !n ||
	    n > CMD_BUF_SIZE / dev->bdev.sector_size) {
		console_printf("ata: %s: bad sector count \"%s\" (1 to %u sectors of %u bytes)\n",
			       op, argv[1], CMD_BUF_SIZE / dev->bdev.sector_size,
			       dev->bdev.sector_size);
		return 0;
	}
	if (!blk_range_within(l, n, limit)) {
		console_printf("ata: %s: %s: sectors %llu+%u past the %s (%llu sectors)\n", op,
			       dev->name, l, n, past_end_ok ? "addressing limit" : "end of the device",
			       (unsigned long long)limit);
		return 0;
	}
	*lba = l;
	*count = n;
	return (size_t)n * dev->bdev.sector_size;
}

static int ata_cmd_read(struct ata_device *dev, char **argv)
{
	u64 lba;
	u32 count;
	void *buf;
	int ret;

	if (dev->type == ATA_DEV_NONE)
		return -ENODEV;
	if (!ata_cmd_range(dev, "read", argv, &lba, &count, true))
		return 1;
	/* An odd address: the device cannot DMA there, so DMA goes through the bounce buffer. */
	buf = alloc_pages(CMD_BUF_ORDER + 1);
	if (!buf)
		return -ENOMEM;
	ret = ata_device_read(dev, lba, count, (u8 *)buf + 1);
	if (!ret)
		console_printf("%s: %u sectors at %llu: crc32 0x%08x\n", dev->name, count,
			       (unsigned long long)lba,
			       crc32(0, (u8 *)buf + 1, (size_t)count * dev->bdev.sector_size));
	free_pages(buf, CMD_BUF_ORDER + 1);
	return ret;
}

/* Like `blk write` (same pattern) but raw and from an odd address: DMA bounces the data. */
static int ata_cmd_write(struct ata_device *dev, char **argv)
{
	unsigned long long seed;
	u64 lba, state;
	u32 count;
	size_t bytes;
	u8 *buf;
	int ret;

	if (dev->type != ATA_DEV_ATA)
		return dev->type == ATA_DEV_ATAPI ? -EROFS : -ENODEV;
	if (kstrtoull(argv[2], 0, &seed)) {
		console_printf("ata: write: bad seed \"%s\"\n", argv[2]);
		return 1;
	}
	/* Never past the end: a raw write there has nothing to show and much to break. */
	bytes = ata_cmd_range(dev, "write", argv, &lba, &count, false);
	if (!bytes)
		return 1;
	buf = alloc_pages(CMD_BUF_ORDER + 1);
	if (!buf)
		return -ENOMEM;
	state = blk_pattern_seed(seed);
	blk_pattern_fill(&state, buf + 1, bytes);
	ret = ata_rw(dev, lba, count, buf + 1, true);
	if (!ret)
		ret = ata_flush(dev);
	if (!ret)
		console_printf("%s: wrote %u sectors at %llu: crc32 0x%08x\n", dev->name, count,
			       (unsigned long long)lba, crc32(0, buf + 1, bytes));
	free_pages(buf, CMD_BUF_ORDER + 1);
	return ret;
}

/* In tenths of MiB and microseconds: bytes * 10 * 10^9 would wrap a u64 past 1.8 GB. */
static void ata_print_rate(struct ata_device *dev, const char *what, u64 bytes, u64 ns)
{
	u64 us = ns / 1000, mib_tenths = bytes * 10 >> 20;
	u64 tenths = us ? mib_tenths * 1000000 / us : 0;

	console_printf("%s: %s %llu MiB in %llu ms: %llu.%llu MiB/s (%s)\n", dev->name, what,
		       (unsigned long long)(bytes >> 20), (unsigned long long)(ns / 1000000),
		       (unsigned long long)(tenths / 10), (unsigned long long)(tenths % 10),
		       dev->use_dma ? "dma" : "pio");
}

/* Sequential 128 KiB requests from sector 0; writing destroys the disk's contents. */
static int ata_cmd_bench(struct ata_device *dev, const char *what, const char *size)
{
	bool write = !strcmp(what, "write");
	unsigned int mib;
	u32 per_req = CMD_BUF_SIZE / ATA_SECTOR_SIZE;
	u64 sectors, start;
	u8 *buf;
	int ret = 0;

	if (dev->type != ATA_DEV_ATA || (!write && strcmp(what, "read")) ||
	    kstrtouint(size, 0, &mib) || !mib) {
		console_printf("ata: bench: expected an ATA disk, read|write and a size in MiB\n");
		return 1;
	}
	sectors = min((u64)mib << 11, dev->bdev.nr_sectors) / per_req * per_req;
	buf = alloc_pages(CMD_BUF_ORDER);
	if (!buf)
		return -ENOMEM;
	for (u32 i = 0; i < CMD_BUF_SIZE; i++)
		buf[i] = (u8)(i * 131 + 7);
	start = ktime_get_ns();
	for (u64 s = 0; s < sectors && !ret; s += per_req)
		ret = ata_rw(dev, s, per_req, buf, write);
	if (!ret && write)
		ret = ata_flush(dev);
	if (!ret)
		ata_print_rate(dev, write ? "wrote" : "read", sectors * ATA_SECTOR_SIZE,
			       ktime_get_ns() - start);
	free_pages(buf, CMD_BUF_ORDER);
	return ret;
}

static const struct shell_command ata_command;

static int ata_cmd_run(int argc, char **argv)
{
	struct ata_device *dev;

	if (argc == 1 || (argc == 2 && !strcmp(argv[1], "list")))
		return ata_cmd_list();
	if (argc < 3 || !strcmp(argv[1], "list"))
		return shell_usage(&ata_command);
	dev = ata_cmd_device(argv[2]);
	if (!dev)
		return 1;
	if (!strcmp(argv[1], "mode") && argc == 4)
		return ata_cmd_mode(dev, argv[3]);
	if (!strcmp(argv[1], "identify") && argc == 3)
		return ata_cmd_identify(dev);
	if (!strcmp(argv[1], "read") && argc == 5)
		return ata_cmd_read(dev, argv + 3);
	if (!strcmp(argv[1], "write") && argc == 6)
		return ata_cmd_write(dev, argv + 3);
	if (!strcmp(argv[1], "bench") && argc == 5)
		return ata_cmd_bench(dev, argv[3], argv[4]);
	return shell_usage(&ata_command);
}

static const struct shell_command ata_command = {
	.name = "ata",
	.usage = "ata [list]\nata mode DEV pio|dma\nata identify DEV\nata read DEV LBA COUNT\n"
		 "ata write DEV LBA COUNT SEED\nata bench DEV read|write MIB",
	.help = "IDE/ATA devices: list, DMA/PIO mode, IDENTIFY, raw read/write (CRC32), throughput",
	.run = ata_cmd_run,
};

int ata_command_register(void)
{
	return shell_register_command(&ata_command);
}

void ata_command_unregister(void)
{
	shell_unregister_command(&ata_command);
}
