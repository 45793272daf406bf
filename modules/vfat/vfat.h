/*
 * vfat.ko's shared declarations: the on-disk structures of FAT12/16/32 (boot sector, FSInfo,
 * directory entries and VFAT long-name slots), the in-memory superblock and inode, and the
 * functions the module's files call in each other. The layout follows Microsoft's "FAT32 File
 * System Specification" (fatgen103); names follow Linux's fs/fat where they exist.
 */
#ifndef VFAT_H
#define VFAT_H

#include <keel/buffer_head.h>
#include <keel/fs.h>
#include <keel/mpage.h>
#include <keel/module.h>
#include <keel/mutex.h>

#define MSDOS_SUPER_MAGIC 0x4d44
#define FAT_ROOT_INO 1

#define ATTR_RO 0x01
#define ATTR_HIDDEN 0x02
#define ATTR_SYS 0x04
#define ATTR_VOLUME 0x08
#define ATTR_DIR 0x10
#define ATTR_ARCH 0x20
#define ATTR_EXT (ATTR_RO | ATTR_HIDDEN | ATTR_SYS | ATTR_VOLUME) /* a long-name slot */

#define DELETED_FLAG 0xe5 /* name[0] of a free entry */
#define CASE_LOWER_BASE 0x08 /* lcase: the base of the short name is shown lower case */
#define CASE_LOWER_EXT 0x10  /* lcase: its extension is */
#define LAST_LONG_ENTRY 0x40 /* id of the slot holding the name's end (stored first) */
#define MSDOS_SLOTS 21       /* long-name slots plus the short entry, at most */
#define FAT_LFN_MAX 255      /* UCS-2 characters in a long name */
#define FAT_DIR_MAX (65536 * 32) /* bytes a directory may grow to (the spec's limit) */

#define BAD_FAT12 0xff7
#define BAD_FAT16 0xfff7
#define BAD_FAT32 0x0ffffff7
#define FAT_ENT_EOF 0x0ffffff8 /* end of chain, as fat_ent_read reports it for every width */
#define FAT_ENT_FREE 0

#define FSINFO_SIG1 0x41615252
#define FSINFO_SIG2 0x61417272
#define FSINFO_UNKNOWN 0xffffffff

/* The boot sector's BIOS parameter block (little-endian, unaligned). */
struct fat_boot_sector {
	u8 jump[3];
	u8 oem[8];
	u16 sector_size;
	u8 sec_per_clus;
	u16 reserved;
	u8 fats;
	u16 dir_entries;
	u16 sectors;
	u8 media;
	u16 fat_length;
	u16 secs_track;
	u16 heads;
	u32 hidden;
	u32 total_sect;
	/* FAT32 only from here */
	u32 fat32_length;
	u16 flags;
	u16 version;
	u32 root_cluster;
	u16 info_sector;
	u16 backup_boot;
} __packed;

struct fat_boot_fsinfo {
	u32 signature1;
	u32 reserved1[120];
	u32 signature2;
	u32 free_clusters;
	u32 next_cluster;
	u32 reserved2[4];
} __packed;

struct msdos_dir_entry {
	u8 name[11];
	u8 attr;
	u8 lcase;
	u8 ctime_cs; /* creation time, 10 ms units (0..199) */
	u16 ctime;
	u16 cdate;
	u16 adate;
	u16 starthi; /* FAT32: the first cluster's high 16 bits */
	u16 time;
	u16 date;
	u16 start;
	u32 size;
}; /* every field naturally aligned: no packing, so times can be passed by address */
_Static_assert(sizeof(struct msdos_dir_entry) == 32, "FAT directory entries are 32 bytes");

struct msdos_dir_slot {
	u8 id;          /* sequence number, LAST_LONG_ENTRY on the last */
	u8 name0_4[10];
	u8 attr;        /* ATTR_EXT */
	u8 reserved;
	u8 alias_checksum;
	u8 name5_10[12];
	u16 start;      /* 0 */
	u8 name11_12[4];
} __packed;

struct msdos_sb_info {
	struct mutex s_lock;    /* the FAT, directory entries, FSInfo and every i_pos */
	unsigned int fat_bits;  /* 12, 16 or 32 */
	unsigned int sec_per_clus;
	unsigned int cluster_size; /* bytes */
	u32 fat_start;          /* sector of the first FAT */
	u32 fat_length;         /* sectors per FAT */
	unsigned int fats;
	u32 dir_start;          /* FAT12/16: sector of the fixed root directory */
	u32 dir_entries;        /* its entries */
	u32 data_start;         /* sector of cluster 2 */
	u32 max_cluster;        /* one past the last valid cluster */
	u32 root_cluster;       /* FAT32 */
	u32 fsinfo_sector;      /* FAT32, 0 without one */
	u32 free_clusters;      /* counted at mount, then kept */
	u32 prev_free;          /* the last cluster allocated: the next search starts after it */
	bool fsinfo_dirty;
};

