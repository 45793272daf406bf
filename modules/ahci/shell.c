/*
 * The `ahci` shell command: one line per port with a device (port, link speed from PxSSTS.SPD,
 * type, block device, model, size), within 80 columns; `ahci read` hands the driver one
 * request of up to 8 MiB in a contiguous buffer, so the PRDT's 4 MiB split is exercised.
 */
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/mm.h>
#include <keel/string.h>
#include <keel/pci.h>
#include <keel/shell.h>
#include "ahci.h"

static const struct shell_command ahci_command;

static const char *const ahci_speeds[] = { "-", "1.5 Gb/s", "3 Gb/s", "6 Gb/s" };

static void ahci_list_port(struct ahci_port_priv *pp)
{
	struct block_device *b = &pp->bdev;
	u64 mib = b->nr_sectors * b->sector_size >> 20;
	const char *spd = pp->spd < 4 ? ahci_speeds[pp->spd] : "?";

	if (pp->class == AHCI_DEV_ATAPI && b->no_medium)
		console_printf("%4d %-8s %-5s %-4s %-32.32s %s\n", pp->index, spd,
			       ahci_class_name(pp->class), pp->name, b->model, "no medium");
	else
		console_printf("%4d %-8s %-5s %-4s %-32.32s %llu MiB\n", pp->index, spd,
			       ahci_class_name(pp->class), pp->name, b->model,
			       (unsigned long long)mib);
}

static unsigned long ahci_host_irqs(struct ahci_host *host)
{
	unsigned long n = 0;

	for (int i = 0; i < AHCI_MAX_PORTS; i++)
		if (host->ports[i])
			n += host->ports[i]->irq_count;
	return n;
}

#define AHCI_READ_ORDER 11 /* 8 MiB: two PRDs of 4 MiB */
#define AHCI_READ_MAX_SECTORS ((4096u << AHCI_READ_ORDER) / AHCI_SECTOR_SIZE)

static struct ahci_port_priv *ahci_find_disk(const char *name)
{
	for (struct ahci_host *host = ahci_first_host(); host; host = host->next)
		for (int i = 0; i < AHCI_MAX_PORTS; i++)
			if (host->ports[i] && host->ports[i]->class == AHCI_DEV_ATA &&
			    !strcmp(host->ports[i]->name, name))
				return host->ports[i];
	return NULL;
}

/* Through the block layer, which passes the request to the driver whole. */
static int ahci_read_whole(struct ahci_port_priv *pp, u64 lba, u32 count, void *buf)
{
	struct block_device *bdev = blkdev_get_by_name(pp->name);
	int ret;

	if (!bdev)
		return -ENODEV;
	ret = blkdev_read(bdev, lba, count, buf);
	blkdev_put(bdev);
	return ret;
}

/* ahci read DEV LBA COUNT: one request through the block device's ops, CRC32 and commands. */
static int ahci_cmd_read(char **argv)
{
	struct ahci_port_priv *pp = ahci_find_disk(argv[0]);
	unsigned long long lba;
	unsigned int count;
	unsigned long before;
	void *buf;
	int ret;

	if (!pp) {
		console_printf("ahci: no AHCI disk \"%s\"\n", argv[0]);
		return 1;
	}
	if (kstrtoull(argv[1], 0, &lba) || kstrtouint(argv[2], 0, &count) || !count ||
	    count > AHCI_READ_MAX_SECTORS || !blk_range_within(lba, count, pp->bdev.nr_sectors)) {
		console_printf("ahci: read: bad range (1 to %u sectors on the disk)\n",
			       AHCI_READ_MAX_SECTORS);
		return 1;
	}
	buf = alloc_pages(AHCI_READ_ORDER);
	if (!buf)
		return -ENOMEM;
	before = pp->cmd_count;
	ret = ahci_read_whole(pp, lba, count, buf);
	if (!ret)
		console_printf("%s: %u sectors at %llu in %lu command(s): crc32 0x%08x\n", pp->name,
			       count, lba, pp->cmd_count - before,
			       crc32(0, buf, (size_t)count * AHCI_SECTOR_SIZE));
	free_pages(buf, AHCI_READ_ORDER);
	return ret;
}

static int ahci_cmd_run(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "read"))
		return ahci_cmd_read(argv + 2);
	if (argc != 1)
		return shell_usage(&ahci_command);
	if (!ahci_first_host()) {
		console_printf("ahci: no AHCI controller\n");
		return 1;
	}
	console_printf("PORT SPEED    TYPE  NAME MODEL                            SIZE\n");
	for (struct ahci_host *host = ahci_first_host(); host; host = host->next) {
		console_printf("%s: %lu interrupts on IRQ %u%s\n", pci_name(host->pdev),
			       ahci_host_irqs(host), host->irq, host->irq_requested ? "" : " (polling)");
		for (int i = 0; i < AHCI_MAX_PORTS; i++)
			if (host->ports[i])
				ahci_list_port(host->ports[i]);
	}
	return 0;
}

static const struct shell_command ahci_command = {
	.name = "ahci",
	.usage = "ahci\nahci read DEV LBA COUNT",
	.help = "AHCI ports: link speed, device type, block device, model, size",
	.run = ahci_cmd_run,
	.flags = SHELL_CMD_OWN_COUNT,
};

int ahci_command_register(void)
{
	return shell_register_command(&ahci_command);
}

void ahci_command_unregister(void)
{
	shell_unregister_command(&ahci_command);
}
