/*
 * The export table: every symbol the base kernel and loaded modules offer to modules, with
 * the checks the loader makes when a module links against one (licence, modversions CRC).
 *
 * Lifetime: export_table_init() once at boot (after mm_init), before any module loads.
 * Entries returned by export_lookup() stay valid until their owner is removed with
 * export_remove_module(); base-kernel entries (owner NULL) live forever. Not thread-safe:
 * callers serialise module loading and unloading (as the loader does).
 */
#ifndef KEEL_MODULE_EXPORTS_H
#define KEEL_MODULE_EXPORTS_H

#include <keel/export.h>
#include <keel/module.h>
#include <keel/types.h>

struct export_entry {
	unsigned long addr;
	const char *name;        /* points into the owner's string table */
	u32 crc;                 /* modversions CRC of the declaration */
	bool gpl_only;           /* EXPORT_SYMBOL_GPL */
	struct module *owner;    /* NULL for the base kernel */
	const char *owner_name;  /* "keel" or the module's name, for messages */
};

/* Builds the table from the kernel's __ksymtab. 0, or -ENOMEM / -EEXIST (duplicate name). */
int export_table_init(void);
/* Same from an explicit array (host tests; the kernel uses __ksymtab_start..__ksymtab_end). */
int export_table_init_range(const struct kernel_symbol *start, const struct kernel_symbol *end);
/* Frees the whole table (host tests, or a failed boot-time init). */
void export_table_destroy(void);

/* The entry for name, or NULL. O(1) on average. */
const struct export_entry *export_lookup(const char *name);
/* Number of symbols in the table. */
size_t export_count(void);

/*
 * Adds a module's exports (its relocated "__ksymtab" section: n entries). All or nothing: if
 * any name is already exported (by anyone, or twice in syms), nothing is added, an error
 * naming the symbol and its current owner is printed and -EEXIST returned. syms and the
 * strings it points to must stay valid until export_remove_module(owner); modname is copied.
 * -EINVAL for a NULL/empty name, -ENOMEM when out of memory.
 */
int export_add_module_symbols(struct module *owner, const char *modname,
			      const struct kernel_symbol *syms, size_t n);
/* Removes every symbol owner added; a no-op when it added none. */
void export_remove_module(struct module *owner);

/* The module that is resolving its undefined symbols against the table. */
struct export_user {
	const char *name;                        /* module name, for messages */
	bool gpl_compatible;                     /* modinfo_license_is_gpl() of its licence */
	const struct modversion_info *versions;  /* its "__versions" section, or NULL */
	size_t nr_versions;                      /* section size / sizeof(struct modversion_info) */
	bool versions_sorted;                    /* export_versions_sorted(): binary search */
};

/* True when every name is terminated and the entries are strictly sorted by name. */
bool export_versions_sorted(const struct modversion_info *v, size_t n);

/*
 * Compares the CRC the module recorded for exp->name in its __versions with the export's.
 * 0 when equal; else prints "<mod>: disagrees about version of symbol <sym>" (or "no symbol
 * version for <sym>" when the module has no entry for it) and returns -EINVAL.
 */
int export_check_version(const struct export_user *user, const struct export_entry *exp);
/* 0, or -EPERM with a message naming the symbol when a non-GPL module uses a GPL-only one. */
int export_check_license(const struct export_user *user, const struct export_entry *exp);
/*
 * Looks symname up and applies both checks: 0 with *out set, -ENOENT ("<mod>: Unknown symbol
 * <sym>"), -EPERM or -EINVAL as above. The loader calls this for each undefined symbol except
 * __this_module, which it resolves to the module's own struct module.
 */
int export_resolve(const struct export_user *user, const char *symname,
		   const struct export_entry **out);

#endif
