/*
 * VFAT names: checking a long name, the case-insensitive hash and compare the dcache uses,
 * choosing the 8.3 short name (the name itself when it fits, else an alias NAME~n.EXT no
 * other entry of the directory has), and encoding the long-name slots that precede it.
 */
#include <keel/sprintf.h>
#include "name.h"

#define LFN_CHARS 13

static u32 vfat_hash(const struct dentry *parent, const char *name, u32 len)
{
	u32 h = 2166136261u; /* FNV-1a over the lower-cased bytes */

	(void)parent;
	for (u32 i = 0; i < len; i++)
		h = (h ^ (u8)tolower(name[i])) * 16777619u;
	return h;
}

static int vfat_cmp(const struct dentry *dentry, u32 len, const char *str,
		    const struct qstr *name)
{
	(void)dentry;
	if (len != name->len)
		return 1;
	for (u32 i = 0; i < len; i++)
		if (tolower(str[i]) != tolower(name->name[i]))
			return 1;
	return 0;
}

const struct dentry_operations vfat_dentry_ops = {
	.d_hash = vfat_hash,
	.d_compare = vfat_cmp,
};

/* One UTF-8 character at s (BMP only): its length, or 0 when invalid. */
static int utf8_char(const u8 *s, u32 left, u16 *out)
{
	if (s[0] < 0x80) {
		*out = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0 && left >= 2 && (s[1] & 0xc0) == 0x80) {
		*out = (u16)(((s[0] & 0x1f) << 6) | (s[1] & 0x3f));
		return *out >= 0x80 ? 2 : 0;
	}
	if ((s[0] & 0xf0) == 0xe0 && left >= 3 && (s[1] & 0xc0) == 0x80 &&
	    (s[2] & 0xc0) == 0x80) {
		*out = (u16)(((s[0] & 0x0f) << 12) | ((s[1] & 0x3f) << 6) | (s[2] & 0x3f));
		return *out >= 0x800 ? 3 : 0;
	}
	return 0;
}

static bool lfn_char_ok(u16 c)
{
	return c >= 0x20 && !strchr("\"*/:<>?\\|", c < 0x80 ? (int)c : 'a');
}

/* name as UCS-2 into vn->uni; -EINVAL for characters FAT cannot store or a name ending in a
 * dot or space (Windows would not find it), -ENAMETOOLONG. */
int vfat_parse_name(const struct qstr *name, struct vfat_name *vn)
{
	const u8 *s = (const u8 *)name->name;
	u32 i = 0;

	vn->len = 0;
	if (!name->len || s[name->len - 1] == '.' || s[name->len - 1] == ' ')
		return -EINVAL;
	while (i < name->len) {
		u16 c;
		int n = utf8_char(s + i, name->len - i, &c);

		if (!n || !lfn_char_ok(c))
			return -EINVAL;
		if (vn->len == FAT_LFN_MAX)
			return -ENAMETOOLONG;
		vn->uni[vn->len++] = c;
		i += (u32)n;
	}
	return 0;
}

static bool short_char_ok(u16 c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       (c < 0x80 && strchr("$%'-_@~`!(){}^#&", (int)c) && c);
}

/* Case of part [from, to) of the name: bit 0 some upper, bit 1 some lower. */
static int part_case(const struct vfat_name *vn, u32 from, u32 to)
{
	int cases = 0;

	for (u32 i = from; i < to; i++) {
		if (vn->uni[i] >= 'A' && vn->uni[i] <= 'Z')
			cases |= 1;
		if (vn->uni[i] >= 'a' && vn->uni[i] <= 'z')
			cases |= 2;
	}
	return cases;
}

enum fit83 {
	FIT_NONE,  /* needs an alias NAME~n.EXT */
	FIT_EXACT, /* is its own short name (one case per part): no long-name slots */
	FIT_CASE,  /* would be, but for mixed case: the upper-cased name, plus long-name slots */
};

/* Whether the name fits 8.3; vn->shortname and vn->lcase are filled when it does. */
static enum fit83 fits_83(struct vfat_name *vn)
{
	u32 dot = vn->len, i;
	int bc, ec;

	for (i = 0; i < vn->len; i++) {
		if (vn->uni[i] == '.' && dot == vn->len)
			dot = i;
		else if (!short_char_ok(vn->uni[i]))
			return FIT_NONE;
	}
	if (dot == 0 || dot > 8 || (dot < vn->len && vn->len - dot - 1 > 3) ||
	    dot == vn->len - 1)
		return FIT_NONE;
	bc = part_case(vn, 0, dot);
	ec = dot < vn->len ? part_case(vn, dot + 1, vn->len) : 0;
	memset(vn->shortname, ' ', 11);
	for (i = 0; i < dot; i++)
		vn->shortname[i] = (u8)toupper(vn->uni[i]);
	for (i = dot + 1; i < vn->len; i++)
		vn->shortname[8 + i - dot - 1] = (u8)toupper(vn->uni[i]);
	vn->lcase = (bc == 2 ? CASE_LOWER_BASE : 0) | (ec == 2 ? CASE_LOWER_EXT : 0);
	return bc == 3 || ec == 3 ? FIT_CASE : FIT_EXACT;
}

