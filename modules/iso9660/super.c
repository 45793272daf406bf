/*
 * iso9660.ko: read-only ISO 9660 (ECMA-119) with Rock Ridge, the CD-ROM filesystem. This file
 * mounts it: the volume descriptor set from block 16 (bounded, up to its terminator), the
 * primary volume descriptor's geometry and root record, Rock Ridge detection, statfs and the
 * module's registration (mount -t iso9660 autoloads it; mount without -t probes it). A
 * descriptor that makes no sense refuses the mount with one line. After Linux's
 * fs/isofs/inode.c (isofs_fill_super).
 */
#include <keel/buffer_head.h>
#include <keel/errno.h>
#include <keel/module.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "isofs.h"

#define ISO_VD_FIRST 16      /* the system area takes blocks 0..15 */
#define ISO_VD_MAX 64        /* descriptors read before giving up on the terminator */
#define ISO_VD_PRIMARY 1
#define ISO_VD_END 255
#define ISO_PVD_SPACE 80     /* volume space size, blocks */
#define ISO_PVD_BLOCK_SIZE 128
#define ISO_PVD_ROOT 156     /* the root directory record, 34 bytes */

static struct inode *isofs_alloc_inode(struct super_block *sb)
{
	struct iso_inode_info *ei = kzalloc(sizeof(*ei), GFP_KERNEL);

	(void)sb;
	return ei ? &ei->vfs_inode : NULL;
}

static void isofs_free_inode(struct inode *inode)
{
	kfree(inode->i_link);
	kfree(ISOFS_I(inode));
}

static void isofs_put_super(struct super_block *sb)
{
	kfree(sb->s_fs_info);
	sb->s_fs_info = NULL;
}

static int isofs_statfs(struct dentry *dentry, struct kstatfs *buf)
{
	struct super_block *sb = dentry->d_sb;

	buf->f_type = ISOFS_SUPER_MAGIC;
	buf->f_bsize = ISOFS_BLOCK_SIZE;
	buf->f_blocks = ISOFS_SB(sb)->s_nzones;
	buf->f_bfree = buf->f_bavail = 0;
	buf->f_files = buf->f_ffree = 0;
	buf->f_namelen = NAME_MAX;
	return 0;
}

static const struct super_operations isofs_sops = {
	.alloc_inode = isofs_alloc_inode,
	.free_inode = isofs_free_inode,
	.put_super = isofs_put_super,
	.statfs = isofs_statfs,
};

/* One descriptor of the set: 1 for the terminator, 0 to go on, -errno to stop. */
static int isofs_check_vd(struct super_block *sb, const u8 *d, u32 i, int silent, u8 *pvd,
			  bool *found)
{
	if (memcmp(d + 1, "CD001", 5)) {
		if (!i) {
			if (!silent)
				isofs_err(sb, "no ISO 9660 volume descriptor (CD001) at block 16");
			return -EINVAL;
		}
		isofs_err(sb, "volume descriptor set: block %u is not a descriptor",
			  ISO_VD_FIRST + i);
		return -EUCLEAN;
	}
	if (d[0] == ISO_VD_PRIMARY && !*found) {
		memcpy(pvd, d, ISOFS_BLOCK_SIZE);
		*found = true;
	}
	return d[0] == ISO_VD_END;
}

/* Reads the descriptor set into pvd (the primary one). -EINVAL: not ISO 9660 at all. */
static int isofs_read_vds(struct super_block *sb, int silent, u8 *pvd)
{
	bool found = false;
	int ret = 0;
	u32 i;

	for (i = 0; i < ISO_VD_MAX && !ret; i++) {
		struct buffer_head *bh = sb_bread(sb, ISO_VD_FIRST + i);

		if (IS_ERR(bh)) {
			if (!i && silent)
				return -EINVAL;
			isofs_err(sb, "volume descriptor at block %u unreadable (%ld)",
				  ISO_VD_FIRST + i, PTR_ERR(bh));
			return i ? -EIO : -EINVAL;
		}
		ret = isofs_check_vd(sb, (const u8 *)bh->b_data, i, silent, pvd, &found);
		brelse(bh);
	}
	if (ret < 0)
		return ret;
	if (!ret) {
		isofs_err(sb, "volume descriptor set: no terminator in %d blocks", ISO_VD_MAX);
		return -EUCLEAN;
	}
	if (!found) {
		isofs_err(sb, "volume descriptor set: no primary volume descriptor");
		return -EUCLEAN;
	}
	return 0;
}

