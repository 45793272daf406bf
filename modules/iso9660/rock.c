/*
 * Rock Ridge (IEEE P1282 over SUSP, P1281): the POSIX names, modes, owners, times and symlink
 * targets that live in the System Use Area after each directory record's name, possibly
 * continued in CE areas elsewhere on the volume. Every length comes from the disk, so each
 * is checked against what holds it before use, and CE chains are bounded, so a damaged image
 * gives one error line and -EUCLEAN instead of a wild read or a loop. After Linux's
 * fs/isofs/rock.c.
 */
#include <keel/buffer_head.h>
#include <keel/errno.h>
#include <keel/string.h>
#include "isofs.h"

/* A chain longer than this is taken for a loop (mkisofs needs one or two). */
#define ROCK_MAX_CE 16
#define SUSP_HDR 4 /* signature, length, version */

/* Where the next continuation area is, from the last CE entry seen. */
struct rock_ce {
	bool present;
	u32 block, offset, len;
};

/* The state of one walk, for messages and the continuation. */
struct rock_walk {
	struct super_block *sb;
	const struct iso_record *rec;
	struct rock_info *ri;
	struct rock_ce ce;
};

static int rock_bad(struct rock_walk *w, const char *sig, const char *what, u32 val)
{
	isofs_bad(w->sb, w->rec->pos, "record at byte %llu: %s %s %u",
		  (unsigned long long)w->rec->pos, sig, what, val);
	return -EUCLEAN;
}

static int rock_ce(struct rock_walk *w, const u8 *p, u32 len)
{
	if (len < 28)
		return rock_bad(w, "CE", "entry length", len);
	w->ce.present = true;
	w->ce.block = iso_le32(p + 4);
	w->ce.offset = iso_le32(p + 12);
	w->ce.len = iso_le32(p + 20);
	return 0;
}

/* NM: a piece of the name; the pieces of continued entries are appended. */
static int rock_nm(struct rock_walk *w, const u8 *p, u32 len)
{
	struct rock_info *ri = w->ri;
	u32 n = len - 5;

	if (len < 5)
		return rock_bad(w, "NM", "entry length", len);
	if (p[4] & 0x06) /* CURRENT or PARENT: the "." and ".." records */
		return 0;
	if (ri->name_len + n > NAME_MAX)
		return rock_bad(w, "NM", "name longer than 255 bytes:", ri->name_len + n);
	memcpy(ri->name + ri->name_len, p + 5, n);
	ri->name_len += n;
	ri->name[ri->name_len] = 0;
	ri->has_name = true;
	return 0;
}

static int rock_px(struct rock_walk *w, const u8 *p, u32 len)
{
	if (len < 36)
		return rock_bad(w, "PX", "entry length", len);
	w->ri->mode = iso_le32(p + 4);
	w->ri->nlink = iso_le32(p + 12);
	w->ri->uid = iso_le32(p + 20);
	w->ri->gid = iso_le32(p + 28);
	w->ri->has_px = true;
	return 0;
}

static int link_append(struct rock_walk *w, const void *s, u32 n)
{
	struct rock_info *ri = w->ri;

	if (ri->link_len + n >= ISOFS_LINK_MAX)
		return rock_bad(w, "SL", "target longer than", ISOFS_LINK_MAX - 1);
	memcpy(ri->link + ri->link_len, s, n);
	ri->link_len += n;
	ri->link[ri->link_len] = 0;
	return 0;
}

/* One SL component: "/" between components unless the previous one continues. */
static int sl_component(struct rock_walk *w, u8 flags, const u8 *text, u32 n)
{
	struct rock_info *ri = w->ri;
	int err = 0;

	if (ri->link_len && !ri->link_cont && ri->link[ri->link_len - 1] != '/')
		err = link_append(w, "/", 1);
	if (!err && (flags & 0x08))
		err = ri->link_len ? 0 : link_append(w, "/", 1);
	else if (!err && (flags & 0x04))
		err = link_append(w, "..", 2);
	else if (!err && (flags & 0x02))
		err = link_append(w, ".", 1);
	else if (!err)
		err = link_append(w, text, n);
	ri->link_cont = flags & 0x01;
	return err;
}

static int rock_sl(struct rock_walk *w, const u8 *p, u32 len)
{
	u32 off = 5;
	int err = 0;

	if (len < 5)
		return rock_bad(w, "SL", "entry length", len);
	if (!w->ri->link)
		return 0;
	w->ri->has_link = true;
	while (!err && off < len) {
		if (off + 2 > len || off + 2 + p[off + 1] > len)
			return rock_bad(w, "SL", "component past the entry at offset", off);
		err = sl_component(w, p[off], p + off + 2, p[off + 1]);
		off += 2 + p[off + 1];
	}
	return err;
}

static void rock_set_time(struct rock_info *ri, u8 which, const u8 *stamp)
{
	struct timespec64 t = iso_date_to_time(stamp);

	if (which == ROCK_TF_MTIME)
		ri->mtime = t;
	else if (which == ROCK_TF_ATIME)
		ri->atime = t;
	else if (which == ROCK_TF_CTIME)
		ri->ctime = t;
	ri->times |= which;
}

/* TF: the stamps present, in flag order (creation, modify, access, attributes, ...); bit 7
 * says 17-byte text stamps, which are stepped over: the record's own date stays. */
