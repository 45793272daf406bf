/* The block layer's internal interface: boot-time init, partitions and the shell commands. */
#ifndef KEEL_BLOCK_BLOCK_H
#define KEEL_BLOCK_BLOCK_H

#include <keel/blkdev.h>

struct part_entry;

/* Called once from kmain, before modules load: registers lsblk and blk. */
void block_init(void);

/* The first registered device (disks, each followed by its partitions), or NULL. */
struct block_device *blkdev_first(void);

/* Finds a device by name without taking a reference (NULL if absent). */
struct block_device *blkdev_lookup(const char *name);

/* Registers partition number e->number of disk. 0 or -errno (nothing registered on error). */
int blkdev_add_partition(struct block_device *disk, const struct part_entry *entry);
/* Unregisters and frees every partition of disk. */
void blkdev_remove_partitions(struct block_device *disk);
/* Reads disk's partition table and registers what it finds. 0 or -errno (already reported). */
int blk_scan_partitions(struct block_device *disk);

/* Makes "hda"+"1" = "hda1" and "ram0"+"1" = "ram0p1", as Linux does. -ENAMETOOLONG if too long. */
int blk_partition_name(char *buf, size_t size, const char *disk, int number);

/* genhd.c: the numbers of a new disk (by its name) and of partition number of disk. */
dev_t blk_disk_devt(const char *name);
dev_t blk_partition_devt(const struct block_device *disk, int number);

struct shell_command;
extern const struct shell_command lsblk_command;
void blk_register_commands(void);
/* blk_bench.c: `blk bench DEV read|write MIB` (argv from DEV on). 0 or SHELL_FAILED. */
int blk_bench_command(char **argv);

#endif
