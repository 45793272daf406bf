/*
 * iso9660.ko's shared declarations: the on-disk layout of ECMA-119 directory records and
 * volume descriptors the module reads, its superblock and inode data, and the functions the
 * files (super.c, inode.c, dir.c, rock.c) call in each other. After Linux's fs/isofs/isofs.h.
 */
#ifndef ISOFS_H
#define ISOFS_H

#include <keel/fs.h>
#include <keel/mpage.h>
#include <keel/kernel.h>
#include <keel/printk.h>
#include <keel/types.h>

#define ISOFS_SUPER_MAGIC 0x9660
#define ISOFS_BLOCK_SIZE 2048
#define ISOFS_BLOCK_BITS 11

/* Directory record fields (ECMA-119 9.1); multi-byte numbers are read from their
 * little-endian half of the both-endian pair. */
#define ISO_DR_LEN 0
#define ISO_DR_XATTR_LEN 1
#define ISO_DR_EXTENT 2
#define ISO_DR_SIZE 10
#define ISO_DR_DATE 18
#define ISO_DR_FLAGS 25
#define ISO_DR_UNIT_SIZE 26
#define ISO_DR_GAP 27
#define ISO_DR_NAME_LEN 32
#define ISO_DR_NAME 33
#define ISO_DR_MIN 33 /* the fixed part: a shorter record cannot hold its own name length */

#define ISO_FLAG_HIDDEN 0x01
#define ISO_FLAG_DIR 0x02
#define ISO_FLAG_ASSOC 0x04
#define ISO_FLAG_MULTI 0x80 /* more extents of the same file follow in the next records */

/* Rock Ridge can hold names up to NAME_MAX and link targets up to this. */
#define ISOFS_LINK_MAX 1024

struct isofs_sb_info {
	u32 s_nzones;        /* the volume's size in blocks: no extent may reach past it */
	bool s_rock;         /* the root's "." record has a SUSP SP entry */
	u8 s_rock_offset;    /* SP's LEN_SKP: bytes to skip at the start of each SUA */
	u64 s_last_bad;      /* 1 + the position of the damaged record reported last */
};

static inline struct isofs_sb_info *ISOFS_SB(struct super_block *sb)
{
	return sb->s_fs_info;
}

struct iso_inode_info {
	u32 i_first_extent;  /* first data block (extent + extended attribute blocks) */
	struct inode vfs_inode;
};

static inline struct iso_inode_info *ISOFS_I(struct inode *inode)
{
	return container_of(inode, struct iso_inode_info, vfs_inode);
}

/* One directory record found on disk (its bytes stay valid while its buffer is held). */
struct iso_record {
	const u8 *d;
	u32 len;
	u64 pos; /* byte position on the volume: the inode number, as in Linux */
};

/* What the Rock Ridge entries of one record said. */
struct rock_info {
	char name[NAME_MAX + 1];
	u32 name_len;
	bool has_name, has_px, relocated;
	umode_t mode;
	u32 nlink, uid, gid;
	struct timespec64 atime, mtime, ctime;
	u8 times;        /* ROCK_TF_* bits of the times found */
	char *link;      /* NULL: SL entries are not wanted; else ISOFS_LINK_MAX bytes */
	u32 link_len;
	bool has_link, link_cont; /* link_cont: the last SL component continues */
};
#define ROCK_TF_MTIME 1
#define ROCK_TF_ATIME 2
#define ROCK_TF_CTIME 4

/* One error line naming the device; the callers say which structure. */
#define isofs_err(sb, fmt, ...) \
	pr_err("iso9660: %s: " fmt "\n", (sb)->s_id, ##__VA_ARGS__)

/* Lookups and readdir meet a damaged record again and again: it is reported once. */
static inline bool isofs_new_damage(struct super_block *sb, u64 pos)
{
	struct isofs_sb_info *sbi = ISOFS_SB(sb);

	if (sbi->s_last_bad == pos + 1)
		return false;
	sbi->s_last_bad = pos + 1;
	return true;
}

/* isofs_err for the record at byte pos, once in a row per record. */
#define isofs_bad(sb, pos, fmt, ...)                                   \
	do {                                                           \
		if (isofs_new_damage(sb, pos))                         \
			isofs_err(sb, fmt, ##__VA_ARGS__);             \
	} while (0)

static inline u32 iso_le32(const u8 *p)
{
	return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static inline u32 iso_le16(const u8 *p)
{
	return (u32)p[0] | (u32)p[1] << 8;
}

/* inode.c */
struct inode *isofs_iget(struct super_block *sb, u64 pos);
int isofs_check_record(struct super_block *sb, u64 block, u32 off, const u8 *d);
bool isofs_extent_ok(struct super_block *sb, u32 first, u64 size);
struct timespec64 iso_date_to_time(const u8 *date);
extern const struct file_operations isofs_file_operations;

/* dir.c */
extern const struct file_operations isofs_dir_operations;
extern const struct inode_operations isofs_dir_inode_operations;

/* rock.c */
int rock_parse(struct super_block *sb, const struct iso_record *rec, struct rock_info *ri);
int rock_detect(struct super_block *sb, const struct iso_record *dot);

#endif
