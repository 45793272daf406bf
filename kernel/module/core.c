/*
 * The list of loaded modules, who uses whom, reference counts, exports of live modules, and
 * unloading. module_mutex serialises changes to the list and the exports (any task may load
 * or unload); it is dropped while a module's init or exit runs, so an init may load other
 * modules (pci.ko autoloading drivers) and a slow init does not block lsmod.
 */
#include <keel/cdev.h>
#include <keel/proc_fs.h>
#include <keel/bug.h>
#include <keel/console.h>
#include <keel/device.h>
#include <keel/errno.h>
#include <keel/mutex.h>
#include <keel/printk.h>
#include <keel/shell.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "cpu/cpu.h"
#include "input/input_core.h"
#include "irq/irq.h"
#include "mm/mm.h"
#include "sched/sched.h"
#include "sched/workqueue_internal.h"
#include "time/time.h"
#include "module/exports.h"
#include "module/module_internal.h"
#include "module/params.h"
#include "tty/tty_core.h"

static struct module *modules; /* newest first, like Linux's /proc/modules */
DEFINE_MUTEX(module_mutex);

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

/* modinfo_for_each() callback: keeps the first licence that is not GPL-compatible. */
static int find_non_gpl_license(const char *value, size_t len, void *arg)
{
	struct modinfo_field *f = arg;

	if (modinfo_license_is_gpl(value, len))
		return 0;
	f->str = value;
	f->len = len;
	return 1;
}

/* Names the licence that taints (of several, the first non-GPL one), as Linux's message. */
void module_account_taint(struct module *mod)
{
	struct modinfo_field lic = { NULL, 0 };

	if (mod->gpl_compatible)
		return;
	modinfo_for_each(&mod->info, "license", find_non_gpl_license, &lic);
	if (!(kernel_taints() & (1UL << TAINT_PROPRIETARY_MODULE)))
		pr_warn("%s: module license '%.*s' taints kernel.\n", mod->name,
			lic.str ? (int)strnlen(lic.str, lic.len) : (int)strlen("unspecified"),
			lic.str ? lic.str : "unspecified");
	mod->taints |= 1UL << TAINT_PROPRIETARY_MODULE;
	add_taint(TAINT_PROPRIETARY_MODULE);
}

/*
 * Timers and works may each start the other (a timer callback queues a work, a work re-arms a
 * timer or queues a delayed work), so both are released in rounds until one finds nothing
 * left. Works go first once, so a delayed work is reported as a work (naming its function)
 * rather than as its timer. A round that finds nothing means no module code is running or
 * pending in either.
 */
#define RELEASE_ROUNDS_MAX 16
static void module_release_deferred(struct module *mod, unsigned long start, unsigned long end)
{
	unsigned int n, rounds = 0;

	work_release_range(start, end, mod->name);
	do {
		n = timer_release_range(start, end, mod->name);
		n += work_release_range(start, end, mod->name);
	} while (n && ++rounds < RELEASE_ROUNDS_MAX);
	if (n)
		pr_err("%s: timers and works keep re-arming each other; gave up after %u rounds\n",
		       mod->name, rounds);
}

/*
 * Order: threads first, while everything they may be waiting on (IRQs, timers, works) still
 * works, so that a thread can reach its kthread_should_stop() check; until the memory goes,
 * module code running meanwhile is harmless. Then IRQ handlers (which may arm timers, queue
 * works and wake threads), then timers and works together. What is left (shell commands,
 * consoles, ttys, input) is only reached from task context through registration.
 */
unsigned int module_release_resources(struct module *mod)
{
	unsigned long start = (unsigned long)mod->mem;
	unsigned long end = start + mod->layout.total_size;
	unsigned int stuck, n;

	stuck = kthread_release_range(start, end, mod->name);
	irq_release_range(start, end, mod->name);
	module_release_deferred(mod, start, end);
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
	n = proc_release_range(start, end);
	if (n)
		pr_warn("%s: %u /proc entr%s left behind; removed\n", mod->name, n,
			n == 1 ? "y was" : "ies were");
	n = devtmpfs_release_range(start, end);
	if (n)
		pr_warn("%s: %u /dev node(s) were left behind; removed\n", mod->name, n);
	n = chrdev_release_range(start, end);
	if (n)
		pr_warn("%s: %u character device(s)/region(s) were still registered; removed\n",
			mod->name, n);
	n = input_release_range(start, end);
	if (n)
		pr_warn("%s: %u input device(s)/handler(s) were still registered; removed\n",
			mod->name, n);
	/* Last: the releases above may still read structures the module allocated. A module
	 * with a stuck thread keeps its heap blocks too: the thread may still use them. */
	if (!stuck)
		kmalloc_release_range(start, end, mod->name);
	return stuck;
}

/*
 * A module with a thread that would not stop still runs code in its memory: it stays listed,
 * "Unloading" (so nothing can link against it or load it again), with its memory, structure
 * and parameters kept for good. Its exports go (nobody used them, or rmmod would have refused).
 */
void module_keep_stuck(struct module *mod, unsigned int stuck)
{
	mod->state = MODULE_STATE_GOING;
	mod->stuck_threads = stuck;
	if (mod->exports_added) {
		export_remove_module(mod);
		mod->exports_added = false;
	}
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
	if (module_check_unpinned(mod))
		return -EBUSY;
	/* Its works and threads hold no reference: refuse from their stacks (their exit-time
	 * cancel or stop would wait for the very code calling us). */
	if (stack_returns_into((unsigned long)mod->mem,
			       (unsigned long)mod->mem + mod->layout.total_size)) {
		pr_err("rmmod: %s is in use (called from its own code)\n", mod->name);
		return -EBUSY;
	}
	if (mod->init && !mod->exit) {
		pr_err("rmmod: %s has an init function but no exit function: it is permanent\n",
		       mod->name);
		return -EPERM;
	}
	return 0;
}

/* Frees everything load_module() set up for a module that went live; -EBUSY when one of its
 * threads would not stop (the module is then kept, see module_keep_stuck). */
static int module_free(struct module *mod)
{
	unsigned int stuck = module_release_resources(mod);

	if (stuck) {
		module_keep_stuck(mod, stuck);
		return -EBUSY;
	}
	module_list_del(mod);
	if (mod->exports_added)
		export_remove_module(mod);
	params_free(mod->params, mod->num_params);
	module_area_free(mod->mem, mod->layout.total_size);
	module_free_struct(mod);
	return 0;
}

int delete_module(const char *name)
{
	struct module *mod;
	int err;

	mutex_lock(&module_mutex);
	mod = find_module(name);
	if (!mod) {
		pr_err("rmmod: %s: no such module loaded\n", name);
		err = -ENOENT;
		goto out_unlock;
	}
	err = module_check_removable(mod);
	if (err)
		goto out_unlock;
	/* GOING from here on: nothing links to it, loads it again or calls into it anew. */
	err = module_try_stop(mod);
	if (err)
		goto out_unlock;
	mutex_unlock(&module_mutex);
	if (mod->exit)
		mod->exit();
	mutex_lock(&module_mutex);
	err = module_free(mod);
out_unlock:
	mutex_unlock(&module_mutex);
	return err;
}
