/*
 * vfat directories: reading their 32-byte entries through the buffer cache, putting VFAT
 * long names back together from their slots, readdir, finding a name, and adding or removing
 * entries (a directory grows by one zeroed cluster when full). A long name whose slots are out
 * of sequence or whose checksum does not match its short entry is ignored, as Windows and
 * Linux do: the file then shows under its short name.
 */
#include <keel/minmax.h>
#include "vfat.h"

#define LFN_CHARS 13

/* Long-name slots collected so far while walking entries. */
struct fat_scan {
	u16 uni[MSDOS_SLOTS * LFN_CHARS];
	int expect;     /* id of the next slot wanted; 0: the short entry is next */
	int nr;         /* slots of the current long name, 0: none */
	u8 csum;
	loff_t start;   /* offset of its first slot */
	char name[FAT_LFN_MAX * 3 + 1];
};

u8 fat_checksum(const u8 *name)
{
	u8 s = 0;

	for (int i = 0; i < 11; i++)
		s = (u8)(((s & 1) << 7) + (s >> 1) + name[i]);
	return s;
}

int fat_dir_bread(struct inode *dir, loff_t off, struct buffer_head **bh, u64 *blocknr)
{
	int err = fat_bmap(dir, (u64)off >> 9, blocknr, false);

	if (err)
		return err;
	if (!*blocknr)
		return -ENOENT;
	*bh = sb_bread(dir->i_sb, *blocknr);
	if (IS_ERR(*bh)) {
		err = (int)PTR_ERR(*bh);
		*bh = NULL;
	}
	return err;
}

/* The 13 characters of one slot go to their place in the name. */
static void lfn_copy(struct fat_scan *s, const struct msdos_dir_slot *ds, int seq)
{
	u16 *out = s->uni + (seq - 1) * LFN_CHARS;

	memcpy(out, ds->name0_4, 10);
	memcpy(out + 5, ds->name5_10, 12);
	memcpy(out + 11, ds->name11_12, 4);
}

static void lfn_slot(struct fat_scan *s, const struct msdos_dir_slot *ds, loff_t off)
{
	int seq = ds->id & 0x1f;

	if (ds->id & LAST_LONG_ENTRY) {
		s->nr = seq >= 1 && seq <= MSDOS_SLOTS - 1 ? seq : 0;
		s->csum = ds->alias_checksum;
		s->start = off;
	} else if (!s->nr || seq != s->expect || ds->alias_checksum != s->csum) {
		s->nr = 0;
	}
	if (!s->nr || seq < 1)
		return;
	lfn_copy(s, ds, seq);
	s->expect = seq - 1;
}

/* A name byte the shell and the dcache can carry: control characters and '/' become '_'. */
static char fat_safe_char(unsigned int c)
{
	return c < 0x20 || c == '/' || c == 0x7f ? '_' : (char)c;
}

/* The collected long name as UTF-8; its length, 0 when it is not valid. */
static int lfn_to_utf8(struct fat_scan *s)
{
	int len = 0;

	for (int i = 0; i < s->nr * LFN_CHARS && s->uni[i]; i++) {
		unsigned int c = s->uni[i];

		if (c < 0x80) {
			s->name[len++] = fat_safe_char(c);
		} else if (c < 0x800) {
			s->name[len++] = (char)(0xc0 | c >> 6);
			s->name[len++] = (char)(0x80 | (c & 0x3f));
		} else {
			s->name[len++] = (char)(0xe0 | c >> 12);
			s->name[len++] = (char)(0x80 | ((c >> 6) & 0x3f));
			s->name[len++] = (char)(0x80 | (c & 0x3f));
		}
		if (len > FAT_LFN_MAX * 3 - 3)
			return 0;
	}
	s->name[len] = '\0';
	return len;
}

/* "NAME    EXT" shown as name.ext, lower case where the entry's lcase bits say. */
static int short_to_name(const struct msdos_dir_entry *de, char *out)
{
	int len = 0, n;

	for (n = 8; n > 0 && de->name[n - 1] == ' '; n--)
		;
	for (int i = 0; i < n; i++) {
		unsigned int c = i == 0 && de->name[0] == 0x05 ? DELETED_FLAG : de->name[i];

		c = (de->lcase & CASE_LOWER_BASE) ? (unsigned int)tolower((int)c) : c;
		out[len++] = fat_safe_char(c);
	}
	for (n = 11; n > 8 && de->name[n - 1] == ' '; n--)
		;
	if (n > 8)
		out[len++] = '.';
	for (int i = 8; i < n; i++) {
		unsigned int c = de->name[i];

		c = (de->lcase & CASE_LOWER_EXT) ? (unsigned int)tolower((int)c) : c;
		out[len++] = fat_safe_char(c);
	}
	out[len] = '\0';
	return len;
}

