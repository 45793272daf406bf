/*
 * The `nvme` shell command: one line per controller (PCI address, interrupt, commands,
 * resets) and per namespace (block device, NSID, block size, size, model), within 80
 * columns; `nvme read` hands the driver one request of up to 8 MiB in a contiguous buffer,
 * so commands with chained PRP list pages are exercised.
 */
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/mm.h>
#include <keel/pci.h>
#include <keel/shell.h>
#include <keel/string.h>
#include "nvme.h"

#define NVME_READ_ORDER 11 /* 8 MiB */

static const struct shell_command nvme_command;

static struct nvme_ns *nvme_find_ns(const char *name)
{
	for (struct nvme_ctrl *c = nvme_first_ctrl(); c; c = c->next)
		for (unsigned int i = 0; i < c->nr_ns; i++)
			if (!strcmp(c->ns[i]->bdev.name, name))
				return c->ns[i];
	return NULL;
}

/* Through the block layer, which passes the request to the driver whole. */
static int nvme_read_whole(struct nvme_ns *ns, u64 lba, u32 count, void *buf)
{
	struct block_device *bdev = blkdev_get_by_name(ns->bdev.name);
	int ret;

	if (!bdev)
		return -ENODEV;
	ret = blkdev_read(bdev, lba, count, buf);
	blkdev_put(bdev);
	return ret;
}

/* nvme read DEV LBA COUNT: one request, its CRC32 and the commands it took. */
static int nvme_shell_read(char **argv)
{
	struct nvme_ns *ns = nvme_find_ns(argv[0]);
	unsigned long long lba;
	unsigned int count, max;
	unsigned long before;
	void *buf;
	int ret;

	if (!ns) {
		console_printf("nvme: no NVMe namespace \"%s\"\n", argv[0]);
		return 1;
	}
	max = (NVME_PAGE_SIZE << NVME_READ_ORDER) >> ns->lba_shift;
	if (kstrtoull(argv[1], 0, &lba) || kstrtouint(argv[2], 0, &count) || !count ||
	    count > max || !blk_range_within(lba, count, ns->bdev.nr_sectors)) {
		console_printf("nvme: read: bad range (1 to %u blocks on the namespace)\n", max);
		return 1;
	}
	buf = alloc_pages(NVME_READ_ORDER);
	if (!buf)
		return -ENOMEM;
	before = ns->ctrl->cmd_count;
	ret = nvme_read_whole(ns, lba, count, buf);
	if (!ret)
		console_printf("%s: %u blocks at %llu in %lu command(s): crc32 0x%08x\n",
			       ns->bdev.name, count, lba, ns->ctrl->cmd_count - before,
			       crc32(0, buf, (size_t)count << ns->lba_shift));
	free_pages(buf, NVME_READ_ORDER);
	return ret;
}

static void nvme_list_ctrl(struct nvme_ctrl *c)
{
	console_printf("%s %s: IRQ %u%s, %lu interrupts, %lu commands, %lu resets\n", c->name,
		       pci_name(c->pdev), c->irq, c->irq_requested ? "" : " (polling)",
		       c->irq_count, c->cmd_count, c->resets);
	for (unsigned int i = 0; i < c->nr_ns; i++) {
		struct nvme_ns *ns = c->ns[i];

		console_printf("  %-10s %5u %5u %-32.32s %llu MiB\n", ns->bdev.name, ns->nsid,
			       ns->bdev.sector_size, c->model,
			       (unsigned long long)(ns->bdev.nr_sectors << ns->lba_shift >> 20));
	}
}

static int nvme_cmd_run(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "read"))
		return nvme_shell_read(argv + 2);
	if (argc != 1)
		return shell_usage(&nvme_command);
	if (!nvme_first_ctrl()) {
		console_printf("nvme: no NVMe controller\n");
		return 1;
	}
	console_printf("  NAME        NSID BLOCK MODEL                            SIZE\n");
	for (struct nvme_ctrl *c = nvme_first_ctrl(); c; c = c->next)
		nvme_list_ctrl(c);
	return 0;
}

static const struct shell_command nvme_command = {
	.name = "nvme",
	.usage = "nvme\nnvme read DEV LBA COUNT",
	.help = "NVMe controllers and namespaces: interrupts, commands, resets, sizes",
	.run = nvme_cmd_run,
	.flags = SHELL_CMD_OWN_COUNT,
};

int nvme_command_register(void)
{
	return shell_register_command(&nvme_command);
}

void nvme_command_unregister(void)
{
	shell_unregister_command(&nvme_command);
}
