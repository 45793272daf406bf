/*
 * Partition-table parsing (MBR with extended partitions, GPT), kept free of the block layer so
 * the host unit tests can run it on images made by sfdisk: the parsers read sectors through a
 * callback and fill a struct part_scan; kernel/block/partitions.c registers the result.
 */
#ifndef KEEL_BLOCK_PARTITIONS_PARTS_H
#define KEEL_BLOCK_PARTITIONS_PARTS_H

#include <keel/ratelimit.h>
#include <keel/types.h>

/* Per-entry warnings shown per scan; the rest are counted in one "N more" line. */
#define PART_WARN_BURST 8

/* Enough for a full GPT (128 entries) or 4 primary + 124 logical MBR partitions. */
#define PART_MAX 128

enum part_table_kind {
	PART_TABLE_NONE,
	PART_TABLE_MBR,
	PART_TABLE_GPT,
};

struct part_entry {
	int number;           /* 1-4 primary, 5.. logical (MBR); 1.. entry index + 1 (GPT) */
	u64 start;            /* in the disk's sectors */
	u64 nr_sectors;
	u8 mbr_type;          /* 0 on GPT */
	bool bootable;
	bool extended;        /* the container of the logical partitions */
	u8 type_guid[16];     /* on-disk (mixed-endian) byte order; zero on MBR */
	u8 unique_guid[16];
	char label[37];       /* GPT name, non-ASCII characters shown as '?' */
};

struct part_scan {
	/* Filled in by the caller. */
	const char *name;     /* the disk's name, for messages */
	u32 sector_size;      /* 512 or 4096: GPT structures are in these units */
	u64 nr_sectors;
	/* Reads count sectors from lba into buf (count * sector_size bytes): 0 or -errno. */
	int (*read)(void *ctx, u64 lba, u32 count, void *buf);
	void *ctx;
	/* Filled in by part_scan(). */
	enum part_table_kind kind;
	bool gpt_backup_used; /* the primary GPT was damaged; the backup header was used */
	int count;
	struct part_entry entries[PART_MAX];
	struct ratelimit_state warn_rs; /* per-entry warnings of this scan (part_warn_ok) */
};

/* True when one more per-entry warning of this scan may be printed (see PART_WARN_BURST). */
static inline bool part_warn_ok(struct part_scan *s) { return __ratelimit(&s->warn_rs); }

/*
 * Reads the table of the disk described by s (MBR, or GPT behind a protective MBR). Returns
 * 1 when a table was found (s->kind, s->count, s->entries), 0 when the disk has none, or
 * -errno: -EIO and friends from the read callback, -EINVAL for a table too damaged to use,
 * -ENOMEM. Entries that do not fit on the disk, overlap a chain loop and such are skipped with
 * a warning naming the disk.
 */
int part_scan(struct part_scan *s);

/* The parsers behind part_scan(); sector0 is the first sector (the MBR), already read. */
int part_parse_msdos(struct part_scan *s, const u8 *sector0);
int part_parse_gpt(struct part_scan *s);

/*
 * Adds entry `number` covering [start, start + nr_sectors) if it lies on the disk: returns the
 * new entry to fill in further, or NULL (with a warning) for one past the end or one too many.
 */
struct part_entry *part_add(struct part_scan *s, int number, u64 start, u64 nr_sectors);

/* Little-endian loads from on-disk structures (any alignment). */
static inline u16 part_le16(const u8 *p) { return (u16)(p[0] | p[1] << 8); }
static inline u32 part_le32(const u8 *p)
{
	return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}
static inline u64 part_le64(const u8 *p) { return part_le32(p) | (u64)part_le32(p + 4) << 32; }

#endif