static bool is_dot_entry(const char *name, int len)
{
	return (len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.');
}

/* One short entry: its name (the long one when its slots are right), then the actor. */
static int scan_short(struct fat_scan *s, const struct msdos_dir_entry *de, loff_t off,
		      u64 blk, fat_actor_t actor, void *arg)
{
	struct fat_slot_info si;
	int len = 0;

	if (s->nr && s->expect == 0 && s->csum == fat_checksum(de->name))
		len = lfn_to_utf8(s);
	si.slot_off = len ? s->start : off;
	si.nr_slots = len ? s->nr + 1 : 1;
	if (!len)
		len = short_to_name(de, s->name);
	s->nr = 0;
	if (!len || is_dot_entry(s->name, len))
		return 0;
	si.de_off = off;
	si.i_pos = blk * 512 + (u64)(off & 511);
	si.de = *de;
	return actor(arg, s->name, len, &si);
}

static int scan_entry(struct fat_scan *s, const struct msdos_dir_entry *de, loff_t off,
		      u64 blk, fat_actor_t actor, void *arg)
{
	if (de->name[0] == DELETED_FLAG) {
		s->nr = 0;
		return 0;
	}
	if ((de->attr & 0x3f) == ATTR_EXT) {
		lfn_slot(s, (const struct msdos_dir_slot *)de, off);
		return 0;
	}
	if (de->attr & ATTR_VOLUME) {
		s->nr = 0;
		return 0;
	}
	return scan_short(s, de, off, blk, actor, arg);
}

/*
 * Calls actor for each name of dir from byte offset start on ("." and ".." skipped); stops at
 * the end-of-directory entry, or when actor returns nonzero (returned). -errno on read errors.
 */
int fat_dir_scan(struct inode *dir, loff_t start, fat_actor_t actor, void *arg)
{
	struct fat_scan *s = kzalloc(sizeof(*s), GFP_KERNEL);
	loff_t end = min(dir->i_size, (loff_t)FAT_DIR_MAX); /* a damaged chain can be longer */
	struct buffer_head *bh = NULL;
	int ret = 0;
	u64 blk = 0;

	if (!s)
		return -ENOMEM;
	for (loff_t off = start; !ret && off < end; off += 32) {
		const struct msdos_dir_entry *de;

		if (!bh || !(off & 511)) {
			brelse(bh);
			bh = NULL;
			ret = fat_dir_bread(dir, off, &bh, &blk);
			if (ret)
				break;
		}
		de = (const struct msdos_dir_entry *)(bh->b_data + (off & 511));
		if (!de->name[0])
			break;
		ret = scan_entry(s, de, off, blk, actor, arg);
	}
	brelse(bh);
	kfree(s);
	return ret == -ENOENT ? 0 : ret;
}

struct find_arg {
	const struct qstr *name;
	struct fat_slot_info *si;
};

static bool name_equal(const char *a, const char *b, u32 len)
{
	for (u32 i = 0; i < len; i++)
		if (tolower(a[i]) != tolower(b[i]))
			return false;
	return true;
}

static int find_actor(void *arg, const char *name, int len, struct fat_slot_info *si)
{
	struct find_arg *fa = arg;

	if ((u32)len != fa->name->len || !name_equal(name, fa->name->name, (u32)len))
		return 0;
	*fa->si = *si;
	return 1;
}

/* Finds name (case-insensitively): 0 and *si, -ENOENT, or -errno. */
int fat_dir_find(struct inode *dir, const struct qstr *name, struct fat_slot_info *si)
{
	struct find_arg fa = { .name = name, .si = si };
	int ret = fat_dir_scan(dir, 0, find_actor, &fa);

	if (ret == 1)
		return 0;
	return ret ? ret : -ENOENT;
}

static int any_actor(void *arg, const char *name, int len, struct fat_slot_info *si)
{
	(void)arg;
	(void)name;
	(void)len;
	(void)si;
	return 1;
}

/* 0 when dir holds nothing but "." and "..", -ENOTEMPTY, or -errno. */
int fat_dir_empty(struct inode *dir)
{
	int ret = fat_dir_scan(dir, 0, any_actor, NULL);

	return ret == 1 ? -ENOTEMPTY : ret;
}

struct short_arg {
	const u8 *shortname;
	u64 skip_pos;
};

static int short_actor(void *arg, const char *name, int len, struct fat_slot_info *si)
{
	struct short_arg *sa = arg;

	(void)name;
	(void)len;
	return si->i_pos != sa->skip_pos && !memcmp(si->de.name, sa->shortname, 11);
}

/* 1 when an entry of dir (but the one at skip_pos) has this 11-byte short name, 0 when none,
 * or -errno. */
int fat_shortname_exists(struct inode *dir, const u8 *shortname, u64 skip_pos)
{
	struct short_arg sa = { .shortname = shortname, .skip_pos = skip_pos };

	return fat_dir_scan(dir, 0, short_actor, &sa);
}

struct readdir_arg {
	struct dir_context *ctx;
};

static int readdir_actor(void *arg, const char *name, int len, struct fat_slot_info *si)
{
	struct dir_context *ctx = ((struct readdir_arg *)arg)->ctx;
	unsigned int type = (si->de.attr & ATTR_DIR) ? DT_DIR : DT_REG;

	ctx->pos = si->slot_off + 2;
	if (!dir_emit(ctx, name, len, si->i_pos >> 5, type))
		return 1;
	ctx->pos = si->de_off + 32 + 2;
	return 0;
}

/* ctx->pos: 0 and 1 are "." and "..", then 2 + the byte offset of the next entry. */
static int fat_readdir(struct file *file, struct dir_context *ctx)
{
	struct inode *dir = file_inode(file);
	struct readdir_arg ra = { .ctx = ctx };
	int ret;

	if (!dir_emit_dots(file, ctx))
		return 0;
	ret = fat_dir_scan(dir, ctx->pos - 2, readdir_actor, &ra);
	return ret < 0 ? ret : 0;
}

const struct file_operations fat_dir_operations = {
	.owner = THIS_MODULE,
	.iterate_shared = fat_readdir,
	.llseek = generic_file_llseek,
};