struct msdos_inode_info {
	struct inode vfs_inode;
	u32 i_start;    /* first cluster, 0 for none (and for the FAT12/16 root) */
	u64 i_pos;      /* byte address of its directory entry on the device, 0: none */
	u8 i_attrs;
	u32 cache_fclus; /* a cluster of the chain, remembered for the next bmap: index */
	u32 cache_dclus; /* and cluster number (0: nothing cached) */
};

static inline struct msdos_sb_info *MSDOS_SB(struct super_block *sb)
{
	return sb->s_fs_info;
}

static inline struct msdos_inode_info *MSDOS_I(struct inode *inode)
{
	return container_of(inode, struct msdos_inode_info, vfs_inode);
}

static inline bool fat_valid_cluster(struct msdos_sb_info *sbi, u32 clus)
{
	return clus >= 2 && clus < sbi->max_cluster;
}

static inline u64 fat_clus_to_blknr(struct msdos_sb_info *sbi, u32 clus)
{
	return sbi->data_start + (u64)(clus - 2) * sbi->sec_per_clus;
}

static inline u32 fat_get_start(const struct msdos_dir_entry *de, bool fat32)
{
	return de->start | (fat32 ? (u32)de->starthi << 16 : 0);
}

static inline bool fat_is_root_fixed(struct inode *inode)
{
	return inode->i_ino == FAT_ROOT_INO && MSDOS_SB(inode->i_sb)->fat_bits != 32;
}

/* fat.c: the allocation table */
int fat_ent_read(struct super_block *sb, u32 clus, u32 *next);
int fat_chain_walk(struct inode *inode, u32 fclus, u32 *dclus, u32 *last);
int fat_alloc_cluster(struct super_block *sb, u32 *clus);
int fat_free_chain(struct super_block *sb, u32 start, bool forget);
int fat_chain_extend(struct inode *inode, u32 last, u32 *newclus);
int fat_truncate_chain(struct inode *inode, u32 keep);
int fat_count_chain(struct inode *inode, u32 *count);
int fat_count_free(struct super_block *sb);
int fat_sync_fsinfo(struct super_block *sb);
int fat_zero_cluster(struct super_block *sb, u32 clus);

/* inode.c: inodes, their block map and the file operations */
struct inode *fat_build_inode(struct super_block *sb, const struct msdos_dir_entry *de,
			      u64 i_pos);
struct inode *fat_new_root(struct super_block *sb);
int fat_write_inode(struct inode *inode);
void fat_evict_inode(struct inode *inode);
struct inode *fat_alloc_inode(struct super_block *sb);
void fat_free_inode(struct inode *inode);
int fat_bmap(struct inode *inode, u64 iblock, u64 *blocknr, bool create);
void fat_time_fat2unix(struct timespec64 *ts, u16 time, u16 date, u8 cs);
void fat_time_unix2fat(const struct timespec64 *ts, u16 *time, u16 *date, u8 *cs);
void fat_fill_times(struct msdos_dir_entry *de, struct inode *inode);
extern const struct file_operations fat_file_operations;
extern const struct inode_operations fat_file_inode_operations;

/* dir.c: directory entries */
struct fat_slot_info {
	loff_t slot_off;  /* offset of the first long-name slot (or the short entry) */
	loff_t de_off;    /* offset of the short entry */
	int nr_slots;     /* long-name slots plus the short entry */
	u64 i_pos;        /* device byte address of the short entry */
	struct msdos_dir_entry de; /* a copy of the short entry */
};
/* What fat_dir_scan calls for each name; nonzero stops the scan with that value. */
typedef int (*fat_actor_t)(void *arg, const char *name, int len, struct fat_slot_info *si);
int fat_dir_scan(struct inode *dir, loff_t start, fat_actor_t actor, void *arg);
int fat_dir_find(struct inode *dir, const struct qstr *name, struct fat_slot_info *si);
int fat_dir_empty(struct inode *dir);
int fat_shortname_exists(struct inode *dir, const u8 *shortname, u64 skip_pos);
int fat_add_entries(struct inode *dir, const void *slots, int nr, struct fat_slot_info *si);
int fat_remove_entries(struct inode *dir, const struct fat_slot_info *si);
int fat_dir_bread(struct inode *dir, loff_t off, struct buffer_head **bh, u64 *blocknr);
int fat_update_dotdot(struct inode *dir, u32 parent_start);
int fat_make_dots(struct super_block *sb, u32 clus, u32 parent_start,
		  const struct msdos_dir_entry *like);
extern const struct file_operations fat_dir_operations;
u8 fat_checksum(const u8 *name);

/* namei.c: names and the directory inode operations */
extern const struct inode_operations vfat_dir_inode_operations;
extern const struct dentry_operations vfat_dentry_ops;

/* One line naming the device and the damaged structure; returns -EUCLEAN. */
int fat_fs_error(struct super_block *sb, const char *fmt, ...) __printf(2, 3);

#endif
