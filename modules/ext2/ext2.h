/*
 * ext2: the on-disk format (revision 0 and 1, after the ext2 documentation and Linux's
 * fs/ext2/ext2.h names) and what the module's files share. Everything on disk is little
 * endian, which is also the CPU's, so the structures are used as they lie in the buffers.
 */
#ifndef EXT2_H
#define EXT2_H

#include <keel/buffer_head.h>
#include <keel/errno.h>
#include <keel/fs.h>
#include <keel/mpage.h>
#include <keel/mutex.h>
#include <keel/printk.h>
#include <keel/slab.h>
#include <keel/string.h>
#include <keel/types.h>

#define EXT2_SUPER_MAGIC 0xEF53
#define EXT2_SB_OFFSET 1024 /* the superblock's byte offset on the device */
#define EXT2_ROOT_INO 2
#define EXT2_GOOD_OLD_FIRST_INO 11
#define EXT2_GOOD_OLD_INODE_SIZE 128
#define EXT2_NDIR_BLOCKS 12
#define EXT2_IND_BLOCK 12
#define EXT2_DIND_BLOCK 13
#define EXT2_TIND_BLOCK 14
#define EXT2_N_BLOCKS 15
#define EXT2_NAME_LEN 255
#define EXT2_MIN_BLOCK_BITS 10
#define EXT2_MAX_BLOCK_BITS 12 /* the page cache's blocks are at most a page */

/* s_state */
#define EXT2_VALID_FS 1
#define EXT2_ERROR_FS 2

#define EXT2_FEATURE_INCOMPAT_FILETYPE 0x0002
#define EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER 0x0001
#define EXT2_FEATURE_RO_COMPAT_LARGE_FILE 0x0002
#define EXT2_INCOMPAT_SUPP EXT2_FEATURE_INCOMPAT_FILETYPE
/* Incompat features that move data or metadata where this driver would not find them
 * (compression, journal device, meta_bg, extents, 64bit, flex_bg, inline data, encryption):
 * not mounted at all. Any other unknown one (needs_recovery, mmp...) mounts read-only. */
#define EXT2_INCOMPAT_LAYOUT 0x182d9u
#define EXT2_RO_COMPAT_SUPP (EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER | \
			     EXT2_FEATURE_RO_COMPAT_LARGE_FILE)

#define EXT2_INDEX_FL 0x00001000 /* htree directory: modifying it makes the index stale */

/* Directory entry file types (FILETYPE feature) */
#define EXT2_FT_UNKNOWN 0
#define EXT2_FT_REG_FILE 1
#define EXT2_FT_DIR 2
#define EXT2_FT_SYMLINK 7

struct ext2_super_block {
	u32 s_inodes_count;
	u32 s_blocks_count;
	u32 s_r_blocks_count;
	u32 s_free_blocks_count;
	u32 s_free_inodes_count;
	u32 s_first_data_block;
	u32 s_log_block_size;
	u32 s_log_frag_size;
	u32 s_blocks_per_group;
	u32 s_frags_per_group;
	u32 s_inodes_per_group;
	u32 s_mtime;
	u32 s_wtime;
	u16 s_mnt_count;
	s16 s_max_mnt_count;
	u16 s_magic;
	u16 s_state;
	u16 s_errors;
	u16 s_minor_rev_level;
	u32 s_lastcheck;
	u32 s_checkinterval;
	u32 s_creator_os;
	u32 s_rev_level;
	u16 s_def_resuid;
	u16 s_def_resgid;
	/* revision 1 */
	u32 s_first_ino;
	u16 s_inode_size;
	u16 s_block_group_nr;
	u32 s_feature_compat;
	u32 s_feature_incompat;
	u32 s_feature_ro_compat;
	u8 s_uuid[16];
	char s_volume_name[16];
	char s_last_mounted[64];
	u32 s_algorithm_usage_bitmap;
	u8 s_prealloc_blocks;
	u8 s_prealloc_dir_blocks;
	u16 s_reserved_gdt_blocks;
	u32 s_reserved[204];
};

struct ext2_group_desc {
	u32 bg_block_bitmap;
	u32 bg_inode_bitmap;
	u32 bg_inode_table;
	u16 bg_free_blocks_count;
	u16 bg_free_inodes_count;
	u16 bg_used_dirs_count;
	u16 bg_pad;
	u32 bg_reserved[3];
};

struct ext2_inode {
	u16 i_mode;
	u16 i_uid;
	u32 i_size;
	u32 i_atime;
	u32 i_ctime;
	u32 i_mtime;
	u32 i_dtime;
	u16 i_gid;
	u16 i_links_count;
	u32 i_blocks; /* 512-byte units */
	u32 i_flags;
	u32 i_osd1;
	u32 i_block[EXT2_N_BLOCKS];
	u32 i_generation;
	u32 i_file_acl;
	u32 i_size_high; /* i_dir_acl in revision 0 */
	u32 i_faddr;
	u8 l_i_frag;
	u8 l_i_fsize;
	u16 i_pad1;
	u16 l_i_uid_high;
	u16 l_i_gid_high;
	u32 l_i_reserved2;
};