static int rock_tf(struct rock_walk *w, const u8 *p, u32 len)
{
	static const u8 slot[7] = { 0, ROCK_TF_MTIME, ROCK_TF_ATIME, ROCK_TF_CTIME };
	u32 size, off = 5;

	if (len < 5)
		return rock_bad(w, "TF", "entry length", len);
	size = (p[4] & 0x80) ? 17 : 7;
	for (int bit = 0; bit < 7; bit++) {
		if (!(p[4] & (1 << bit)))
			continue;
		if (off + size > len)
			return rock_bad(w, "TF", "stamps past the entry, length", len);
		if (size == 7 && slot[bit])
			rock_set_time(w->ri, slot[bit], p + off);
		off += size;
	}
	return 0;
}

static int rock_entry(struct rock_walk *w, const u8 *p, u32 len)
{
	if (p[0] == 'C' && p[1] == 'E')
		return rock_ce(w, p, len);
	if (p[0] == 'N' && p[1] == 'M')
		return rock_nm(w, p, len);
	if (p[0] == 'P' && p[1] == 'X')
		return rock_px(w, p, len);
	if (p[0] == 'S' && p[1] == 'L')
		return rock_sl(w, p, len);
	if (p[0] == 'T' && p[1] == 'F')
		return rock_tf(w, p, len);
	if (p[0] == 'R' && p[1] == 'E')
		w->ri->relocated = true;
	return 0;
}

/* A signature byte fit for a message line. */
static char susp_char(u8 c)
{
	return c >= 'A' && c <= 'Z' ? (char)c : '?';
}

/* The entries of one area; a trailing piece shorter than a header is padding. */
static int rock_area(struct rock_walk *w, const u8 *p, u32 len)
{
	u32 off = 0;
	int err = 0;

	while (!err && off + SUSP_HDR <= len) {
		char sig[3] = { susp_char(p[off]), susp_char(p[off + 1]), 0 };
		u32 elen = p[off + 2];

		if (elen < SUSP_HDR)
			return rock_bad(w, sig, "SUSP entry length", elen);
		if (off + elen > len)
			return rock_bad(w, sig, "SUSP entry past the area, length", elen);
		if (sig[0] == 'S' && sig[1] == 'T')
			break;
		err = rock_entry(w, p + off, elen);
		off += elen;
	}
	return err;
}

/* Reads the continuation area the last CE named and walks it. */
static int rock_follow(struct rock_walk *w)
{
	struct rock_ce ce = w->ce;
	struct buffer_head *bh;
	int err;

	if (ce.block >= ISOFS_SB(w->sb)->s_nzones)
		return rock_bad(w, "CE", "area past the volume end: block", ce.block);
	if (ce.offset >= ISOFS_BLOCK_SIZE || ce.len > ISOFS_BLOCK_SIZE - ce.offset)
		return rock_bad(w, "CE", "area past its block end: length", ce.len);
	bh = sb_bread(w->sb, ce.block);
	if (IS_ERR(bh))
		return rock_bad(w, "CE", "area unreadable: block", ce.block);
	w->ce.present = false;
	err = rock_area(w, (const u8 *)bh->b_data + ce.offset, ce.len);
	brelse(bh);
	return err;
}

/* The System Use Area of a record: after the name and its padding byte. */
static u32 rock_sua_offset(struct super_block *sb, const struct iso_record *rec)
{
	u32 n = rec->d[ISO_DR_NAME_LEN];

	return ISO_DR_NAME + n + !(n & 1) + ISOFS_SB(sb)->s_rock_offset;
}

int rock_parse(struct super_block *sb, const struct iso_record *rec, struct rock_info *ri)
{
	struct rock_walk w = { .sb = sb, .rec = rec, .ri = ri };
	u32 off = rock_sua_offset(sb, rec);
	int err = 0, hops;

	if (!ISOFS_SB(sb)->s_rock || off >= rec->len)
		return 0;
	err = rock_area(&w, rec->d + off, rec->len - off);
	for (hops = 0; !err && w.ce.present && hops < ROCK_MAX_CE; hops++)
		err = rock_follow(&w);
	if (!err && w.ce.present) {
		isofs_bad(sb, rec->pos, "record at byte %llu: CE areas chained over %d deep "
			  "(a loop?)", (unsigned long long)rec->pos, ROCK_MAX_CE);
		return -EUCLEAN;
	}
	return err;
}

/* SUSP 5.3: Rock Ridge is there when the root's "." record starts its area with SP. */
int rock_detect(struct super_block *sb, const struct iso_record *dot)
{
	u32 off = ISO_DR_NAME + dot->d[ISO_DR_NAME_LEN];
	const u8 *p = dot->d + off + !(dot->d[ISO_DR_NAME_LEN] & 1);

	off += !(dot->d[ISO_DR_NAME_LEN] & 1);
	if (off + 7 > dot->len || p[0] != 'S' || p[1] != 'P' || p[2] < 7)
		return 0;
	if (p[4] != 0xbe || p[5] != 0xef)
		return 0;
	ISOFS_SB(sb)->s_rock = true;
	ISOFS_SB(sb)->s_rock_offset = p[6];
	return 0;
}
