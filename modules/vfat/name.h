/*
 * vfat.ko's name handling (name.c), shared with the directory operations (namei.c): a long
 * name decoded to UCS-2, the short name chosen for it, and the slots that store both.
 */
#ifndef VFAT_NAME_H
#define VFAT_NAME_H

#include "vfat.h"

struct vfat_name {
	u16 uni[FAT_LFN_MAX];
	u32 len;          /* UCS-2 characters */
	u8 shortname[11]; /* "NAME    EXT" */
	u8 lcase;         /* CASE_LOWER_* when the name is its own short name */
	bool need_lfn;    /* long-name slots precede the short entry */
};

int vfat_parse_name(const struct qstr *name, struct vfat_name *vn);
int vfat_make_shortname(struct inode *dir, struct vfat_name *vn, u64 skip_pos);
int vfat_build_slots(const struct vfat_name *vn, const struct msdos_dir_entry *de,
		     struct msdos_dir_slot *slots);

#endif