struct ext2_dir_entry_2 {
	u32 inode;
	u16 rec_len;
	u8 name_len;
	u8 file_type;
	char name[];
};

#define EXT2_DIR_REC_LEN(name_len) (((name_len) + 8 + 3) & ~3u)

/* The mounted filesystem (sb->s_fs_info). */
struct ext2_sb_info {
	struct buffer_head *s_sbh;       /* the block holding the superblock (held) */
	struct ext2_super_block *s_es;   /* inside s_sbh */
	struct buffer_head **s_group_desc; /* the descriptor table's blocks (held) */
	u32 s_groups_count;
	u32 s_gdb_count;                 /* descriptor table blocks */
	u32 s_blocks_per_group;
	u32 s_inodes_per_group;
	u32 s_inodes_per_block;
	u32 s_itb_per_group;             /* inode table blocks per group */
	u32 s_inode_size;
	u32 s_first_ino;
	u32 s_addr_per_block;            /* block numbers per indirect block */
	u32 s_desc_per_block;
	bool s_was_clean;                /* s_state had VALID_FS at mount: restored at umount */
	struct mutex s_alloc_lock;       /* bitmaps, descriptors and the superblock's counts */
};

/* The in-memory inode (embeds the VFS's). */
struct ext2_inode_info {
	u32 i_data[EXT2_N_BLOCKS];
	u32 i_flags;
	u32 i_dtime;
	u32 i_file_acl;
	u32 i_block_group;
	bool i_new;                      /* never written: zero its whole on-disk slot first */
	struct mutex i_map_lock;         /* i_data and the indirect blocks */
	struct inode vfs_inode;
};

static inline struct ext2_sb_info *EXT2_SB(struct super_block *sb)
{
	return sb->s_fs_info;
}

static inline struct ext2_inode_info *EXT2_I(struct inode *inode)
{
	return container_of(inode, struct ext2_inode_info, vfs_inode);
}

static inline bool ext2_has_filetype(struct super_block *sb)
{
	return EXT2_SB(sb)->s_es->s_feature_incompat & EXT2_FEATURE_INCOMPAT_FILETYPE;
}

/* One line naming the device and the damaged structure; callers return -EIO or -EUCLEAN. */
#define ext2_error(sb, fmt, ...) pr_err("ext2: %s: " fmt "\n", (sb)->s_id, ##__VA_ARGS__)
#define ext2_warn(sb, fmt, ...) pr_warn("ext2: %s: " fmt "\n", (sb)->s_id, ##__VA_ARGS__)

/* super.c */
struct ext2_group_desc *ext2_get_group_desc(struct super_block *sb, u32 group,
					    struct buffer_head **bh);
void ext2_sb_dirty(struct super_block *sb);
bool ext2_group_has_super(struct super_block *sb, u32 group);
bool ext2_block_valid(struct super_block *sb, u32 block);

/* balloc.c */
int ext2_new_block(struct inode *inode, u32 goal, u32 *block);
void ext2_free_block(struct inode *inode, u32 block);
bool ext2_is_group_metadata(struct super_block *sb, u32 block);

/* ialloc.c */
struct inode *ext2_new_inode(struct inode *dir, umode_t mode);
void ext2_free_inode(struct inode *inode);

/* inode.c */
struct inode *ext2_iget(struct super_block *sb, unsigned long ino);
int ext2_write_inode(struct inode *inode);
void ext2_evict_inode(struct inode *inode);
void ext2_set_inode_ops(struct inode *inode);
int ext2_setattr(struct dentry *dentry, struct iattr *attr);
bool ext2_valid_ino(struct super_block *sb, u64 ino);

/* blockmap.c */
int ext2_get_block(struct inode *inode, u64 iblock, u64 *blocknr, bool create);
int ext2_truncate_blocks(struct inode *inode, loff_t size);
loff_t ext2_max_size(unsigned int bits);

/* dir.c */
extern const struct file_operations ext2_dir_operations;
int ext2_find_entry(struct inode *dir, const struct qstr *name, struct buffer_head **bhp,
		    struct ext2_dir_entry_2 **dep);
int ext2_add_link(struct inode *dir, const struct qstr *name, struct inode *inode);
int ext2_delete_entry(struct inode *dir, struct buffer_head *bh,
		      struct ext2_dir_entry_2 *de);
void ext2_set_link(struct inode *dir, struct buffer_head *bh, struct ext2_dir_entry_2 *de,
		   struct inode *inode);
int ext2_make_empty(struct inode *inode, struct inode *parent);
int ext2_empty_dir(struct inode *inode);
int ext2_dotdot(struct inode *dir, struct buffer_head **bhp, struct ext2_dir_entry_2 **dep);

/* namei.c */
extern const struct inode_operations ext2_dir_inode_operations;

/* file.c */
extern const struct file_operations ext2_file_operations;
extern const struct inode_operations ext2_file_inode_operations;
extern const struct inode_operations ext2_special_inode_operations;
extern const struct address_space_operations ext2_aops;

/* symlink.c */
extern const struct inode_operations ext2_symlink_inode_operations;
int ext2_read_symlink(struct inode *inode);
int ext2_write_symlink(struct inode *inode, const char *target, size_t len);

#endif
