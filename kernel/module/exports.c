/*
 * The export table: a chained hash table (FNV-1a, power-of-two buckets, grown to keep the load
 * factor at most 1) of the symbols modules may link against, plus the licence and modversions
 * checks. Each owner's symbols live in one allocation (an export_batch), so adding is
 * all-or-nothing and removing an owner is one walk over its own entries.
 */
#include <keel/errno.h>
#include <keel/overflow.h>
#include <keel/printk.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "module/exports.h"

#define MIN_BUCKETS 64
#define KERNEL_OWNER_NAME "keel"

struct export_node {
	struct export_entry entry;
	struct export_node *next; /* bucket chain */
};

struct export_batch {
	struct module *owner;
	size_t count;
	struct export_batch *next;
	char *owner_name;
	struct export_node nodes[];
};

static struct export_node **buckets;
static size_t bucket_count; /* a power of two, or 0 before init */
static size_t symbol_count;
static struct export_batch *batches;

static u64 fnv1a(const char *s)
{
	u64 h = 0xcbf29ce484222325ull;

	while (*s) {
		h ^= (u8)*s++;
		h *= 0x100000001b3ull;
	}
	return h;
}

static struct export_node **bucket_of(const char *name)
{
	return &buckets[fnv1a(name) & (bucket_count - 1)];
}

const struct export_entry *export_lookup(const char *name)
{
	struct export_node *node;

	if (!bucket_count || !name)
		return NULL;
	for (node = *bucket_of(name); node; node = node->next)
		if (strcmp(node->entry.name, name) == 0)
			return &node->entry;
	return NULL;
}

size_t export_count(void)
{
	return symbol_count;
}

/* Makes room for `wanted` symbols; keeps the old table (just slower) when memory is short. */
static void grow_table(size_t wanted)
{
	size_t new_count = bucket_count ? bucket_count : MIN_BUCKETS;
	struct export_node **old = buckets, **new_buckets;
	size_t old_count = bucket_count;

	while (new_count < wanted)
		new_count *= 2;
	if (new_count == bucket_count)
		return;
	new_buckets = kcalloc(new_count, sizeof(*new_buckets), GFP_KERNEL);
	if (!new_buckets)
		return;
	buckets = new_buckets;
	bucket_count = new_count;
	for (size_t i = 0; i < old_count; i++) {
		struct export_node *node = old[i], *next;

		for (; node; node = next) {
			struct export_node **head = bucket_of(node->entry.name);

			next = node->next;
			node->next = *head;
			*head = node;
		}
	}
	kfree(old);
}

static void unlink_node(struct export_node *victim)
{
	struct export_node **link = bucket_of(victim->entry.name);

	while (*link && *link != victim)
		link = &(*link)->next;
	if (*link)
		*link = victim->next;
	symbol_count--;
}

static void fill_node(struct export_node *node, const struct kernel_symbol *sym,
		      struct export_batch *batch)
{
	node->entry.addr = sym->addr;
	node->entry.name = sym->name;
	node->entry.crc = sym->crc;
	node->entry.gpl_only = sym->flags & KSYM_FLAG_GPL_ONLY;
	node->entry.owner = batch->owner;
	node->entry.owner_name = batch->owner_name;
}

static int insert_node(struct export_batch *batch, struct export_node *node,
		       const struct kernel_symbol *sym)
{
	const struct export_entry *old;
	struct export_node **head;

	if (!sym->name || !sym->name[0]) {
		pr_err("%s: export #%zu has no name\n", batch->owner_name,
		       (size_t)(node - batch->nodes));
		return -EINVAL;
	}
	old = export_lookup(sym->name);
	if (old) {
		pr_err("%s: exports duplicate symbol %s (owned by %s)\n", batch->owner_name,
		       sym->name, old->owner_name);
		return -EEXIST;
	}
	fill_node(node, sym, batch);
	head = bucket_of(node->entry.name);
	node->next = *head;
	*head = node;
	symbol_count++;
	return 0;
}

/* Inserts the batch's symbols one by one; on a clash takes back the ones already inserted. */
static int insert_batch(struct export_batch *batch, const struct kernel_symbol *syms)
{
	for (size_t i = 0; i < batch->count; i++) {
		int err = insert_node(batch, &batch->nodes[i], &syms[i]);

		if (err) {
			while (i--)
				unlink_node(&batch->nodes[i]);
			return err;
		}
	}
	return 0;
}

static struct export_batch *alloc_batch(struct module *owner, const char *owner_name, size_t n)
{
	size_t name_len = strlen(owner_name) + 1;
	struct export_batch *batch;

	/* Saturates at SIZE_MAX on overflow, which kzalloc refuses. */
	batch = kzalloc(size_add(struct_size(batch, nodes, n), name_len), GFP_KERNEL);
	if (!batch)
		return NULL;
	batch->owner = owner;
	batch->count = n;
	batch->owner_name = (char *)&batch->nodes[n];
	memcpy(batch->owner_name, owner_name, name_len);
	return batch;
}