/* A character of the alias: upper case, '_' for what a short name cannot hold. */
static u8 alias_char(u16 c)
{
	if (c >= 0x80 || !short_char_ok(c))
		return '_';
	return (u8)toupper(c);
}

/* The alias's base (up to 8 characters) and extension, before a numeric tail. */
static int alias_basis(const struct vfat_name *vn, u8 *base, u8 *ext)
{
	u32 dot = vn->len;
	int blen = 0, elen = 0;

	for (u32 i = 1; i < vn->len; i++)
		if (vn->uni[i] == '.')
			dot = i;
	for (u32 i = 0; i < dot && blen < 8; i++)
		if (vn->uni[i] != '.' && vn->uni[i] != ' ')
			base[blen++] = alias_char(vn->uni[i]);
	for (u32 i = dot + 1; i < vn->len && elen < 3; i++)
		if (vn->uni[i] != ' ')
			ext[elen++] = alias_char(vn->uni[i]);
	if (!blen)
		base[blen++] = '_';
	memset(ext + elen, ' ', 3 - (size_t)elen);
	return blen;
}

/* shortname = base truncated to make room for "~n", then the tail and the extension. */
static void alias_with_tail(u8 *shortname, const u8 *base, int blen, const u8 *ext, u32 n)
{
	char tail[9];
	int tlen = snprintf(tail, sizeof(tail), "~%u", n);
	int keep = blen < 8 - tlen ? blen : 8 - tlen;

	memset(shortname, ' ', 11);
	memcpy(shortname, base, (size_t)keep);
	memcpy(shortname + keep, tail, (size_t)tlen);
	memcpy(shortname + 8, ext, 3);
}

/*
 * Chooses vn->shortname for a new entry in dir: the name when it fits 8.3 (vn->need_lfn
 * false), its upper-cased form when only the case is mixed and no entry has it, else the
 * first NAME~n.EXT free in dir. skip_pos: an entry not to count (the one a rename replaces).
 * 0, -EEXIST when no alias is left, or -errno.
 */
int vfat_make_shortname(struct inode *dir, struct vfat_name *vn, u64 skip_pos)
{
	enum fit83 fit = fits_83(vn);
	u8 base[8], ext[3];
	int blen, ret;

	vn->need_lfn = fit != FIT_EXACT;
	if (fit != FIT_NONE) {
		ret = fat_shortname_exists(dir, vn->shortname, skip_pos);
		if (ret <= 0 || fit == FIT_EXACT) {
			vn->lcase = fit == FIT_CASE ? 0 : vn->lcase;
			return ret > 0 ? -EEXIST : ret;
		}
	}
	vn->lcase = 0;
	blen = alias_basis(vn, base, ext);
	for (u32 n = 1; n < 1000000; n++) {
		alias_with_tail(vn->shortname, base, blen, ext, n);
		ret = fat_shortname_exists(dir, vn->shortname, skip_pos);
		if (ret <= 0)
			return ret;
	}
	return -EEXIST;
}

/* The 13 characters of slot seq (1-based): the name, one NUL after it, then 0xffff. */
static void fill_slot(struct msdos_dir_slot *ds, const struct vfat_name *vn, int seq)
{
	u16 c[LFN_CHARS];

	for (int k = 0; k < LFN_CHARS; k++) {
		u32 idx = (u32)(seq - 1) * LFN_CHARS + (u32)k;

		c[k] = idx < vn->len ? vn->uni[idx] : idx == vn->len ? 0 : 0xffff;
	}
	memcpy(ds->name0_4, c, 10);
	memcpy(ds->name5_10, c + 5, 12);
	memcpy(ds->name11_12, c + 11, 4);
}

/* The entries to write for vn: long-name slots (last part first) and de. Their count. */
int vfat_build_slots(const struct vfat_name *vn, const struct msdos_dir_entry *de,
		     struct msdos_dir_slot *slots)
{
	int nr = vn->need_lfn ? (int)((vn->len + LFN_CHARS - 1) / LFN_CHARS) : 0;
	u8 csum = fat_checksum(de->name);

	for (int i = 0; i < nr; i++) {
		struct msdos_dir_slot *ds = &slots[i];
		int seq = nr - i;

		memset(ds, 0, sizeof(*ds));
		ds->id = (u8)(seq | (i == 0 ? LAST_LONG_ENTRY : 0));
		ds->attr = ATTR_EXT;
		ds->alias_checksum = csum;
		fill_slot(ds, vn, seq);
	}
	memcpy(&slots[nr], de, sizeof(*de));
	return nr + 1;
}
