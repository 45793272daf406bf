/*
 * .modinfo parsing and the policy checks built on it (licence, version magic). The section
 * comes from an untrusted file, so every read is bounded by its size and values are handled
 * as (pointer, length) pairs; see modinfo.h for how entry boundaries are decided.
 */
#include <keel/errno.h>
#include <keel/minmax.h>
#include <keel/printk.h>
#include <keel/string.h>
#include <keel/vermagic.h>
#include "init/version.h"
#include "module/modinfo.h"

static const char kernel_vermagic[] = VERMAGIC_STRING;

static const char *const gpl_compatible_licenses[] = {
	"GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL", "Dual MIT/GPL",
	"Dual MPL/GPL",
};

const char *modinfo_kernel_vermagic(void)
{
	return kernel_vermagic;
}

static bool is_key_char(char c)
{
	return isalnum(c) || c == '_';
}

/* Length of the "key" when the chunk at p (bounded by end) starts with "key=", else 0. */
static size_t key_length(const char *p, const char *end)
{
	const char *q = p;

	while (q < end && is_key_char(*q))
		q++;
	return (q > p && q < end && *q == '=') ? (size_t)(q - p) : 0;
}

static const char *chunk_end(const char *p, const char *end)
{
	const char *nul = memchr(p, '\0', end - p);

	return nul ? nul : end;
}

/* The end of the entry whose first chunk starts at p: continuation chunks are taken in. */
static const char *entry_end(const char *p, const char *end)
{
	const char *last = chunk_end(p, end);
	const char *q = last;

	while (q < end) {
		q++; /* past the NUL */
		if (q >= end || key_length(q, end))
			break;
		q = chunk_end(q, end);
		if (q > last && q[-1] != '\0')
			last = q;
	}
	return last;
}

bool modinfo_next(const char *sec, size_t size, size_t *pos, struct modinfo_entry *e)
{
	const char *end = sec + size, *p = sec + *pos;
	size_t klen;

	if (!sec)
		return false;
	/* Skip anything that does not start an entry (only possible before the first one). */
	while (p < end && !(klen = key_length(p, end))) {
		const char *stop = chunk_end(p, end);

		p = stop < end ? stop + 1 : end;
	}
	if (p >= end) {
		*pos = size;
		return false;
	}
	e->key = p;
	e->key_len = klen;
	e->value = p + klen + 1;
	p = entry_end(p, end);
	while (p > e->value && p[-1] == '\0')
		p--;
	e->value_len = p - e->value;
	*pos = min((size_t)(chunk_end(p, end) - sec) + 1, size);
	return true;
}

static bool key_is(const struct modinfo_entry *e, const char *key)
{
	return strlen(key) == e->key_len && memcmp(e->key, key, e->key_len) == 0;
}

bool modinfo_license_is_gpl(const char *license, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(gpl_compatible_licenses); i++) {
		const char *ok = gpl_compatible_licenses[i];

		if (strlen(ok) == len && memcmp(ok, license, len) == 0)
			return true;
	}
	return false;
}

static void set_first(struct modinfo_field *f, const struct modinfo_entry *e)
{
	if (!f->str) {
		f->str = e->value;
		f->len = e->value_len;
	}
}

static struct modinfo_field *field_for(struct modinfo *info, const struct modinfo_entry *e)
{
	static const struct {
		const char *key;
		size_t offset;
	} fields[] = {
		{ "license", __builtin_offsetof(struct modinfo, license) },
		{ "author", __builtin_offsetof(struct modinfo, author) },
		{ "description", __builtin_offsetof(struct modinfo, description) },
		{ "version", __builtin_offsetof(struct modinfo, version) },
		{ "vermagic", __builtin_offsetof(struct modinfo, vermagic) },
		{ "depends", __builtin_offsetof(struct modinfo, depends) },
		{ "name", __builtin_offsetof(struct modinfo, name) },
	};

	for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
		if (key_is(e, fields[i].key))
			return (struct modinfo_field *)((char *)info + fields[i].offset);
	return NULL;
}

void modinfo_parse(const void *sec, size_t size, struct modinfo *info)
{
	struct modinfo_entry e;
	size_t pos = 0;
	bool all_gpl = true;

	memset(info, 0, sizeof(*info));
	info->sec = sec;
	info->size = sec ? size : 0;
	while (modinfo_next(info->sec, info->size, &pos, &e)) {
		struct modinfo_field *f = field_for(info, &e);

		info->nr_entries++;
		if (f)
			set_first(f, &e);
		if (key_is(&e, "license")) {
			info->nr_licenses++;
			all_gpl = all_gpl && modinfo_license_is_gpl(e.value, e.value_len);
		}
	}
	info->gpl_compatible = info->nr_licenses > 0 && all_gpl;
}

int modinfo_for_each(const struct modinfo *info, const char *key,
		     int (*fn)(const char *value, size_t len, void *arg), void *arg)
{
	struct modinfo_entry e;
	size_t pos = 0;

	while (modinfo_next(info->sec, info->size, &pos, &e)) {
		int ret = key_is(&e, key) ? fn(e.value, e.value_len, arg) : 0;

		if (ret)
			return ret;
	}
	return 0;
}

int modinfo_for_each_depend(const struct modinfo *info,
			    int (*fn)(const char *name, size_t len, void *arg), void *arg)
{
	const char *p = info->depends.str, *end = p + info->depends.len;

	while (p && p < end) {
		const char *comma = memchr(p, ',', end - p);
		const char *stop = comma ? comma : end;
		int ret = stop > p ? fn(p, stop - p, arg) : 0;

		if (ret)
			return ret;
		p = stop + 1;
	}
	return 0;
}

bool modinfo_field_equals(const struct modinfo_field *f, const char *s)
{
	return f->str && strlen(s) == f->len && memcmp(f->str, s, f->len) == 0;
}

int modinfo_check_vermagic(const char *modname, const struct modinfo *info)
{
	if (!info->vermagic.str) {
		pr_err("%s: no version magic, refusing to load (a plain .o, not built by modpost?)\n", modname);
		return -ENOEXEC;
	}
	if (!modinfo_field_equals(&info->vermagic, kernel_vermagic)) {
		pr_err("%s: version magic '%.*s' should be '%s'\n", modname,
		       (int)info->vermagic.len, info->vermagic.str, kernel_vermagic);
		return -ENOEXEC;
	}
	return 0;
}