/* The primary descriptor's geometry and root record; returns the root record's extent. */
static int isofs_check_pvd(struct super_block *sb, const u8 *pvd, u32 *root)
{
	struct isofs_sb_info *sbi = ISOFS_SB(sb);
	const u8 *r = pvd + ISO_PVD_ROOT;
	u32 bsize = iso_le16(pvd + ISO_PVD_BLOCK_SIZE);

	if (bsize != ISOFS_BLOCK_SIZE) {
		isofs_err(sb, "logical block size %u not supported (only 2048)", bsize);
		return -EUCLEAN;
	}
	sbi->s_nzones = iso_le32(pvd + ISO_PVD_SPACE);
	if (sbi->s_nzones <= ISO_VD_FIRST) {
		isofs_err(sb, "primary volume descriptor: volume of %u blocks", sbi->s_nzones);
		return -EUCLEAN;
	}
	if (r[ISO_DR_LEN] < 34 || ISO_PVD_ROOT + r[ISO_DR_LEN] > ISOFS_BLOCK_SIZE) {
		isofs_err(sb, "primary volume descriptor: root record length %u", r[ISO_DR_LEN]);
		return -EUCLEAN;
	}
	*root = iso_le32(r + ISO_DR_EXTENT) + r[ISO_DR_XATTR_LEN];
	if (!iso_le32(r + ISO_DR_SIZE) || !isofs_extent_ok(sb, *root, iso_le32(r + ISO_DR_SIZE))) {
		isofs_err(sb, "root extent at block %u past the volume end (%u blocks)", *root,
			  sbi->s_nzones);
		return -EUCLEAN;
	}
	return 0;
}

/* The root's "." record says whether Rock Ridge is used (its SP entry). */
static int isofs_detect_rock(struct super_block *sb, u32 root)
{
	struct buffer_head *bh = sb_bread(sb, root);
	struct iso_record dot;
	int err;

	if (IS_ERR(bh)) {
		isofs_err(sb, "root directory at block %u unreadable (%ld)", root, PTR_ERR(bh));
		return (int)PTR_ERR(bh);
	}
	dot.d = (const u8 *)bh->b_data;
	dot.len = dot.d[ISO_DR_LEN];
	dot.pos = (u64)root << ISOFS_BLOCK_BITS;
	err = isofs_check_record(sb, root, 0, dot.d);
	if (!err)
		err = rock_detect(sb, &dot);
	brelse(bh);
	return err;
}

static int isofs_setup(struct super_block *sb, int silent, u8 *pvd)
{
	struct inode *root_inode;
	u32 root;
	int err;

	err = isofs_read_vds(sb, silent, pvd);
	if (!err)
		err = isofs_check_pvd(sb, pvd, &root);
	if (!err)
		err = isofs_detect_rock(sb, root);
	if (err)
		return err;
	root_inode = isofs_iget(sb, (u64)root << ISOFS_BLOCK_BITS);
	if (IS_ERR(root_inode))
		return (int)PTR_ERR(root_inode);
	if (!S_ISDIR(root_inode->i_mode)) {
		isofs_err(sb, "root record at block %u is not a directory", root);
		iput(root_inode);
		return -EUCLEAN;
	}
	sb->s_root = d_make_root(root_inode);
	return sb->s_root ? 0 : -ENOMEM;
}

static int isofs_fill_super(struct super_block *sb, void *data, int silent)
{
	u8 *pvd;
	int err;

	(void)data;
	if (sb->s_bdev->sector_size > ISOFS_BLOCK_SIZE || sb_set_blocksize(sb, ISOFS_BLOCK_SIZE))
		return -EINVAL;
	sb->s_op = &isofs_sops; /* from here on, put_super frees s_fs_info on failure too */
	sb->s_fs_info = kzalloc(sizeof(struct isofs_sb_info), GFP_KERNEL);
	pvd = kmalloc(ISOFS_BLOCK_SIZE, GFP_KERNEL);
	if (!sb->s_fs_info || !pvd) {
		err = -ENOMEM;
		goto free_pvd;
	}
	sb->s_flags |= SB_RDONLY; /* nothing here can write, whatever the mount asked */
	sb->s_magic = ISOFS_SUPER_MAGIC;
	sb->s_maxbytes = 0xffffffffLL;
	err = isofs_setup(sb, silent, pvd);
	if (!err)
		pr_info("iso9660: %s: mounted%s\n", sb->s_id,
			ISOFS_SB(sb)->s_rock ? " with Rock Ridge" : "");
free_pvd:
	kfree(pvd);
	return err;
}

static struct dentry *isofs_mount(struct file_system_type *type, int flags,
				  const char *dev_name, void *data)
{
	return mount_bdev(type, flags | SB_RDONLY, dev_name, data, isofs_fill_super);
}

static struct file_system_type iso9660_fs_type = {
	.owner = THIS_MODULE,
	.name = "iso9660",
	.fs_flags = FS_REQUIRES_DEV,
	.mount = isofs_mount,
	.kill_sb = kill_block_super,
};

static int __init init_iso9660_fs(void)
{
	return register_filesystem(&iso9660_fs_type);
}

static void __exit exit_iso9660_fs(void)
{
	unregister_filesystem(&iso9660_fs_type);
}

module_init(init_iso9660_fs);
module_exit(exit_iso9660_fs);
MODULE_ALIAS_FS("iso9660");
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ISO 9660 CD-ROM filesystem, read-only, with Rock Ridge");
