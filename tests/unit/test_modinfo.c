/*
 * Host unit tests for .modinfo parsing and policy (kernel/module/modinfo.c): entry boundaries
 * with embedded NULs, the GPL-compatible licence list, vermagic and depends=.
 */
/* UNIT_SOURCES: kernel/module/modinfo.c libk/string.c libk/vsnprintf.c */
#include <stdio.h>
#include <stdlib.h>
#include <keel/errno.h>
#include <keel/string.h>
#include <keel/vermagic.h>
#include "init/version.h"
#include "module/modinfo.h"
#include "unit.h"
#include "host_printk.h"


/* Parses a section given as a string literal (sizeof - 1: the literal's own final NUL). */
#define PARSE(lit, info) parse_copy(lit, sizeof(lit) - 1, info)

/* Copies to an exact-size heap block so ASan catches any read past the section. */
static char *parse_copy(const char *bytes, size_t size, struct modinfo *info)
{
	static char *copy;

	free(copy);
	copy = malloc(size ? size : 1);
	memcpy(copy, bytes, size);
	modinfo_parse(copy, size, info);
	return copy;
}

static void test_basic_fields(void)
{
	struct modinfo info;

	PARSE("license=GPL\0author=Ada\0description=Says hello\0version=1.0\0"
	      "vermagic=" VERMAGIC_STRING "\0depends=\0name=hello\0", &info);
	CHECK(info.nr_entries == 7);
	CHECK(modinfo_field_equals(&info.license, "GPL") && info.gpl_compatible);
	CHECK(modinfo_field_equals(&info.author, "Ada"));
	CHECK(modinfo_field_equals(&info.description, "Says hello"));
	CHECK(modinfo_field_equals(&info.version, "1.0"));
	CHECK(modinfo_field_equals(&info.name, "hello"));
	CHECK(info.depends.str && info.depends.len == 0);
	CHECK(modinfo_check_vermagic("hello", &info) == 0);
}

static void test_embedded_nul_license(void)
{
	struct modinfo info;

	PARSE("license=GPL\0for files in the GPL directory\0author=X\0", &info);
	CHECK(info.nr_licenses == 1 && !info.gpl_compatible);
	CHECK(info.license.len == sizeof("GPL\0for files in the GPL directory") - 1);
	CHECK(modinfo_field_equals(&info.author, "X"));
	/* Empty chunks inside a continuation stay part of it. */
	PARSE("license=GPL\0\0\0trailing words\0", &info);
	CHECK(!info.gpl_compatible && info.license.len == 3 + 3 + 14);
	/* Padding NULs between entries and at the end are not part of values. */
	PARSE("license=GPL\0\0\0\0author=Y\0\0\0", &info);
	CHECK(info.gpl_compatible && modinfo_field_equals(&info.author, "Y"));
	/* "k y=z" is not "identifier=": a continuation. */
	PARSE("license=GPL\0k y=z\0", &info);
	CHECK(!info.gpl_compatible && info.nr_entries == 1);
}

static void test_license_list(void)
{
	static const char *const good[] = { "GPL", "GPL v2", "GPL and additional rights",
					    "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL" };
	static const char *const bad[] = { "GPL v3", "gpl", "Proprietary", "", "GPL ",
					   "Dual BSD/GPL/x", "BSD" };
	struct modinfo info;

	for (size_t i = 0; i < ARRAY_SIZE(good); i++)
		CHECK(modinfo_license_is_gpl(good[i], strlen(good[i])));
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		CHECK(!modinfo_license_is_gpl(bad[i], strlen(bad[i])));
	PARSE("license=GPL\0license=Proprietary\0", &info);
	CHECK(info.nr_licenses == 2 && !info.gpl_compatible);
	CHECK(modinfo_field_equals(&info.license, "GPL")); /* the first one is shown */
	PARSE("author=nobody\0", &info);
	CHECK(info.nr_licenses == 0 && !info.gpl_compatible && !info.license.str);
}

static void test_malformed_sections(void)
{
	struct modinfo info;
	char *sec;

	modinfo_parse(NULL, 100, &info);
	CHECK(info.nr_entries == 0 && !info.license.str);
	parse_copy("", 0, &info);
	CHECK(info.nr_entries == 0);
	PARSE("\0\0junk without key\0=nokey\0license=GPL", &info); /* no final NUL */
	CHECK(info.nr_entries == 1 && info.gpl_compatible);
	sec = PARSE("license=", &info);
	CHECK(info.license.str == sec + 8 && info.license.len == 0 && !info.gpl_compatible);
	PARSE("license", &info);
	CHECK(info.nr_entries == 0);
	PARSE("=\0==\0a=b=c\0", &info);
	CHECK(info.nr_entries == 1);
}

static int count_aliases(const char *value, size_t len, void *arg)
{
	(*(int *)arg)++;
	return len == 3 && memcmp(value, "bar", 3) == 0 ? 42 : 0;
}

static int collect_dep(const char *name, size_t len, void *arg)
{
	char *out = arg;
	size_t used = strlen(out);

	memcpy(out + used, name, len);
	out[used + len] = '|';
	out[used + len + 1] = '\0';
	return 0;
}

static void test_iteration(void)
{
	struct modinfo info;
	char deps[64] = "";
	int n = 0;

	PARSE("alias=foo\0depends=a,,bc,\0alias=bar\0alias=baz\0", &info);
	CHECK(modinfo_for_each(&info, "alias", count_aliases, &n) == 42 && n == 2);
	CHECK(modinfo_for_each_depend(&info, collect_dep, deps) == 0);
	CHECK(strcmp(deps, "a|bc|") == 0);
}

static void test_vermagic(void)
{
	struct modinfo info;

	CHECK(strcmp(modinfo_kernel_vermagic(), KEEL_VERSION " " VERMAGIC_ABI) == 0);
	PARSE("vermagic=0.0.9 x86_64 mcmodel=kernel\0", &info);
	CHECK(modinfo_check_vermagic("old", &info) == -ENOEXEC);
	CHECK(strstr(unit_last_msg, "old: version magic '0.0.9 x86_64 mcmodel=kernel' should be '"
			       VERMAGIC_STRING "'") != NULL);
	PARSE("vermagic=" VERMAGIC_STRING "\0extra\0", &info);
	CHECK(modinfo_check_vermagic("padded", &info) == -ENOEXEC);
	PARSE("license=GPL\0", &info);
	CHECK(modinfo_check_vermagic("none", &info) == -ENOEXEC);
	CHECK(strstr(unit_last_msg, "none: no version magic") != NULL);
}

int main(void)
{
	test_basic_fields();
	test_embedded_nul_license();
	test_license_list();
	test_malformed_sections();
	test_iteration();
	test_vermagic();
	parse_copy("", 0, &(struct modinfo){ 0 });
	return unit_summary();
}
