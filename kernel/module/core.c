/*
 * The list of loaded modules, who uses whom, reference counts, exports of live modules, and
 * unloading. Loading and unloading are serialised by construction: they run from the shell
 * or at boot, never from interrupt context.
 */
#include <keel/bug.h>
#include <keel/console.h>
#include <keel/device.h>
#include <keel/errno.h>
#include <keel/printk.h>
#include <keel/shell.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "input/input_core.h"
#include "irq/irq.h"
#include "mm/mm.h"
#include "module/exports.h"
#include "module/module_internal.h"
#include "module/params.h"
#include "tty/tty_core.h"

static struct module *modules; /* newest first, like Linux's /proc/modules */

struct module *module_list_first(void)
{
	return modules;
}

void module_list_add(struct module *mod)
{
	mod->next = modules;
	modules = mod;
}

void module_list_del(struct module *mod)
{
	for (struct module **pp = &modules; *pp; pp = &(*pp)->next) {
		if (*pp == mod) {
			*pp = mod->next;
			return;
		}
	}
}

struct module *find_module(const char *name)
{
	for (struct module *m = modules; m; m = m->next)
		if (strcmp(m->name, name) == 0)
			return m;
	return NULL;
}

bool module_uses(const struct module *user, const struct module *target)
{
	for (unsigned int i = 0; i < user->num_uses; i++)
		if (user->uses[i] == target)
			return true;
	return false;
}

unsigned int module_users(const struct module *mod, struct module **first_user)
{
	unsigned int n = 0;

	for (struct module *m = modules; m; m = m->next) {
		if (module_uses(m, mod)) {
			if (n == 0 && first_user)
				*first_user = m;
			n++;
		}
	}
	return n;
}

const char *module_state_name(enum module_state state)
{
	switch (state) {
	case MODULE_STATE_LOADING: return "Loading";
	case MODULE_STATE_LIVE: return "Live";
	case MODULE_STATE_GOING: return "Unloading";
	}
	return "?";
}

/* A module on its way out can no longer be pinned; NULL (built-in code) always can. */
bool try_module_get(struct module *mod)
{
	if (!mod)
		return true;
	if (mod->state == MODULE_STATE_GOING)
		return false;
	mod->refcnt++;
	return true;
}
EXPORT_SYMBOL(try_module_get);

void module_put(struct module *mod)
{
	if (!mod)
		return;
	if (WARN_ON(mod->refcnt <= 0))
		return;
	mod->refcnt--;
}
EXPORT_SYMBOL(module_put);

int module_add_exports(struct module *mod, const struct load_info *info)
{
	int idx = module_find_section(info, "__ksymtab");
	const struct kernel_symbol *syms;
	int err;

	if (idx < 0 || mod->nr_ksyms == 0)
		return 0;
	syms = module_section_mem(info, idx);
	err = export_add_module_symbols(mod, mod->name, syms, mod->nr_ksyms);
	if (err)
		return err;
	mod->exports_added = true;
	return 0;
}

void module_account_taint(struct module *mod)
{
	const struct modinfo_field *lic = &mod->info.license;

	if (mod->gpl_compatible)
		return;
	if (!(kernel_taints() & (1UL << TAINT_PROPRIETARY_MODULE)))
		pr_warn("%s: module license '%.*s' taints kernel.\n", mod->name,
			lic->str ? (int)strnlen(lic->str, lic->len) : 7,
			lic->str ? lic->str : "unspecified");
	mod->taints |= 1UL << TAINT_PROPRIETARY_MODULE;
	add_taint(TAINT_PROPRIETARY_MODULE);
}

void module_release_resources(struct module *mod)
{
	unsigned long start = (unsigned long)mod->mem;
	unsigned long end = start + mod->layout.total_size;
	unsigned int n;

	irq_release_range(start, end, mod->name);
	n = shell_unregister_range(start, end);
	if (n)
		pr_warn("%s: %u shell command(s) were still registered; removed\n", mod->name, n);
	n = unregister_console_range(start, end);
	if (n)
		pr_warn("%s: %u console(s) were still registered; removed\n", mod->name, n);
	n = tty_release_range(start, end);
	if (n)
		pr_warn("%s: %u tty(s)/line discipline(s) were still registered; removed\n",
			mod->name, n);
	n = input_release_range(start, end);
	if (n)
		pr_warn("%s: %u input device(s)/handler(s) were still registered; removed\n",
			mod->name, n);
}

static int module_check_removable(struct module *mod)
{
	struct module *user = NULL;
	unsigned int users = module_users(mod, &user);

	if (mod->state != MODULE_STATE_LIVE) {
		pr_err("rmmod: %s is %s\n", mod->name, module_state_name(mod->state));
		return -EBUSY;
	}
	if (users) {
		pr_err("rmmod: %s is in use by: %s%s\n", mod->name, user->name,
		       users > 1 ? " and others (see lsmod)" : "");
		return -EBUSY;
	}
	if (driver_module_in_use(mod)) {
		pr_err("rmmod: %s: its devices are in use by another module\n", mod->name);
		return -EBUSY;
	}
	if (mod->refcnt) {
		pr_err("rmmod: %s is in use (%d reference%s held)\n", mod->name, mod->refcnt,
		       mod->refcnt == 1 ? "" : "s");
		return -EBUSY;
	}
	if (mod->init && !mod->exit) {
		pr_err("rmmod: %s has an init function but no exit function: it is permanent\n",
		       mod->name);
		return -EPERM;
	}
	return 0;
}

/* Frees everything load_module() set up for a module that went live. */
static void module_free(struct module *mod)
{
	module_release_resources(mod);
	module_list_del(mod);
	if (mod->exports_added)
		export_remove_module(mod);
	params_free(mod->params, mod->num_params);
	module_area_free(mod->mem, mod->layout.total_size);
	module_free_struct(mod);
}

int delete_module(const char *name)
{
	struct module *mod = find_module(name);
	int err;

	if (!mod) {
		pr_err("rmmod: %s: no such module loaded\n", name);
		return -ENOENT;
	}
	err = module_check_removable(mod);
	if (err)
		return err;
	mod->state = MODULE_STATE_GOING;
	if (mod->exit)
		mod->exit();
	module_free(mod);
	return 0;
}
