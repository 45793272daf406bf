/*
 * Host unit tests for the export table (kernel/module/exports.c): lookups, collisions and
 * growth, all-or-nothing module registration, removal, and the CRC and licence checks.
 */
/* UNIT_SOURCES: kernel/module/exports.c libk/string.c libk/vsnprintf.c libk/errname.c */
#include <stdio.h>
#include <stdlib.h>
#include <keel/errno.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "module/exports.h"
#include "unit.h"
#include "host_printk.h"

/* The kernel services exports.c uses, backed by the host. */
void *kmalloc(size_t size, gfp_t gfp) { return malloc(size ? size : 1); }
void *kzalloc(size_t size, gfp_t gfp) { return calloc(1, size ? size : 1); }
void *kcalloc(size_t n, size_t size, gfp_t gfp) { return calloc(n ? n : 1, size ? size : 1); }
void kfree(const void *p) { free((void *)p); }

static int fake_module_a, fake_module_b; /* addresses stand in for struct module pointers */
#define MOD_A ((struct module *)&fake_module_a)
#define MOD_B ((struct module *)&fake_module_b)

static const struct kernel_symbol kernel_syms[] = {
	{ 0x1000, "printk", 0x11111111, 0 },
	{ 0x2000, "kmalloc", 0x22222222, 0 },
	{ 0x3000, "request_irq", 0x33333333, KSYM_FLAG_GPL_ONLY },
};

static void test_kernel_table(void)
{
	const struct export_entry *e;

	CHECK(export_table_init_range(kernel_syms, kernel_syms + 3) == 0);
	CHECK(export_count() == 3);
	e = export_lookup("kmalloc");
	CHECK(e && e->addr == 0x2000 && e->crc == 0x22222222 && !e->gpl_only && !e->owner);
	CHECK(e && strcmp(e->owner_name, "keel") == 0);
	e = export_lookup("request_irq");
	CHECK(e && e->gpl_only);
	CHECK(export_lookup("kfree") == NULL);
	CHECK(export_lookup("") == NULL);
	CHECK(export_lookup(NULL) == NULL);
}

static void test_module_add_remove(void)
{
	static const struct kernel_symbol a_syms[] = {
		{ 0xa000, "foo_register", 0xaaaa, 0 },
		{ 0xa100, "foo_unregister", 0xbbbb, KSYM_FLAG_GPL_ONLY },
	};
	const struct export_entry *e;

	CHECK(export_add_module_symbols(MOD_A, "foo", a_syms, 2) == 0);
	CHECK(export_count() == 5);
	e = export_lookup("foo_unregister");
	CHECK(e && e->owner == MOD_A && e->gpl_only && strcmp(e->owner_name, "foo") == 0);
	CHECK(export_add_module_symbols(MOD_A, "foo", NULL, 0) == 0);
	export_remove_module(MOD_B); /* owns nothing: no effect */
	CHECK(export_count() == 5);
	export_remove_module(MOD_A);
	CHECK(export_count() == 3);
	CHECK(export_lookup("foo_register") == NULL && export_lookup("printk") != NULL);
	export_remove_module(NULL); /* never removes the kernel's own symbols */
	CHECK(export_count() == 3);
	CHECK(export_add_module_symbols(MOD_A, "foo", a_syms, 2) == 0); /* again after removal */
	export_remove_module(MOD_A);
}

static void test_duplicates_all_or_nothing(void)
{
	static const struct kernel_symbol clash_kernel[] = {
		{ 0xb000, "bar_one", 1, 0 }, { 0xb100, "bar_two", 2, 0 }, { 0xb200, "printk", 3, 0 },
	};
	static const struct kernel_symbol clash_self[] = {
		{ 0xb000, "baz_one", 1, 0 }, { 0xb100, "baz_one", 2, 0 },
	};
	static const struct kernel_symbol unnamed[] = { { 0xb000, "ok", 1, 0 }, { 0xb100, NULL, 2, 0 } };
	static const struct kernel_symbol b_syms[] = { { 0xc000, "shared_fn", 1, 0 } };

	CHECK(export_add_module_symbols(MOD_A, "bar", clash_kernel, 3) == -EEXIST);
	CHECK(strstr(unit_last_msg, "bar: exports duplicate symbol printk (owned by keel)") != NULL);
	CHECK(export_lookup("bar_one") == NULL && export_lookup("bar_two") == NULL);
	CHECK(export_lookup("printk")->addr == 0x1000 && export_count() == 3);
	CHECK(export_add_module_symbols(MOD_A, "baz", clash_self, 2) == -EEXIST);
	CHECK(export_lookup("baz_one") == NULL && export_count() == 3);
	CHECK(export_add_module_symbols(MOD_A, "u", unnamed, 2) == -EINVAL);
	CHECK(export_lookup("ok") == NULL);
	CHECK(export_add_module_symbols(MOD_B, "b", b_syms, 1) == 0);
	CHECK(export_add_module_symbols(MOD_A, "a", b_syms, 1) == -EEXIST);
	CHECK(strstr(unit_last_msg, "owned by b") != NULL);
	CHECK(export_add_module_symbols(NULL, "x", b_syms, 1) == -EINVAL);
	export_remove_module(MOD_B);
	CHECK(export_count() == 3);
}

