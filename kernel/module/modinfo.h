/*
 * Reading a module's ".modinfo" section (Linux's format: "key=value" strings, NUL-separated)
 * and the policy checks based on it: licence and version magic.
 *
 * Entry boundaries: a NUL-separated chunk starts a new entry only if it begins with
 * "identifier=" ([A-Za-z0-9_]+ then '='); any other chunk (including empty ones) is a
 * continuation of the previous entry, and the NULs stay part of its value. So
 * MODULE_LICENSE("GPL\0for files in the GPL directory") yields the licence
 * "GPL\0for files in the GPL directory", which is not "GPL". Trailing NULs are not part of a
 * value. Chunks before the first entry are ignored. Nothing here allocates; fields point into
 * the section, which must outlive them. Values are (pointer, length), never NUL-terminated
 * strings: print them with "%.*s".
 */
#ifndef KEEL_MODULE_MODINFO_H
#define KEEL_MODULE_MODINFO_H

#include <keel/types.h>

struct modinfo_entry {
	const char *key;
	size_t key_len;
	const char *value;
	size_t value_len; /* may include embedded NULs (continuations) */
};

/* A single-valued field: the first entry with that key. */
struct modinfo_field {
	const char *str; /* NULL when absent */
	size_t len;
};

struct modinfo {
	const char *sec;
	size_t size;
	struct modinfo_field license, author, description, version, vermagic, depends, name;
	unsigned int nr_entries;
	unsigned int nr_licenses;
	bool gpl_compatible; /* at least one license=, and every one is GPL-compatible */
};

/* Walks the entries; start with *pos = 0. Fills *e and returns true, or false at the end. */
bool modinfo_next(const char *sec, size_t size, size_t *pos, struct modinfo_entry *e);

/* Fills *info from the section bytes (any bytes are accepted; absent fields stay NULL). */
void modinfo_parse(const void *sec, size_t size, struct modinfo *info);

/* Calls fn(value, len, arg) for every entry whose key is key; stops at fn's first non-zero. */
int modinfo_for_each(const struct modinfo *info, const char *key,
		     int (*fn)(const char *value, size_t len, void *arg), void *arg);
/* Calls fn for every module named in depends= (comma-separated, empty names skipped). */
int modinfo_for_each_depend(const struct modinfo *info,
			    int (*fn)(const char *name, size_t len, void *arg), void *arg);

/* True when the field is present and equal to s (whole value, byte for byte). */
bool modinfo_field_equals(const struct modinfo_field *f, const char *s);

/*
 * Linux's list of GPL-compatible licence strings: "GPL", "GPL v2", "GPL and additional
 * rights", "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL". Compared on the whole value.
 */
bool modinfo_license_is_gpl(const char *license, size_t len);

/* The kernel's version magic (see keel/vermagic.h). */
const char *modinfo_kernel_vermagic(void);
/*
 * 0 when the module's vermagic= equals the kernel's; otherwise prints
 * "<mod>: version magic '<module's>' should be '<kernel's>'" (or "<mod>: no version magic")
 * and returns -ENOEXEC.
 */
int modinfo_check_vermagic(const char *modname, const struct modinfo *info);

#endif
