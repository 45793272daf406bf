/*
 * Partition scanning of a registered disk: runs the table parsers through blkdev_read() and
 * registers what they find as block devices of their own, then prints the list as Linux does:
 * " hda: hda1 hda2 < hda5 hda6 >".
 */
#include <keel/errno.h>
#include <keel/printk.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "block/block.h"
#include "block/partitions/parts.h"

#define PART_LIST_LINE 2048

static int blk_scan_read(void *ctx, u64 lba, u32 count, void *buf)
{
	return blkdev_read(ctx, lba, count, buf);
}

/* Appends " name" to the line for each registered partition, logicals inside "< >". */
static void blk_print_partitions(struct block_device *disk)
{
	char *line = kmalloc(PART_LIST_LINE, GFP_KERNEL);
	size_t n;
	bool in_logicals = false;

	if (!line)
		return;
	n = scnprintf(line, PART_LIST_LINE, " %s:", disk->name);
	for (struct block_device *p = disk->next; p && p->whole == disk; p = p->next) {
		/* GPT partitions have no MBR type; MBR ones always have one. */
		bool logical = p->part.mbr_type && p->part.number >= 5;

		if (logical && !in_logicals)
			n += scnprintf(line + n, PART_LIST_LINE - n, " <");
		in_logicals = logical;
		n += scnprintf(line + n, PART_LIST_LINE - n, " %s", p->name);
	}
	if (in_logicals)
		n += scnprintf(line + n, PART_LIST_LINE - n, " >");
	pr_info("%s\n", line);
	kfree(line);
}

static void blk_register_entries(struct block_device *disk, const struct part_scan *s)
{
	for (int i = 0; i < s->count; i++) {
		int err = blkdev_add_partition(disk, &s->entries[i]);

		if (err)
			pr_warn("block: %s: partition %d not registered (%d)\n", disk->name,
				s->entries[i].number, err);
	}
}

int blk_scan_partitions(struct block_device *disk)
{
	struct part_scan *s;
	int ret;

	/* Optical media carry no partitions Linux would show (sr does not scan them). */
	if (disk->sector_size != 512 && disk->sector_size != 4096)
		return 0;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->name = disk->name;
	s->sector_size = disk->sector_size;
	s->nr_sectors = disk->nr_sectors;
	s->read = blk_scan_read;
	s->ctx = disk;
	ret = part_scan(s);
	if (ret < 0)
		pr_warn("block: %s: partition table not usable (%d); the whole disk stays "
			"available\n", disk->name, ret);
	else if (ret == 0)
		pr_info(" %s: unknown partition table\n", disk->name);
	else {
		blk_register_entries(disk, s);
		blk_print_partitions(disk);
	}
	kfree(s);
	return ret < 0 ? ret : 0;
}
