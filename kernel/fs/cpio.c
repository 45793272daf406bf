/*
 * Reads cpio "newc" archives: 110-byte headers of ASCII hex fields, each followed by the name
 * and the data, both padded to 4 bytes. Every field is checked against the archive's size, so a
 * corrupt initrd yields an error at a known offset rather than a wild read.
 */
#include <keel/errno.h>
#include <keel/string.h>
#include "fs/cpio.h"

#define NEWC_HEADER_SIZE 110
#define NEWC_FIELD_LEN 8
#define NEWC_TRAILER "TRAILER!!!"

/* Field indexes in the header, after the 6-byte magic. */
enum newc_field { F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE, F_DEVMAJOR,
		  F_DEVMINOR, F_RDEVMAJOR, F_RDEVMINOR, F_NAMESIZE, F_CHECK, NEWC_FIELDS };

struct newc_header {
	u32 field[NEWC_FIELDS];
};

static int parse_hex_field(const char *s, u32 *out)
{
	u32 v = 0;

	for (int i = 0; i < NEWC_FIELD_LEN; i++) {
		char c = s[i];

		if (!isxdigit(c))
			return -EINVAL;
		v = v << 4 | (u32)(isdigit(c) ? c - '0' : (c | 32) - 'a' + 10);
	}
	*out = v;
	return 0;
}

static const char *parse_header(const char *p, struct newc_header *h)
{
	/* 070702 is the same layout with a checksum in F_CHECK, which we do not verify. */
	if (memcmp(p, "070701", 6) != 0 && memcmp(p, "070702", 6) != 0)
		return "bad magic (not a cpio newc archive)";
	for (int i = 0; i < NEWC_FIELDS; i++)
		if (parse_hex_field(p + 6 + i * NEWC_FIELD_LEN, &h->field[i]) < 0)
			return "header field is not hexadecimal";
	return NULL;
}

static int fail(struct cpio_error *err, size_t offset, const char *what)
{
	if (err) {
		err->offset = offset;
		err->what = what;
	}
	return -EBADMSG;
}

/* Checks name and data placement for the member at off; fills entry and the next offset. */
static const char *locate_member(const u8 *base, size_t size, size_t off, const struct newc_header *h,
				 struct cpio_entry *entry, size_t *next)
{
	size_t name_off = off + NEWC_HEADER_SIZE, name_size = h->field[F_NAMESIZE];
	size_t data_off, file_size = h->field[F_FILESIZE];

	if (name_size < 2)
		return "empty member name";
	if (name_size > size - name_off)
		return "member name runs past the end of the archive";
	if (strnlen((const char *)base + name_off, name_size) != name_size - 1)
		return "member name is not NUL-terminated where its size says";
	data_off = ALIGN_UP(name_off + name_size, 4);
	if (data_off > size || file_size > size - data_off)
		return "member data runs past the end of the archive";
	entry->name = (const char *)base + name_off;
	entry->mode = h->field[F_MODE];
	entry->mtime = h->field[F_MTIME];
	entry->data = base + data_off;
	entry->size = file_size;
	*next = ALIGN_UP(data_off + file_size, 4);
	return NULL;
}

int cpio_for_each(const void *archive, size_t size, cpio_entry_fn fn, void *arg,
		  struct cpio_error *err)
{
	const u8 *base = archive;
	size_t off = 0;

	for (;;) {
		struct newc_header h;
		struct cpio_entry entry;
		const char *why;
		size_t next;
		int ret;

		if (off >= size)
			return fail(err, off, "archive ends without a TRAILER!!! member");
		if (size - off < NEWC_HEADER_SIZE)
			return fail(err, off, "member header cut short by the end of the archive");
		why = parse_header((const char *)base + off, &h);
		if (!why)
			why = locate_member(base, size, off, &h, &entry, &next);
		if (why)
			return fail(err, off, why);
		if (strcmp(entry.name, NEWC_TRAILER) == 0)
			return 0;
		ret = fn(&entry, arg);
		if (ret)
			return ret;
		off = next;
	}
}
