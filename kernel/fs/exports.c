/*
 * The VFS API filesystem modules link against, exported in one place (the definitions stay
 * free of export macros so the host unit tests build them as they are).
 */
#include <keel/export.h>
#include <keel/fs.h>

EXPORT_SYMBOL_GPL(get_fs_type);
EXPORT_SYMBOL_GPL(put_filesystem);
EXPORT_SYMBOL_GPL(new_inode);
EXPORT_SYMBOL_GPL(iget_locked);
EXPORT_SYMBOL_GPL(unlock_new_inode);
EXPORT_SYMBOL_GPL(iget_failed);
EXPORT_SYMBOL_GPL(ihold);
EXPORT_SYMBOL_GPL(iput);
EXPORT_SYMBOL_GPL(inode_init_owner);
EXPORT_SYMBOL_GPL(inode_init_mapping);
EXPORT_SYMBOL_GPL(mark_inode_dirty);
EXPORT_SYMBOL_GPL(current_time);
EXPORT_SYMBOL_GPL(set_nlink);
EXPORT_SYMBOL_GPL(inc_nlink);
EXPORT_SYMBOL_GPL(drop_nlink);
EXPORT_SYMBOL_GPL(clear_nlink);
EXPORT_SYMBOL_GPL(get_next_ino);
EXPORT_SYMBOL_GPL(setattr_copy);
EXPORT_SYMBOL_GPL(generic_fillattr);
EXPORT_SYMBOL_GPL(init_special_inode);
EXPORT_SYMBOL_GPL(d_alloc);
EXPORT_SYMBOL_GPL(d_alloc_name);
EXPORT_SYMBOL_GPL(d_make_root);
EXPORT_SYMBOL_GPL(d_add);
EXPORT_SYMBOL_GPL(d_instantiate);
EXPORT_SYMBOL_GPL(d_lookup);
EXPORT_SYMBOL_GPL(d_delete);
EXPORT_SYMBOL_GPL(d_drop);
EXPORT_SYMBOL_GPL(dget);
EXPORT_SYMBOL_GPL(dget_parent);
EXPORT_SYMBOL_GPL(dput);
EXPORT_SYMBOL_GPL(d_make_persistent);
EXPORT_SYMBOL_GPL(d_make_discardable);
EXPORT_SYMBOL_GPL(generic_file_llseek);
EXPORT_SYMBOL_GPL(noop_fsync);
EXPORT_SYMBOL_GPL(notify_change);
EXPORT_SYMBOL_GPL(vfs_open);
EXPORT_SYMBOL_GPL(get_file);
EXPORT_SYMBOL_GPL(fput);
EXPORT_SYMBOL_GPL(vfs_read);
EXPORT_SYMBOL_GPL(vfs_write);
EXPORT_SYMBOL_GPL(vfs_llseek);
EXPORT_SYMBOL_GPL(vfs_iterate);
EXPORT_SYMBOL_GPL(vfs_fsync);
EXPORT_SYMBOL_GPL(vfs_stat);
EXPORT_SYMBOL_GPL(vfs_lstat);
EXPORT_SYMBOL_GPL(vfs_fstat);
EXPORT_SYMBOL_GPL(kern_path);
EXPORT_SYMBOL_GPL(path_get);
EXPORT_SYMBOL_GPL(path_put);
EXPORT_SYMBOL_GPL(kernel_read_file_from_path);
