/*
 * iso9660 directories: walking a directory's records block by block (a record never crosses
 * a sector; zeros fill each sector's end), the names they show (Rock Ridge's, else the ISO
 * name lower-cased without its ";1" version, as Linux's map=normal), readdir and lookup. A
 * damaged record costs the rest of its sector and one error line; the other entries stay
 * readable. After Linux's fs/isofs/dir.c and namei.c.
 */
#include <keel/buffer_head.h>
#include <keel/errno.h>
#include <keel/module.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "isofs.h"

/* What the walk calls for each record: 0 goes on, > 0 stops, < 0 stops with that error. */
struct iso_walk;
typedef int (*iso_actor_t)(struct iso_walk *w, const struct iso_record *rec);

struct iso_walk {
	struct inode *dir;
	loff_t pos;       /* byte offset in the directory of the next record */
	iso_actor_t actor;
	bool after_multi; /* the last record said more extents follow: skip the next ones */
	bool damaged;     /* a record was skipped as damaged (reported) */
	void *arg;
};

static bool iso_is_dot(const struct iso_record *rec)
{
	return rec->d[ISO_DR_NAME_LEN] == 1 && rec->d[ISO_DR_NAME] <= 1;
}

/* Entries readdir and lookup do not show: the dots, associated files, extra extents. */
static bool iso_skip_record(struct iso_walk *w, const struct iso_record *rec)
{
	bool cont = w->after_multi;

	w->after_multi = rec->d[ISO_DR_FLAGS] & ISO_FLAG_MULTI;
	return cont || iso_is_dot(rec) || (rec->d[ISO_DR_FLAGS] & ISO_FLAG_ASSOC);
}

/* Moves pos to the start of the next sector (after zero padding or a damaged record). */
static void iso_next_sector(struct iso_walk *w)
{
	w->pos = (w->pos | (ISOFS_BLOCK_SIZE - 1)) + 1;
}

/* The records of one block from w->pos on; > 0 when the actor stopped. */
static int iso_walk_block(struct iso_walk *w, struct buffer_head *bh, u64 block)
{
	struct iso_record rec;
	int ret;

	while (w->pos < w->dir->i_size) {
		u32 off = w->pos & (ISOFS_BLOCK_SIZE - 1);

		rec.d = (const u8 *)bh->b_data + off;
		rec.len = rec.d[ISO_DR_LEN];
		rec.pos = (block << ISOFS_BLOCK_BITS) + off;
		if (!rec.len) {
			iso_next_sector(w);
			return 0;
		}
		if (isofs_check_record(w->dir->i_sb, block, off, rec.d)) {
			w->damaged = true;
			iso_next_sector(w);
			return 0;
		}
		ret = iso_skip_record(w, &rec) ? 0 : w->actor(w, &rec);
		if (ret)
			return ret;
		w->pos += rec.len;
		if (!(w->pos & (ISOFS_BLOCK_SIZE - 1)))
			return 0;
	}
	return 0;
}

/* Calls w->actor for each record from w->pos to the directory's end. 0 or -errno. */
static int iso_walk_dir(struct iso_walk *w)
{
	struct super_block *sb = w->dir->i_sb;
	int ret = 0;

	while (!ret && w->pos < w->dir->i_size) {
		u64 block = ISOFS_I(w->dir)->i_first_extent + (w->pos >> ISOFS_BLOCK_BITS);
		struct buffer_head *bh = sb_bread(sb, block);

		if (IS_ERR(bh)) {
			isofs_err(sb, "directory at block %llu: read error %ld",
				  (unsigned long long)block, PTR_ERR(bh));
			return (int)PTR_ERR(bh);
		}
		ret = iso_walk_block(w, bh, block);
		brelse(bh);
	}
	return ret < 0 ? ret : 0;
}

/* map=normal: lower case, ";1" (and a "." just before it) dropped, other ";" become ".". */
static u32 iso_translate_name(const u8 *name, u32 len, char *out)
{
	u32 n = 0;

	if (len >= 2 && name[len - 2] == ';' && name[len - 1] == '1') {
		len -= 2;
		if (len >= 1 && name[len - 1] == '.') /* "NOEXT.;1": the dot is ISO's, not ours */
			len -= 1;
	}
	for (u32 i = 0; i < len && name[i]; i++) {
		char c = (char)name[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c + 'a' - 'A');
		out[n++] = (c == ';' || c == '/') ? '.' : c;
	}
	out[n] = 0;
	return n;
}

