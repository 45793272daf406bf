/* What the files of kernel/fs/proc/ share: the entry structure and the superblock. */
#ifndef KEEL_FS_PROC_INTERNAL_H
#define KEEL_FS_PROC_INTERNAL_H

#include <keel/list.h>
#include <keel/proc_fs.h>

struct task_struct;

extern struct mutex proc_lock;
extern struct super_block *proc_sb;

/* inode.c: an inode for pde (holding a reference on it), or NULL. */
struct inode *proc_get_inode(struct super_block *sb, struct proc_dir_entry *pde);
/* References on an entry (pde_ref_lock; never sleep); the last put frees it. */
void pde_get(struct proc_dir_entry *pde);
void pde_put(struct proc_dir_entry *pde);
int proc_fs_register(void);

/* base.c: /proc/PID and /proc/self. The root directory's lookup and readdir (the kernel's
 * files, then self and the pids); proc_pid_evict_inode frees what a per-process inode holds
 * and says whether it was one. */
struct dentry *proc_root_lookup(struct inode *dir, struct dentry *dentry, unsigned int flags);
int proc_root_readdir(struct file *file, struct dir_context *ctx);
bool proc_pid_evict_inode(struct inode *inode);

/* array.c: the files of /proc/PID, shown for task t with preemption off. */
int proc_pid_stat(struct seq_file *m, struct task_struct *t);
int proc_pid_statm(struct seq_file *m, struct task_struct *t);
int proc_pid_status(struct seq_file *m, struct task_struct *t);
int proc_pid_comm(struct seq_file *m, struct task_struct *t);
int proc_pid_cmdline(struct seq_file *m, struct task_struct *t);
int proc_pid_environ(struct seq_file *m, struct task_struct *t);
int proc_pid_maps(struct seq_file *m, struct task_struct *t);

/* stat.c: /proc/stat and /proc/loadavg. */
void proc_stat_init(void);

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