#define MANY 10000

static void test_many_symbols(void)
{
	struct kernel_symbol *syms = calloc(MANY, sizeof(*syms));
	char (*names)[24] = calloc(MANY, sizeof(*names));
	bool all_found = true;

	for (int i = 0; i < MANY; i++) {
		snprintf(names[i], sizeof(names[i]), "sym_%d", i);
		syms[i] = (struct kernel_symbol){ 0x100000 + i, names[i], (u32)i, i & 1 };
	}
	CHECK(export_add_module_symbols(MOD_A, "many", syms, MANY) == 0);
	CHECK(export_count() == MANY + 3);
	for (int i = 0; i < MANY; i++) {
		const struct export_entry *e = export_lookup(names[i]);

		if (!e || e->addr != (unsigned long)(0x100000 + i) || e->crc != (u32)i ||
		    e->gpl_only != (i & 1))
			all_found = false;
	}
	CHECK(all_found);
	CHECK(export_lookup("sym_10000") == NULL && export_lookup("printk") != NULL);
	/* A later clash on the last entry must not leave the other 9,999 behind. */
	syms[MANY - 1].name = "kmalloc";
	CHECK(export_add_module_symbols(MOD_B, "many2", syms, MANY) == -EEXIST);
	CHECK(export_count() == MANY + 3);
	export_remove_module(MOD_A);
	CHECK(export_count() == 3 && export_lookup("sym_5000") == NULL);
	CHECK(export_add_module_symbols(MOD_B, "many2", syms, MANY - 1) == 0);
	CHECK(export_lookup("sym_9998") != NULL);
	export_remove_module(MOD_B);
	CHECK(export_count() == 3);
	free(syms);
	free(names);
}

static void test_version_checks(void)
{
	struct modversion_info vers[2] = { { 0x11111111, "printk" }, { 0x12345678, "kmalloc" } };
	struct export_user user = { .name = "hello", .gpl_compatible = true, .versions = vers,
				     .nr_versions = 2 };
	const struct export_entry *e = NULL;

	CHECK(export_resolve(&user, "printk", &e) == 0 && e && e->addr == 0x1000);
	CHECK(export_resolve(&user, "kmalloc", &e) == -EINVAL);
	CHECK(strstr(unit_last_msg, "hello: disagrees about version of symbol kmalloc") != NULL);
	CHECK(export_resolve(&user, "request_irq", &e) == -EINVAL);
	CHECK(strstr(unit_last_msg, "hello: no symbol version for request_irq") != NULL);
	CHECK(export_resolve(&user, "nonexistent", &e) == -ENOENT);
	CHECK(strstr(unit_last_msg, "hello: Unknown symbol nonexistent") != NULL);
	user.versions = NULL;
	CHECK(export_check_version(&user, export_lookup("printk")) == -EINVAL);
	/* A name that fills the whole field without a NUL never matches. */
	memset(vers[0].name, 'x', sizeof(vers[0].name));
	user.versions = vers;
	CHECK(export_check_version(&user, export_lookup("printk")) == -EINVAL);
}

static void test_license_checks(void)
{
	struct modversion_info vers[1] = { { 0x33333333, "request_irq" } };
	struct export_user user = { .name = "prop", .gpl_compatible = false, .versions = vers,
				     .nr_versions = 1 };
	const struct export_entry *e = NULL;

	CHECK(export_resolve(&user, "request_irq", &e) == -EPERM);
	CHECK(strstr(unit_last_msg, "prop: module is not GPL-compatible but uses GPL-only symbol "
			       "request_irq") != NULL);
	CHECK(export_check_license(&user, export_lookup("printk")) == 0);
	user.gpl_compatible = true;
	CHECK(export_resolve(&user, "request_irq", &e) == 0 && e->addr == 0x3000);
}

int main(void)
{
	test_kernel_table();
	test_module_add_remove();
	test_duplicates_all_or_nothing();
	test_many_symbols();
	test_version_checks();
	test_license_checks();
	export_table_destroy();
	CHECK(export_count() == 0 && export_lookup("printk") == NULL);
	return unit_summary();
}