/* A name the VFS can take: not empty, no '/' or NUL (damaged NM data), not a dot name. */
static bool iso_name_ok(const char *name, u32 len)
{
	if (!len || memchr(name, '/', len) || memchr(name, 0, len))
		return false;
	return !(name[0] == '.' && (len == 1 || (len == 2 && name[1] == '.')));
}

/* The name a record shows and its Rock Ridge data (ri->link NULL: SL is not read). */
static int iso_record_name(struct super_block *sb, const struct iso_record *rec,
			   struct rock_info *ri)
{
	int err;

	memset(ri, 0, sizeof(*ri));
	err = rock_parse(sb, rec, ri);
	if (err)
		return err;
	if (!ri->has_name)
		ri->name_len = iso_translate_name(rec->d + ISO_DR_NAME, rec->d[ISO_DR_NAME_LEN],
						  ri->name);
	if (iso_name_ok(ri->name, ri->name_len))
		return 0;
	isofs_bad(sb, rec->pos, "record at byte %llu: name \"%.20s\" unusable",
		  (unsigned long long)rec->pos, ri->name);
	return -EUCLEAN;
}

static unsigned int iso_dtype(const struct iso_record *rec, const struct rock_info *ri)
{
	if (rec->d[ISO_DR_FLAGS] & ISO_FLAG_DIR)
		return DT_DIR;
	return ri->has_px ? fs_umode_to_dtype(ri->mode) : DT_REG;
}

static int readdir_actor(struct iso_walk *w, const struct iso_record *rec)
{
	struct dir_context *ctx = w->arg;
	struct rock_info ri;

	if (iso_record_name(w->dir->i_sb, rec, &ri) || ri.relocated)
		return 0; /* reported; the other entries stay listed */
	ctx->pos = w->pos;
	if (!dir_emit(ctx, ri.name, (int)ri.name_len, rec->pos, iso_dtype(rec, &ri)))
		return 1;
	ctx->pos = w->pos + rec->len;
	return 0;
}

/* ctx->pos: 0 and 1 are the dots, then the byte offset of the next record (2: the start,
 * where the directory's own "." and ".." records lie). */
static int isofs_readdir(struct file *file, struct dir_context *ctx)
{
	struct iso_walk w = { .dir = file_inode(file), .actor = readdir_actor, .arg = ctx };
	int err;

	if (!dir_emit_dots(file, ctx))
		return 0;
	w.pos = ctx->pos == 2 ? 0 : ctx->pos;
	err = iso_walk_dir(&w);
	if (!err && w.pos >= w.dir->i_size)
		ctx->pos = w.dir->i_size > 2 ? w.dir->i_size : 3;
	return err;
}

struct lookup_arg {
	const struct qstr *name;
	u64 found; /* the matching record's position, 0 while none */
};

static int lookup_actor(struct iso_walk *w, const struct iso_record *rec)
{
	struct lookup_arg *la = w->arg;
	struct rock_info ri;

	if (iso_record_name(w->dir->i_sb, rec, &ri)) {
		w->damaged = true;
		return 0;
	}
	if (ri.relocated || ri.name_len != la->name->len || memcmp(ri.name, la->name->name, ri.name_len))
		return 0;
	la->found = rec->pos;
	return 1;
}

static struct dentry *isofs_lookup(struct inode *dir, struct dentry *dentry, unsigned int flags)
{
	struct lookup_arg la = { .name = &dentry->d_name };
	struct iso_walk w = { .dir = dir, .actor = lookup_actor, .arg = &la };
	struct inode *inode = NULL;
	int err = iso_walk_dir(&w);

	(void)flags;
	if (!err && !la.found && w.damaged)
		err = -EUCLEAN; /* the name may be the damaged entry's: no negative dentry */
	if (err)
		return ERR_PTR(err);
	if (la.found) {
		inode = isofs_iget(dir->i_sb, la.found);
		if (IS_ERR(inode))
			return ERR_PTR(PTR_ERR(inode));
	}
	d_add(dentry, inode);
	return NULL;
}

const struct file_operations isofs_dir_operations = {
	.owner = THIS_MODULE,
	.llseek = generic_file_llseek,
	.iterate_shared = isofs_readdir,
};

const struct inode_operations isofs_dir_inode_operations = {
	.lookup = isofs_lookup,
};
