/*
 * Partition scanning entry point: reads the first sector and hands it to the MBR or, behind a
 * protective MBR, the GPT parser. Shared by the kernel and the host unit tests.
 */
#include <keel/errno.h>
#include <keel/printk.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "block/partitions/parts.h"

#define MBR_GPT_PROTECTIVE 0xee

struct part_entry *part_add(struct part_scan *s, int number, u64 start, u64 nr_sectors)
{
	struct part_entry *e;

	if (start >= s->nr_sectors || nr_sectors > s->nr_sectors - start) {
		if (part_warn_ok(s))
			pr_warn("%s: partition %d (sectors %llu-%llu) goes past the end of the disk "
				"(%llu sectors); ignored\n", s->name, number, (unsigned long long)start,
				(unsigned long long)(start + nr_sectors - 1),
				(unsigned long long)s->nr_sectors);
		return NULL;
	}
	if (s->count == PART_MAX) {
		if (part_warn_ok(s))
			pr_warn("%s: more than %d partitions; partition %d ignored\n", s->name, PART_MAX,
				number);
		return NULL;
	}
	e = &s->entries[s->count++];
	memset(e, 0, sizeof(*e));
	e->number = number;
	e->start = start;
	e->nr_sectors = nr_sectors;
	return e;
}

static bool mbr_has_protective_entry(const u8 *sector0)
{
	for (int i = 0; i < 4; i++)
		if (sector0[446 + 16 * i + 4] == MBR_GPT_PROTECTIVE)
			return true;
	return false;
}

int part_scan(struct part_scan *s)
{
	u8 *sector0;
	int ret;

	s->kind = PART_TABLE_NONE;
	s->gpt_backup_used = false;
	s->count = 0;
	ratelimit_state_init(&s->warn_rs, 0, PART_WARN_BURST);
	if (s->sector_size < 512 || s->nr_sectors < 2)
		return 0;
	sector0 = kmalloc(s->sector_size, GFP_KERNEL);
	if (!sector0)
		return -ENOMEM;
	ret = s->read(s->ctx, 0, 1, sector0);
	if (ret)
		goto out_free;
	if (sector0[510] != 0x55 || sector0[511] != 0xaa)
		ret = 0;
	else if (mbr_has_protective_entry(sector0))
		ret = part_parse_gpt(s);
	else
		ret = part_parse_msdos(s, sector0);
out_free:
	kfree(sector0);
	ratelimit_summary(&s->warn_rs, s->name, "partition table warnings");
	return ret;
}
