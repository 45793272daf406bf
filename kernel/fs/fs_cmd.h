/* Shared by the shell's file commands (kernel/fs/cmd_*.c): error lines and directory lists. */
#ifndef KEEL_FS_FS_CMD_H
#define KEEL_FS_FS_CMD_H

#include <keel/fs.h>
#include "shell/shell_internal.h"

/* Prints "<cmd>: <what>: <message>" for a negative errno; returns SHELL_FAILED. */
int fs_cmd_error(const char *cmd, const char *what, int err);

/* A directory's names, sorted, without "." and ".."; kfree'd by dirlist_free. */
struct dirlist {
	char **names;
	unsigned int count, cap;
};
int dirlist_read(const char *path, struct dirlist *list);
void dirlist_free(struct dirlist *list);
/* dir + "/" + name into a kmalloc'd string (NULL: -ENOMEM or -ENAMETOOLONG, in *err). */
char *path_join(const char *dir, const char *name, int *err);
/* The last component of path ("a/b/" gives "b"), pointing into path; length in *len. */
const char *path_basename(const char *path, size_t *len);

void fs_register_file_commands(void);
void fs_register_tree_commands(void);
void fs_register_mount_commands(void);
void fs_register_dd_command(void);

#endif