static int add_symbols(struct module *owner, const char *owner_name,
		       const struct kernel_symbol *syms, size_t n)
{
	struct export_batch *batch;
	int err;

	if (!n)
		return 0;
	batch = alloc_batch(owner, owner_name, n);
	if (!batch)
		return -ENOMEM;
	grow_table(symbol_count + n);
	if (!bucket_count) {
		kfree(batch);
		return -ENOMEM;
	}
	err = insert_batch(batch, syms);
	if (err) {
		kfree(batch);
		return err;
	}
	batch->next = batches;
	batches = batch;
	return 0;
}

int export_add_module_symbols(struct module *owner, const char *modname,
			      const struct kernel_symbol *syms, size_t n)
{
	if (!owner || !modname || (n && !syms))
		return -EINVAL;
	return add_symbols(owner, modname, syms, n);
}

void export_remove_module(struct module *owner)
{
	struct export_batch **link = &batches;

	while (*link) {
		struct export_batch *batch = *link;

		if (batch->owner != owner || !owner) {
			link = &batch->next;
			continue;
		}
		for (size_t i = 0; i < batch->count; i++)
			unlink_node(&batch->nodes[i]);
		*link = batch->next;
		kfree(batch);
	}
}

int export_table_init_range(const struct kernel_symbol *start, const struct kernel_symbol *end)
{
	size_t n = end > start ? (size_t)(end - start) : 0;
	int err;

	grow_table(2 * n);
	if (!bucket_count)
		return -ENOMEM;
	err = add_symbols(NULL, KERNEL_OWNER_NAME, start, n);
	if (err)
		pr_err("exports: cannot build the export table (%s)\n", errno_name(-err));
	return err;
}

#ifndef KEEL_HOST_TEST
extern const struct kernel_symbol __ksymtab_start[], __ksymtab_end[];

int export_table_init(void)
{
	int err = export_table_init_range(__ksymtab_start, __ksymtab_end);

	if (!err)
		pr_info("exports: %zu kernel symbols exported\n", export_count());
	return err;
}
#endif

void export_table_destroy(void)
{
	while (batches) {
		struct export_batch *next = batches->next;

		kfree(batches);
		batches = next;
	}
	kfree(buckets);
	buckets = NULL;
	bucket_count = 0;
	symbol_count = 0;
}

static bool version_name_ok(const struct modversion_info *v)
{
	return strnlen(v->name, MODULE_NAME_LEN) < MODULE_NAME_LEN;
}

/* modpost writes __versions sorted by name; checked once per module, then searched in
 * O(log n), so linking stays linear in relocations rather than quadratic in symbols. */
bool export_versions_sorted(const struct modversion_info *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!version_name_ok(&v[i]) || (i && strcmp(v[i - 1].name, v[i].name) >= 0))
			return false;
	return true;
}

/* The CRC the module recorded for name, or false when it has none. */
static bool find_module_crc(const struct export_user *user, const char *name, unsigned long *crc)
{
	size_t lo = 0, hi = user->nr_versions;

	while (user->versions_sorted && lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strcmp(user->versions[mid].name, name);

		if (cmp == 0) {
			*crc = user->versions[mid].crc;
			return true;
		}
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = 0; !user->versions_sorted && i < user->nr_versions; i++) {
		const struct modversion_info *v = &user->versions[i];

		if (version_name_ok(v) && strcmp(v->name, name) == 0) {
			*crc = v->crc;
			return true;
		}
	}
	return false;
}

int export_check_version(const struct export_user *user, const struct export_entry *exp)
{
	unsigned long crc;

	if (!user->versions || !find_module_crc(user, exp->name, &crc)) {
		pr_err("%s: no symbol version for %s\n", user->name, exp->name);
		return -EINVAL;
	}
	if (crc != exp->crc) {
		pr_err("%s: disagrees about version of symbol %s (module 0x%08lx, %s 0x%08x)\n",
		       user->name, exp->name, crc, exp->owner_name, exp->crc);
		return -EINVAL;
	}
	return 0;
}

int export_check_license(const struct export_user *user, const struct export_entry *exp)
{
	if (!exp->gpl_only || user->gpl_compatible)
		return 0;
	pr_err("%s: module is not GPL-compatible but uses GPL-only symbol %s (exported by %s)\n",
	       user->name, exp->name, exp->owner_name);
	return -EPERM;
}

int export_resolve(const struct export_user *user, const char *symname,
		   const struct export_entry **out)
{
	const struct export_entry *exp = export_lookup(symname);
	int err;

	if (!exp) {
		pr_err("%s: Unknown symbol %s\n", user->name, symname);
		return -ENOENT;
	}
	err = export_check_license(user, exp);
	if (!err)
		err = export_check_version(user, exp);
	if (!err)
		*out = exp;
	return err;
}
