/* A bounds-checked reader for cpio "newc" archives (the initrd format). */
#ifndef KEEL_FS_CPIO_H
#define KEEL_FS_CPIO_H

#include <keel/types.h>

struct cpio_entry {
	const char *name; /* NUL-terminated, inside the archive */
	u32 mode; /* file type and permissions, as <keel/stat.h> */
	u32 mtime; /* seconds since the epoch */
	const void *data; /* inside the archive */
	u64 size;
};

/* Where and why parsing stopped, for the error message. */
struct cpio_error {
	size_t offset;
	const char *what;
};

/* Called for each member before the trailer; a non-zero return stops the walk and is returned. */
typedef int (*cpio_entry_fn)(const struct cpio_entry *entry, void *arg);

/*
 * Walks the archive up to "TRAILER!!!". Returns 0, the callback's non-zero value, or -EBADMSG
 * with *err filled in when the archive is corrupt or truncated (members before it were delivered).
 */
int cpio_for_each(const void *archive, size_t size, cpio_entry_fn fn, void *arg,
		  struct cpio_error *err);

#endif
