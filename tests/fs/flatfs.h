/*
 * flatfs, a tiny disk filesystem that exists only to test the VFS's page-cache file path
 * (tests/unit/test_blockfs.c) and the filesystem fuzzing framework (fuzz-flatfs): one
 * directory of at most FLATFS_MAX_FILES regular files, each with FLATFS_DIRECT block
 * pointers. Little-endian on disk, like the hosts it runs on.
 *
 *   block 0      struct flatfs_super at byte 0
 *   block 1      free-block bitmap (bit b of byte b / 8: block b in use)
 *   block 2...   the file table, struct flatfs_entry[nr_files], packed across blocks
 *   then         data blocks (FLATFS_DATA_START)
 *
 * tests/fuzz/mkseeds_fs.py writes the same format.
 */
#ifndef KEEL_TESTS_FLATFS_H
#define KEEL_TESTS_FLATFS_H

#include <keel/types.h>

#define FLATFS_MAGIC "FLATFS01"
#define FLATFS_MAX_FILES 64
#define FLATFS_NAME_LEN 32 /* including the NUL */
#define FLATFS_DIRECT 40   /* block pointers per file: files hold at most 40 blocks */
#define FLATFS_ENTRY_SIZE 128

struct flatfs_super {
	char magic[8];
	u32 block_size;  /* 512, 1024, 2048 or 4096 */
	u32 nr_blocks;   /* the filesystem's size; at most block_size * 8 (one bitmap block) */
	u32 nr_files;    /* table entries, at most FLATFS_MAX_FILES */
	u32 free_blocks; /* written by sync */
	u32 generation;  /* counts syncs that wrote the superblock */
	u32 reserved;
};

enum { FLATFS_FREE, FLATFS_USED };

struct flatfs_entry {
	char name[FLATFS_NAME_LEN]; /* NUL-terminated */
	u64 size;
	u32 state;                  /* FLATFS_FREE or FLATFS_USED */
	u32 reserved;
	u16 blocks[FLATFS_DIRECT];  /* device blocks (< 32768); 0 is a hole */
};

_Static_assert(sizeof(struct flatfs_entry) == FLATFS_ENTRY_SIZE, "flatfs entry layout");

/* Blocks of the table and the first data block for a geometry. */
static inline u32 flatfs_table_blocks(u32 nr_files, u32 block_size)
{
	return (nr_files * FLATFS_ENTRY_SIZE + block_size - 1) / block_size;
}
static inline u32 flatfs_data_start(u32 nr_files, u32 block_size)
{
	return 2 + flatfs_table_blocks(nr_files, block_size);
}

#endif
