/* What the files of kernel/fs/proc/ share: the entry structure and the superblock. */
#ifndef KEEL_FS_PROC_INTERNAL_H
#define KEEL_FS_PROC_INTERNAL_H

#include <keel/list.h>
#include <keel/proc_fs.h>

extern struct mutex proc_lock;
extern struct super_block *proc_sb;

/* inode.c: an inode for pde (holding a reference on it), or NULL. */
struct inode *proc_get_inode(struct super_block *sb, struct proc_dir_entry *pde);
/* References on an entry (pde_ref_lock; never sleep); the last put frees it. */
void pde_get(struct proc_dir_entry *pde);
void pde_put(struct proc_dir_entry *pde);
int proc_fs_register(void);

/* root.c: the kernel's own files. */
void proc_create_kernel_files(void);

/* The files other subsystems keep next to their data: /proc/modules (module/procfs.c),
 * /proc/partitions (block/genhd.c). */
void proc_modules_init(void);
void proc_partitions_init(void);
/* /proc/devices' two halves: "%3u name" lines for character majors (fs/char_dev.c) and
 * block majors in use (block/genhd.c). */
void chrdev_show(struct seq_file *m);
void blkdev_show(struct seq_file *m);

#endif
