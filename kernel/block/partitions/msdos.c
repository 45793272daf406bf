/*
 * MBR ("msdos") partition tables: four primary entries in sector 0, and for each extended
 * partition (types 0x05, 0x0f, 0x85) a chain of extended boot records, each holding one logical
 * partition (numbered 5, 6, ...) and a link to the next record. Chains that loop or leave their
 * extended partition are cut short with a warning.
 */
#include <keel/errno.h>
#include <keel/printk.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "block/partitions/parts.h"

#define MBR_TABLE_OFFSET 446
#define MBR_ENTRY_SIZE 16
#define MBR_FIRST_LOGICAL 5

struct mbr_entry {
	u8 boot;
	u8 type;
	u32 start; /* relative: to the disk (primary), the record or the extended partition */
	u32 size;
};

/* The chain walk of one extended partition. */
struct ebr_walk {
	struct part_scan *s;
	u64 ext_start, ext_size;
	u8 *sector;
	u64 visited[PART_MAX];
	int nr_visited;
	int next_number;
};

static struct mbr_entry mbr_entry_at(const u8 *sector, int index)
{
	const u8 *p = sector + MBR_TABLE_OFFSET + MBR_ENTRY_SIZE * index;
	struct mbr_entry e = {
		.boot = p[0], .type = p[4], .start = part_le32(p + 8), .size = part_le32(p + 12),
	};

	return e;
}

static bool mbr_is_extended(u8 type)
{
	return type == 0x05 || type == 0x0f || type == 0x85;
}

static bool mbr_is_used(const struct mbr_entry *e)
{
	return e->type != 0 && e->size != 0;
}

static bool ebr_seen(struct ebr_walk *w, u64 lba)
{
	for (int i = 0; i < w->nr_visited; i++)
		if (w->visited[i] == lba)
			return true;
	w->visited[w->nr_visited++] = lba;
	return false;
}

static bool ebr_inside_extended(const struct ebr_walk *w, u64 start, u64 size)
{
	return start >= w->ext_start && start < w->ext_start + w->ext_size &&
	       size <= w->ext_start + w->ext_size - start;
}

/* Adds the logical partition of the record at lba; returns the next record's sector or 0. */
static u64 ebr_parse_record(struct ebr_walk *w, u64 lba)
{
	u64 next = 0;
	bool have_logical = false;

	for (int i = 0; i < 4; i++) {
		struct mbr_entry e = mbr_entry_at(w->sector, i);
		struct part_entry *p;
		int number;

		if (!mbr_is_used(&e))
			continue;
		if (mbr_is_extended(e.type)) {
			if (!next)
				next = w->ext_start + e.start;
			continue;
		}
		if (have_logical)
			continue; /* one logical partition per record, as DOS writes them */
		have_logical = true;
		number = w->next_number++;
		if (!ebr_inside_extended(w, lba + e.start, e.size)) {
			if (part_warn_ok(w->s))
				pr_warn("%s: logical partition %d lies outside its extended partition; "
					"ignored\n", w->s->name, number);
			continue;
		}
		p = part_add(w->s, number, lba + e.start, e.size);
		if (p)
			p->mbr_type = e.type;
	}
	return next;
}

static void ebr_walk_chain(struct ebr_walk *w)
{
	u64 lba = w->ext_start;
	int err;

	while (lba) {
		if (!ebr_inside_extended(w, lba, 1)) {
			pr_warn("%s: extended partition link to sector %llu leaves the extended "
				"partition; chain stopped\n", w->s->name, (unsigned long long)lba);
			return;
		}
		if (w->nr_visited == PART_MAX) {
			pr_warn("%s: extended partition chain longer than %d records; stopped\n",
				w->s->name, PART_MAX);
			return;
		}
		if (ebr_seen(w, lba)) {
			pr_warn("%s: extended partition chain loops back to sector %llu; chain "
				"stopped\n", w->s->name, (unsigned long long)lba);
			return;
		}
		err = w->s->read(w->s->ctx, lba, 1, w->sector);
		if (err) {
			pr_warn("%s: cannot read the extended boot record at sector %llu (%d)\n",
				w->s->name, (unsigned long long)lba, err);
			return;
		}
		if (w->sector[510] != 0x55 || w->sector[511] != 0xaa) {
			pr_warn("%s: no signature in the extended boot record at sector %llu; chain "
				"stopped\n", w->s->name, (unsigned long long)lba);
			return;
		}
		lba = ebr_parse_record(w, lba);
	}
}

static int msdos_parse_extended(struct part_scan *s, const struct part_entry *ext, int *next_number)
{
	struct ebr_walk *w = kzalloc(sizeof(*w), GFP_KERNEL);

	if (!w)
		return -ENOMEM;
	w->sector = kmalloc(s->sector_size, GFP_KERNEL);
	if (!w->sector) {
		kfree(w);
		return -ENOMEM;
	}
	w->s = s;
	w->ext_start = ext->start;
	w->ext_size = ext->nr_sectors;
	w->next_number = *next_number;
	ebr_walk_chain(w);
	*next_number = w->next_number;
	kfree(w->sector);
	kfree(w);
	return 0;
}

/* A boot sector (FAT, say) also ends in 55 aa; its bytes here are no valid boot flags. */
static bool msdos_boot_flags_valid(const u8 *sector0)
{
	for (int i = 0; i < 4; i++) {
		u8 boot = mbr_entry_at(sector0, i).boot;

		if (boot != 0 && boot != 0x80)
			return false;
	}
	return true;
}

static void msdos_add_primaries(struct part_scan *s, const u8 *sector0)
{
	for (int i = 0; i < 4; i++) {
		struct mbr_entry e = mbr_entry_at(sector0, i);
		struct part_entry *p;

		if (!mbr_is_used(&e))
			continue;
		p = part_add(s, i + 1, e.start, e.size);
		if (!p)
			continue;
		p->mbr_type = e.type;
		p->bootable = e.boot == 0x80;
		p->extended = mbr_is_extended(e.type);
	}
}

int part_parse_msdos(struct part_scan *s, const u8 *sector0)
{
	int next_number = MBR_FIRST_LOGICAL;
	int primaries;

	if (!msdos_boot_flags_valid(sector0))
		return 0;
	s->kind = PART_TABLE_MBR;
	msdos_add_primaries(s, sector0);
	primaries = s->count;
	for (int i = 0; i < primaries; i++) {
		struct part_entry ext = s->entries[i];

		if (ext.extended) {
			int err = msdos_parse_extended(s, &ext, &next_number);

			if (err)
				return err;
		}
	}
	return 1;
}
